import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ActionRun, runAction } from '../sandbox/runner.js';
import { type RunningSandbox, startSandbox } from '../sandbox/testing.js';
import { kubectlRun, pushImage } from './deploy/support.js';

// The bundled action (dist/), run as a runner runs it: the release lock between overlapping
// workflow runs, and the post step releasing a lock its killed main step still held.

let sandbox: RunningSandbox;
let savedEnv: NodeJS.ProcessEnv;
const images: Record<string, string> = {};
let runs = 0;

beforeAll(async () => {
  sandbox = await startSandbox();
  savedEnv = { ...process.env };
  Object.assign(process.env, sandbox.env);
  for (const tag of ['one', 'two', 'three']) images[tag] = await pushImage(sandbox, 'lockaction/web', tag);
  images.stuck = await pushImage(sandbox, 'lockaction/web', 'stuck', { SANDBOX_NEVER_READY: '1' });
}, 180_000);

afterAll(async () => {
  process.env = savedEnv;
  await sandbox?.stop();
});

function manifests(namespace: string, image: string): string {
  return `apiVersion: v1
kind: Namespace
metadata: {name: ${namespace}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${namespace}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ${image}
`;
}

/** One workflow run of the action (its own run id) on manifests in a fresh workspace. */
async function deploy(
  namespace: string,
  image: string,
  inputs: Record<string, string> = {},
  options: { killWhen?: RegExp; env?: Record<string, string> } = {},
): Promise<ActionRun> {
  const workspace = await mkdtemp(join(sandbox.stateDir, 'workspace-'));
  await writeFile(join(workspace, 'app.yaml'), manifests(namespace, image));
  runs++;
  return runAction({
    inputs: {
      manifests: 'app.yaml',
      kubeconfig: sandbox.env.KUBECONFIG ?? '',
      'release-name': namespace,
      'rollout-timeout': '60s',
      'rollout-settle': '2s',
      ...inputs,
    },
    env: {
      ...sandbox.env,
      GITHUB_SHA: `${runs.toString(16).padStart(8, '0')}${'b'.repeat(32)}`,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: String(7000 + runs),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'deploy',
      ...options.env,
    },
    workspace,
    killWhen: options.killWhen,
  });
}

async function liveImage(namespace: string): Promise<string> {
  return kubectlRun(sandbox, [
    'get',
    'deployment/web',
    '-n',
    namespace,
    '-o',
    'jsonpath={.spec.template.spec.containers[0].image}',
  ]);
}

async function holder(namespace: string): Promise<string | undefined> {
  const json = await kubectlRun(sandbox, [
    'get',
    'lease',
    `k8s-deploy.${namespace}.lock`,
    '-n',
    namespace,
    '-o',
    'json',
  ]);
  return (JSON.parse(json) as { spec: { holderIdentity?: string } }).spec.holderIdentity;
}

describe('the release lock in the bundled action', () => {
  it('two workflow runs of one release at once: one waits for the other, each ends success with its own release recorded, the last one live', async () => {
    const ns = 'action-lock';
    expect((await deploy(ns, images.one ?? '')).outputs.result).toBe('success');
    const [a, b] = await Promise.all([deploy(ns, images.two ?? ''), deploy(ns, images.three ?? '')]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect([a.outputs.release, b.outputs.release].sort()).toEqual(['2', '3']);
    const last = a.outputs.release === '3' ? { run: a, image: images.two } : { run: b, image: images.three };
    expect(last.run.log).toMatch(
      /Release action-lock is locked by https:\/\/github\.com\/acme\/shop\/actions\/runs\/\d+\/attempts\/1 job deploy \([0-9a-f]{6}\), deploy since/,
    );
    expect(await liveImage(ns)).toBe(last.image);
    expect(await holder(ns)).toBeUndefined();
  }, 300_000);

  it('a main step killed with SIGKILL mid-verify leaves its lock; the post step releases it, so the next run with lock-timeout 0 deploys', async () => {
    const ns = 'action-killed';
    expect((await deploy(ns, images.one ?? '')).outputs.result).toBe('success');
    const killed = await deploy(
      ns,
      images.stuck ?? '',
      {},
      { killWhen: /Waiting for \d+ workload\(s\) at once/ },
    );
    expect(killed.exitCode).toBe(128);
    const saved = JSON.parse(killed.state.lock ?? '{}') as { identity?: string; namespace?: string };
    expect(saved).toMatchObject({ namespace: ns, release: ns });
    expect(saved.identity).toMatch(
      /^https:\/\/github\.com\/acme\/shop\/actions\/runs\/\d+\/attempts\/1 job deploy \(/,
    );
    expect(killed.postExitCode).toBe(0);
    expect(killed.log).toContain(`Released the lock of release ${ns}, which the main step still held.`);
    expect(await holder(ns)).toBeUndefined();

    // The killed run recorded nothing: the next release is v2.
    const next = await deploy(ns, images.two ?? '', { 'lock-timeout': '0' });
    expect(next.outputs).toMatchObject({ result: 'success', release: '2' });
    expect(await liveImage(ns)).toBe(images.two);
    // Released at the end of its main step: the post step finds nothing to do.
    expect(next.state.lock).toBe('');
  }, 300_000);

  it('fails at once with lock-timeout 0 while another run holds the lock, and says who holds it', async () => {
    const ns = 'action-busy';
    expect((await deploy(ns, images.one ?? '')).outputs.result).toBe('success');
    const holderRun = deploy(ns, images.two ?? '', { 'rollout-settle': '8s' });
    // Wait until the first run holds the lock.
    for (let i = 0; i < 200 && (await holder(ns).catch(() => undefined)) === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const refused = await deploy(ns, images.three ?? '', { 'lock-timeout': '0' });
    expect(refused.exitCode).toBe(1);
    expect(refused.outputs.result).toBe('failed');
    expect(refused.log).toMatch(
      /^::error::Release action-busy is locked by another run \(https:\/\/github\.com\/acme\/shop\/actions\/runs\/\d+\/attempts\/1 job deploy \([0-9a-f]{6}\), deploy since .+\), and lock-timeout 0 ran out waiting for it; nothing was changed\.$/m,
    );
    expect((await holderRun).outputs).toMatchObject({ result: 'success', release: '2' });
    expect(await liveImage(ns)).toBe(images.two);
  }, 300_000);
});
