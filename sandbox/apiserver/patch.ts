/**
 * The three non-apply PATCH types: JSON patch (RFC 6902, via fast-json-patch), JSON merge patch
 * (RFC 7386) and Kubernetes' strategic merge patch with the merge keys of the lists we know.
 */
import jsonpatch, { type Operation } from 'fast-json-patch';
import { isMap, keyOf, listKind, type Path } from './fieldpath.js';

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** Thrown for a patch that cannot be applied; the server answers 422 (or 400 for bad JSON). */
export class PatchError extends Error {}

export function jsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new PatchError('A JSON patch must be a JSON array of operations.');
  try {
    return jsonpatch.applyPatch(structuredClone(target), patch as Operation[], true, false).newDocument;
  } catch (error) {
    throw new PatchError(`the JSON patch could not be applied: ${(error as Error).message.split('\n')[0]}`);
  }
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isMap(target) ? { ...target } : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete out[name];
    else out[name] = mergePatch(out[name], value);
  }
  return out;
}

const DIRECTIVE = '$patch';

/** Strategic merge patch: like a merge patch, but lists with a patch merge key merge item by item. */
export function strategicMergePatch(target: unknown, patch: unknown, path: Path = []): unknown {
  if (!isMap(patch)) return structuredClone(patch);
  if (patch[DIRECTIVE] === 'replace') {
    const { [DIRECTIVE]: _d, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch[DIRECTIVE] === 'delete') return undefined;
  const out: Record<string, unknown> = isMap(target) ? { ...target } : {};
  const retain = patch.$retainKeys;
  for (const [name, value] of Object.entries(patch)) {
    if (name.startsWith('$setElementOrder/') || name === '$retainKeys' || name === DIRECTIVE) continue;
    if (name.startsWith('$deleteFromPrimitiveList/')) {
      const field = name.slice('$deleteFromPrimitiveList/'.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(value))
        out[field] = current.filter((v) => !value.includes(v));
      continue;
    }
    const childPath: Path = [...path, { f: name }];
    if (value === null) delete out[name];
    else if (Array.isArray(value)) out[name] = mergeList(out[name], value, childPath);
    else {
      const merged = strategicMergePatch(out[name], value, childPath);
      if (merged === undefined) delete out[name];
      else out[name] = merged;
    }
  }
  if (Array.isArray(retain)) {
    for (const name of Object.keys(out)) if (!retain.includes(name)) delete out[name];
  }
  return out;
}

function mergeList(current: unknown, patch: unknown[], path: Path): unknown[] {
  const kind = listKind(path);
  const live = Array.isArray(current) ? current : [];
  if (kind === 'atomic') {
    if (patch.some((item) => isMap(item) && item[DIRECTIVE] === 'replace')) {
      return patch.filter((item) => !(isMap(item) && item[DIRECTIVE] === 'replace'));
    }
    return structuredClone(patch);
  }
  if (kind === 'set') return [...live, ...patch.filter((v) => !live.includes(v))];
  // Strategic merge uses one patch merge key per list (the first of our keys).
  const mergeKey = kind.keys[0];
  if (patch.some((item) => isMap(item) && item[DIRECTIVE] === 'replace' && item[mergeKey] === undefined)) {
    return patch.filter((item) => !(isMap(item) && item[DIRECTIVE] === 'replace'));
  }
  const out = [...live];
  for (const item of patch) {
    if (!isMap(item)) continue;
    const i = out.findIndex((l) => isMap(l) && l[mergeKey] === item[mergeKey]);
    if (item[DIRECTIVE] === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) {
      out[i] = strategicMergePatch(out[i], item, [...path, { k: keyOf(item, kind.keys) }]);
    } else {
      out.push(strategicMergePatch({}, item, [...path, { k: keyOf(item, kind.keys) }]));
    }
  }
  return out;
}
