import { CORE_SCHEMA, load as loadFast } from 'js-yaml';
import { type Document, LineCounter, parseAllDocuments } from 'yaml';
import { isRecord } from '../records.js';
import { ManifestError, type SourceLocation } from './errors.js';
import { apiGroup, groupKind } from './kinds.js';
import { keepNumberSources } from './number-source.js';
import type { Edit } from './text-edit.js';

/** Manifest text and where it came from. Loading (files, globs, kustomize) happens elsewhere. */
export interface ManifestSource {
  /** How messages name it: a path relative to the workspace, or "DIR (kubectl kustomize)". */
  name: string;
  text: string;
  /** True for generated text (kustomize output): messages add the document number. */
  generated?: boolean;
  /**
   * Generated text only: where each document (by position) was written, when kustomize could say
   * (see kustomize-origins.ts); messages and annotations point there instead of into the output.
   */
  origins?: readonly (SourceLocation | undefined)[];
}

/** One Kubernetes object: its text, what we read from it, and the edits rendering made. */
export interface ManifestDocument {
  /** The document's own text, as written (no `---` markers). */
  text: string;
  /** The yaml Document, when it was needed (aliases, tags, directives) or an edit needed it. */
  document: Document | undefined;
  /** Recorded by the rendering rules, applied when the document is serialized. */
  edits: Edit[];
  location: SourceLocation;
  /** The document as plain data, read once; edits go to `edits`, never here. */
  object: Record<string, unknown>;
  apiVersion: string;
  kind: string;
  /** "group/Kind", the key the kind tables use. */
  key: string;
  name: string;
  /** As written; the renderer fills in the default namespace later. */
  namespace: string | undefined;
}

/**
 * Expanding more aliases than this is refused: a few lines of nested aliases ("billion
 * laughs") would otherwise expand to gigabytes here and in kubectl.
 */
export const MAX_ALIAS_COUNT = 100;

/** Anchors, aliases, tags and merge keys: documents using them take the yaml Document API. */
const NEEDS_FULL_PARSER = /(^|[\s[{,])[&*!][^\s,\]}]|<</;

/**
 * Parses every YAML document of a source; empty documents are skipped. Plain documents are
 * read with js-yaml (fast); any document it rejects or that uses anchors, aliases or tags
 * goes through the yaml Document API, whose messages and alias limits are the reference.
 */
export function parseSource(source: ManifestSource): ManifestDocument[] {
  const pieces = splitDocuments(source.text);
  if (pieces === undefined) return parseWithDocumentApi(source, source.text, 0, { count: 0 });
  const counter = { count: 0 };
  const parsed: ManifestDocument[] = [];
  for (const piece of pieces) {
    const contentLine = piece.lines.findIndex(
      (line) => line.trim() !== '' && !line.trimStart().startsWith('#'),
    );
    if (contentLine === -1) continue;
    // Not trimmed: trailing blank lines can belong to a `|+` block scalar.
    const joined = piece.lines.join('\n');
    const text = piece.closed || !joined.endsWith('\n') ? `${joined}\n` : joined;
    rejectOversized(text, { source: source.name, line: piece.start + contentLine + 1 });
    const fast = NEEDS_FULL_PARSER.test(text) ? undefined : tryFastLoad(text);
    if (fast === undefined || fast === null) {
      parsed.push(...parseWithDocumentApi(source, text, piece.start, counter));
      continue;
    }
    counter.count++;
    const location: SourceLocation = source.origins?.[counter.count - 1] ?? {
      source: source.name,
      line: piece.start + contentLine + 1,
      ...(source.generated ? { document: counter.count } : {}),
    };
    parsed.push(describe(text, undefined, fast, location));
  }
  return parsed;
}

/**
 * The most one object may take: etcd stores at most 1.5 MiB per object, so the API server
 * would refuse anything larger after the run has started changing the cluster.
 */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

/** Refuses a document larger than any object can be, before parsing it. */
export function rejectOversized(text: string, location: SourceLocation): void {
  // Characters first: counting bytes of a 50 MB string costs more than the check is worth.
  if (text.length <= MAX_OBJECT_BYTES / 4 || Buffer.byteLength(text) <= MAX_OBJECT_BYTES) return;
  const mib = (Buffer.byteLength(text) / 1024 / 1024).toFixed(1);
  throw new ManifestError(
    `the document is ${mib} MiB, more than the 1.5 MiB a Kubernetes object can hold; expected a smaller object (large data belongs in a volume or an image, not in a manifest).`,
    location,
  );
}

interface Piece {
  /** 0-based line of the piece's first line in the source. */
  start: number;
  lines: string[];
  /** Ended by a `---` or `...` line (so its last line had a line break). */
  closed: boolean;
}

/**
 * Splits a YAML stream at its `---` and `...` lines. A line starting with them always ends
 * a document (YAML 1.2 "c-forbidden"), even inside a block scalar, so this split is exact.
 * Undefined (use the full parser) for directives or content on a `---` line.
 */
function splitDocuments(text: string): Piece[] | undefined {
  const lines = text.split('\n');
  const pieces: Piece[] = [];
  let current: Piece = { start: 0, lines: [], closed: false };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('%')) return undefined;
    const marker = /^(---|\.\.\.)(?=[ \t]|$)(.*)$/.exec(line);
    if (marker === null) {
      current.lines.push(line);
      continue;
    }
    if (!/^\s*(#.*)?$/.test(marker[2] as string)) return undefined;
    current.closed = true;
    pieces.push(current);
    current = { start: i + 1, lines: [], closed: false };
  }
  pieces.push(current);
  return pieces;
}

/** js-yaml as the fast path reads (and serialize re-reads) documents; undefined when it rejects one. */
export function tryFastLoad(text: string): unknown {
  try {
    return loadFast(text, { schema: CORE_SCHEMA });
  } catch {
    return undefined; // the Document API says what is wrong, with its line
  }
}

function parseWithDocumentApi(
  source: ManifestSource,
  text: string,
  lineOffset: number,
  counter: { count: number },
): ManifestDocument[] {
  const lineCounter = new LineCounter();
  const parsed: ManifestDocument[] = [];
  for (const document of parseAllDocuments(text, {
    lineCounter,
    prettyErrors: true,
    customTags: keepNumberSources,
  })) {
    const start = document.contents?.range[0] ?? document.range[0];
    const location: SourceLocation = {
      source: source.name,
      line: lineCounter.linePos(start).line + lineOffset,
      ...(source.generated ? { document: counter.count + 1 } : {}),
    };
    const error = document.errors[0];
    if (error) {
      const line = (error.linePos?.[0].line ?? location.line - lineOffset) + lineOffset;
      const reason = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
      throw new ManifestError(`invalid YAML: ${reason}.`, { ...location, line });
    }
    if (document.contents === null) continue;
    const object = toPlainData(document, location);
    if (object === null || object === undefined) continue;
    counter.count++;
    parsed.push(describe(text, document, object, source.origins?.[counter.count - 1] ?? location));
  }
  return parsed;
}

function toPlainData(document: Document, location: SourceLocation): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = (error as Error).message;
    // Only the expansion limit: an unresolved alias (`*nothing`) is plain invalid YAML.
    if (/excessive alias count/i.test(message)) {
      throw new ManifestError(
        `YAML aliases expand beyond the limit of ${MAX_ALIAS_COUNT} (an alias bomb?); expected plain data or a few aliases.`,
        location,
      );
    }
    throw new ManifestError(`invalid YAML: ${message.split('\n')[0]}.`, location);
  }
}

function describe(
  text: string,
  document: Document | undefined,
  object: unknown,
  location: SourceLocation,
): ManifestDocument {
  if (!isRecord(object)) {
    throw new ManifestError(
      'the document is not a mapping; expected a Kubernetes object with apiVersion, kind and metadata.name.',
      location,
    );
  }
  const { apiVersion, kind } = object;
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(object.items)) {
    throw new ManifestError(
      `the document is a ${kind} (as \`kubectl get -o yaml\` writes); expected its items as separate documents, one per \`---\`.`,
      location,
    );
  }
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  for (const [field, value] of [
    ['apiVersion', apiVersion],
    ['kind', kind],
    ['metadata.name', metadata.name],
    ['metadata.namespace', metadata.namespace],
  ] as const) {
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw new ManifestError(
        `${field} is ${JSON.stringify(value)}, not a string; expected it quoted if it is a number (name: "42").`,
        location,
      );
    }
  }
  const missing = [
    typeof apiVersion === 'string' && apiVersion !== '' ? undefined : 'apiVersion',
    typeof kind === 'string' && kind !== '' ? undefined : 'kind',
    typeof metadata.name === 'string' && metadata.name !== '' ? undefined : 'metadata.name',
  ].filter((field) => field !== undefined);
  if (missing.length > 0) {
    throw new ManifestError(
      `the document has no ${missing.join(', ')}; every Kubernetes object needs apiVersion, kind and metadata.name.`,
      location,
    );
  }
  const namespace = metadata.namespace;
  rejectBadIdentity(apiVersion as string, kind as string, metadata.name as string, namespace, location);
  return {
    text,
    document,
    edits: [],
    location,
    object,
    apiVersion: apiVersion as string,
    kind: kind as string,
    key: groupKind(apiVersion as string, kind as string),
    name: metadata.name as string,
    namespace: typeof namespace === 'string' && namespace !== '' ? namespace : undefined,
  };
}

const API_VERSION =
  /^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/**
 * Built-in API groups whose kinds all take DNS-1123 subdomain names. Others (RBAC's
 * `system:…` roles, custom resources) may take any path segment.
 */
const DNS_NAMED_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'networking.k8s.io',
  'storage.k8s.io',
  'scheduling.k8s.io',
  'discovery.k8s.io',
]);
/** What no kind accepts in a name (the API server's path-segment rule), control characters too. */
const NEVER_IN_NAME = /[/%\s\p{C}]/u;

/**
 * Refuses an apiVersion, kind, name or namespace no API server would take. Each lands in log
 * lines, kubectl arguments and API paths: a line break in one would end a log line and could
 * start a workflow command, a "/" would address another resource.
 */
function rejectBadIdentity(
  apiVersion: string,
  kind: string,
  name: string,
  namespace: unknown,
  location: SourceLocation,
): void {
  const bad = (field: string, value: unknown, expected: string): never => {
    throw new ManifestError(
      `${field} ${JSON.stringify(value)} is not valid; expected ${expected}.`,
      location,
    );
  };
  if (!API_VERSION.test(apiVersion) || apiVersion.length > 317) {
    bad('apiVersion', apiVersion, 'a version such as v1 or apps/v1');
  }
  if (!KIND.test(kind) || kind.length > 63) bad('kind', kind, 'a kind such as ConfigMap or Deployment');
  if (NEVER_IN_NAME.test(name) || name === '.' || name === '..' || name.length > 253) {
    bad(
      'metadata.name',
      name,
      'a name of at most 253 characters without "/", "%", spaces or control characters',
    );
  }
  if (DNS_NAMED_GROUPS.has(apiGroup(apiVersion)) && !DNS_SUBDOMAIN.test(name)) {
    bad(
      'metadata.name',
      name,
      `a DNS-1123 subdomain for a ${kind} (lower-case letters, digits, "-" and ".", starting and ending with a letter or digit)`,
    );
  }
  if (
    namespace !== undefined &&
    namespace !== '' &&
    (typeof namespace !== 'string' || !NAMESPACE.test(namespace) || namespace.length > 63)
  ) {
    bad(
      'metadata.namespace',
      namespace,
      'a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters)',
    );
  }
}
