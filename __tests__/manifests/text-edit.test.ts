import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import type { ManifestDocument } from '../../src/manifests/parse.js';
import { applyEditsWithDocumentApi } from '../../src/manifests/serialize.js';
import { applyTextEdits, type Edit } from '../../src/manifests/text-edit.js';

const manifest = { location: { source: 'test.yaml', line: 1 } } as ManifestDocument;

const EDITS: Edit[] = [
  { op: 'set', path: ['metadata', 'namespace'], value: 'prod' },
  {
    op: 'set',
    path: ['metadata', 'annotations', 'kubernetes.io/change-cause'],
    value: 'deployed v1: see #42',
  },
  { op: 'set', path: ['metadata', 'annotations', 'k8s-deploy-action/tag'], value: '123' },
  { op: 'delete', path: ['spec', 'replicas'] },
  { op: 'set', path: ['spec', 'template', 'spec', 'containers', 0, 'image'], value: 'r.io:5000/api:new' },
  { op: 'set', path: ['spec', 'template', 'spec', 'initContainers', 1, 'image'], value: "it's new" },
];

/** Documents in the styles people write, including ones that only look like our paths. */
const CORPUS: Record<string, string> = {
  indented: `# header
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api # the API
  labels: { app: api }
spec:
  replicas: 3 # HPA owns it
  template:
    spec:
      initContainers:
        - name: a
          image: "a:1"
        - name: b
          image: 'b:1'
      containers:
        - name: main
          image: api:old # patched
          args: ["--image: fake", '#notacomment']
`,
  nonIndentedSequences: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  annotations:
    team: payments
spec:
  replicas: 2
  template:
    spec:
      initContainers:
      - name: a
        image: a:1
      - image: b:1
        name: b
      containers:
      -   name: main
          image: api:old
`,
  blockScalarsThatLookLikeKeys: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  annotations:
    note: |
      metadata:
        namespace: fake
spec:
  replicas: 1
  template:
    spec:
      initContainers:
        - name: a
          image: a
          command:
            - sh
            - -c
            - |
              image: not-this
        - name: b
          image: b
      containers:
        - name: main
          command: ["sh"]
          image: >-
            api:folded
`,
  quotedKeysAndEmptyAnnotations: `"apiVersion": apps/v1
'kind': Deployment
metadata:
  "name": api
  annotations:
spec:
  "replicas": 4
  template:
    spec:
      initContainers: [{ name: a, image: a }, { name: b, image: b }]
      containers:
        - name: main
          image: "api:old"
`,
  flowMetadata: `apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  template: { spec: { containers: [{ name: main, image: api }], initContainers: [{ name: a, image: a }, { name: b, image: b }] } }
`,
  continuationThatLooksLikeAnItem: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  annotations:
    description: a long
      - folded plain scalar
spec:
  template:
    spec:
      containers:
        - name: main
          image: api
`,
  multiLinePlainScalar: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  annotations:
    description: a long
      folded plain scalar
spec:
  template:
    spec:
      initContainers: [{ name: a, image: a }, { name: b, image: b }]
      containers:
        - name: main
          image: api
`,
};

describe('applyTextEdits', () => {
  it.each(Object.entries(CORPUS))(
    'gives the same data as the yaml Document API, or declines (%s)',
    (_, text) => {
      for (const edits of [EDITS, EDITS.slice(0, 5), EDITS.slice(0, 2)]) {
        const expected = parse(applyEditsWithDocumentApi(text, edits, manifest));
        const edited = applyTextEdits(text, edits);
        if (edited !== undefined) expect(parse(edited)).toEqual(expected);
      }
    },
  );

  it('edits plain block-style documents itself, keeping every other byte', () => {
    const text = CORPUS.indented as string;
    const edited = applyTextEdits(text, [
      { op: 'set', path: ['spec', 'template', 'spec', 'containers', 0, 'image'], value: 'api:new' },
    ]);
    expect(edited).toBe(text.replace('image: api:old # patched', 'image: api:new # patched'));
  });

  it('handles non-indented sequences, block scalars, folded plain scalars, quoted keys and empty mappings itself', () => {
    const cases: [string, Edit[]][] = [
      ['nonIndentedSequences', EDITS],
      ['multiLinePlainScalar', EDITS.slice(0, 5)],
      ['continuationThatLooksLikeAnItem', EDITS.slice(0, 5)],
      ['blockScalarsThatLookLikeKeys', EDITS.slice(0, 4)],
      ['quotedKeysAndEmptyAnnotations', EDITS.slice(0, 4)],
    ];
    for (const [name, edits] of cases) {
      const text = CORPUS[name] as string;
      const edited = applyTextEdits(text, edits);
      expect(edited).toBeDefined();
      expect(parse(edited as string)).toEqual(parse(applyEditsWithDocumentApi(text, edits, manifest)));
    }
  });

  it('declines to edit inside a block scalar or a flow collection', () => {
    expect(applyTextEdits(CORPUS.blockScalarsThatLookLikeKeys as string, EDITS)).toBeUndefined();
    expect(applyTextEdits(CORPUS.quotedKeysAndEmptyAnnotations as string, EDITS)).toBeUndefined();
  });

  it('declines flow-style parents (the Document API takes them)', () => {
    expect(applyTextEdits(CORPUS.flowMetadata as string, EDITS)).toBeUndefined();
  });

  it('quotes values that would read back as something other than the same string', () => {
    const edited = applyTextEdits('metadata:\n  name: x\n', [
      { op: 'set', path: ['metadata', 'annotations', 'a'], value: '123' },
      { op: 'set', path: ['metadata', 'annotations', 'b'], value: 'true' },
      { op: 'set', path: ['metadata', 'annotations', 'c'], value: 'x: y' },
      { op: 'set', path: ['metadata', 'annotations', 'd'], value: 'a #b' },
    ]);
    expect(parse(edited as string)).toEqual({
      metadata: { name: 'x', annotations: { a: '123', b: 'true', c: 'x: y', d: 'a #b' } },
    });
  });
});
