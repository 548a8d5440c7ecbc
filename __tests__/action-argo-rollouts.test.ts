import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pushImage } from '../sandbox/engine-deploy.js';
import { type ActionRun, runAction } from '../sandbox/runner.js';
import { type RunningSandbox, startSandbox } from '../sandbox/testing.js';
import { NodeProcessRunner } from '../src/process.js';

// Issue 23's Argo Rollouts evidence through the bundled action (dist/, built first), run as a
// GitHub runner runs it against the sandbox and its stand-in Argo Rollouts controller. Every
// verdict is checked against the Rollout's status and pods read back with kubectl.

let sandbox: RunningSandbox;
let workspace: string;
let env: Record<string, string>;
const images: Record<string, string> = {};

const NS = 'shop';

function rollout(image: string): string {
  return `apiVersion: v1
kind: Namespace
metadata: {name: ${NS}}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: ${NS}}
spec:
  replicas: 4
  progressDeadlineSeconds: 600
  selector: {matchLabels: {app: web}}
  strategy:
    canary:
      steps: [{setWeight: 25}, {pause: {}}, {setWeight: 50}, {pause: {}}]
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ${image}
`;
}

/** The action with `rollout.yaml` as the manifests, or with `action` alone. */
async function run(inputs: { image?: string; action?: string }): Promise<ActionRun> {
  if (inputs.image) await writeFile(join(workspace, 'k8s', 'rollout.yaml'), rollout(inputs.image));
  return runAction({
    inputs: {
      manifests: 'k8s',
      'release-name': 'web',
      namespace: NS,
      ...(inputs.action ? { action: inputs.action } : {}),
    },
    env,
    workspace,
  });
}

async function kubectl(args: string[]): Promise<string> {
  const result = await new NodeProcessRunner().run('kubectl', args, {
    env: { ...process.env, ...sandbox.env },
  });
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return result.stdout;
}

async function status(): Promise<{
  phase: string;
  message?: string;
  stableRS: string;
  currentPodHash: string;
}> {
  return JSON.parse(await kubectl(['get', 'rollouts.argoproj.io/web', '-n', NS, '-o', 'jsonpath={.status}']));
}

/** Image → count of the live pods of `web`. */
async function podImages(): Promise<Record<string, number>> {
  const list = JSON.parse(await kubectl(['get', 'pods', '-n', NS, '-l', 'app=web', '-o', 'json']));
  const counts: Record<string, number> = {};
  for (const pod of list.items) {
    if (pod.metadata.deletionTimestamp) continue;
    const image = pod.spec.containers[0].image;
    counts[image] = (counts[image] ?? 0) + 1;
  }
  return counts;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  workspace = await mkdtemp(join(tmpdir(), 'argo-action-'));
  await mkdir(join(workspace, 'k8s'));
  env = { ...sandbox.env, GITHUB_SHA: 'a'.repeat(40), GITHUB_REPOSITORY: 'acme/shop' } as Record<
    string,
    string
  >;
  images.v1 = await pushImage(sandbox, 'shop/web', 'v1');
  images.v2 = await pushImage(sandbox, 'shop/web', 'v2');
  images.v3 = await pushImage(sandbox, 'shop/web', 'v3');
  images.crash = await pushImage(sandbox, 'shop/web', 'crash', { SANDBOX_CRASH: '1' });
  const first = await run({ image: images.v1 });
  if (first.outputs.result !== 'success') throw new Error(`first release: ${first.log}`);
}, 240_000);

afterAll(async () => {
  await sandbox?.stop();
  await rm(workspace, { recursive: true, force: true });
});

describe('the action with an Argo Rollout', () => {
  it('fails a crash-looping canary in seconds and rolls it back to the last good release', async () => {
    const r = await run({ image: images.crash });
    expect(r.outputs.result).toBe('rolled-back');
    expect(r.exitCode).toBe(1);
    expect(r.log).toMatch(/::error.*Rollout shop\/web: pod web-\w+-\w+ container web is crash-looping/);
    expect(r.log).not.toMatch(/ProgressDeadlineExceeded/);
    expect((await status()).phase).toBe('Healthy');
    expect(await podImages()).toEqual({ [images.v1 as string]: 4 });
  }, 120_000);

  it('ends a release paused at a canary step waiting for promotion, then promote finishes it step by step', async () => {
    const waiting = await run({ image: images.v2 });
    expect(waiting.exitCode).toBe(0);
    expect(waiting.outputs.result).toBe('waiting-for-promotion');
    expect(waiting.log).toContain('Rollout shop/web paused at canary step 2 of 4 (CanaryPauseStep)');
    expect(await status()).toMatchObject({ phase: 'Paused', message: 'CanaryPauseStep' });
    expect(await podImages()).toEqual({ [images.v1 as string]: 3, [images.v2 as string]: 1 });

    const next = await run({ action: 'promote' });
    expect(next.outputs.result).toBe('waiting-for-promotion');
    expect(next.log).toContain('Rollout shop/web paused at canary step 4 of 4 (CanaryPauseStep)');
    expect(await podImages()).toEqual({ [images.v1 as string]: 2, [images.v2 as string]: 2 });

    const done = await run({ action: 'promote' });
    expect(done.exitCode).toBe(0);
    expect(done.outputs.result).toBe('success');
    const after = await status();
    expect(after.phase).toBe('Healthy');
    expect(after.stableRS).toBe(after.currentPodHash);
    expect(await podImages()).toEqual({ [images.v2 as string]: 4 });
  }, 240_000);

  it('reject aborts the paused canary and re-applies the last good release', async () => {
    const waiting = await run({ image: images.v3 });
    expect(waiting.outputs.result).toBe('waiting-for-promotion');
    const r = await run({ action: 'reject' });
    expect(r.exitCode).toBe(0);
    expect(r.log).toMatch(/Rollout shop\/web: RolloutAborted: Rollout aborted update to revision \d+\./);
    expect(r.outputs.result).toBe('success');
    expect((await status()).phase).toBe('Healthy');
    expect(await podImages()).toEqual({ [images.v2 as string]: 4 });
  }, 240_000);

  it('refuses promote with nothing waiting, in one sentence, changing nothing', async () => {
    const before = await kubectl([
      'get',
      'rollouts.argoproj.io/web',
      '-n',
      NS,
      '-o',
      'jsonpath={.metadata.resourceVersion}',
    ]);
    const r = await run({ action: 'promote' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs.result).toBe('failed');
    expect(r.log).toMatch(
      /::error::Nothing to promote: the latest release of web, v\d+, ended success, not waiting for promotion\. Expected a release that a deploy left waiting for promotion/,
    );
    const after = await kubectl([
      'get',
      'rollouts.argoproj.io/web',
      '-n',
      NS,
      '-o',
      'jsonpath={.metadata.resourceVersion}',
    ]);
    expect(after).toBe(before);
  }, 120_000);
});
