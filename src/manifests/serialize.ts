import { type Document, isMap, isScalar, parseDocument } from 'yaml';
import { ManifestError } from './errors.js';
import type { ManifestDocument } from './parse.js';
import { applyTextEdits, type Edit } from './text-edit.js';

/**
 * The document's text with its recorded edits. Plain block-style documents are edited line
 * by line (everything else stays byte for byte as written); the rest go through the yaml
 * Document API, which keeps comments and key order and re-formats indentation.
 */
export function serializeManifest(manifest: ManifestDocument): string {
  if (manifest.document === undefined) {
    const edited =
      manifest.edits.length === 0 ? manifest.text : applyTextEdits(manifest.text, manifest.edits);
    if (edited !== undefined) return edited.endsWith('\n') ? edited : `${edited}\n`;
    manifest.document = parseDocument(manifest.text);
  }
  const document = manifest.document;
  for (const edit of manifest.edits) applyToDocument(document, edit, manifest);
  // Our stream places its own separators; a `---` kept from the source would double them.
  if (document.directives) document.directives.docStart = null;
  const text = document.toString({ lineWidth: 0 });
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** The Document API path on its own, for text without a parsed document (and for tests). */
export function applyEditsWithDocumentApi(
  text: string,
  edits: readonly Edit[],
  manifest: ManifestDocument,
): string {
  const document = parseDocument(text);
  for (const edit of edits) applyToDocument(document, edit, manifest);
  return document.toString({ lineWidth: 0 });
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
