/** POST, PUT, PATCH (all four types) and DELETE on resources and their status/scale subresources. */
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../kube/contract.js';
import { admissionNotes, admitPod } from './admission/index.js';
import {
  fieldManagerOf,
  isDryRun,
  type Outcome,
  qualifiedKind,
  qualifiedResource,
  type RequestContext,
  requireObject,
  served,
} from './context.js';
import { dataSizeViolation } from './data-size.js';
import { applyDefaults } from './defaults.js';
import { isMap, sameValue } from './fieldpath.js';
import { ApiError, badRequest, statusObject } from './http.js';
import { immutableViolations } from './immutability.js';
import { jsonPatch, mergePatch, PATCH_TYPES, PatchError, strategicMergePatch } from './patch.js';
import { decodeProtobuf } from './protobuf.js';
import { scaleOf, withScale } from './scale.js';
import { allocateServiceFields } from './service-allocation.js';
import { ApplyConflict, conflictCauses, managedFieldsAfterUpdate, serverSideApply } from './ssa.js';
import type { Propagation } from './store.js';
import { apiVersionOf } from './types.js';
import { validate } from './validation.js';

async function jsonBody(ctx: RequestContext): Promise<unknown> {
  if (ctx.contentType.includes('protobuf')) {
    const decoded = decodeProtobuf(await ctx.rawBody());
    if (typeof decoded === 'string') throw new ApiError(415, 'UnsupportedMediaType', decoded);
    return decoded;
  }
  const text = await ctx.body();
  try {
    return ctx.contentType.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw badRequest(
      `the request body is not valid ${ctx.contentType.includes('yaml') ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

function checkIdentity(ctx: RequestContext, object: unknown): KubeObject {
  if (!isMap(object) || !isMap(object.metadata)) {
    throw badRequest(`the body must be a ${ctx.type.kind} object with metadata.`);
  }
  const kube = object as unknown as KubeObject;
  const apiVersion = apiVersionOf(ctx.type);
  if ((kube.apiVersion && kube.apiVersion !== apiVersion) || (kube.kind && kube.kind !== ctx.type.kind)) {
    throw badRequest(
      `the body is a ${kube.kind} in ${kube.apiVersion}, but this URL serves ${ctx.type.kind} in ${apiVersion}.`,
    );
  }
  if (ctx.name !== undefined && kube.metadata.name && kube.metadata.name !== ctx.name) {
    throw badRequest(
      `the name of the object (${kube.metadata.name}) does not match the name on the URL (${ctx.name})`,
    );
  }
  if (ctx.namespace !== undefined && kube.metadata.namespace && kube.metadata.namespace !== ctx.namespace) {
    throw badRequest(
      `the namespace of the object (${kube.metadata.namespace}) does not match the namespace on the request (${ctx.namespace})`,
    );
  }
  const copy = structuredClone(kube);
  copy.apiVersion = apiVersion;
  copy.kind = ctx.type.kind;
  if (ctx.name !== undefined) copy.metadata.name = ctx.name;
  if (ctx.type.namespaced) copy.metadata.namespace = ctx.namespace ?? copy.metadata.namespace ?? 'default';
  return copy;
}

/** Strict/Warn/Ignore for unknown fields; invalid values always fail. */
function checkFields(
  ctx: RequestContext,
  object: KubeObject,
  forApply: boolean,
  check: 'unknown' | 'invalid' | 'both' = 'both',
): void {
  const result = validate(ctx.type, object, forApply);
  const unknown = check === 'invalid' ? [] : result.unknown;
  const invalid = check === 'unknown' ? [] : result.invalid;
  const mode = ctx.query.get('fieldValidation') ?? 'Warn';
  if (unknown.length > 0 && mode === 'Strict') {
    const ns = object.metadata.namespace ? `${object.metadata.namespace}/` : '';
    const message = forApply
      ? `failed to create typed patch object (${ns}${object.metadata.name}; ${apiVersionOf(ctx.type)}, Kind=${ctx.type.kind}): ${unknown.map((f) => `${f}: field not declared in schema`).join(', ')}`
      : `${ctx.type.kind} in version "${ctx.type.version}" cannot be handled as a ${ctx.type.kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f.slice(1)}"`).join(', ')}`;
    throw badRequest(message);
  }
  if (unknown.length > 0 && mode === 'Warn')
    ctx.warnings.push(...unknown.map((f) => `unknown field "${f.slice(1)}"`));
  if (invalid.length > 0) throw invalidError(ctx, object, invalid);
}

function withoutTimes(entries: unknown[] | undefined): unknown[] {
  return (entries ?? []).map((entry) => (isMap(entry) ? { ...entry, time: undefined } : entry));
}

/** 422 Invalid, worded as a real server words it: `Kind.group "name" is invalid: field: ...`. */
function invalidError(ctx: RequestContext, object: KubeObject, invalid: string[]): ApiError {
  const list = invalid.length === 1 ? invalid[0] : `[${invalid.join(', ')}]`;
  return new ApiError(
    422,
    'Invalid',
    `${qualifiedKind(ctx.type)} "${object.metadata.name}" is invalid: ${list}`,
    {
      name: object.metadata.name,
      group: ctx.type.group,
      kind: ctx.type.kind,
      causes: invalid.map((text) => {
        const at = text.indexOf(': ');
        const message = text.slice(at + 2);
        const reason = message.startsWith('Too long') ? 'FieldValueTooLong' : 'FieldValueInvalid';
        return { reason, field: text.slice(0, at), message };
      }),
    },
  );
}

function requireNamespace(ctx: RequestContext, object: KubeObject): void {
  if (!ctx.type.namespaced) return;
  const namespaces = ctx.store.typeOf('v1', 'Namespace');
  const ns = object.metadata.namespace ?? 'default';
  const found = namespaces && ctx.store.get(namespaces, undefined, ns);
  if (namespaces && !found) {
    throw new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
  }
  if (found?.metadata.deletionTimestamp) {
    throw new ApiError(
      403,
      'Forbidden',
      `${ctx.type.resource} "${object.metadata.name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
    );
  }
}

/** Stores a new version of the object: status subresource rules, defaults, checks, managedFields. */
function store(
  ctx: RequestContext,
  before: KubeObject | undefined,
  after: KubeObject,
  managed: 'update' | 'keep',
): KubeObject {
  const part = ctx.subresource === 'status' ? 'status' : 'main';
  if (before && ctx.type.subresources.status) {
    if (part === 'main') after.status = before.status;
    else {
      const status = after.status;
      after = structuredClone(before);
      after.status = status;
    }
  }
  if (!before && ctx.type.subresources.status) delete after.status;
  applyDefaults(after);
  if (part === 'main' && ctx.type.group === '' && ctx.type.kind === 'Service') {
    allocateServiceFields(ctx.store, ctx.type, before, after);
  }
  if (before && part === 'main') {
    const violations = immutableViolations(before, after);
    if (violations.length > 0) throw invalidError(ctx, after, violations);
  }
  const tooBig = ctx.type.group === '' ? dataSizeViolation(after) : undefined;
  if (tooBig) throw invalidError(ctx, after, [tooBig]);
  // A client that sends managedFields different from the stored ones sets them (kubectl does
  // this to migrate client-side-apply ownership to server-side apply).
  const setByClient =
    before !== undefined &&
    Array.isArray(after.metadata.managedFields) &&
    !sameValue(after.metadata.managedFields, before.metadata.managedFields ?? []);
  if (managed === 'update' && !setByClient) {
    after.metadata.managedFields = managedFieldsAfterUpdate({
      before,
      after,
      manager: fieldManagerOf(ctx),
      apiVersion: ctx.subresource === 'scale' ? 'autoscaling/v1' : apiVersionOf(ctx.type),
      subresource: ctx.subresource === 'status' || ctx.subresource === 'scale' ? ctx.subresource : undefined,
    });
  }
  if (after.metadata.managedFields?.length === 0) delete after.metadata.managedFields;
  // Ownership unchanged: keep the old timestamps, so a no-op write (say, re-applying the same
  // manifest) stays a no-op and gets no new resourceVersion, as on a real server.
  if (
    before &&
    sameValue(withoutTimes(after.metadata.managedFields), withoutTimes(before.metadata.managedFields))
  ) {
    after.metadata.managedFields = before.metadata.managedFields;
  }
  const dryRun = isDryRun(ctx.query);
  if (!before) {
    requireNamespace(ctx, after);
    const admitted = ctx.type.group === '' && ctx.type.kind === 'Pod' ? admitPod(ctx.store, after) : after;
    if (ctx.subresource === undefined) noteAdmission(ctx, admitted, 'create');
    const created = ctx.store.create(admitted, { dryRun });
    ctx.auditNotes.changed = !dryRun;
    return created;
  }
  if (ctx.subresource === undefined) noteAdmission(ctx, after, 'update');
  after.metadata.resourceVersion ||= before.metadata.resourceVersion;
  const updated = ctx.store.update(after, { dryRun });
  ctx.auditNotes.changed = !dryRun && updated.metadata.resourceVersion !== before.metadata.resourceVersion;
  return updated;
}

/** Admission's warnings and audit annotations for a write it allowed (see admissionNotes). */
function noteAdmission(ctx: RequestContext, object: KubeObject, operation: 'create' | 'update'): void {
  const notes = admissionNotes(ctx.store, ctx.type.group, ctx.type.kind, object, operation);
  ctx.warnings.push(...notes.warnings);
  if (Object.keys(notes.annotations).length > 0)
    ctx.auditNotes.annotations = { ...ctx.auditNotes.annotations, ...notes.annotations };
}

export async function create(ctx: RequestContext): Promise<Outcome> {
  const object = checkIdentity(ctx, await jsonBody(ctx));
  if (!object.metadata.name && typeof object.metadata.generateName !== 'string') {
    throw new ApiError(
      422,
      'Invalid',
      `${ctx.type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
    );
  }
  checkFields(
    ctx,
    { ...object, metadata: { ...object.metadata, name: object.metadata.name || 'generated' } },
    false,
  );
  return { code: 201, body: served(ctx, store(ctx, undefined, object, 'update')) };
}

export async function replace(ctx: RequestContext): Promise<Outcome> {
  const before = requireObject(ctx);
  if (ctx.subresource === 'scale') return scaled(ctx, before, await jsonBody(ctx));
  const object = checkIdentity(ctx, await jsonBody(ctx));
  checkFields(ctx, object, false);
  return { code: 200, body: served(ctx, store(ctx, before, object, 'update')) };
}

function scaled(ctx: RequestContext, before: KubeObject, scale: unknown): Outcome {
  const after = withScale(ctx.type, before, scale);
  const stored = store(ctx, before, after, 'update');
  return { code: 200, body: scaleOf(ctx.type, stored) };
}

export async function patch(ctx: RequestContext): Promise<Outcome> {
  const kind = ctx.contentType.split(';')[0].trim();
  if (kind === PATCH_TYPES.apply) return apply(ctx);
  const body = await jsonBody(ctx);
  const before = requireObject(ctx);
  const target = ctx.subresource === 'scale' ? scaleOf(ctx.type, before) : served(ctx, before);
  let patched: unknown;
  try {
    if (kind === PATCH_TYPES.json) patched = jsonPatch(target, body);
    else if (kind === PATCH_TYPES.merge) patched = mergePatch(target, body);
    else if (kind === PATCH_TYPES.strategic) {
      if (ctx.type.crd)
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          'strategic merge patch is not supported for custom resources; use a merge patch or a JSON patch',
        );
      patched = strategicMergePatch(target, body);
    } else {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the patch type "${kind}" is not supported; use ${Object.values(PATCH_TYPES).join(', ')}`,
      );
    }
  } catch (error) {
    if (error instanceof PatchError) throw new ApiError(422, 'Invalid', error.message);
    throw error;
  }
  if (ctx.subresource === 'scale') return scaled(ctx, before, patched);
  const object = checkIdentity(ctx, patched);
  checkFields(ctx, object, false);
  return { code: 200, body: served(ctx, store(ctx, before, object, 'update')) };
}

async function apply(ctx: RequestContext): Promise<Outcome> {
  if (ctx.name === undefined || ctx.subresource !== undefined) {
    throw badRequest('server-side apply is served on a named object of the main resource only.');
  }
  if (!ctx.query.get('fieldManager')) {
    throw badRequest(
      'PATCH requests with apply-patch+yaml must specify fieldManager (the fieldManager query parameter).',
    );
  }
  const applied = checkIdentity(ctx, await jsonBody(ctx));
  if (!applied.apiVersion || !applied.kind)
    throw badRequest('an applied configuration must state apiVersion and kind.');
  // An applied configuration may be partial: only its field names are checked before merging.
  checkFields(ctx, applied, true, 'unknown');
  if (ctx.type.subresources.status) delete applied.status;
  const live = ctx.store.get(ctx.type, ctx.namespace, ctx.name);
  let result: KubeObject;
  try {
    result = serverSideApply({
      live: live && served(ctx, live),
      applied,
      manager: fieldManagerOf(ctx),
      apiVersion: apiVersionOf(ctx.type),
      force: ctx.query.get('force') === 'true',
    });
  } catch (error) {
    if (!(error instanceof ApplyConflict)) throw error;
    throw new ApiError(409, 'Conflict', error.message, { causes: conflictCauses(error.conflicts) });
  }
  checkFields(ctx, result, true, 'invalid');
  const stored = store(ctx, live, result, 'keep');
  return { code: live ? 200 : 201, body: served(ctx, stored) };
}

function propagationOf(ctx: RequestContext, options: Record<string, unknown>): Propagation {
  const policy =
    ctx.query.get('propagationPolicy') ??
    options.propagationPolicy ??
    (options.orphanDependents === true ? 'Orphan' : 'Background');
  if (policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
    throw badRequest(
      `propagationPolicy must be Background, Foreground or Orphan, got ${JSON.stringify(policy)}.`,
    );
  }
  return policy;
}

/**
 * DeleteOptions.preconditions, as the registry store checks them: a uid or resourceVersion that
 * is not the object's answers 409 Conflict, and nothing is deleted.
 */
function checkPreconditions(ctx: RequestContext, target: KubeObject, preconditions: unknown): void {
  if (!isMap(preconditions)) return;
  const fail = (what: string, expected: unknown, actual: unknown) => {
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(ctx.type)} "${target.metadata.name}": Precondition failed: ${what} in precondition: ${expected}, ${what} in object meta: ${actual}`,
      { name: target.metadata.name, group: ctx.type.group, kind: ctx.type.resource },
    );
  };
  const { uid, resourceVersion } = preconditions;
  if (typeof uid === 'string' && uid !== target.metadata.uid) fail('UID', uid, target.metadata.uid);
  if (typeof resourceVersion === 'string' && resourceVersion !== target.metadata.resourceVersion)
    fail('ResourceVersion', resourceVersion, target.metadata.resourceVersion);
}

export async function remove(ctx: RequestContext): Promise<Outcome> {
  const text = await ctx.body();
  let options: Record<string, unknown> = {};
  if (text.trim() !== '') {
    const parsed: unknown = JSON.parse(text);
    if (isMap(parsed)) options = parsed;
  }
  const dryRun = isDryRun(ctx.query) || (Array.isArray(options.dryRun) && options.dryRun.includes('All'));
  ctx.auditNotes.dryRun = dryRun;
  ctx.auditNotes.changed = false;
  const propagation = propagationOf(ctx, options);
  const targets = ctx.name === undefined ? ctx.store.list(ctx.type, ctx.namespace) : [requireObject(ctx)];
  for (const target of targets) checkPreconditions(ctx, target, options.preconditions);
  const results = targets.map((target) =>
    ctx.store.delete(ctx.type, target.metadata.namespace, target.metadata.name, propagation, { dryRun }),
  );
  ctx.auditNotes.changed = !dryRun && results.some((r) => r !== undefined);
  if (ctx.name === undefined) {
    return {
      code: 200,
      body: { kind: ctx.type.listKind, apiVersion: apiVersionOf(ctx.type), metadata: {}, items: results },
    };
  }
  const result = results[0];
  const stillThere = result && ctx.store.get(ctx.type, ctx.namespace, ctx.name);
  if (stillThere || dryRun) return { code: 200, body: served(ctx, result as KubeObject) };
  const details = {
    name: ctx.name,
    group: ctx.type.group,
    kind: ctx.type.resource,
    uid: result?.metadata.uid,
  };
  return {
    code: 200,
    body: statusObject(200, '', `${qualifiedResource(ctx.type)} "${ctx.name}" deleted`, details),
  };
}
