import { type Document, LineCounter, parseAllDocuments } from 'yaml';
import { ManifestError, type SourceLocation } from './errors.js';
import { groupKind } from './kinds.js';

/** Manifest text and where it came from. Loading (files, globs, kustomize) happens elsewhere. */
export interface ManifestSource {
  /** How messages name it: a path relative to the workspace, or "DIR (kubectl kustomize)". */
  name: string;
  text: string;
  /** True for generated text (kustomize output): messages add the document number. */
  generated?: boolean;
}

/** One Kubernetes object: its YAML document (edited in place) and what we read from it. */
export interface ManifestDocument {
  document: Document;
  location: SourceLocation;
  /** The document as plain data, read once; edits go to `document`, never here. */
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

/** Parses every YAML document of a source; empty documents are skipped. */
export function parseSource(source: ManifestSource): ManifestDocument[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(source.text, { lineCounter, prettyErrors: true });
  const parsed: ManifestDocument[] = [];
  // parseAllDocuments returns an EmptyStream (with no documents) for text with none.
  for (const [index, document] of [...documents].entries()) {
    const start = document.contents?.range[0] ?? document.range[0];
    const location: SourceLocation = {
      source: source.name,
      line: lineCounter.linePos(start).line,
      ...(source.generated ? { document: index + 1 } : {}),
    };
    const error = document.errors[0];
    if (error) {
      const line = error.linePos?.[0].line ?? location.line;
      const reason = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
      throw new ManifestError(`invalid YAML: ${reason}.`, { ...location, line });
    }
    if (document.contents === null) continue;
    const object = toPlainData(document, location);
    if (object === null || object === undefined) continue;
    parsed.push(describe(document, object, location));
  }
  return parsed;
}

function toPlainData(document: Document, location: SourceLocation): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = (error as Error).message;
    if (/alias/i.test(message)) {
      throw new ManifestError(
        `YAML aliases expand beyond the limit of ${MAX_ALIAS_COUNT} (an alias bomb?); expected plain data or a few aliases.`,
        location,
      );
    }
    throw new ManifestError(`invalid YAML: ${message.split('\n')[0]}.`, location);
  }
}

function describe(document: Document, object: unknown, location: SourceLocation): ManifestDocument {
  if (!isRecord(object)) {
    throw new ManifestError(
      'the document is not a mapping; expected a Kubernetes object with apiVersion, kind and metadata.name.',
      location,
    );
  }
  const { apiVersion, kind } = object;
  const metadata = isRecord(object.metadata) ? object.metadata : {};
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
  return {
    document,
    location,
    object,
    apiVersion: apiVersion as string,
    kind: kind as string,
    key: groupKind(apiVersion as string, kind as string),
    name: metadata.name as string,
    namespace: typeof namespace === 'string' && namespace !== '' ? namespace : undefined,
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
