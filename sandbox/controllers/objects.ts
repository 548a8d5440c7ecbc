import { randomInt } from 'node:crypto';
import type { KubeObject, OwnerReference } from '../kube/contract.js';

/** Loosely typed access to the spec/status of objects the store hands out as JSON. */
// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are schemaless JSON here.
export type Json = any;

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

export function isoNow(now: number): string {
  return new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function ownerReference(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((ref) => ref.controller === true);
}

export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  return controllerOf(object)?.uid === owner.metadata.uid;
}

export function isTerminating(object: KubeObject): boolean {
  return object.metadata.deletionTimestamp !== undefined;
}

/** The 27 characters Kubernetes uses for generated names (no vowels, no look-alikes). */
const alphanums = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphanums[randomInt(alphanums.length)];
  return out;
}

/** Kubernetes' rand.SafeEncodeString: maps each byte onto the alphabet above. */
export function safeEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text)) out += alphanums[byte % alphanums.length];
  return out;
}

/** Sets a condition the way the API helpers do: lastTransitionTime moves only when status does. */
export function setCondition(conditions: Condition[], next: Condition, now: string): Condition[] {
  const current = conditions.find((c) => c.type === next.type);
  if (current && current.status === next.status && current.reason === next.reason) {
    return conditions.map((c) => (c === current ? { ...current, ...withoutTimes(next) } : c));
  }
  const transition = current && current.status === next.status ? current.lastTransitionTime : now;
  const merged = { ...next, lastTransitionTime: next.lastTransitionTime ?? transition };
  return [...conditions.filter((c) => c.type !== next.type), merged];
}

function withoutTimes(condition: Condition): Condition {
  const { lastTransitionTime: _t, ...rest } = condition;
  return rest as Condition;
}

export function getCondition(object: Json, type: string): Condition | undefined {
  return (object?.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

/** Resolves an int-or-percent against a total; percentages round up or down as the caller says. */
export function intOrPercent(value: unknown, total: number, roundUp: boolean, fallback: string): number {
  const raw = value ?? fallback;
  if (typeof raw === 'number') return raw;
  const text = String(raw);
  if (!text.endsWith('%')) return Number.parseInt(text, 10) || 0;
  const exact = (Number.parseInt(text.slice(0, -1), 10) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function matchesSelector(labels: Record<string, string> | undefined, selector: Json): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    const present = expr.key in have;
    const values: string[] = expr.values ?? [];
    const ok =
      expr.operator === 'In'
        ? present && values.includes(have[expr.key])
        : expr.operator === 'NotIn'
          ? !present || !values.includes(have[expr.key])
          : expr.operator === 'Exists'
            ? present
            : !present;
    if (!ok) return false;
  }
  return true;
}

/** Stable JSON (sorted keys), so equal templates hash and compare equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** FNV-1a 32-bit, the hash the controllers use for pod-template-hash and revision names. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * A template as a Go controller sees it after decoding: nulls and empty maps and lists are the
 * same as absent. kubectl's rollback patches send `creationTimestamp: null`, `resources: {}`.
 */
export function normalized(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalized).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => [k, normalized(v)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  return value === null ? undefined : value;
}

/** A short stable hash of a pod template, spelled like the real controllers spell theirs. */
export function templateHash(template: unknown, collisionCount = 0): string {
  const salt = collisionCount > 0 ? `#${collisionCount}` : '';
  return safeEncode(String(fnv32a(canonicalJson(normalized(template) ?? {}) + salt)));
}

/** Compares pod templates ignoring the pod-template-hash label, as FindNewReplicaSet does. */
export function equalIgnoringHash(a: Json, b: Json): boolean {
  const strip = (template: Json) => {
    const copy = clone(template ?? {});
    if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
    return canonicalJson(normalized(copy) ?? {});
  };
  return strip(a) === strip(b);
}

/** Writes a new status only when it differs, so a controller's own writes do not loop. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? {}) === canonicalJson(b ?? {});
}
