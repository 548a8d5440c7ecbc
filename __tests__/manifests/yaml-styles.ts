/**
 * YAML styles for the differential test: every way a value, key or document can be written
 * that the text editor could mistake, each placed next to the keys rendering edits.
 */

/**
 * A value as written after `key:`. Lines after the first get the key's indentation (empty
 * lines stay empty, so a `|+` scalar's trailing empty lines are truly empty or, with "·",
 * hold exactly the key's indentation plus the spaces shown).
 */
export const VALUES: Record<string, string> = {
  plain: 'hello world',
  plainWithColonAndHash: 'http://x:80/a#b',
  plainLooksLikeNumbers: '012',
  plainUnderscoreNumber: '1_000',
  plainSignedHex: '0x1F',
  plainSignedNumber: '+12',
  plainBigInteger: '12345678901234567890',
  plainFloats: '[.5, 1.50, .NaN, -.Inf, 0.1e-10]',
  plainExponent: '1e3',
  plainNullAndBool: '~',
  plainBoolWord: 'TRUE',
  plainMultiLine: 'first line\n  second line\n\n  after an empty line',
  single: "'it''s # not a comment'",
  singleMultiLine: "'first\n  second'",
  double: '"tab\\there \\u00e9 \\"q\\" \\\\ #x"',
  doubleMultiLine: '"first\n  second \\\n  third"',
  empty: '',
  emptyQuoted: '""',
  literal: '|\n  line one\n\n  # text, not a comment\n',
  literalStrip: '|-\n  line one\n\n',
  literalKeep: '|+\n  line one\n\n\n',
  literalKeepSpaces: '|+\n  line one\n·  \n·    \n',
  literalKeepHash: '|+\n  line one\n  # text\n\n',
  literalIndicator: '|2\n    leading spaces\n  normal\n',
  literalKeepIndicator: '|+2\n    leading\n\n',
  folded: '>\n  folded\n  text\n\n  para\n',
  foldedStrip: '>-\n  folded\n  text\n',
  foldedKeep: '>+\n  folded\n\n',
  literalWithComment: '| # a comment on the header\n  text\n',
  flowMap: '{ a: 1, b: [x, "y, z"], c: { d: "#" } }',
  flowSeq: '[a, \'b\', "c", 1, null]',
  flowMultiLine: '[\n  a,\n  b\n]',
  flowEmpty: '[]',
  blockSeq: '\n  - a\n  - b: 1\n    c: 2\n  - - nested\n',
  blockSeqNotIndented: '\n- a\n- |+\n  keep\n\n- b\n',
  blockMapOddKeys:
    '\n  z: 1\n  "key: with colon": 2\n  \'k#x\': 3\n  a b c: 5\n  spaced   : 6\n  x.y/z-w_v: 7\n',
  blockMapUnicodeKey: '\n  über: 1\n',
  complexKey: '\n  ? complex key\n  : value\n',
  commentsAround: '# not a value\n  # own line\n  a: 1 # end of line\n\n  # before b\n  b: 2\n  # after b\n',
  anchor: '&anchor anchored',
  anchorMap: '\n  base: &base { a: 1, b: 2 }\n  merged:\n    <<: *base\n    b: 3\n  again: *base\n',
  tagStr: '!!str 012',
  tagBinary: '!!binary aGVsbG8gd29ybGQ=',
  tagCustom: '!custom value',
  longPlain: `${'x'.repeat(3000)} end`,
  longDouble: `"${'word '.repeat(800)}"`,
};

/**
 * Values the text editor leaves to the Document API: anchors and tags (parse.ts sends them
 * there), and what it declines to read: multi-line quoted or flow values, complex and
 * non-ASCII keys. It must serve every other one itself.
 */
export const EDITOR_DECLINES = new Set([
  'anchor',
  'anchorMap',
  'tagStr',
  'tagBinary',
  'tagCustom',
  'singleMultiLine',
  'doubleMultiLine',
  'flowMultiLine',
  'blockMapUnicodeKey',
  'complexKey',
]);

/** Whole-document variations: line endings, markers, BOM, neighbours. */
export const DOCUMENT_FORMS: Record<string, (text: string) => string> = {
  lf: (text) => text,
  crlf: (text) => text.replace(/\n/g, '\r\n'),
  markers: (text) => `---\n${text}...\n`,
  markerWithComment: (text) => `--- # the api\n${text}`,
  emptyDocumentsAround: (text) => `---\n---\n# nothing here\n---\n${text}---\n...\n`,
  bom: (text) => `\uFEFF${text}`,
  noFinalNewline: (text) => text.replace(/\n$/, ''),
  headerComments: (text) => `# header\n\n# more\n${text}# trailer\n`,
};

/** Where the value goes: next to each key an edit replaces, deletes or adds after. */
export const SLOTS = ['annotation', 'metadataLast', 'beforeReplicas', 'afterImage', 'topLevelLast'] as const;
export type Slot = (typeof SLOTS)[number];

/** The document around the value, in three hands: plain, commented and quoted, compact. */
export const SKELETONS = ['plain', 'commented', 'compact'] as const;
export type Skeleton = (typeof SKELETONS)[number];

/** `key: value` at an indentation, with the value's continuation lines indented to match. */
export function entry(indent: number, key: string, value: string): string {
  const pad = ' '.repeat(indent);
  const [first, ...rest] = value.split('\n');
  const more = rest.map((line) => (line === '' ? '' : pad + line.replace(/^·/, '')));
  const text = [`${pad}${key}:${first === '' ? '' : ` ${first}`}`, ...more].join('\n');
  return text.endsWith('\n') ? text : `${text}\n`;
}

export function deploymentWith(skeleton: Skeleton, annotations: boolean, slot: Slot, value: string): string {
  const at = (here: Slot, indent: number) => (slot === here ? entry(indent, 'styled', value) : '');
  const existing = annotations ? `  annotations:\n    team: payments\n${at('annotation', 4)}` : '';
  if (skeleton === 'compact') {
    return `apiVersion: apps/v1
kind: Deployment
metadata:
    name: api
${existing.replace(/^ {2}/gm, '    ')}${at('metadataLast', 4)}spec:
    replicas: 3
${at('beforeReplicas', 4)}    template:
        spec:
            containers:
            -   name: main
                image: api:old
${at('afterImage', 16)}${at('topLevelLast', 0)}`;
  }
  const c = skeleton === 'commented';
  return `${c ? '# the API tier\n' : ''}apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${c ? '"api" # quoted' : 'api'}
${existing}${c ? '  # labels next\n' : ''}  labels:
    app: api
${at('metadataLast', 2)}${c ? '# spec follows\n' : ''}spec:
${at('beforeReplicas', 2)}${c ? '  # the HPA owns replicas\n' : ''}  replicas: 3${c ? ' # three' : ''}
  template:
    spec:
      containers:
        - name: main
          image: ${c ? "'api:old' # replaced on deploy" : 'api:old'}
${at('afterImage', 10)}${c ? '          # after the image\n' : ''}${at('topLevelLast', 0)}`;
}
