import { describe, expect, it } from '@jest/globals';
import { load } from 'js-yaml';
import { firstDifference, intendedObject, RenderInvariantError } from '../../src/manifests/intended.js';
import { type ManifestDocument, parseSource } from '../../src/manifests/parse.js';
import {
  resetSerializeCounts,
  serializeCounts,
  serializeManifest,
  type TextEditor,
} from '../../src/manifests/serialize.js';
import { applyTextEdits, type Edit } from '../../src/manifests/text-edit.js';
import { render } from './helpers.js';

const TRACE = { traceability: { tag: 'v1' } };

/** A Deployment whose last annotation is a block scalar (`|+` keeps its trailing blank lines). */
const blockLast = (trailing: string, header = '|+') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  annotations:
    note: ${header}
      keep me
${trailing}spec:
  template:
    spec:
      containers:
        - name: main
          image: api:old
`;
const keepBlockLast = (trailing: string) => blockLast(trailing);

const noteOf = (text: string) =>
  (load(text) as { metadata: { annotations: { note: string } } }).metadata.annotations.note;

describe('values the renderer was not asked to change', () => {
  it.each([
    ['blank lines', '\n\n'],
    ['whitespace-only lines', '      \n  \n'],
  ])('keeps the trailing %s of a `|+` block scalar when an annotation is added after it', (_, trailing) => {
    const text = keepBlockLast(trailing);
    const { objects } = render(text, TRACE);
    expect(noteOf(text)).toMatch(/\n\n$/);
    expect(objects[0]?.metadata.annotations.note).toBe(noteOf(text));
    expect(objects[0]?.metadata.annotations['k8s-deploy-action/tag']).toBe('v1');
  });

  // The read-back check would catch these too; the text editor should not need it.
  it.each([
    ['|+', '\n\n'],
    ['>+', '\n  \n'],
    ['|2+', '\n'],
    ['|+', '      # text, not a comment\n\n'],
    ['|', '      # text, not a comment\n'],
    ['>-', '      # text, not a comment\n'],
  ])('adds keys after a `%s` block scalar itself, keeping its text (%j)', (header, trailing) => {
    const text = blockLast(trailing, header);
    const edited = applyTextEdits(text, [{ op: 'set', path: ['metadata', 'annotations', 'a'], value: 'b' }]);
    expect(noteOf(edited as string)).toBe(noteOf(text));
  });
});

describe('numbers through the Document API', () => {
  it('are written as the user wrote them, which is what YAML 1.1 (Kubernetes) reads them as', () => {
    const numbers = ['012', '+12', '0x1F', '1e3', '.5', '12345678901234567890', '.NaN'];
    // The anchor sends the document through the Document API, which writes numbers anew.
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: &name settings\nspec:\n${numbers
      .map((number, i) => `  n${i}: ${number}\n`)
      .join('')}`;
    const { result } = render(text, { namespace: 'prod' });
    for (const [i, number] of numbers.entries()) expect(result.yaml).toContain(`\n  n${i}: ${number}\n`);
  });
});

describe('the read-back check', () => {
  const text = keepBlockLast('\n');
  const annotate: Edit = { op: 'set', path: ['metadata', 'annotations', 'team'], value: 'payments' };
  const parsed = (source: string) =>
    parseSource({ name: 'k8s/api.yaml', text: source })[0] as ManifestDocument;
  const intended = (manifest: ManifestDocument) =>
    intendedObject(manifest.object, manifest.edits, manifest.location);

  it.each<[string, TextEditor]>([
    ['changes a value nobody edited', (t, e) => applyTextEdits(t, e)?.replace('keep me', 'kept')],
    ['drops a line', (t, e) => applyTextEdits(t, e)?.replace('spec:\n', '')],
    ['writes YAML that does not parse', (t, e) => `${applyTextEdits(t, e)}  - [\n`],
  ])('discards a text edit that %s and renders with the Document API instead', (_, faulty) => {
    const manifest = parsed(text);
    manifest.edits.push(annotate);
    resetSerializeCounts();
    const output = serializeManifest(manifest, faulty);
    expect(load(output)).toEqual(intended(manifest));
    expect(serializeCounts()).toMatchObject({ textEdited: 0, documentApi: 1, textEditsRejected: 1 });
  });

  it('keeps a correct text edit, byte for byte outside the edited lines', () => {
    const manifest = parsed(text);
    manifest.edits.push(annotate);
    resetSerializeCounts();
    const output = serializeManifest(manifest);
    expect(output).toBe(text.replace('\nspec:', '\n    team: payments\nspec:'));
    expect(serializeCounts()).toMatchObject({ textEdited: 1, documentApi: 0, textEditsRejected: 0 });
  });

  it('refuses, naming file and line, a Document API result that reads back differently', () => {
    // An anchor sends the document to the Document API; the object stands in for what the
    // user wrote, so disagreeing with the text plays the part of a Document API bug.
    const manifest = parsed(`# header\n${text.replace('name: api', 'name: &n api')}`);
    expect(manifest.document).toBeDefined();
    manifest.edits.push(annotate);
    manifest.object = { ...manifest.object, spec: 'something else' };
    expect(() => serializeManifest(manifest)).toThrow(RenderInvariantError);
    expect(() => serializeManifest(manifest)).toThrow(/^k8s\/api\.yaml:2: internal error: .*\(at spec\)/);
  });
});

describe('firstDifference', () => {
  it('finds no difference in key order or NaN, and names the path of the first real one', () => {
    const value = { a: { b: [1, { c: Number.NaN }] }, d: 'x' };
    expect(firstDifference({ d: 'x', a: { b: [1, { c: Number.NaN }] } }, value)).toBeUndefined();
    expect(firstDifference({ a: { b: [1, { c: 2 }] }, d: 'x' }, value)).toBe('a.b[1].c');
    expect(firstDifference({ a: { b: [1] }, d: 'x' }, value)).toBe('a.b');
    expect(firstDifference({ ...value, e: 1 }, value)).toBe('e');
    expect(firstDifference({ a: value.a }, value)).toBe('d');
    expect(firstDifference('text', value)).toBe('(the whole document)');
    expect(firstDifference({ a: '1' }, { a: 1 })).toBe('a');
  });
});
