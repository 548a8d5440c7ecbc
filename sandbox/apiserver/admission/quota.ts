/**
 * The ResourceQuota admission plugin for pods (plugin/pkg/admission/resourcequota and the pod
 * evaluator): a quota on cpu/memory requires every container to state them ("failed quota"),
 * and a pod that would take usage past `spec.hard` is refused ("exceeded quota"), with the
 * resources printed as the real plugin prints them. Usage is counted from the store at the
 * moment of the request: what a quota controller that is never behind would put in
 * `status.used`. Quotas with `scopes` or a `scopeSelector` are not enforced.
 */
import { addQuantities, formatQuantity, parseQuantity, type Quantity } from './quantity.js';

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are schemaless JSON here.
type Json = any;
type Usage = Map<string, Quantity>;

/** The resources a quota may only hold when every container states them (validationSet). */
const mustBeStated = ['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];
const podResources = new Set(['pods', 'count/pods', ...mustBeStated]);

/** One container's usage; requests default to limits, as the API server defaults them. */
function containerUsage(container: Json): Usage {
  const usage: Usage = new Map();
  const limits = container?.resources?.limits ?? {};
  const requests = { ...limits, ...(container?.resources?.requests ?? {}) };
  for (const resource of ['cpu', 'memory']) {
    const request = parseQuantity(requests[resource]);
    if (request) {
      usage.set(resource, request);
      usage.set(`requests.${resource}`, request);
    }
    const limit = parseQuantity(limits[resource]);
    if (limit) usage.set(`limits.${resource}`, limit);
  }
  return usage;
}

/** What a pod counts against a quota: the containers' sum, or the largest init container if more. */
export function podUsage(pod: Json): Usage {
  const usage: Usage = new Map([
    ['pods', { milli: 1000, format: 'DecimalSI' }],
    ['count/pods', { milli: 1000, format: 'DecimalSI' }],
  ]);
  const sum: Usage = new Map();
  for (const container of pod?.spec?.containers ?? []) {
    for (const [name, q] of containerUsage(container)) sum.set(name, addQuantities(sum.get(name), q));
  }
  for (const init of pod?.spec?.initContainers ?? []) {
    for (const [name, q] of containerUsage(init)) {
      const current = sum.get(name);
      if (!current || q.milli > current.milli) sum.set(name, { ...q });
    }
  }
  for (const [name, q] of sum) usage.set(name, q);
  return usage;
}

const isCounted = (pod: Json) => pod?.status?.phase !== 'Succeeded' && pod?.status?.phase !== 'Failed';

/** A quota's `status.used` for pod resources, from the pods that exist now. */
export function usedBy(quota: Json, pods: Json[]): Usage {
  const used: Usage = new Map();
  const hard = Object.keys(quota?.spec?.hard ?? {}).filter((r) => podResources.has(r));
  for (const resource of hard) {
    const format = parseQuantity(quota.spec.hard[resource])?.format ?? 'DecimalSI';
    used.set(resource, { milli: 0, format });
  }
  for (const pod of pods.filter(isCounted)) {
    for (const [name, q] of podUsage(pod)) {
      if (used.has(name)) used.set(name, addQuantities(used.get(name), q));
    }
  }
  return used;
}

function prettyPrint(usage: Usage, names: string[]): string {
  return [...names]
    .sort()
    .map((name) => `${name}=${formatQuantity(usage.get(name) ?? { milli: 0, format: 'DecimalSI' })}`)
    .join(',');
}

/** Which containers leave a quota'd resource unstated: `must specify limits.cpu for: app; ...`. */
function missingStatements(quota: Json, pod: Json): string | undefined {
  const required = mustBeStated.filter((r) => quota?.spec?.hard?.[r] !== undefined);
  const missing = new Map<string, string[]>();
  for (const container of [...(pod?.spec?.containers ?? []), ...(pod?.spec?.initContainers ?? [])]) {
    const stated = containerUsage(container);
    for (const resource of required) {
      if (stated.has(resource)) continue;
      missing.set(resource, [...(missing.get(resource) ?? []), container.name]);
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()]
    .sort()
    .map((resource) => `${resource} for: ${[...new Set(missing.get(resource))].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

/** The plugin's error for this pod, or undefined when every quota of the namespace admits it. */
export function quotaRefusal(quotas: Json[], pod: Json, podsInNamespace: Json[]): string | undefined {
  const enforced = quotas
    .filter((q) => !q?.spec?.scopes?.length && !q?.spec?.scopeSelector)
    .filter((q) => Object.keys(q?.spec?.hard ?? {}).some((r) => podResources.has(r)));
  for (const quota of enforced) {
    const missing = missingStatements(quota, pod);
    if (missing) return `failed quota: ${quota.metadata.name}: ${missing}`;
  }
  const delta = podUsage(pod);
  for (const quota of enforced) {
    const used = usedBy(quota, podsInNamespace);
    const exceeded: string[] = [];
    const hard: Usage = new Map();
    for (const [resource, requested] of delta) {
      const limit = parseQuantity(quota.spec.hard[resource]);
      if (!limit) continue;
      hard.set(resource, limit);
      if ((used.get(resource)?.milli ?? 0) + requested.milli > limit.milli) exceeded.push(resource);
    }
    if (exceeded.length > 0) {
      return `exceeded quota: ${quota.metadata.name}, requested: ${prettyPrint(delta, exceeded)}, used: ${prettyPrint(used, exceeded)}, limited: ${prettyPrint(hard, exceeded)}`;
    }
  }
  return undefined;
}
