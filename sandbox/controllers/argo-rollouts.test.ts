import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/contract.js';
import { canaryReplicas, ROLLOUT_HASH_LABEL } from './argo-rollouts.js';
import type { Json } from './objects.js';
import { container, deployment, podsOwnedBy, type Sandbox, startSandbox } from './test-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = startSandbox();
});
afterEach(() => sandbox.stop());

const STEPS = [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: {} }];

function rollout(name: string, spec: Json, containers: Json[] = [container('app')]): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers } },
      strategy: { canary: { steps: STEPS } },
      ...spec,
    },
  };
}

function get(name: string): Json {
  const type = sandbox.store.typeOf('argoproj.io/v1alpha1', 'Rollout');
  return type && sandbox.store.get(type, 'default', name);
}

/** Status as `kubectl argo rollouts status` trusts it: only once the generation is observed. */
function phaseOf(name: string): string | undefined {
  const ro = get(name);
  if (ro?.status?.observedGeneration !== String(ro?.metadata.generation)) return undefined;
  if (ro.status.controllerPause === true && !ro.status.pauseConditions?.length) return undefined;
  return ro.status.phase;
}

const until = (name: string, phase: string, timeoutMs?: number) =>
  sandbox.until(
    `Rollout ${name} ${phase}`,
    () => (phaseOf(name) === phase ? get(name) : undefined),
    timeoutMs,
  );

/** Live pods per rollouts-pod-template-hash. */
function podsByHash(name: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const pod of sandbox.list('Pod', 'default')) {
    if (pod.metadata.labels?.app !== name || pod.metadata.deletionTimestamp) continue;
    const hash = pod.metadata.labels[ROLLOUT_HASH_LABEL];
    counts[hash] = (counts[hash] ?? 0) + 1;
  }
  return counts;
}

/** What `kubectl argo rollouts promote` patches (cmd/promote/promote.go). */
function promote(name: string): void {
  const ro = get(name);
  sandbox.store.update({ ...ro, status: { ...ro.status, pauseConditions: null } });
}

/** What `kubectl argo rollouts abort` patches (cmd/abort/abort.go). */
function abort(name: string): void {
  const ro = get(name);
  sandbox.store.update({ ...ro, status: { ...ro.status, abort: true } });
}

function newImage(object: KubeObject, image: string, env?: Record<string, string>): KubeObject {
  const copy = structuredClone(object) as Json;
  copy.spec.template.spec.containers = [container('app', { image, env })];
  return copy;
}

describe('simulated Argo Rollouts controller', () => {
  it('rolls out a first release without steps and reports Healthy with a string observedGeneration', async () => {
    sandbox.apply(rollout('web', {}));
    const ro = await until('web', 'Healthy');
    expect(ro.status).toMatchObject({
      observedGeneration: String(ro.metadata.generation),
      replicas: 4,
      updatedReplicas: 4,
      availableReplicas: 4,
      stableRS: ro.status.currentPodHash,
      currentStepIndex: STEPS.length,
    });
    expect(podsByHash('web')).toEqual({ [ro.status.currentPodHash]: 4 });
  });

  it('pauses a new template at the first canary pause with pods by replica ratio, and promote moves it on', async () => {
    const first = sandbox.apply(rollout('web', {}));
    const stable = (await until('web', 'Healthy')).status.stableRS;
    sandbox.apply(newImage(first, 'registry.local/app:2.0'));
    const paused = await until('web', 'Paused');
    const canary = paused.status.currentPodHash;
    expect(canary).not.toBe(stable);
    expect(paused.status).toMatchObject({
      message: 'CanaryPauseStep',
      currentStepIndex: 1,
      controllerPause: true,
      stableRS: stable,
      pauseConditions: [expect.objectContaining({ reason: 'CanaryPauseStep' })],
    });
    await sandbox.until('1 canary and 3 stable pods', () => {
      const pods = podsByHash('web');
      return pods[canary] === 1 && pods[stable] === 3;
    });

    promote('web');
    await sandbox.until('paused at the second pause', () => get('web').status?.currentStepIndex === 3);
    await until('web', 'Paused');
    await sandbox.until('2 canary and 2 stable pods', () => {
      const pods = podsByHash('web');
      return pods[canary] === 2 && pods[stable] === 2;
    });

    promote('web');
    const done = await until('web', 'Healthy');
    expect(done.status).toMatchObject({ stableRS: canary, currentStepIndex: STEPS.length });
    await sandbox.until(
      'only canary pods',
      () => JSON.stringify(podsByHash('web')) === JSON.stringify({ [canary]: 4 }),
    );
  });

  it('aborts a paused canary: the stable ReplicaSet takes all replicas and the phase is Degraded', async () => {
    const first = sandbox.apply(rollout('web', {}));
    const stable = (await until('web', 'Healthy')).status.stableRS;
    sandbox.apply(newImage(first, 'registry.local/app:2.0'));
    const canary = (await until('web', 'Paused')).status.currentPodHash;

    abort('web');
    const aborted = await until('web', 'Degraded');
    expect(aborted.status.abort).toBe(true);
    expect(aborted.status.message).toBe('RolloutAborted: Rollout aborted update to revision 2');
    await sandbox.until(
      'only stable pods',
      () => JSON.stringify(podsByHash('web')) === JSON.stringify({ [stable]: 4 }),
    );

    // The stable template applied again (what a rollback does) clears the abort: Healthy.
    sandbox.apply(first);
    const back = await until('web', 'Healthy');
    expect(back.status.abort).toBeUndefined();
    expect(back.status.stableRS).toBe(stable);
    expect(canary).not.toBe(stable);
  });

  it('keeps a canary whose image cannot be pulled Progressing until the progress deadline, then Degraded', async () => {
    const first = sandbox.apply(rollout('web', { progressDeadlineSeconds: 2 }));
    await until('web', 'Healthy');
    sandbox.apply(newImage(first, 'registry.local/missing:2.0'));
    expect(phaseOf('web')).not.toBe('Degraded');
    const degraded = await until('web', 'Degraded', 15000);
    expect(degraded.status.message).toMatch(
      /^ProgressDeadlineExceeded: ReplicaSet "web-\w+" has timed out progressing\.$/,
    );
    expect(degraded.status.currentStepIndex).toBe(0);
  });

  it('aborts at the progress deadline when progressDeadlineAbort is set', async () => {
    const first = sandbox.apply(rollout('web', { progressDeadlineSeconds: 1, progressDeadlineAbort: true }));
    const stable = (await until('web', 'Healthy')).status.stableRS;
    sandbox.apply(newImage(first, 'registry.local/missing:2.0'));
    await sandbox.until('aborted', () => get('web').status?.abort === true, 15000);
    await sandbox.until(
      'only stable pods',
      () => JSON.stringify(podsByHash('web')) === JSON.stringify({ [stable]: 4 }),
    );
  });

  it('takes its pod template from a Deployment named by workloadRef', async () => {
    sandbox.apply(deployment('tpl', { replicas: 0 }));
    sandbox.apply(
      rollout('web', {
        replicas: 2,
        template: undefined,
        workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'tpl' },
      }),
    );
    const ro = await until('web', 'Healthy');
    const rs = sandbox
      .list('ReplicaSet', 'default')
      .find((r) => r.metadata.ownerReferences?.[0]?.kind === 'Rollout');
    expect(rs.spec.template.metadata.labels).toMatchObject({
      app: 'tpl',
      [ROLLOUT_HASH_LABEL]: ro.status.currentPodHash,
    });
    expect(podsOwnedBy(sandbox, rs)).toHaveLength(2);
  });

  it('reaches a canary pause with a crashing image whose container was ready for a moment, as Argo does', async () => {
    const first = sandbox.apply(rollout('web', {}));
    await until('web', 'Healthy');
    sandbox.apply(newImage(first, 'registry.local/app:2.0', { SANDBOX_CRASH: '1' }));
    // No readiness probe: Ready while it runs, so the setWeight step completes and the pause is reached.
    const paused = await until('web', 'Paused');
    expect(paused.status.currentStepIndex).toBe(1);
  });

  it('runs blue-green: preview Service on the new hash, paused before promotion, active switched on promote', async () => {
    for (const name of ['web-active', 'web-preview']) {
      sandbox.apply({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: 'default' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
      });
    }
    const blueGreen = {
      activeService: 'web-active',
      previewService: 'web-preview',
      autoPromotionEnabled: false,
      scaleDownDelaySeconds: 0,
    };
    const first = sandbox.apply(rollout('web', { replicas: 2, strategy: { blueGreen } }));
    const blue = (await until('web', 'Healthy')).status.stableRS;
    const selector = (name: string) => sandbox.get('Service', name).spec.selector[ROLLOUT_HASH_LABEL];
    expect([selector('web-active'), selector('web-preview')]).toEqual([blue, blue]);

    sandbox.apply(newImage(first, 'registry.local/app:2.0'));
    const paused = await until('web', 'Paused');
    const green = paused.status.currentPodHash;
    expect(paused.status.message).toBe('BlueGreenPause');
    expect([selector('web-active'), selector('web-preview')]).toEqual([blue, green]);
    expect(podsByHash('web')).toEqual({ [blue]: 2, [green]: 2 });

    promote('web');
    const done = await until('web', 'Healthy');
    expect(done.status).toMatchObject({ stableRS: green, blueGreen: { activeSelector: green } });
    expect(selector('web-active')).toBe(green);
    await sandbox.until(
      'blue scaled down',
      () => JSON.stringify(podsByHash('web')) === JSON.stringify({ [green]: 2 }),
    );
  });
});

describe('canaryReplicas', () => {
  it('picks the closest whole number and never 0 canary or 0 stable for weights 1-99', () => {
    expect(canaryReplicas(10, 10)).toEqual({ canary: 1, stable: 9 });
    expect(canaryReplicas(10, 41)).toEqual({ canary: 4, stable: 6 });
    expect(canaryReplicas(10, 1)).toEqual({ canary: 1, stable: 9 });
    expect(canaryReplicas(10, 99)).toEqual({ canary: 9, stable: 1 });
    expect(canaryReplicas(4, 100)).toEqual({ canary: 4, stable: 0 });
  });
});
