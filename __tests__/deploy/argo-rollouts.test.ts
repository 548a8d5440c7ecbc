/**
 * Item "every object verified", Argo Rollouts: a Rollout deployed with the engine against the
 * sandbox, whose stand-in Argo Rollouts controller steps canaries, pauses and aborts as Argo does
 * (sandbox/controllers/argo-rollouts.ts). Status is read back from the cluster.
 */
import { describe, expect, it } from '@jest/globals';
import { promotionCommand } from '../../src/cli/promote.js';
import { KubeApi } from '../../src/deploy/kube-api.js';
import { Kubectl } from '../../src/deploy/kubectl.js';
import { continueRelease, type PromotionAction } from '../../src/deploy/promotion.js';
import { ReleaseStore } from '../../src/deploy/release.js';
import { StreamLogger } from '../../src/log.js';
import { NodeProcessRunner } from '../../src/process.js';
import { addFault, clearFaults, deployYaml, kubectlRun, pushImage, useSandbox } from './support.js';

const ctx = useSandbox('argo-rollouts/app', { crashing: true });

const STEPS = '[{setWeight: 25}, {pause: {}}, {setWeight: 50}, {pause: {}}]';

/** Namespace and Rollout `web` (4 replicas, the canary steps above). */
function rolloutApp(namespace: string, image: string, extra = ''): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
  namespace: ${namespace}
spec:
  replicas: 4
  progressDeadlineSeconds: 600${extra}
  selector:
    matchLabels: {app: web}
  strategy:
    canary:
      steps: ${STEPS}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ${image}
`;
}

async function rolloutStatus(
  namespace: string,
): Promise<{ phase: string; message: string; stableRS: string; currentPodHash: string }> {
  const json = await kubectlRun(ctx.sandbox, [
    'get',
    'rollouts.argoproj.io/web',
    '-n',
    namespace,
    '-o',
    'jsonpath={.status}',
  ]);
  return JSON.parse(json);
}

/** The image of each live pod of `web` (pods being deleted left out). */
async function podImages(namespace: string): Promise<string[]> {
  const list = JSON.parse(
    await kubectlRun(ctx.sandbox, ['get', 'pods', '-n', namespace, '-l', 'app=web', '-o', 'json']),
  );
  return list.items
    .filter((pod: { metadata: { deletionTimestamp?: string } }) => !pod.metadata.deletionTimestamp)
    .map((pod: { spec: { containers: { image: string }[] } }) => pod.spec.containers[0].image)
    .sort();
}

async function withApi<T>(work: (api: KubeApi, kubectl: Kubectl) => Promise<T>): Promise<T> {
  const kubectl = new Kubectl({
    runner: new NodeProcessRunner(),
    kubeconfig: ctx.sandbox.env.KUBECONFIG ?? '',
    env: { ...process.env, ...ctx.sandbox.env },
    logger: new StreamLogger(() => {}),
  });
  const api = await KubeApi.start(kubectl);
  try {
    return await work(api, kubectl);
  } finally {
    await api.close();
  }
}

async function records(namespace: string): Promise<{ version: number; status: string; reason?: string }[]> {
  const history = await withApi((api) => new ReleaseStore(api, namespace, 'web').history());
  return history.map((r) => ({
    version: r.version,
    status: r.status,
    ...(r.reason ? { reason: r.reason } : {}),
  }));
}

/** `action: promote` / `reject` as the action and the CLI run it. */
function continueWith(action: PromotionAction, namespace: string) {
  const log: string[] = [];
  return withApi(async (api, kubectl) => ({
    outcome: await continueRelease(
      { action, releaseName: 'web', namespace, rolloutTimeoutMs: 60_000, lockTimeoutMs: 10_000 },
      {
        api,
        kubectl,
        logger: new StreamLogger((line) => log.push(line)),
        signal: new AbortController().signal,
      },
    ),
    log,
  }));
}

/** Release v1 live and Healthy, v2 (a new image) paused at the first canary pause. */
async function waitingRelease(ns: string): Promise<{ next: string }> {
  const first = await deployYaml(ctx.sandbox, rolloutApp(ns, ctx.image), { releaseName: 'web' });
  expect(first.outcome.result).toBe('success');
  const next = await pushImage(ctx.sandbox, 'argo-rollouts/app', 'v2');
  const run = await deployYaml(ctx.sandbox, rolloutApp(ns, next), { releaseName: 'web' });
  expect(run.outcome.result).toBe('waiting-for-promotion');
  return { next };
}

describe('Argo Rollouts are verified', () => {
  it('a first release is verified once the Rollout is Healthy', async () => {
    const ns = 'ro-first';
    const run = await deployYaml(ctx.sandbox, rolloutApp(ns, ctx.image), { releaseName: 'web' });
    expect(run.outcome.result).toBe('success');
    expect(run.outcome.verify?.workloads).toEqual([
      expect.objectContaining({
        ref: expect.objectContaining({ kind: 'Rollout', name: 'web' }),
        state: 'current',
      }),
    ]);
    const status = await rolloutStatus(ns);
    expect(status.phase).toBe('Healthy');
    expect(run.log.at(-1)).toBe('Verified 1 object.');
  }, 120_000);

  it('a new image paused at a canary step ends the run waiting for promotion, recorded so', async () => {
    const ns = 'ro-paused';
    await deployYaml(ctx.sandbox, rolloutApp(ns, ctx.image), { releaseName: 'web' });
    const next = await pushImage(ctx.sandbox, 'argo-rollouts/app', 'v2');
    const run = await deployYaml(ctx.sandbox, rolloutApp(ns, next), { releaseName: 'web' });
    expect(run.outcome.result).toBe('waiting-for-promotion');
    expect(run.outcome.verdict).toBe(
      'Release web v2 is waiting for promotion: Rollout ro-paused/web paused at canary step 2 of 4 (CanaryPauseStep). Promote it with action: promote (k8s-deploy promote), or reject it with action: reject (k8s-deploy reject).',
    );
    const status = await rolloutStatus(ns);
    expect(status.phase).toBe('Paused');
    expect(status.stableRS).not.toBe(status.currentPodHash);
    expect(await records(ns)).toEqual([
      { version: 2, status: 'waiting-for-promotion', reason: run.outcome.verdict },
      { version: 1, status: 'success' },
    ]);
  }, 120_000);

  it('a crash-looping canary fails in seconds, not at the progress deadline, and the last good release is restored', async () => {
    const ns = 'ro-crash';
    const good = await deployYaml(ctx.sandbox, rolloutApp(ns, ctx.image), { releaseName: 'web' });
    expect(good.outcome.result).toBe('success');
    const bad = await deployYaml(ctx.sandbox, rolloutApp(ns, ctx.crashing), { releaseName: 'web' });
    expect(bad.outcome.result).toBe('rolled-back');
    // Judged by the pods' state, while Argo itself still counted the progress deadline (600 s).
    expect(bad.outcome.verify?.workloads[0]).toMatchObject({
      state: 'failed',
      problem: { reason: 'CrashLoopBackOff' },
    });
    expect(bad.outcome.verdict).toMatch(/^Rollout ro-crash\/web/);
    expect(bad.outcome.rollback?.verify?.ok).toBe(true);
    const status = await rolloutStatus(ns);
    expect(status.phase).toBe('Healthy');
    expect(await podImages(ns)).toEqual([ctx.image, ctx.image, ctx.image, ctx.image]);
  }, 120_000);
});

describe('promote and reject a release waiting for promotion', () => {
  it('promote does what kubectl argo rollouts promote does, step by step, until the Rollout is Healthy and recorded success', async () => {
    const ns = 'ro-promote';
    const { next } = await waitingRelease(ns);
    const second = await continueWith('promote', ns);
    // The second pause of the steps: still waiting, now at step 4.
    expect(second.outcome.result).toBe('waiting-for-promotion');
    expect(second.outcome.verdict).toContain(
      'Rollout ro-promote/web paused at canary step 4 of 4 (CanaryPauseStep)',
    );
    const done = await continueWith('promote', ns);
    expect(done.outcome.result).toBe('success');
    const status = await rolloutStatus(ns);
    expect(status.phase).toBe('Healthy');
    expect(status.stableRS).toBe(status.currentPodHash);
    expect(await podImages(ns)).toEqual([next, next, next, next]);
    expect(await records(ns)).toEqual([
      { version: 4, status: 'success', reason: 'promote v3' },
      {
        version: 3,
        status: 'waiting-for-promotion',
        reason: expect.stringMatching(/^promote v2: Release web v3 is waiting for promotion/),
      },
      {
        version: 2,
        status: 'waiting-for-promotion',
        reason: expect.stringMatching(/^Release web v2 is waiting for promotion/),
      },
      { version: 1, status: 'success' },
    ]);
  }, 180_000);

  it('reject aborts the Rollout as kubectl argo rollouts abort does, then re-applies and verifies the last good release', async () => {
    const ns = 'ro-reject';
    await waitingRelease(ns);
    const run = await continueWith('reject', ns);
    expect(run.log).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Rollout ro-reject\/web: RolloutAborted: Rollout aborted update to revision 2\.$/,
        ),
      ]),
    );
    expect(run.outcome.result).toBe('success');
    const status = await rolloutStatus(ns);
    expect(status.phase).toBe('Healthy');
    expect(await podImages(ns)).toEqual([ctx.image, ctx.image, ctx.image, ctx.image]);
    expect((await records(ns))[0]).toEqual({
      version: 3,
      status: 'success',
      reason: 'reject v2: back to v1',
    });
  }, 180_000);

  it('promote with nothing waiting is refused in one sentence and changes nothing', async () => {
    const ns = 'ro-nothing';
    await deployYaml(ctx.sandbox, rolloutApp(ns, ctx.image), { releaseName: 'web' });
    const before = await kubectlRun(ctx.sandbox, [
      'get',
      'rollouts.argoproj.io/web',
      '-n',
      ns,
      '-o',
      'jsonpath={.metadata.resourceVersion}',
    ]);
    await expect(continueWith('promote', ns)).rejects.toThrow(
      'Nothing to promote: the latest release of web, v1, ended success, not waiting for promotion. Expected a release that a deploy left waiting for promotion (an Argo Rollout paused at a canary step or before blue-green promotion); nothing was changed.',
    );
    const after = await kubectlRun(ctx.sandbox, [
      'get',
      'rollouts.argoproj.io/web',
      '-n',
      ns,
      '-o',
      'jsonpath={.metadata.resourceVersion}',
    ]);
    expect(after).toBe(before);
    expect(await records(ns)).toEqual([{ version: 1, status: 'success' }]);
  }, 120_000);
});

/** Namespace, Deployment `template` (0 replicas) and Rollout `web` taking its template by workloadRef. */
function workloadRefApp(namespace: string, image: string): string {
  return `apiVersion: v1
kind: Namespace
metadata: {name: ${namespace}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: template, namespace: ${namespace}}
spec:
  replicas: 0
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ${image}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: ${namespace}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: template}
  strategy:
    canary:
      steps: [{setWeight: 50}, {pause: {}}]
`;
}

/** Namespace, active and preview Services, and a blue-green Rollout `web` that waits for promotion. */
function blueGreenApp(namespace: string, image: string): string {
  const service = (name: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;
  return [
    `apiVersion: v1
kind: Namespace
metadata: {name: ${namespace}}
`,
    service('web-active'),
    service('web-preview'),
    `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: ${namespace}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  strategy:
    blueGreen: {activeService: web-active, previewService: web-preview, autoPromotionEnabled: false, scaleDownDelaySeconds: 0}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ${image}
`,
  ].join('---\n');
}

describe('promote stopped part-way', () => {
  it('says what it changed when spec.paused cannot be cleared after the pause conditions were', async () => {
    const ns = 'ro-partly';
    await deployYaml(ctx.sandbox, rolloutApp(ns, ctx.image), { releaseName: 'web' });
    const next = await pushImage(ctx.sandbox, 'argo-rollouts/app', 'v5');
    const paused = rolloutApp(ns, next).replace('  replicas: 4\n', '  replicas: 4\n  paused: true\n');
    const waiting = await deployYaml(ctx.sandbox, paused, { releaseName: 'web' });
    expect(waiting.outcome.verdict).toContain(`Rollout ${ns}/web paused by spec.paused`);
    await addFault(ctx.sandbox, { path: `/namespaces/${ns}/rollouts/web$`, methods: ['PATCH'], status: 403 });
    try {
      await expect(continueWith('promote', ns)).rejects.toThrow(
        `The pause conditions of Rollout ${ns}/web were cleared, but its spec.paused could not be set to false:`,
      );
    } finally {
      await clearFaults(ctx.sandbox);
    }
    const spec = await kubectlRun(ctx.sandbox, [
      'get',
      'rollouts.argoproj.io/web',
      '-n',
      ns,
      '-o',
      'jsonpath={.spec.paused}',
    ]);
    expect(spec).toBe('true');
    expect((await records(ns))[0]?.status).toBe('waiting-for-promotion');
  }, 120_000);
});

describe('a Rollout verify cannot read', () => {
  it('fails the release when the deploy role may not list Rollouts, never calls it verified', async () => {
    const ns = 'ro-forbidden';
    expect(
      (await deployYaml(ctx.sandbox, rolloutApp(ns, ctx.image), { releaseName: 'web' })).outcome.result,
    ).toBe('success');
    const next = await pushImage(ctx.sandbox, 'argo-rollouts/app', 'v4');
    await addFault(ctx.sandbox, { path: `/namespaces/${ns}/rollouts$`, methods: ['GET'], status: 403 });
    try {
      const run = await deployYaml(ctx.sandbox, rolloutApp(ns, next), { releaseName: 'web' });
      expect(run.outcome.result).not.toBe('success');
      // Said as what it is, not as a rollout that did not finish in time.
      expect(run.outcome.verdict).toMatch(/^Verification could not read the cluster: /);
      expect(run.outcome.verify?.workloads.some((w) => w.state === 'current')).toBe(false);
    } finally {
      await clearFaults(ctx.sandbox);
    }
  }, 180_000);
});

describe('Rollouts in other forms', () => {
  it('a Rollout taking its template from a Deployment (workloadRef) is verified when only the Deployment changes', async () => {
    const ns = 'ro-workloadref';
    const good = await deployYaml(ctx.sandbox, workloadRefApp(ns, ctx.image), { releaseName: 'web' });
    expect(good.outcome.result).toBe('success');
    const bad = await deployYaml(ctx.sandbox, workloadRefApp(ns, ctx.crashing), { releaseName: 'web' });
    // The Rollout object is unchanged by the apply; its pods are not, and they crash.
    expect(bad.outcome.result).toBe('rolled-back');
    expect(bad.outcome.verify?.workloads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ref: expect.objectContaining({ kind: 'Rollout' }),
          state: 'failed',
          problem: expect.objectContaining({ reason: 'CrashLoopBackOff' }),
        }),
      ]),
    );
    expect((await rolloutStatus(ns)).phase).toBe('Healthy');
    expect(await podImages(ns)).toEqual([ctx.image, ctx.image]);
  }, 120_000);

  it('a blue-green Rollout waits for promotion with the preview Service on the new pods, and promote switches the active one', async () => {
    const ns = 'ro-bluegreen';
    const selector = async (service: string) =>
      kubectlRun(ctx.sandbox, [
        'get',
        `service/${service}`,
        '-n',
        ns,
        '-o',
        'jsonpath={.spec.selector.rollouts-pod-template-hash}',
      ]);
    expect(
      (await deployYaml(ctx.sandbox, blueGreenApp(ns, ctx.image), { releaseName: 'web' })).outcome.result,
    ).toBe('success');
    const next = await pushImage(ctx.sandbox, 'argo-rollouts/app', 'v3');
    const run = await deployYaml(ctx.sandbox, blueGreenApp(ns, next), { releaseName: 'web' });
    expect(run.outcome.result).toBe('waiting-for-promotion');
    expect(run.outcome.verdict).toContain(
      'Rollout ro-bluegreen/web paused before blue-green promotion (BlueGreenPause)',
    );
    const paused = await rolloutStatus(ns);
    expect(await selector('web-preview')).toBe(paused.currentPodHash);
    expect(await selector('web-active')).toBe(paused.stableRS);

    const promoted = await continueWith('promote', ns);
    expect(promoted.outcome.result).toBe('success');
    const done = await rolloutStatus(ns);
    expect(done.phase).toBe('Healthy');
    expect(await selector('web-active')).toBe(paused.currentPodHash);
    expect(await podImages(ns)).toEqual([next, next]);
  }, 180_000);
});

describe('k8s-deploy promote and reject', () => {
  /** The command in process with the real kubectl, as a terminal runs it. */
  async function cli(action: PromotionAction, args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await promotionCommand(action, { interrupts: () => () => {} }).run(args, {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      env: { ...process.env, ...ctx.sandbox.env },
    });
    return { code, stdout, stderr };
  }

  it('promote prints the wait again at the next pause, and success once the Rollout is Healthy', async () => {
    const ns = 'ro-cli';
    const { next } = await waitingRelease(ns);
    const args = ['--release-name', 'web', '--namespace', ns];
    const first = await cli('promote', args);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      `waiting for promotion: Release web v3 is waiting for promotion: Rollout ${ns}/web paused at canary step 4 of 4 (CanaryPauseStep). Promote it with action: promote (k8s-deploy promote), or reject it with action: reject (k8s-deploy reject).\n`,
    );
    const second = await cli('promote', args);
    expect(second).toMatchObject({ code: 0, stdout: 'success: release web v4 deployed and verified.\n' });
    expect(await podImages(ns)).toEqual([next, next, next, next]);
  }, 180_000);

  it('reject with nothing waiting exits 1 with one error line and changes nothing', async () => {
    const ns = 'ro-cli-nothing';
    await deployYaml(ctx.sandbox, rolloutApp(ns, ctx.image), { releaseName: 'web' });
    const result = await cli('reject', ['--release-name', 'web', '--namespace', ns]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
      'error: Nothing to reject: the latest release of web, v1, ended success, not waiting for promotion. Expected a release that a deploy left waiting for promotion (an Argo Rollout paused at a canary step or before blue-green promotion); nothing was changed.',
    );
    expect(await records(ns)).toEqual([{ version: 1, status: 'success' }]);
  }, 120_000);
});
