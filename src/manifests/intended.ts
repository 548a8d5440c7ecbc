/**
 * What a rendered document must read back as: the object as the user wrote it with exactly
 * the recorded edits applied. serializeManifest compares every edited document with it, so a
 * formatting shortcut can never ship a value nobody asked to change.
 */
import { isRecord } from '../records.js';
import { formatLocation, ManifestError, type SourceLocation } from './errors.js';
import type { Edit } from './text-edit.js';

/** A rendered document that reads back differently from what was intended: our bug, not the user's. */
export class RenderInvariantError extends Error {
  override name = 'RenderInvariantError';

  constructor(message: string, location: SourceLocation) {
    super(`${formatLocation(location)}: internal error: ${message} Please report this with the manifest.`);
  }
}

/**
 * The object with the edits applied, leaving the object itself alone (it is shared). Follows
 * the Document API's rules: a missing or null parent becomes a mapping, deleting a missing
 * key does nothing, and a path through a scalar is the same error the Document API reports.
 */
export function intendedObject(
  object: Record<string, unknown>,
  edits: readonly Edit[],
  location: SourceLocation,
): Record<string, unknown> {
  const root = { ...object };
  for (const edit of edits) {
    let container: Record<string, unknown> | unknown[] = root;
    const last = edit.path.length - 1;
    for (let depth = 0; depth < last && container !== undefined; depth++) {
      const key = edit.path[depth] as string | number;
      const child: unknown = get(container, key);
      let next: Record<string, unknown> | unknown[] | undefined;
      if (Array.isArray(child)) next = [...child];
      else if (isRecord(child)) next = { ...child };
      else if (edit.op === 'delete') next = undefined;
      else if (child === undefined || child === null) next = {};
      else throw pathError(edit, location);
      if (next !== undefined) put(container, key, next, edit, location);
      container = next as typeof container;
    }
    if (container === undefined) continue;
    const key = edit.path[last] as string | number;
    if (edit.op === 'set') put(container, key, edit.value, edit, location);
    else if (Array.isArray(container) && typeof key === 'number') container.splice(key, 1);
    else if (!Array.isArray(container)) delete container[String(key)];
  }
  return root;
}

function get(container: Record<string, unknown> | unknown[], key: string | number): unknown {
  if (Array.isArray(container)) return typeof key === 'number' ? container[key] : undefined;
  return Object.hasOwn(container, String(key)) ? container[String(key)] : undefined;
}

function put(
  container: Record<string, unknown> | unknown[],
  key: string | number,
  value: unknown,
  edit: Edit,
  location: SourceLocation,
): void {
  if (!Array.isArray(container)) container[String(key)] = value;
  else if (typeof key === 'number') container[key] = value;
  else throw pathError(edit, location);
}

function pathError(edit: Edit, location: SourceLocation): ManifestError {
  return new ManifestError(
    `cannot ${edit.op} ${edit.path.join('.')}: the path goes through a YAML alias or a value that is not a mapping; expected plain mappings and lists there.`,
    location,
  );
}

/**
 * Where two plain data values first differ ("metadata.annotations.note", "spec.ports[0]"),
 * or undefined when they are equal. Key order is not data; NaN equals NaN.
 */
export function firstDifference(actual: unknown, expected: unknown): string | undefined {
  const path = differencePath(actual, expected);
  if (path === undefined) return undefined;
  if (path.length === 0) return '(the whole document)';
  // Built back to front, and only on a difference: every render compares every document.
  return path
    .reverse()
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`))
    .join('');
}

/** The path to the first difference, innermost key first. */
function differencePath(actual: unknown, expected: unknown): (string | number)[] | undefined {
  if (Object.is(actual, expected)) return undefined;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [];
    for (let i = 0; i < expected.length; i++) {
      const path = differencePath(actual[i], expected[i]);
      if (path !== undefined) return [...path, i];
    }
    return undefined;
  }
  if (ArrayBuffer.isView(expected)) {
    const bytes = (view: ArrayBufferView) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    if (!ArrayBuffer.isView(actual) || actual.byteLength !== expected.byteLength) return [];
    const [a, b] = [bytes(actual), bytes(expected)];
    return a.every((byte, i) => byte === b[i]) ? undefined : [];
  }
  if (!isRecord(expected) || !isRecord(actual) || ArrayBuffer.isView(actual)) return [];
  let count = 0;
  for (const key in expected) {
    if (!Object.hasOwn(expected, key)) continue;
    count++;
    if (!Object.hasOwn(actual, key)) return [key];
    const path = differencePath(actual[key], expected[key]);
    if (path !== undefined) return [...path, key];
  }
  if (Object.keys(actual).length === count) return undefined;
  const extra = Object.keys(actual).find((key) => !Object.hasOwn(expected, key));
  return extra === undefined ? undefined : [extra];
}
