/**
 * Server-side apply and metadata.managedFields: who owns which field, conflicts between
 * appliers, removal of fields an applier stopped sending, and ownership moved by updates.
 */
import type { KubeObject } from '../kube/contract.js';
import {
  type FieldSet,
  fieldsOf,
  fromFieldsV1,
  getAt,
  isAtomicMap,
  isMap,
  keyOf,
  listKind,
  type Path,
  pathString,
  removeAt,
  sameValue,
  toFieldsV1,
} from './fieldpath.js';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

interface Owner {
  entry: ManagedFieldsEntry;
  set: FieldSet;
}

export interface Conflict {
  entry: ManagedFieldsEntry;
  path: Path;
}

/** Thrown when appliers disagree; the server answers 409 with these causes. */
export class ApplyConflict extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(conflictMessage(conflicts));
  }
}

const TRACKED_METADATA = ['labels', 'annotations', 'finalizers', 'ownerReferences'];

/** The part of an object field managers can own: no identity metadata, status only when asked. */
export function trackable(object: KubeObject | undefined, part: 'main' | 'status'): Record<string, unknown> {
  if (!object) return {};
  if (part === 'status') return object.status === undefined ? {} : { status: object.status };
  const { apiVersion: _a, kind: _k, metadata, status: _s, ...rest } = object;
  const meta: Record<string, unknown> = {};
  for (const name of TRACKED_METADATA) if (metadata?.[name] !== undefined) meta[name] = metadata[name];
  return Object.keys(meta).length > 0 ? { metadata: meta, ...rest } : rest;
}

function ownersOf(object: KubeObject | undefined): Owner[] {
  const entries = (object?.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  return entries.map((entry) => ({ entry, set: fromFieldsV1(entry.fieldsV1) }));
}

function sameManager(
  a: ManagedFieldsEntry,
  b: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'subresource'>,
) {
  return (
    a.manager === b.manager && a.operation === b.operation && (a.subresource ?? '') === (b.subresource ?? '')
  );
}

function toEntries(owners: Owner[]): ManagedFieldsEntry[] {
  return owners.filter((o) => o.set.size > 0).map((o) => ({ ...o.entry, fieldsV1: toFieldsV1(o.set) }));
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Applied values win; maps merge; associative lists merge item by item on their keys. */
export function mergeApplied(live: unknown, applied: unknown, path: Path = []): unknown {
  if (isMap(live) && isMap(applied) && !isAtomicMap(path, applied)) {
    const out: Record<string, unknown> = { ...live };
    for (const [name, value] of Object.entries(applied)) {
      if (value === null || value === undefined) continue;
      out[name] = mergeApplied(live[name], value, [...path, { f: name }]);
    }
    return out;
  }
  if (Array.isArray(live) && Array.isArray(applied)) {
    const kind = listKind(path);
    if (kind === 'set') return [...live, ...applied.filter((v) => !live.some((l) => sameValue(l, v)))];
    if (kind !== 'atomic') {
      const key = (item: unknown) => JSON.stringify(keyOf(item, kind.keys));
      const merged = live.map((item) => {
        const match = applied.find((a) => key(a) === key(item));
        return match === undefined
          ? item
          : mergeApplied(item, match, [...path, { k: keyOf(item, kind.keys) }]);
      });
      const added = applied.filter((a) => !live.some((item) => key(item) === key(a)));
      return [...merged, ...added];
    }
  }
  return structuredClone(applied);
}

export interface ApplyRequest {
  live: KubeObject | undefined;
  /** The applied configuration, already checked to name the same object. */
  applied: KubeObject;
  manager: string;
  apiVersion: string;
  force: boolean;
}

/** The object after a server-side apply, with managedFields updated; throws ApplyConflict. */
export function serverSideApply(request: ApplyRequest): KubeObject {
  const { live, applied, manager, apiVersion, force } = request;
  const appliedFields = trackable(applied, 'main');
  const appliedSet = fieldsOf(appliedFields);
  const liveFields = trackable(live, 'main');
  const owners = ownersOf(live);
  const me = { manager, operation: 'Apply' as const };
  const previous = owners.find((o) => sameManager(o.entry, me));
  const others = owners.filter((o) => o !== previous);

  const conflicts: Conflict[] = [];
  for (const other of others) {
    if (other.entry.subresource === 'status') continue;
    for (const [key, path] of appliedSet) {
      if (!other.set.has(key)) continue;
      const wanted = getAt(appliedFields, path);
      if (isLeaf(wanted) && !sameValue(wanted, getAt(liveFields, path)))
        conflicts.push({ entry: other.entry, path });
    }
  }
  if (conflicts.length > 0 && !force && !upgradesClientSideApply(request, conflicts)) {
    throw new ApplyConflict(conflicts);
  }
  // Forced, or upgraded from client-side apply: the conflicting fields change hands.
  for (const { entry, path } of conflicts) {
    others.find((o) => o.entry === entry)?.set.delete(JSON.stringify(path));
  }

  const result = structuredClone(live ?? applied) as KubeObject;
  if (live) {
    const body = result as unknown as Record<string, unknown>;
    for (const [key, path] of previous?.set ?? []) {
      if (appliedSet.has(key) || others.some((o) => o.set.has(key))) continue;
      removeAt(body, path);
    }
    const merged = mergeApplied(trackable(result, 'main'), appliedFields) as Record<string, unknown>;
    for (const name of Object.keys(body)) {
      if (!['apiVersion', 'kind', 'metadata', 'status'].includes(name)) delete body[name];
    }
    const { metadata: mergedMeta, ...rest } = merged;
    Object.assign(body, rest);
    const meta = result.metadata as Record<string, unknown>;
    for (const name of TRACKED_METADATA) delete meta[name];
    if (isMap(mergedMeta)) Object.assign(meta, mergedMeta);
  }
  const mine: Owner = {
    entry: { manager, operation: 'Apply', apiVersion, time: now(), fieldsType: 'FieldsV1', fieldsV1: {} },
    set: appliedSet,
  };
  result.metadata.managedFields = toEntries([...others, mine]);
  return result;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The API server's upgrade path from client-side apply: when the manager is `kubectl` and every
 * conflicting field is in the last-applied annotation with the value it still has, the apply
 * goes through as if forced (apimachinery's lastAppliedManager).
 */
function upgradesClientSideApply(request: ApplyRequest, conflicts: Conflict[]): boolean {
  const annotation = request.live?.metadata.annotations?.[LAST_APPLIED];
  if (request.manager !== 'kubectl' || typeof annotation !== 'string') return false;
  let lastApplied: KubeObject;
  try {
    lastApplied = JSON.parse(annotation) as KubeObject;
  } catch {
    return false;
  }
  const fields = trackable(lastApplied, 'main');
  const live = trackable(request.live, 'main');
  const allowed = fieldsOf(fields);
  return conflicts.every(
    ({ path }) => allowed.has(JSON.stringify(path)) && sameValue(getAt(fields, path), getAt(live, path)),
  );
}

function isLeaf(value: unknown): boolean {
  return !isMap(value) || Object.keys(value).length === 0;
}

export interface UpdateRequest {
  before: KubeObject | undefined;
  after: KubeObject;
  manager: string;
  apiVersion: string;
  subresource?: 'status' | 'scale';
}

/**
 * managedFields after a non-apply write (create, PUT, PATCH): the writer takes every field it
 * changed or added from whoever owned it; fields that disappeared are owned by nobody.
 */
export function managedFieldsAfterUpdate(request: UpdateRequest): ManagedFieldsEntry[] {
  const { before, after, manager, apiVersion, subresource } = request;
  const part = subresource === 'status' ? 'status' : 'main';
  const oldFields = trackable(before, part);
  const newFields = trackable(after, part);
  const oldSet = fieldsOf(oldFields);
  const newSet = fieldsOf(newFields);
  const changed: FieldSet = new Map();
  for (const [key, path] of newSet) {
    if (!oldSet.has(key) || !sameValue(getAt(oldFields, path), getAt(newFields, path))) {
      if (isLeaf(getAt(newFields, path)) || !oldSet.has(key)) changed.set(key, path);
    }
  }
  const owners = ownersOf(before);
  const me = { manager, operation: 'Update' as const, subresource };
  let mine = owners.find((o) => sameManager(o.entry, me));
  for (const owner of owners) {
    for (const key of [...owner.set.keys()]) {
      const inPart = key.startsWith('[{"f":"status"}') === (part === 'status');
      const gone = inPart && !newSet.has(key);
      if (gone && oldSet.has(key)) owner.set.delete(key);
      else if (changed.has(key) && owner !== mine) owner.set.delete(key);
    }
  }
  if (changed.size > 0) {
    if (!mine) {
      const entry: ManagedFieldsEntry = {
        manager,
        operation: 'Update',
        apiVersion,
        time: now(),
        fieldsType: 'FieldsV1',
        fieldsV1: {},
        ...(subresource ? { subresource } : {}),
      };
      mine = { entry, set: new Map() };
      owners.push(mine);
    }
    mine.entry = { ...mine.entry, time: now(), apiVersion };
    for (const [key, path] of changed) mine.set.set(key, path);
  }
  return toEntries(owners);
}

function printManager(entry: ManagedFieldsEntry): string {
  let text = JSON.stringify(entry.manager);
  if (entry.subresource) text += ` with subresource ${JSON.stringify(entry.subresource)}`;
  if (entry.operation === 'Update') text += ` using ${entry.apiVersion} at ${entry.time}`;
  return text;
}

/** The message a real API server gives (apimachinery's fieldmanager conflict error). */
export function conflictMessage(conflicts: Conflict[]): string {
  if (conflicts.length === 1) {
    return `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].entry)}: ${pathString(conflicts[0].path)}`;
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const name = printManager(c.entry);
    byManager.set(name, [...(byManager.get(name) ?? []), pathString(c.path)]);
  }
  const lines: string[] = [];
  for (const name of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${name}:`, ...(byManager.get(name) ?? []).map((p) => `- ${p}`));
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

export function conflictCauses(conflicts: Conflict[]): Array<Record<string, string>> {
  return conflicts.map((c) => ({
    type: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.entry)}`,
    field: pathString(c.path),
  }));
}
