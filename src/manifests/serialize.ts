import { type Document, isMap, isScalar, parseDocument } from 'yaml';
import { ManifestError } from './errors.js';
import { firstDifference, intendedObject, RenderInvariantError } from './intended.js';
import { keepNumberSources } from './number-source.js';
import { MAX_ALIAS_COUNT, type ManifestDocument, tryFastLoad } from './parse.js';
import { applyTextEdits, type Edit } from './text-edit.js';

/** How documents were serialized since the last reset (for bench/render and debugging). */
export interface SerializeCounts {
  /** No edits: the text as written. */
  asWritten: number;
  textEdited: number;
  documentApi: number;
  /** Of documentApi: the text editor's output read back differently, so it was discarded. */
  textEditsRejected: number;
}

const counts: SerializeCounts = { asWritten: 0, textEdited: 0, documentApi: 0, textEditsRejected: 0 };

export function serializeCounts(): SerializeCounts {
  return { ...counts };
}

export function resetSerializeCounts(): void {
  Object.assign(counts, { asWritten: 0, textEdited: 0, documentApi: 0, textEditsRejected: 0 });
}

export type TextEditor = (text: string, edits: readonly Edit[]) => string | undefined;

const UNREADABLE = Symbol('unreadable');

/**
 * The document's text with its recorded edits. Plain block-style documents are edited line
 * by line (everything else stays byte for byte as written); the rest go through the yaml
 * Document API, which keeps comments and key order and re-formats indentation.
 *
 * Either way the result is read back with the parser that read the original and must equal
 * the original object with the edits applied: a text edit that reads back differently is
 * discarded for the Document API, and a Document API result that does is an internal error,
 * since shipping it would deploy a value the user never wrote. `editText` is replaceable so
 * tests can prove the check catches an editor bug on its own.
 */
export function serializeManifest(manifest: ManifestDocument, editText: TextEditor = applyTextEdits): string {
  const { edits } = manifest;
  if (manifest.document === undefined && edits.length === 0) {
    counts.asWritten++;
    return withNewline(manifest.text);
  }
  const intended = intendedObject(manifest.object, edits, manifest.location);
  const readBack = manifest.document === undefined ? tryFastLoad : readWithDocumentApi;
  let document = manifest.document;
  if (document === undefined) {
    const edited = editText(manifest.text, edits);
    if (edited !== undefined) {
      const text = withNewline(edited);
      if (firstDifference(readOrMark(readBack, text), intended) === undefined) {
        counts.textEdited++;
        return text;
      }
      counts.textEditsRejected++;
    }
    document = parseDocument(manifest.text, { customTags: keepNumberSources });
  }
  counts.documentApi++;
  for (const edit of edits) applyToDocument(document, edit, manifest);
  // Our stream places its own separators; a `---` kept from the source would double them.
  if (document.directives) document.directives.docStart = null;
  const text = withNewline(document.toString({ lineWidth: 0 }));
  const read = readOrMark(readBack, text);
  const difference = read === UNREADABLE ? 'the whole document' : firstDifference(read, intended);
  if (difference !== undefined) {
    throw new RenderInvariantError(
      `the rendered document reads back differently from the manifest with its edits applied (at ${difference}${read === UNREADABLE ? ', which no longer parses' : ''}); nothing was deployed.`,
      manifest.location,
    );
  }
  return text;
}

/** The Document API path on its own, for text without a parsed document (and for tests). */
export function applyEditsWithDocumentApi(
  text: string,
  edits: readonly Edit[],
  manifest: ManifestDocument,
): string {
  const document = parseDocument(text, { customTags: keepNumberSources });
  for (const edit of edits) applyToDocument(document, edit, manifest);
  return document.toString({ lineWidth: 0 });
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

function readOrMark(read: (text: string) => unknown, text: string): unknown {
  const value = read(text);
  return value === undefined ? UNREADABLE : value;
}

/** As parse.ts reads documents that need the full parser. */
function readWithDocumentApi(text: string): unknown {
  const document = parseDocument(text);
  if (document.errors.length > 0) return undefined;
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return undefined;
  }
}

function applyToDocument(document: Document, edit: Edit, manifest: ManifestDocument): void {
  try {
    if (edit.op === 'delete') {
      if (document.hasIn(edit.path)) document.deleteIn(edit.path);
      return;
    }
    const node = document.getIn(edit.path, true);
    if (isScalar(node)) {
      node.value = edit.value; // keeps the node's quoting style and comments
      return;
    }
    // A missing or empty (`annotations:`) parent becomes a fresh mapping.
    for (let depth = 1; depth < edit.path.length; depth++) {
      const parent = document.getIn(edit.path.slice(0, depth), true);
      if (parent === undefined || parent === null || (isScalar(parent) && parent.value === null)) {
        document.setIn(edit.path.slice(0, depth), document.createNode({}));
      } else if (!isMap(parent) && typeof edit.path[depth] === 'string') {
        throw new Error('not a mapping');
      }
    }
    document.setIn(edit.path, edit.value);
  } catch {
    throw new ManifestError(
      `cannot ${edit.op} ${edit.path.join('.')}: the path goes through a YAML alias or a value that is not a mapping; expected plain mappings and lists there.`,
      manifest.location,
    );
  }
}
