import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runAction } from '../../sandbox/runner.js';
import { type RunningSandbox, startSandbox } from '../../sandbox/testing.js';
import { auditMark, kubectlRun, mutationsAfter } from '../deploy/support.js';
import {
  expectNoInjectedCommand,
  expectOneClearSentence,
  type HostileCase,
  makeWorkspace,
  PWNED,
  removeWorkspace,
} from './support.js';

// Every case: the bundled action (dist/index.js) run as a GitHub runner runs it, against one
// sandbox for the file. Each must fail with one sentence naming what was wrong and what was
// expected, change nothing in the cluster, and let no value it logs pass for a workflow command.

const NS = 'hostile';
const configMap = (name = 'settings', namespace = NS, extra = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  a: b\n${extra}`;
const deployment = (image: string, name = 'web') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${NS}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: web
          image: ${JSON.stringify(image)}
`;
const migrationJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: ${NS}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - {name: migrate, image: busybox}
`;
const BILLION_LAUGHS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: lol
  namespace: ${NS}
data:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`;
const INJECTIONS = [
  `\n::set-output name=x::${PWNED}`,
  `\n::add-mask::${PWNED}`,
  `\n::stop-commands::${PWNED}`,
  `%0A::set-output name=x::${PWNED}`,
];
/** Shell metacharacters and newlines, each of which must be refused where a value is a name. */
const SHELL = ['$(touch /tmp/PWNED)', '`id`', 'a;id', 'a|id', 'a&&id', 'a\nid', 'a b', "a'b"];

/** A 50 MB manifest: one ConfigMap whose data has 50 one-megabyte values. */
const hugeManifest = () =>
  `${configMap('huge')}${Array.from({ length: 50 }, (_, i) => `  k${i}: ${'x'.repeat(1024 * 1024)}\n`).join('')}`;
/** One enormous scalar (8 MB) in an annotation. */
const hugeScalar = () =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  namespace: ${NS}\n  annotations:\n    note: ${'y'.repeat(8 * 1024 * 1024)}\ndata:\n  a: b\n`;
/** Three ConfigMaps of incompressible data: each fits a Secret, their release record does not. */
const incompressible = () =>
  [1, 2, 3]
    .map((i) =>
      configMap(`random-${i}`, NS, `  blob: ${randomBytes(560 * 1024).toString('base64')}\n`).replace(
        '  a: b\n',
        '',
      ),
    )
    .join('---\n');

let sandbox: RunningSandbox;
let env: Record<string, string>;
let kubeconfig: string;
let scratch: string;

/** A release record Secret written as something other than the action would write it. */
async function writeRecord(release: string, data: string, extraLabels: Record<string, string> = {}) {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `k8s-deploy.${release}.v1`,
      namespace: NS,
      labels: {
        'app.kubernetes.io/managed-by': 'k8s-deploy-action',
        'k8s-deploy-action/release': release,
        'k8s-deploy-action/version': '1',
        'k8s-deploy-action/status': 'success',
        ...extraLabels,
      },
    },
    type: 'k8s-deploy-action/release.v1',
    data: { release: data },
  };
  const file = join(scratch, `${release}.json`);
  await writeFile(file, JSON.stringify(secret));
  await kubectlRun(sandbox, ['apply', '--server-side', '-f', file]);
}
const gzipJson = (value: unknown) => gzipSync(JSON.stringify(value)).toString('base64');

const cases: HostileCase[] = [
  // ---- durations and numbers
  ...['ten minutes', '0s', '1.5h', '10m;id'].map(
    (value): HostileCase => ({
      name: `rollout-timeout ${JSON.stringify(value)}`,
      inputs: { 'rollout-timeout': value },
      names: "'rollout-timeout'",
      says: /duration/,
    }),
  ),
  {
    name: 'rollout-timeout beyond what a timer can wait (99999999h)',
    inputs: { 'rollout-timeout': '99999999h' },
    names: "'rollout-timeout'",
    says: /at most/,
  },
  ...['1d', '$(sleep 100)s'].map(
    (value): HostileCase => ({
      name: `migration-timeout ${JSON.stringify(value)}`,
      inputs: { 'migration-timeout': value, 'migration-job': 'migrate' },
      files: { 'app.yaml': `${configMap()}---\n${migrationJob}` },
      names: "'migration-timeout'",
      says: /duration/,
    }),
  ),
  {
    name: 'migration-timeout of a hundred thousand days (overflows a timer)',
    inputs: { 'migration-timeout': '2400000h', 'migration-job': 'migrate' },
    files: { 'app.yaml': `${configMap()}---\n${migrationJob}` },
    names: "'migration-timeout'",
  },
  ...['-1', '2.5', '1e3', '99999999999999999999'].map(
    (value): HostileCase => ({
      name: `crashloop-restarts ${JSON.stringify(value)}`,
      inputs: { 'crashloop-restarts': value },
      names: "'crashloop-restarts'",
      says: /whole number/,
    }),
  ),
  ...['0', '101', '5;id'].map(
    (value): HostileCase => ({
      name: `history-limit ${JSON.stringify(value)}`,
      inputs: { 'history-limit': value },
      names: "'history-limit'",
      says: /from 1 to 100/,
    }),
  ),
  // ---- names with shell metacharacters, newlines and injected workflow commands
  ...[SHELL[0], SHELL[5], ...INJECTIONS.map((i) => `app${i}`), 'MyApp', 'a'.repeat(54)].map(
    (value): HostileCase => ({
      name: `release-name ${JSON.stringify(value)}`,
      inputs: { 'release-name': value },
      names: "'release-name'",
      says: /DNS-1123 label/,
    }),
  ),
  ...[SHELL[1], SHELL[2], `v1${INJECTIONS[0]}`, 'x'.repeat(129)].map(
    (value): HostileCase => ({
      name: `tag ${JSON.stringify(value)}`,
      inputs: { tag: value, images: 'web' },
      names: "'tag'",
    }),
  ),
  ...[SHELL[3], `${NS}${INJECTIONS[0]}`].map(
    (value): HostileCase => ({
      name: `namespace ${JSON.stringify(value)}`,
      inputs: { namespace: value },
      names: "'namespace'",
    }),
  ),
  ...[SHELL[4], `migrate${INJECTIONS[1]}`].map(
    (value): HostileCase => ({
      name: `migration-job ${JSON.stringify(value)}`,
      inputs: { 'migration-job': value },
      names: "'migration-job'",
    }),
  ),
  ...[SHELL[6], `sandbox${INJECTIONS[0]}`].map(
    (value): HostileCase => ({
      name: `cluster-name ${JSON.stringify(value)}`,
      inputs: { 'cluster-name': value, kubeconfig: '' },
      names: "'cluster-name'",
    }),
  ),
  ...['us-east-1\nid'].map(
    (value): HostileCase => ({
      name: `aws-region ${JSON.stringify(value)}`,
      inputs: { 'aws-region': value },
      names: "'aws-region'",
    }),
  ),
  ...['$(id).example.com'].map(
    (value): HostileCase => ({
      name: `registry ${JSON.stringify(value)}`,
      inputs: { registry: value },
      names: "'registry'",
    }),
  ),
  {
    name: 'registry-id that is not 12 digits',
    inputs: { 'registry-id': '1234;id' },
    names: "'registry-id'",
  },
  ...['auto;id'].map(
    (value): HostileCase => ({
      name: `build ${JSON.stringify(value)}`,
      inputs: { build: value },
      names: "'build'",
    }),
  ),
  ...(['rollback', 'dry-run'] as const).map(
    (input): HostileCase => ({ name: `${input} "yes"`, inputs: { [input]: 'yes' }, names: `'${input}'` }),
  ),
  ...['javascript:alert(1)', 'https://ok.example/path\n::set-output name=x::PWNED'].map(
    (value): HostileCase => ({
      name: `environment-url ${JSON.stringify(value)}`,
      inputs: { 'environment-url': value },
      names: "'environment-url'",
    }),
  ),
  ...[`staging${INJECTIONS[0]}`, `staging${INJECTIONS[2]}`].map(
    (value): HostileCase => ({
      name: `environment ${JSON.stringify(value)}`,
      inputs: { environment: value },
      names: "'environment'",
    }),
  ),
  // ---- images
  ...[
    '- web$(id)',
    '- "web;id"',
    '- "web\\n::set-output name=x::PWNED"',
    '- web\n- web',
    '{web: [',
    'web: {context: ., shell: "rm -rf /"}',
    'web:\n  build-args: ["X=$(id)", "bad name=1"]',
    'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  ].map(
    (value): HostileCase => ({
      name: `images ${JSON.stringify(value).slice(0, 60)}`,
      inputs: { images: value },
      names: "'images'",
    }),
  ),
  {
    name: 'an image of `images` that no container uses',
    inputs: { images: 'ghost' },
    files: { 'app.yaml': `${configMap()}---\n${deployment('web:1')}` },
    names: /ghost/,
    says: /container/,
  },
  // ---- manifest paths
  // Refused by their text: the same sentence whether or not something outside would match.
  ...['../outside.yaml', '/etc/passwd', '../*.yaml', 'k8s/../../*.yaml'].flatMap((value): HostileCase[] =>
    [false, true].map(
      (matchBeside): HostileCase => ({
        name: `manifests ${JSON.stringify(value)} outside the workspace, ${matchBeside ? 'with' : 'without'} a .yaml beside it`,
        inputs: { manifests: value },
        beside: matchBeside ? { 'outside.yaml': configMap('outside') } : ({} as Record<string, string>),
        names: /[Mm]anifest (path|glob)/,
        says: /leads outside the workspace/,
      }),
    ),
  ),
  {
    name: 'manifests through a symlink pointing outside the workspace',
    inputs: { manifests: 'linked.yaml' },
    symlinks: { 'linked.yaml': '/etc/hostname' },
    names: /linked\.yaml/,
    says: /outside the workspace/,
  },
  {
    name: 'manifests folder holding a symlink to a folder outside',
    inputs: { manifests: 'k8s' },
    files: { 'k8s/app.yaml': configMap() },
    symlinks: { 'k8s/etc.yaml': '/etc/hostname' },
    names: /k8s/,
    says: /outside the workspace/,
  },
  ...['app.yaml; rm -rf /', `app.yaml${INJECTIONS[0]}`].map(
    (value): HostileCase => ({
      name: `manifests ${JSON.stringify(value)} that does not exist`,
      inputs: { manifests: value },
      names: /[Mm]anifest/,
      says: /does not exist|matches no files/,
    }),
  ),
  // ---- malformed YAML
  ...[
    ['an unclosed flow sequence', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [x\n'],
    ['a tab for indentation', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n'],
    ['a duplicate key', 'apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata:\n  name: x\n'],
    ['an unterminated quoted string', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "x\n'],
    ['bad indentation', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   namespace: y\n'],
    ['a stray mapping in a sequence', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  - name: x\n  y: z\n'],
    ['an undefined alias', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: *nothing\n'],
    ['binary garbage', '\u0000\u0001\u0002apiVersion: v1\n\u00ff\u00fe'],
  ].map(
    ([what, text]): HostileCase => ({
      name: `manifest with ${what}`,
      files: { 'app.yaml': `${configMap('first')}---\n${text}` },
      names: /app\.yaml:\d+/,
    }),
  ),
  {
    name: 'manifest with a billion-laughs alias bomb',
    files: { 'app.yaml': BILLION_LAUGHS },
    names: /app\.yaml:1/,
    says: /alias/,
  },
  {
    name: 'a 50 MB manifest',
    files: { 'app.yaml': hugeManifest },
    names: /app\.yaml/,
    says: /MiB|bytes|large/,
  },
  {
    name: 'an 8 MB scalar in one annotation',
    files: { 'app.yaml': hugeScalar },
    names: /app\.yaml:1/,
    says: /MiB|bytes|large/,
  },
  // ---- documents that are not Kubernetes objects
  ...[
    ['no kind', 'apiVersion: v1\nmetadata:\n  name: x\n', /kind/],
    ['no apiVersion', 'kind: ConfigMap\nmetadata:\n  name: x\n', /apiVersion/],
    ['no metadata.name', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n', /metadata\.name/],
    ['a list at the top', '- apiVersion: v1\n  kind: ConfigMap\n', /mapping/],
    ['a number as the name', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 42\n', /metadata\.name/],
    [
      'a name with a newline and a workflow command',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "x\\n::set-output name=x::${PWNED}"\n  namespace: ${NS}\n`,
      /name/,
    ],
    [
      'a name with shell metacharacters',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "x;$(id)"\n  namespace: ${NS}\n`,
      /name/,
    ],
    [
      'a namespace with a workflow command',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: "${NS}\\n::add-mask::${PWNED}"\n`,
      /namespace/,
    ],
    ['a kind with a newline', 'apiVersion: v1\nkind: "Config\\nMap"\nmetadata:\n  name: x\n', /kind/],
  ].map(
    ([what, text, says]): HostileCase => ({
      name: `a document with ${what}`,
      files: { 'app.yaml': `${configMap('first')}---\n${text}` },
      names: /app\.yaml:9/,
      says: says as RegExp,
    }),
  ),
  {
    name: 'a Deployment whose image is not an image reference',
    files: { 'app.yaml': deployment(`web:1$(id)\n::set-output name=x::${PWNED}`) },
    names: /app\.yaml:1/,
    says: /image/,
  },
  {
    name: 'the same object twice in one file',
    files: { 'app.yaml': `${configMap()}---\n${configMap()}` },
    names: /app\.yaml:9/,
    says: /twice/,
  },
  {
    name: 'the same object in two files',
    inputs: { manifests: 'k8s' },
    files: { 'k8s/a.yaml': configMap(), 'k8s/b.yaml': configMap() },
    names: /k8s\/b\.yaml:1/,
    says: /twice.*k8s\/a\.yaml:1/,
  },
  {
    name: 'manifests that hold no object',
    files: { 'app.yaml': '# nothing\n---\n---\n' },
    names: /app\.yaml/,
    says: /no Kubernetes objects/,
  },
  // ---- the cluster
  {
    name: 'an EKS cluster that does not exist',
    inputs: { 'cluster-name': 'no-such-cluster', kubeconfig: '' },
    names: /no-such-cluster/,
  },
  {
    name: 'a kubeconfig path that does not exist',
    inputs: { kubeconfig: '/nonexistent/kubeconfig' },
    names: /\/nonexistent\/kubeconfig/,
  },
  {
    name: 'a kubeconfig path with a newline and a workflow command',
    inputs: { kubeconfig: `/nonexistent${INJECTIONS[0]}` },
    names: /'?kubeconfig'?/,
  },
  {
    name: 'a kubeconfig that is not a kubeconfig',
    files: { 'kubeconfig.yaml': '{not: [a kubeconfig' },
    inputs: { kubeconfig: 'kubeconfig.yaml' },
    names: /kubeconfig/,
  },
  {
    name: 'a migration-job naming no Job of the manifests',
    inputs: { 'migration-job': 'migrate' },
    names: "'migration-job'",
    says: /no Job/,
  },
  {
    name: 'a namespace the cluster does not have',
    files: { 'app.yaml': configMap('settings', 'nowhere') },
    names: /app\.yaml:1/,
    says: /nowhere/,
  },
  {
    name: 'a kind the cluster does not know',
    files: {
      'app.yaml': `${configMap()}---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: ${NS}\n`,
    },
    names: /app\.yaml:9/,
    says: /Widget/,
  },
  // ---- release records
  {
    name: 'a release record that is not gzip',
    inputs: { 'release-name': 'tampered-a' },
    setup: () => writeRecord('tampered-a', Buffer.from('not gzip at all').toString('base64')),
    names: /k8s-deploy\.tampered-a\.v1/,
  },
  {
    name: 'a release record of another shape',
    inputs: { 'release-name': 'tampered-b' },
    setup: () => writeRecord('tampered-b', gzipJson({ version: 'one', manifest: 3 })),
    names: /k8s-deploy\.tampered-b\.v1/,
  },
  {
    name: 'a release record that is a gzip bomb',
    inputs: { 'release-name': 'tampered-c' },
    setup: () =>
      writeRecord('tampered-c', gzipSync(Buffer.alloc(100 * 1024 * 1024), { level: 9 }).toString('base64')),
    names: /k8s-deploy\.tampered-c\.v1/,
  },
  {
    name: 'a release record whose objects are not objects',
    inputs: { 'release-name': 'tampered-d' },
    setup: () =>
      writeRecord(
        'tampered-d',
        gzipJson({ name: 'tampered-d', version: 1, status: 'success', manifest: '', objects: [42, 'x'] }),
      ),
    names: /k8s-deploy\.tampered-d\.v1/,
  },
  {
    name: 'a release record whose version label and number disagree',
    inputs: { 'release-name': 'tampered-e' },
    setup: () =>
      writeRecord(
        'tampered-e',
        gzipJson({
          name: 'tampered-e',
          version: 1e9,
          status: 'success',
          manifest: '',
          objects: [],
          images: {},
          fingerprint: '',
        }),
      ),
    names: /k8s-deploy\.tampered-e\.v1/,
  },
  {
    name: 'a new release record larger than a Secret can hold',
    inputs: { 'release-name': 'too-large' },
    files: { 'app.yaml': incompressible },
    names: /too-large/,
    says: /bytes/,
  },
];

beforeAll(async () => {
  sandbox = await startSandbox();
  scratch = await mkdtemp(join(tmpdir(), 'hostile-'));
  env = {
    ...sandbox.env,
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_REPOSITORY: 'acme/hostile',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '1',
  };
  kubeconfig = env.KUBECONFIG ?? '';
  delete env.KUBECONFIG;
  await kubectlRun(sandbox, ['create', 'namespace', NS]);
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('hostile and broken input', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  const check = async (_name: string, hostile: HostileCase) => {
    const started = Date.now();
    const workspace = await makeWorkspace(
      { 'app.yaml': configMap(), ...hostile.files },
      hostile.symlinks,
      hostile.beside,
    );
    try {
      await hostile.setup?.();
      const mark = await auditMark(sandbox);
      const run = await runAction({
        inputs: {
          kubeconfig,
          manifests: 'app.yaml',
          'release-name': 'hostile',
          ...hostile.inputs,
        },
        env: { ...env, ...hostile.env },
        workspace,
      });
      const mutations = await mutationsAfter(sandbox, mark);
      if (process.env.HOSTILE_PROGRESS) {
        appendFileSync(process.env.HOSTILE_PROGRESS, `${_name}\t${Date.now() - started} ms\n`);
      }
      try {
        expectOneClearSentence(run, hostile);
        expectNoInjectedCommand(run);
        expect(mutations.map((m) => `${m.verb} ${m.path}`)).toEqual([]);
      } catch (error) {
        (error as Error).message += `\n\n--- action output ---\n${run.rawOutput.slice(0, 4000)}`;
        throw error;
      }
    } finally {
      await removeWorkspace(workspace);
    }
  };
  const title = '%s: fails with one sentence, changes nothing, honours no injected command';
  it.each(cases.map((c) => [c.name, c] as const))(title, check, 60_000);
});
