/**
 * Public sample applications' manifests, taken unmodified (__tests__/fixtures/third-party: their
 * source and licence beside them), deployed through the CLI against the sandbox, with only their
 * image references replaced by --image. They name no namespace, as most upstream manifests
 * don't: each scenario runs with the namespace input, with a kubeconfig whose context sets a
 * namespace (made by kubectl itself), and with neither. Everything is read back with kubectl.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pushImage } from '../../sandbox/engine-deploy.js';
import { type RunningSandbox, startSandbox } from '../../sandbox/testing.js';
import type { CliCommand } from '../../src/cli/command.js';
import { deployCommand, diffCommand } from '../../src/cli/deploy.js';
import { historyCommand } from '../../src/cli/history.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'third-party');
const GUESTBOOK = join(FIXTURES, 'guestbook');
const BOUTIQUE = join(FIXTURES, 'online-boutique', 'kubernetes-manifests.yaml');

/** The guestbook's images, as the manifests name them (repository path, no registry). */
const GUESTBOOK_IMAGES = ['google-samples/gb-frontend', 'redis', 'google_samples/gb-redisslave'];
const BOUTIQUE_IMAGES = [
  'adservice',
  'cartservice',
  'checkoutservice',
  'currencyservice',
  'emailservice',
  'frontend',
  'loadgenerator',
  'paymentservice',
  'productcatalogservice',
  'recommendationservice',
  'shippingservice',
].map((service) => `online-boutique-ci/microservices-demo/${service}`);

let sandbox: RunningSandbox;
let v1 = '';
let v2 = '';
/** A tag the registry does not have: its pods never pull. */
let missing = '';
let workDir = '';

beforeAll(async () => {
  sandbox = await startSandbox();
  v1 = await pushImage(sandbox, 'samples/app', 'v1');
  v2 = await pushImage(sandbox, 'samples/app', 'v2');
  missing = v1.replace(/:v1@sha256:[0-9a-f]+$/, ':no-such-tag').replace(/:v1$/, ':no-such-tag');
  workDir = mkdtempSync(join(tmpdir(), 'third-party-'));
}, 180_000);
afterAll(async () => {
  await sandbox?.stop();
});

function env(kubeconfig?: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...sandbox.env,
    ...(kubeconfig ? { KUBECONFIG: kubeconfig } : {}),
    RUNNER_TEMP: workDir,
    GITHUB_SHA: undefined,
  };
}

async function cli(make: (deps?: never) => CliCommand, args: string[], kubeconfig?: string) {
  let stdout = '';
  let stderr = '';
  const code = await make().run(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: env(kubeconfig),
  });
  return { code, stdout, stderr };
}

function kubectl(args: string[], kubeconfig?: string, stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('kubectl', args, { env: env(kubeconfig) }, (error, stdout, stderr) =>
      error ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
    );
    child.stdin?.end(stdin ?? '');
  });
}

function imageFlags(names: readonly string[], reference: string, overrides: Record<string, string> = {}) {
  return names.flatMap((name) => ['--image', `${name}=${overrides[name] ?? reference}`]);
}

/** `deployment/NAME → image of its first container` in a namespace, read back from the cluster. */
async function imagesIn(namespace: string): Promise<Record<string, string>> {
  const list = JSON.parse(await kubectl(['get', 'deployments', '-n', namespace, '-o', 'json']));
  return Object.fromEntries(
    list.items.map(
      (d: {
        metadata: { name: string };
        spec: { template: { spec: { containers: { image: string }[] } } };
      }) => [d.metadata.name, d.spec.template.spec.containers[0]?.image],
    ),
  );
}

async function recordCount(release: string, namespace: string): Promise<number> {
  const out = await kubectl([
    'get',
    'secrets',
    '-n',
    namespace,
    '-l',
    `k8s-deploy-action/release=${release}`,
    '-o',
    'name',
  ]);
  return out.split('\n').filter((line) => line !== '').length;
}

const files = (...names: string[]) =>
  names.flatMap((name) => ['--manifests', join(GUESTBOOK, `${name}.yaml`)]);
const ALL = [
  'frontend-deployment',
  'frontend-service',
  'redis-master-deployment',
  'redis-master-service',
  'redis-replica-deployment',
  'redis-replica-service',
];

interface Mode {
  name: string;
  /** Where namespace-less objects must land. */
  namespace: string;
  flags: string[];
  /** A kubeconfig of our own (the context sets the namespace), else the sandbox's. */
  kubeconfig?: () => string;
}

const MODES: Mode[] = [
  { name: 'the namespace input', namespace: 'gb-input', flags: ['--namespace', 'gb-input'] },
  {
    name: 'a context namespace',
    namespace: 'gb-context',
    flags: [],
    kubeconfig: () => join(workDir, 'kubeconfig-gb-context'),
  },
  { name: 'neither (default)', namespace: 'default', flags: [] },
];

describe.each(MODES)('the guestbook, unmodified, with $name', (mode) => {
  const release = `guestbook-${mode.namespace}`;
  let kubeconfig: string | undefined;
  let handAppliedUid = '';

  beforeAll(async () => {
    if (mode.namespace !== 'default') await kubectl(['create', 'namespace', mode.namespace]);
    if (mode.kubeconfig) {
      kubeconfig = mode.kubeconfig();
      copyFileSync(sandbox.env.KUBECONFIG ?? '', kubeconfig);
      await kubectl(['config', 'set-context', '--current', `--namespace=${mode.namespace}`], kubeconfig);
    }
  }, 60_000);

  const deploy = (args: string[]) =>
    cli(deployCommand, ['--release-name', release, ...mode.flags, ...args], kubeconfig);

  it('first deploy puts every object into that namespace and verifies it there', async () => {
    const result = await deploy([
      ...files(...ALL.filter((f) => f !== 'redis-replica-service')),
      ...imageFlags(GUESTBOOK_IMAGES, v1),
    ]);
    expect(result.stdout).toMatch(/^success: /m);
    expect(result.code).toBe(0);
    // A terminal's words: no action input named, no empty build section.
    expect(result.stderr).toMatch(/^Using the kubeconfig \S+ \(KUBECONFIG\)\.$/m);
    expect(result.stderr).not.toMatch(/kubeconfig input|^== Images$/m);
    expect(await imagesIn(mode.namespace)).toEqual({ frontend: v1, 'redis-master': v1, 'redis-replica': v1 });
    expect(await recordCount(release, mode.namespace)).toBe(1);
    const services = await kubectl(['get', 'services', '-n', mode.namespace, '-o', 'name']);
    expect(services).toMatch(/service\/frontend\n/);
  }, 120_000);

  it('the same manifests again are a no-op: no new release, nothing applied', async () => {
    const result = await deploy([
      ...files(...ALL.filter((f) => f !== 'redis-replica-service')),
      ...imageFlags(GUESTBOOK_IMAGES, v1),
    ]);
    expect(result.stdout).toMatch(/already has these manifests; nothing changed\./);
    expect(result.code).toBe(0);
    expect(await recordCount(release, mode.namespace)).toBe(1);
  }, 120_000);

  it('a broken tag is rolled back (exit 3) and a Service applied by hand before survives the rollback', async () => {
    // Applied by hand, as kubectl would: into the namespace the mode selects.
    const service = await kubectl(
      ['apply', '-n', mode.namespace, '-o', 'json', '-f', join(GUESTBOOK, 'redis-replica-service.yaml')],
      kubeconfig,
    );
    handAppliedUid = JSON.parse(service).metadata.uid;
    const result = await deploy([
      ...files(...ALL),
      ...imageFlags(GUESTBOOK_IMAGES, v2, { 'google-samples/gb-frontend': missing }),
    ]);
    expect(result.stderr).toMatch(/^error: rolled back: /m);
    expect(result.code).toBe(3);
    expect(await imagesIn(mode.namespace)).toEqual({ frontend: v1, 'redis-master': v1, 'redis-replica': v1 });
    const after = JSON.parse(
      await kubectl(['get', 'service', 'redis-replica', '-n', mode.namespace, '-o', 'json']),
    );
    expect(after.metadata.uid).toBe(handAppliedUid);
  }, 180_000);

  it('a good release, then a prune deletes exactly the object removed from the manifests', async () => {
    const good = await deploy([...files(...ALL), ...imageFlags(GUESTBOOK_IMAGES, v2)]);
    expect(good.code).toBe(0);
    expect(await imagesIn(mode.namespace)).toEqual({ frontend: v2, 'redis-master': v2, 'redis-replica': v2 });
    // A diff whose only change is the prune says so, and the file it names is there to read.
    const diff = await cli(
      diffCommand,
      [
        '--release-name',
        release,
        ...mode.flags,
        ...files(...ALL.filter((f) => f !== 'frontend-service')),
        ...imageFlags(GUESTBOOK_IMAGES, v2),
        '--prune',
      ],
      kubeconfig,
    );
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain(`# Prune would delete: Service ${mode.namespace}/frontend`);
    expect(diff.stderr).not.toMatch(/already matches/);
    const named = /The server-side diff is in (\S+); prune would delete 1 object\(s\)\./.exec(
      diff.stderr,
    )?.[1];
    expect(named && existsSync(named)).toBe(true);
    const pruned = await deploy([
      ...files(...ALL.filter((f) => f !== 'frontend-service')),
      ...imageFlags(GUESTBOOK_IMAGES, v2),
      '--prune',
    ]);
    expect(pruned.code).toBe(0);
    const services = await kubectl(['get', 'services', '-n', mode.namespace, '-o', 'name']);
    expect(services).not.toMatch(/service\/frontend\n/);
    expect(services).toMatch(/service\/redis-master\n/);
    expect(services).toMatch(/service\/redis-replica\n/);
  }, 240_000);

  it('history finds the records without being told the namespace the deploys used', async () => {
    const history = await cli(
      historyCommand,
      ['--release-name', release, ...mode.flags, '--output', 'json'],
      kubeconfig,
    );
    expect(history.code).toBe(0);
    const entries = JSON.parse(history.stdout);
    expect(entries.map((e: { status: string }) => e.status)).toEqual([
      'success',
      'success',
      'rolled-back',
      'success',
    ]);
  }, 60_000);
});

describe('a context namespace never lets a same-named object elsewhere answer for the release', () => {
  it('a broken release in the context namespace fails though a healthy Deployment of that name runs in default', async () => {
    const kubeconfig = join(workDir, 'kubeconfig-decoy');
    copyFileSync(sandbox.env.KUBECONFIG ?? '', kubeconfig);
    await kubectl(['create', 'namespace', 'team-decoy']);
    await kubectl(['config', 'set-context', '--current', '--namespace=team-decoy'], kubeconfig);
    // The decoy: a healthy `frontend` in default, as another team's copy would be.
    const decoy = await cli(deployCommand, [
      '--release-name',
      'decoy',
      '--namespace',
      'default',
      ...files('frontend-deployment'),
      ...imageFlags(['google-samples/gb-frontend'], v1),
    ]);
    expect(decoy.code).toBe(0);
    const broken = await cli(
      deployCommand,
      [
        '--release-name',
        'team',
        ...files('frontend-deployment'),
        ...imageFlags(['google-samples/gb-frontend'], missing),
      ],
      kubeconfig,
    );
    expect(broken.stderr).toMatch(/^error: failed: .*frontend/m);
    expect(broken.code).toBe(1);
    expect((await imagesIn('team-decoy')).frontend).toBe(missing);
    expect((await imagesIn('default')).frontend).toBe(v1);
  }, 180_000);
});

describe('one problem in many workloads', () => {
  it('the verdict names the first workload that cannot pull its image, and any others seen by then', async () => {
    await kubectl(['create', 'namespace', 'gb-missing']);
    const result = await cli(deployCommand, [
      '--release-name',
      'missing',
      '--namespace',
      'gb-missing',
      ...files('frontend-deployment', 'redis-master-deployment', 'redis-replica-deployment'),
      ...imageFlags(GUESTBOOK_IMAGES, missing),
    ]);
    expect(result.code).toBe(1);
    const verdict = /^error: failed: (.*)$/m.exec(result.stderr)?.[1] ?? '';
    expect(verdict).toMatch(/^Deployment gb-missing\/\S+: pod .* cannot pull its image: .*not found/);
    // How many others already show it depends on when their pulls fail (verify.test.ts pins the
    // count down); those it names are the set's other Deployments.
    const others = / (\d) more workload\(s\) show the same image pull error too: (.*)\.$/.exec(verdict);
    if (others) expect(others[2].split(', ')).toHaveLength(Number(others[1]));
  }, 120_000);
});

describe('Online Boutique, unmodified, with a context namespace', () => {
  it('deploys its 12 Deployments and 12 Services into the context namespace, then redeploys as a no-op', async () => {
    const kubeconfig = join(workDir, 'kubeconfig-boutique');
    copyFileSync(sandbox.env.KUBECONFIG ?? '', kubeconfig);
    await kubectl(['create', 'namespace', 'boutique']);
    await kubectl(['config', 'set-context', '--current', '--namespace=boutique'], kubeconfig);
    const args = [
      '--release-name',
      'boutique',
      '--manifests',
      BOUTIQUE,
      ...imageFlags(BOUTIQUE_IMAGES, v1),
      ...imageFlags(['redis', 'busybox'], v1),
    ];
    const first = await cli(deployCommand, args, kubeconfig);
    expect(first.stdout).toMatch(/^success: /m);
    expect(first.code).toBe(0);
    const images = await imagesIn('boutique');
    expect(Object.keys(images)).toHaveLength(12);
    expect(new Set(Object.values(images))).toEqual(new Set([v1]));
    expect(await kubectl(['get', 'deployments', '-n', 'default', '-o', 'name'])).not.toMatch(/adservice/);
    const frontend = JSON.parse(
      await kubectl(['get', 'service', 'frontend-external', '-n', 'boutique', '-o', 'json']),
    );
    expect(frontend.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    const again = await cli(deployCommand, args, kubeconfig);
    expect(again.stdout).toMatch(/already has these manifests; nothing changed\./);
    expect(again.code).toBe(0);
  }, 300_000);
});
