import type { Logger } from '../log.js';
import { formatLocation } from '../manifests/errors.js';
import { isRecord } from '../records.js';
import { ApiError, type KubeApi } from './kube-api.js';
import { canonical, describeRef, type Json } from './objects.js';
import { PlanError, type PlannedObject } from './plan.js';
import { distinctTemplates, dryRunPod, isQuotaOrLimits } from './pod-security.js';
import { formatQuantity, parseQuantity, type Quantity } from './quantity.js';

/*
 * Quota and limits in the plan. ResourceQuota and LimitRange are checked by the API server on
 * Pods only, so a release whose pods cannot fit is accepted (by its dry run too) and fails once
 * its ReplicaSets are refused. The plan asks the cluster what it can answer for one pod: a
 * dry-run Pod of each changed template, which LimitRanger fills in (defaults) and judges, and
 * which ResourceQuota refuses when not even one more pod fits. What one pod cannot show — the
 * rollout's surge, several workloads at once — is added up here from those admitted pods and
 * set against each quota's status (hard minus used, as the quota controller keeps it).
 */

type Usage = Map<string, Quantity>;

/**
 * Quota refusals that depend on the quota's state now, not on the pod: one more pod does not fit
 * (`exceeded quota`), or the quota controller has not counted yet (`status unknown for quota`).
 * A real server's ResourceQuota admission judges dry runs like real creates and only skips
 * updating the usage (resourcequota/controller.go: "Don't update quota for admissionAttributes
 * that correspond to dry-run requests"), so these come from the dry-run pods as they would from
 * the ReplicaSet's.
 */
const QUOTA_STATE = /(exceeded quota|status unknown for quota|insufficient quota to consume): /;

/** The kinds whose new pods are counted, and how many new pods a change makes at once. */
const COUNTED = new Set([
  'apps/v1/Deployment',
  'apps/v1/StatefulSet',
  'apps/v1/ReplicaSet',
  'v1/ReplicationController',
  'batch/v1/Job',
  'v1/Pod',
]);

/** The quota resources a pod is counted against (the pod evaluator's). */
const POD_RESOURCES = new Set([
  'pods',
  'count/pods',
  'cpu',
  'memory',
  'requests.cpu',
  'requests.memory',
  'limits.cpu',
  'limits.memory',
]);

interface Constraints {
  quotas: Json[];
  limitRanges: Json[];
}

/** A workload's new pods: how many exist at once at the rollout's start, and at its end. */
export interface Demand {
  owner: PlannedObject;
  perPod: Usage;
  /** New pods created before any old one goes (the surge), all old pods still counted. */
  first: number;
  /** Pods at the end, and the old ones they replace (with their usage, where known). */
  replicas: number;
  oldReplicas: number;
  oldPerPod: Usage;
  /** Resources the old pods use that are not known here (a LimitRange filled them in). */
  oldUnknown: ReadonlySet<string>;
}

export async function checkQuotas(
  objects: readonly PlannedObject[],
  api: KubeApi,
  logger: Logger,
  /** The migration Job: it runs, and its pods end, before the workloads are applied, so it is summed alone. */
  runsAlone?: PlannedObject,
): Promise<void> {
  const targets = objects.filter(
    (o) =>
      o.ref.namespace !== undefined &&
      o.change !== 'unchanged' &&
      COUNTED.has(`${o.ref.apiVersion}/${o.ref.kind}`),
  );
  if (targets.length === 0) return;
  const namespaces = [...new Set(targets.map((o) => o.ref.namespace ?? ''))].sort();
  const found = await Promise.all(namespaces.map((ns) => constraintsIn(ns, api, logger)));
  const constraints = new Map(
    namespaces.flatMap((ns, i) => (found[i] ? [[ns, withSetQuotas(found[i], ns, objects)]] : [])),
  );
  const limited = targets.filter((o) => {
    const c = constraints.get(o.ref.namespace ?? '');
    return c !== undefined && c.quotas.length + c.limitRanges.length > 0;
  });
  if (limited.length === 0) return;
  const checks = distinctTemplates(limited);
  const results = await Promise.all(checks.map((check) => dryRunPod(check, api, 'Quota and limits')));
  // A LimitRange's refusal, or a quota's "must specify", holds for every pod: the plan fails. A
  // quota exceeded by one more pod now may still fit a rollout that removes old pods first: the
  // sums below decide, from the template's own resources.
  const refusals = results.flatMap(({ check, refusal }) =>
    refusal !== undefined && isQuotaOrLimits(refusal) && !QUOTA_STATE.test(refusal)
      ? check.owners.map((owner) => refusalSentence(owner, refusal))
      : [],
  );
  if (refusals.length > 0) {
    throw new PlanError(
      refusals.length === 1
        ? (refusals[0]?.text ?? '')
        : `${refusals.length} workloads would have their pods refused:\n${refusals.map((r) => `  ${r.text}`).join('\n')}`,
      refusals[0]?.owner.location,
    );
  }
  const demands: Demand[] = [];
  for (const { check, pod: admitted, refusal } of results) {
    const pod = admitted ?? (refusal !== undefined && QUOTA_STATE.test(refusal) ? check.pod : undefined);
    if (!pod) continue;
    for (const owner of check.owners) {
      const c = constraints.get(owner.ref.namespace ?? '');
      demands.push(demandOf(owner, podUsage(pod), (c?.limitRanges.length ?? 0) > 0));
    }
  }
  const shortfalls = namespaces.flatMap((ns) => {
    const quotas = constraints.get(ns)?.quotas ?? [];
    const here = demands.filter((d) => d.owner.ref.namespace === ns);
    return [
      ...shortfallsIn(
        ns,
        quotas,
        here.filter((d) => d.owner !== runsAlone),
      ),
      ...shortfallsIn(
        ns,
        quotas,
        here.filter((d) => d.owner === runsAlone),
      ),
    ];
  });
  if (shortfalls.length > 0) {
    throw new PlanError(
      shortfalls.length === 1
        ? (shortfalls[0]?.text ?? '')
        : `The release's new pods would not fit ${shortfalls.length} quotas:\n${shortfalls.map((s) => `  ${s.text}`).join('\n')}`,
      shortfalls[0]?.location,
    );
  }
  logger.info(
    `Quota and limits: ${checks.length} pod template(s) dry-run as pods in ${new Set(limited.map((o) => o.ref.namespace)).size} namespace(s) with a ResourceQuota or LimitRange; the new pods fit, at the rollout's surge too.`,
  );
}

/** The namespace's ResourceQuotas and LimitRanges; undefined when the deploy role may not list them (said). */
async function constraintsIn(
  namespace: string,
  api: KubeApi,
  logger: Logger,
): Promise<Constraints | undefined> {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}`;
  try {
    const [quotas, limitRanges] = await Promise.all([
      api.list(`${path}/resourcequotas`),
      api.list(`${path}/limitranges`),
    ]);
    return { quotas: quotas.items, limitRanges: limitRanges.items };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 403) throw error;
    logger.warning(
      `Quota and limits could not be checked in namespace ${namespace}: the deploy role may not list its ResourceQuotas or LimitRanges (${error.message}); expected \`list\` on resourcequotas and limitranges (README, Kubernetes RBAC for the deploy role).`,
    );
    return undefined;
  }
}

/**
 * A ResourceQuota the set applies holds from the apply on: its `hard`, with the live one's
 * `used` (none when it is new: the pods counted then are at least the new ones).
 */
function withSetQuotas(live: Constraints, namespace: string, objects: readonly PlannedObject[]): Constraints {
  const own = objects.filter(
    (o) => o.ref.kind === 'ResourceQuota' && o.ref.apiVersion === 'v1' && o.ref.namespace === namespace,
  );
  if (own.length === 0) return live;
  const names = new Set(own.map((o) => o.ref.name));
  const quotas = [
    ...live.quotas.filter((q) => !names.has(String(isRecord(q.metadata) ? q.metadata.name : ''))),
    ...own.map((o) => ({ ...o.object, status: isRecord(o.live?.status) ? o.live.status : undefined })),
  ];
  return { ...live, quotas };
}

function refusalSentence(owner: PlannedObject, refusal: string): { owner: PlannedObject; text: string } {
  const reason = refusal.replace(/^pods "[^"]*" is forbidden: /, '');
  const ns = owner.ref.namespace;
  const expected = /quota/.test(reason)
    ? `pods that fit namespace ${ns}'s ResourceQuota (kubectl describe resourcequota -n ${ns}), or more quota`
    : `container resources within namespace ${ns}'s LimitRange (kubectl describe limitrange -n ${ns})`;
  return {
    owner,
    text: `${formatLocation(owner.location)}: ${describeRef(owner.ref)} would have every pod refused: ${reason}; expected ${expected}.`,
  };
}

/** What a pod counts against a quota (the pod evaluator): containers summed, or the largest init container. */
export function podUsage(pod: Json): Usage {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const one = { milli: 1000, binary: false };
  const usage: Usage = new Map([
    ['pods', one],
    ['count/pods', one],
  ]);
  const sum: Usage = new Map();
  for (const container of list(spec.containers)) {
    for (const [name, q] of containerUsage(container)) sum.set(name, add(sum.get(name), q));
  }
  for (const init of list(spec.initContainers)) {
    for (const [name, q] of containerUsage(init)) {
      const current = sum.get(name);
      if (!current || q.milli > current.milli) sum.set(name, q);
    }
  }
  for (const [name, q] of sum) usage.set(name, q);
  return usage;
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** A container's requests (defaulted to its limits, as the API server defaults them) and limits. */
function containerUsage(container: Json): Usage {
  const resources = isRecord(container.resources) ? container.resources : {};
  const limits = isRecord(resources.limits) ? resources.limits : {};
  const requests = { ...limits, ...(isRecord(resources.requests) ? resources.requests : {}) };
  const usage: Usage = new Map();
  for (const name of ['cpu', 'memory']) {
    const request = parseQuantity(requests[name]);
    if (request) {
      usage.set(name, request);
      usage.set(`requests.${name}`, request);
    }
    const limit = parseQuantity(limits[name]);
    if (limit) usage.set(`limits.${name}`, limit);
  }
  return usage;
}

function add(a: Quantity | undefined, b: Quantity): Quantity {
  return { milli: (a?.milli ?? 0) + b.milli, binary: a?.binary ?? b.binary };
}

function spec(object: Json | undefined): Json {
  return isRecord(object?.spec) ? object.spec : {};
}

/** maxSurge as the controller resolves it: a percentage of the replicas, rounded up. */
function surgeOf(deployment: Json, replicas: number): { type: string; surge: number } {
  const strategy = isRecord(spec(deployment).strategy) ? (spec(deployment).strategy as Json) : {};
  const type = typeof strategy.type === 'string' ? strategy.type : 'RollingUpdate';
  if (type !== 'RollingUpdate') return { type, surge: 0 };
  const rolling = isRecord(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
  const value = rolling.maxSurge ?? '25%';
  const percent = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  const surge = percent ? Math.ceil((replicas * Number(percent[1])) / 100) : Number(value);
  return { type, surge: Number.isFinite(surge) ? surge : 0 };
}

export function demandOf(owner: PlannedObject, perPod: Usage, limitRanges: boolean): Demand {
  const after = owner.after ?? owner.object;
  const live = owner.live;
  const kind = owner.ref.kind;
  const count = (object: Json | undefined, fallback: number) => {
    const replicas = spec(object).replicas;
    return typeof replicas === 'number' ? replicas : fallback;
  };
  const none = { oldReplicas: 0, oldPerPod: new Map(), oldUnknown: new Set<string>() };
  if (kind === 'Pod') return { owner, perPod, first: 1, replicas: 1, ...none };
  if (kind === 'Job') {
    const parallelism = typeof spec(after).parallelism === 'number' ? (spec(after).parallelism as number) : 1;
    return { owner, perPod, first: parallelism, replicas: parallelism, ...none };
  }
  const replicas = count(after, count(live, 1));
  const oldReplicas = live ? count(live, 1) : 0;
  const oldTemplate = isRecord(spec(live).template) ? (spec(live).template as Json) : undefined;
  const changed = live !== undefined && canonical(oldTemplate) !== canonical(spec(after).template);
  const scaleUp = Math.max(0, replicas - oldReplicas);
  // A StatefulSet makes its pods one by one, each old one gone first: judged by its end state.
  let first = kind === 'StatefulSet' ? 0 : live === undefined ? replicas : scaleUp;
  if (changed && kind === 'Deployment') {
    const { type, surge } = surgeOf(after, replicas);
    first = type === 'RollingUpdate' ? Math.min(replicas, Math.max(0, replicas + surge - oldReplicas)) : 0;
  }
  // ReplicaSets and ReplicationControllers do not replace pods when their template changes.
  const replaced = changed && (kind === 'Deployment' || kind === 'StatefulSet');
  const old = replaced
    ? oldUsage(oldTemplate ?? {}, limitRanges)
    : { usage: perPod, unknown: new Set<string>() };
  return { owner, perPod, first, replicas, oldReplicas, oldPerPod: old.usage, oldUnknown: old.unknown };
}

/**
 * The live template's per-pod usage, for what its pods give back. Where a LimitRange fills in
 * what the template leaves unset, that part is not known here: left out (the end state of those
 * resources is then not judged, so nothing is refused on a guess).
 */
function oldUsage(template: Json, limitRanges: boolean): { usage: Usage; unknown: Set<string> } {
  const usage = podUsage(template);
  const unknown = new Set<string>();
  if (!limitRanges) return { usage, unknown };
  const containers = [...list(spec(template).containers), ...list(spec(template).initContainers)];
  for (const name of POD_RESOURCES) {
    if (name === 'pods' || name === 'count/pods') continue;
    if (!containers.every((c) => containerUsage(c).has(name))) unknown.add(name);
  }
  return { usage, unknown };
}

interface Shortfall {
  text: string;
  location: PlannedObject['location'];
}

export function shortfallsIn(
  namespace: string,
  quotas: readonly Json[],
  demands: readonly Demand[],
): Shortfall[] {
  if (demands.length === 0) return [];
  const shortfalls: Shortfall[] = [];
  for (const quota of quotas) {
    const qspec = spec(quota);
    // Scoped quotas count only some pods (priority, terminating, best-effort): not judged here.
    if (Array.isArray(qspec.scopes) && qspec.scopes.length > 0) continue;
    if (isRecord(qspec.scopeSelector)) continue;
    const hard = isRecord(qspec.hard) ? qspec.hard : {};
    const status = isRecord(quota.status) ? quota.status : {};
    const used = isRecord(status.used) ? status.used : {};
    const name = String(isRecord(quota.metadata) ? quota.metadata.name : '');
    for (const resource of Object.keys(hard)
      .filter((r) => POD_RESOURCES.has(r))
      .sort()) {
      const limit = parseQuantity(hard[resource]);
      if (!limit) continue;
      const usedNow = parseQuantity(used[resource]) ?? { milli: 0, binary: limit.binary };
      const available = limit.milli - usedNow.milli;
      const first = sum(demands.map((d) => d.first * milliOf(d.perPod, resource)));
      // The end state, where every old pod's usage is known (else it is not judged).
      const final = demands.some((d) => d.oldReplicas > 0 && d.oldUnknown.has(resource))
        ? 0
        : sum(
            demands.map(
              (d) =>
                d.replicas * milliOf(d.perPod, resource) - d.oldReplicas * milliOf(d.oldPerPod, resource),
            ),
          );
      const requested = Math.max(first, final);
      if (requested <= 0 || requested <= available) continue;
      const byFirst = first >= final;
      const format = (milli: number) => formatQuantity({ milli, binary: limit.binary });
      const each = (usage: Usage | undefined) =>
        resource === 'pods' || resource === 'count/pods' ? '' : ` of ${format(milliOf(usage, resource))}`;
      const who = demands
        .filter((d) => (byFirst ? d.first > 0 : d.replicas > 0) && milliOf(d.perPod, resource) > 0)
        .map((d) =>
          byFirst
            ? `${describeRef(d.owner.ref)} (${formatLocation(d.owner.location)}): ${d.first} new pod(s)${each(d.perPod)}`
            : `${describeRef(d.owner.ref)} (${formatLocation(d.owner.location)}): ${d.replicas} pod(s)${each(d.perPod)} replacing ${d.oldReplicas}${each(d.oldPerPod)}`,
        );
      const blamed = demands.find((d) => milliOf(d.perPod, resource) > 0) ?? demands[0];
      shortfalls.push({
        location: blamed?.owner.location,
        text: `The release's new pods would not fit ResourceQuota ${name} in namespace ${namespace} ${byFirst ? "at the rollout's surge (the old pods still counted)" : 'once rolled out'}: ${resource} requested ${format(requested)}, available ${format(Math.max(0, available))} (${formatQuantity(usedNow)} of ${formatQuantity(limit)} used): ${who.join('; ')}; expected that much headroom (kubectl describe resourcequota ${name} -n ${namespace}): a larger quota, fewer replicas, a smaller maxSurge or smaller requests.`,
      });
    }
  }
  return shortfalls;
}

function milliOf(usage: Usage | undefined, resource: string): number {
  return usage?.get(resource)?.milli ?? 0;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
