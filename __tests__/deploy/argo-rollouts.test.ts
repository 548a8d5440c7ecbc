/**
 * Item "every object verified", Argo Rollouts: a Rollout deployed with the engine against the
 * sandbox, whose stand-in Argo Rollouts controller steps canaries, pauses and aborts as Argo does
 * (sandbox/controllers/argo-rollouts.ts). Status is read back from the cluster.
 */
import { describe, expect, it } from '@jest/globals';
import { KubeApi } from '../../src/deploy/kube-api.js';
import { ReleaseStore } from '../../src/deploy/release.js';
import { deployYaml, kubectlRun, pushImage, useSandbox } from './support.js';

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

async function records(namespace: string): Promise<{ version: number; status: string }[]> {
  const { Kubectl } = await import('../../src/deploy/kubectl.js');
  const { NodeProcessRunner } = await import('../../src/process.js');
  const { StreamLogger } = await import('../../src/log.js');
  const kubectl = new Kubectl({
    runner: new NodeProcessRunner(),
    kubeconfig: ctx.sandbox.env.KUBECONFIG ?? '',
    env: { ...process.env, ...ctx.sandbox.env },
    logger: new StreamLogger(() => {}),
  });
  const api = await KubeApi.start(kubectl);
  try {
    const history = await new ReleaseStore(api, namespace, 'web').history();
    return history.map((r) => ({ version: r.version, status: r.status }));
  } finally {
    await api.close();
  }
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
      { version: 2, status: 'waiting-for-promotion' },
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
