import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { CORE_SCHEMA, load } from 'js-yaml';
import { parseAllDocuments, parseDocument } from 'yaml';
import { MAX_ALIAS_COUNT, type ManifestDocument, parseSource } from '../../src/manifests/parse.js';
import {
  applyEditsWithDocumentApi,
  resetSerializeCounts,
  serializeCounts,
  serializeManifest,
} from '../../src/manifests/serialize.js';
import { applyTextEdits, type Edit } from '../../src/manifests/text-edit.js';
import {
  DOCUMENT_FORMS,
  deploymentWith,
  EDITOR_DECLINES,
  SKELETONS,
  type Skeleton,
  SLOTS,
  type Slot,
  VALUES,
} from './yaml-styles.js';

const IMAGE = 'registry.example:5000/team/api:new';
const ANNOTATIONS = {
  'kubernetes.io/change-cause': 'deployed tag 123: see #42',
  'k8s-deploy-action/tag': '123',
  'k8s-deploy-action/commit': 'true',
  'k8s-deploy-action/run-url': 'https://github.com/o/r/actions/runs/1',
};

/** Each edit kind rendering records, alone and all together. */
const EDIT_KINDS: Record<string, Edit[]> = {
  image: [{ op: 'set', path: ['spec', 'template', 'spec', 'containers', 0, 'image'], value: IMAGE }],
  namespace: [{ op: 'set', path: ['metadata', 'namespace'], value: 'prod' }],
  annotations: Object.entries(ANNOTATIONS).map(([key, value]) => ({
    op: 'set' as const,
    path: ['metadata', 'annotations', key],
    value,
  })),
  deleteReplicas: [{ op: 'delete', path: ['spec', 'replicas'] }],
};
EDIT_KINDS.all = Object.values(EDIT_KINDS).flat();

/** What the text must be changed in, on each line an edit is allowed to touch. */
const EDITED_LINE = new RegExp(
  [
    'image:',
    'replicas:',
    'namespace: prod',
    'annotations:$',
    ...Object.keys(ANNOTATIONS).map((key) => key.replace(/[./]/g, '\\$&')),
  ].join('|'),
);

/** The oracle, written independently of intendedObject: plain assignments on a deep copy. */
function expectedObject(object: Record<string, unknown>, edits: readonly Edit[]): unknown {
  const result = structuredClone(object);
  for (const edit of edits) {
    // biome-ignore lint/suspicious/noExplicitAny: walking arbitrary YAML data
    let node: any = result;
    for (const key of edit.path.slice(0, -1)) {
      const empty = node[key] === undefined || node[key] === null || node[key] === '';
      if (edit.op === 'set' && empty) node[key] = {};
      node = node[key];
      if (node === undefined) break;
    }
    const last = edit.path[edit.path.length - 1] as string | number;
    if (edit.op === 'set') node[last] = edit.value;
    else if (node !== undefined) delete node[last];
  }
  return structuredClone(result); // the `{}` above come from jest's realm, the rest do not
}

/** Reads output as the original was read: js-yaml for the fast path, the yaml library else. */
function readAs(documentApi: boolean, text: string): unknown {
  if (documentApi) return parseDocument(text).toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  return load(text, { schema: CORE_SCHEMA });
}

/**
 * Every scalar as the text it was written in (the failsafe schema resolves nothing), so a
 * number written differently (`012` as `12`, which Kubernetes' YAML 1.1 reads as 12, not 10)
 * shows although JavaScript reads the same value.
 */
function asWritten(text: string): unknown {
  const documents = parseAllDocuments(text, { schema: 'failsafe' }).map((document) => document.toJS());
  // Empty documents read as '' here (failsafe has no null); rendering skips them.
  return structuredClone(documents.filter((document) => typeof document === 'object' && document !== null));
}

/** Lines of `before` missing from `after` and lines of `after` new to it (longest common subsequence). */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const lengths = a.map(() => new Array<number>(b.length + 1).fill(0));
  lengths.push(new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lengths[i] as number[];
      row[j] =
        a[i] === b[j]
          ? (lengths[i + 1] as number[])[j + 1] + 1
          : Math.max((lengths[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  const changed: string[] = [];
  let [i, j] = [0, 0];
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) [i, j] = [i + 1, j + 1];
    else if (
      j < b.length &&
      (i === a.length || (lengths[i] as number[])[j + 1] === (lengths[i] as number[])[j])
    )
      changed.push(b[j++] as string);
    else changed.push(a[i++] as string);
  }
  return changed;
}

interface Outcome {
  failures: string[];
  textEdited: number;
}

/** Serializes one document with some edits and checks it against the oracle and the Document API. */
function check(label: string, text: string, edits: readonly Edit[], outcome: Outcome): void {
  const fail = (why: string): void => {
    outcome.failures.push(`${label}: ${why}`);
  };
  let manifests: ManifestDocument[];
  try {
    manifests = parseSource({ name: 'k8s/api.yaml', text });
  } catch (error) {
    fail(`does not parse: ${(error as Error).message}`);
    return;
  }
  if (manifests.length !== 1) {
    fail(`${manifests.length} documents`);
    return;
  }
  const manifest = manifests[0] as ManifestDocument;
  const documentApi = manifest.document !== undefined;
  const expected = expectedObject(manifest.object, edits);
  const editorOutput = documentApi ? undefined : applyTextEdits(manifest.text, edits);
  manifest.edits.push(...edits);
  resetSerializeCounts();
  const output = serializeManifest(manifest);
  // Cloned so that both sides come from one realm (jest's vm modules have their own Object).
  const equal = (actual: unknown) => isDeepStrictEqual(structuredClone(actual), expected);
  if (!equal(readAs(documentApi, output))) fail(`renders a different object:\n${output}`);
  const [written] = asWritten(text) as Record<string, unknown>[];
  const rewritten = asWritten(output) as unknown[];
  if (rewritten.length !== 1 || !isDeepStrictEqual(rewritten[0], expectedObject(written ?? {}, edits))) {
    fail(`writes a scalar differently:\n${output}`);
  }
  // The editor itself must be right: the read-back check only hides its mistakes.
  if (editorOutput !== undefined && !equal(load(editorOutput, { schema: CORE_SCHEMA }))) {
    fail(`the text editor changed a value:\n${editorOutput}`);
  }
  // Where the Document API rendered, there is no other path to compare with.
  if (serializeCounts().textEdited !== 1) return;
  outcome.textEdited++;
  const stray = changedLines(manifest.text, output).filter((line) => !EDITED_LINE.test(line));
  if (stray.length > 0) fail(`the fast path changed lines no edit touches: ${JSON.stringify(stray)}`);
  const viaDocumentApi = applyEditsWithDocumentApi(manifest.text, edits, manifest);
  if (!equal(readAs(false, viaDocumentApi))) fail(`the Document API disagrees:\n${viaDocumentApi}`);
}

function cases(): [string, Skeleton, boolean, Slot][] {
  const all: [string, Skeleton, boolean, Slot][] = [];
  for (const skeleton of SKELETONS) {
    for (const annotations of [true, false]) {
      for (const slot of SLOTS) {
        if (slot === 'annotation' && !annotations) continue;
        all.push([`${skeleton}${annotations ? '+annotations' : ''}@${slot}`, skeleton, annotations, slot]);
      }
    }
  }
  return all;
}

describe('rendering, differentially over YAML styles', () => {
  it.each(Object.keys(VALUES))(
    'renders exactly the intended object with a %s value next to every edited key',
    (name) => {
      const value = VALUES[name] as string;
      const outcome: Outcome = { failures: [], textEdited: 0 };
      for (const [where, skeleton, annotations, slot] of cases()) {
        const text = deploymentWith(skeleton, annotations, slot, value);
        for (const [kind, edits] of Object.entries(EDIT_KINDS)) {
          check(`${where} ${kind}`, text, edits, outcome);
        }
        if (skeleton !== 'plain') continue;
        for (const [form, transform] of Object.entries(DOCUMENT_FORMS)) {
          check(`${where} ${form}`, transform(text), EDIT_KINDS.all as Edit[], outcome);
        }
      }
      expect(outcome.failures).toEqual([]);
      // Else the editor would be untested on this style, or reading what it claims to decline.
      if (EDITOR_DECLINES.has(name)) expect(outcome.textEdited).toBe(0);
      else expect(outcome.textEdited).toBeGreaterThan(0);
    },
  );
});
