/**
 * The LimitRanger admission plugin for pods (plugin/pkg/admission/limitranger): each LimitRange's
 * `Container` defaults fill in the limits and requests a container leaves unset (the mutating
 * half), then every `Container` and `Pod` item's min, max and maxLimitRequestRatio is checked
 * (the validating half), with the plugin's texts:
 * `maximum cpu usage per Container is 1, but limit is 2.`; several are joined as a Go error
 * aggregate (`[first, second]`). The item defaults a real server stores (default from max,
 * defaultRequest from default, then from min) are applied here when the pod is admitted.
 * Only cpu and memory are compared (other resources are left alone); PVC limits are not enforced.
 */
import { formatQuantity, parseQuantity, type Quantity } from './quantity.js';

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are schemaless JSON here.
type Json = any;
type Resources = Record<string, string>;

/** The Container item's defaults as the API server stores them (SetDefaults_LimitRangeItem). */
function containerDefaults(item: Json): { limits: Resources; requests: Resources } {
  const limits: Resources = { ...(item.default ?? {}) };
  for (const [name, value] of Object.entries<string>(item.max ?? {})) limits[name] ??= value;
  const requests: Resources = { ...(item.defaultRequest ?? {}) };
  for (const [name, value] of Object.entries<string>(limits)) requests[name] ??= value;
  for (const [name, value] of Object.entries<string>(item.min ?? {})) requests[name] ??= value;
  return { limits, requests };
}

/** Fills in each container's unset limits and requests from the namespace's Container defaults. */
export function applyLimitRangeDefaults(limitRanges: Json[], pod: Json): void {
  const limits: Resources = {};
  const requests: Resources = {};
  for (const range of limitRanges) {
    for (const item of range?.spec?.limits ?? []) {
      if (item?.type !== 'Container') continue;
      const defaults = containerDefaults(item);
      Object.assign(limits, defaults.limits);
      Object.assign(requests, defaults.requests);
    }
  }
  if (Object.keys(limits).length + Object.keys(requests).length === 0) return;
  for (const container of [...(pod?.spec?.containers ?? []), ...(pod?.spec?.initContainers ?? [])]) {
    container.resources ??= {};
    const resources = container.resources;
    const own = { ...(resources.limits ?? {}) };
    for (const [name, value] of Object.entries(limits)) {
      resources.limits ??= {};
      resources.limits[name] ??= value;
    }
    for (const [name, value] of Object.entries(requests)) {
      // A request defaults to the container's own limit first (API defaulting ran before).
      resources.requests ??= {};
      resources.requests[name] ??= own[name] ?? value;
    }
  }
}

const shown = (q: string | undefined) => {
  const parsed = parseQuantity(q);
  return parsed ? formatQuantity(parsed) : String(q);
};

function milli(value: unknown): number | undefined {
  return parseQuantity(value)?.milli;
}

function minConstraint(type: string, name: string, enforced: string, requests: Resources, limits: Resources) {
  const req = milli(requests[name]);
  const lim = milli(limits[name]);
  const min = milli(enforced) ?? 0;
  if (req === undefined)
    return `minimum ${name} usage per ${type} is ${shown(enforced)}.  No request is specified.`;
  if (req < min)
    return `minimum ${name} usage per ${type} is ${shown(enforced)}, but request is ${shown(requests[name])}.`;
  if (lim !== undefined && lim < min)
    return `minimum ${name} usage per ${type} is ${shown(enforced)}, but limit is ${shown(limits[name])}.`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: string, requests: Resources, limits: Resources) {
  const req = milli(requests[name]);
  const lim = milli(limits[name]);
  const max = milli(enforced) ?? 0;
  if (lim === undefined)
    return `maximum ${name} usage per ${type} is ${shown(enforced)}.  No limit is specified.`;
  if (lim > max)
    return `maximum ${name} usage per ${type} is ${shown(enforced)}, but limit is ${shown(limits[name])}.`;
  if (req !== undefined && req > max)
    return `maximum ${name} usage per ${type} is ${shown(enforced)}, but request is ${shown(requests[name])}.`;
  return undefined;
}

function ratioConstraint(
  type: string,
  name: string,
  enforced: string,
  requests: Resources,
  limits: Resources,
) {
  const req = milli(requests[name]);
  const lim = milli(limits[name]);
  if (!req)
    return `${name} max limit to request ratio per ${type} is ${shown(enforced)}, but no request is specified or request is 0.`;
  if (!lim)
    return `${name} max limit to request ratio per ${type} is ${shown(enforced)}, but no limit is specified or limit is 0.`;
  const ratio = lim / req;
  if (ratio * 1000 > (milli(enforced) ?? 0))
    return `${name} max limit to request ratio per ${type} is ${shown(enforced)}, but provided ratio is ${ratio.toFixed(6)}.`;
  return undefined;
}

const COMPARED = new Set(['cpu', 'memory']);

function check(type: string, item: Json, requests: Resources, limits: Resources): string[] {
  const errors: (string | undefined)[] = [];
  const each = (field: string, constraint: typeof minConstraint) => {
    for (const [name, value] of Object.entries<string>(item[field] ?? {})) {
      if (COMPARED.has(name)) errors.push(constraint(type, name, value, requests, limits));
    }
  };
  each('min', minConstraint);
  each('max', maxConstraint);
  each('maxLimitRequestRatio', ratioConstraint);
  return errors.filter((e): e is string => e !== undefined);
}

/** A pod's requests or limits summed over its containers, a key only when every container has it. */
function podTotal(pod: Json, field: 'requests' | 'limits'): Resources {
  const containers: Json[] = pod?.spec?.containers ?? [];
  const total: Resources = {};
  for (const name of COMPARED) {
    const values = containers.map((c) => parseQuantity(c?.resources?.[field]?.[name]));
    let sum: Quantity | undefined;
    if (values.length > 0 && values.every((v) => v !== undefined)) {
      // The plugin sums into a DecimalSI quantity: 512Mi + 512Mi prints as 1073741824.
      sum = { milli: values.reduce((s, v) => s + (v?.milli ?? 0), 0), format: 'DecimalSI' };
    }
    for (const init of pod?.spec?.initContainers ?? []) {
      const value = parseQuantity(init?.resources?.[field]?.[name]);
      if (value && (!sum || value.milli > sum.milli)) sum = value;
    }
    if (sum) total[name] = formatQuantity(sum);
  }
  return total;
}

/** The plugin's error for this pod (defaults already applied), or undefined when every LimitRange admits it. */
export function limitRangeRefusal(limitRanges: Json[], pod: Json): string | undefined {
  const errors: string[] = [];
  for (const range of limitRanges) {
    for (const item of range?.spec?.limits ?? []) {
      if (item?.type === 'Container') {
        for (const container of [...(pod?.spec?.containers ?? []), ...(pod?.spec?.initContainers ?? [])]) {
          errors.push(
            ...check(
              'Container',
              item,
              container.resources?.requests ?? {},
              container.resources?.limits ?? {},
            ),
          );
        }
      } else if (item?.type === 'Pod') {
        errors.push(...check('Pod', item, podTotal(pod, 'requests'), podTotal(pod, 'limits')));
      }
    }
  }
  const unique = [...new Set(errors)];
  if (unique.length === 0) return undefined;
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}
