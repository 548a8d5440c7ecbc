import { describe, expect, it } from '@jest/globals';
import { argoRolloutVerdict, rolloutRevisionPods } from '../../../src/deploy/rollout/argo.js';
import { nameOf } from '../../../src/deploy/rollout/objects.js';
import { rolloutStatus } from '../../../src/deploy/rollout/status.js';
import type { Json, RolloutPolicy } from '../../../src/deploy/rollout/types.js';

const STEPS = [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: {} }];

function rollout(status: Json, spec: Json = {}, generation = 2): Json {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'app', generation, uid: 'ro-uid' },
    spec: { replicas: 4, strategy: { canary: { steps: STEPS } }, ...spec },
    status: { observedGeneration: String(generation), currentPodHash: 'new', stableRS: 'old', ...status },
  };
}

function pod(
  name: string,
  hash: string,
  state: Json = { running: { startedAt: '2026-01-01T00:00:00Z' } },
  restarts = 0,
): Json {
  return {
    kind: 'Pod',
    metadata: { name, namespace: 'app', uid: `${name}-uid`, labels: { 'rollouts-pod-template-hash': hash } },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: state.running ? 'True' : 'False' }],
      containerStatuses: [{ name: 'web', ready: !!state.running, restartCount: restarts, state }],
    },
  };
}

const policy: RolloutPolicy = {
  crashloopRestarts: 2,
  configErrorGraceMs: 30_000,
  imagePullGraceMs: 30_000,
  failedCreateGraceMs: 30_000,
  settleMs: 0,
  unschedulableIsFatal: false,
};

describe('argoRolloutVerdict', () => {
  it('does not read a status whose observedGeneration (a string) is not the generation', () => {
    const verdict = argoRolloutVerdict(rollout({ observedGeneration: '1', phase: 'Healthy' }));
    expect(verdict).toEqual({
      state: 'in-progress',
      summary: 'waiting for the Argo Rollouts controller to see generation 2',
    });
  });

  it('is done when Healthy', () => {
    expect(argoRolloutVerdict(rollout({ phase: 'Healthy', stableRS: 'new' })).state).toBe('current');
  });

  it('fails a Degraded rollout with its status message and the reason it starts with', () => {
    const message = 'ProgressDeadlineExceeded: ReplicaSet "web-new" has timed out progressing.';
    expect(argoRolloutVerdict(rollout({ phase: 'Degraded', message }))).toEqual({
      state: 'failed',
      reason: 'ProgressDeadlineExceeded',
      message: `degraded: ${message}`,
    });
  });

  it('fails an aborted rollout even before the controller has written Degraded', () => {
    const verdict = argoRolloutVerdict(rollout({ phase: 'Paused', abort: true, message: 'CanaryPauseStep' }));
    expect(verdict).toMatchObject({ state: 'failed', reason: 'RolloutAborted' });
  });

  it('is waiting for promotion when paused at a canary step, naming the step', () => {
    const verdict = argoRolloutVerdict(
      rollout({
        phase: 'Paused',
        message: 'CanaryPauseStep',
        currentStepIndex: 1,
        controllerPause: true,
        pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }],
      }),
    );
    expect(verdict).toEqual({ state: 'waiting', summary: 'paused at canary step 2 of 4 (CanaryPauseStep)' });
  });

  it('is waiting for promotion when paused before a blue-green promotion', () => {
    const verdict = argoRolloutVerdict(
      rollout(
        { phase: 'Paused', controllerPause: true, pauseConditions: [{ reason: 'BlueGreenPause' }] },
        { strategy: { blueGreen: { activeService: 'a', autoPromotionEnabled: false } } },
      ),
    );
    expect(verdict).toEqual({
      state: 'waiting',
      summary: 'paused before blue-green promotion (BlueGreenPause)',
    });
  });

  it('is in progress while a promote is under way (controllerPause with the conditions cleared)', () => {
    const verdict = argoRolloutVerdict(
      rollout({ phase: 'Paused', controllerPause: true, pauseConditions: [] }),
    );
    expect(verdict).toEqual({ state: 'in-progress', summary: 'waiting for rollout to unpause' });
  });

  it('judges only the pods of status.currentPodHash as the new revision', () => {
    const pods = [pod('web-new-a', 'new'), pod('web-old-a', 'old')];
    expect(rolloutRevisionPods(rollout({}), pods).map(nameOf)).toEqual(['web-new-a']);
    expect(rolloutRevisionPods(rollout({ observedGeneration: '1' }), pods)).toEqual([]);
  });
});

describe('rolloutStatus of a Rollout', () => {
  const paused = {
    phase: 'Paused',
    message: 'CanaryPauseStep',
    currentStepIndex: 1,
    controllerPause: true,
    pauseConditions: [{ reason: 'CanaryPauseStep' }],
  };
  const snapshot = (workload: Json, pods: Json[]) => ({
    workload,
    replicaSets: [],
    controllerRevisions: [],
    pods,
    events: [],
  });

  it('fails a crash-looping canary even though Argo reached the pause', () => {
    const crashing = pod(
      'web-new-a',
      'new',
      { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
      3,
    );
    const status = rolloutStatus(
      snapshot(rollout(paused), [crashing, pod('web-old-a', 'old')]),
      policy,
      () => true,
    );
    expect(status).toMatchObject({ state: 'failed', reason: 'CrashLoopBackOff' });
    expect(status.state === 'failed' && status.summary).toMatch(/^Rollout app\/web/);
  });

  it('ignores a crash-looping pod of the stable revision', () => {
    const oldCrashing = pod('web-old-a', 'old', { waiting: { reason: 'CrashLoopBackOff' } }, 3);
    const status = rolloutStatus(
      snapshot(rollout(paused), [pod('web-new-a', 'new'), oldCrashing]),
      policy,
      () => true,
    );
    expect(status).toEqual({ state: 'waiting', summary: 'paused at canary step 2 of 4 (CanaryPauseStep)' });
  });

  it('is not waiting while a canary pod shows a problem not yet fatal', () => {
    const pulling = pod('web-new-a', 'new', { waiting: { reason: 'ErrImagePull', message: 'i/o timeout' } });
    const status = rolloutStatus(snapshot(rollout(paused), [pulling]), policy, () => false);
    expect(status.state).toBe('in-progress');
  });
});

describe('a Rollout with spec.workloadRef', () => {
  const template = (image: string) => ({
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image }] },
  });
  const healthy = {
    ...rollout(
      { phase: 'Healthy', stableRS: 'old', currentPodHash: 'old' },
      {
        workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'template' },
      },
    ),
  };
  const replicaSet = (hash: string, image: string) => {
    const t = template(image);
    return {
      kind: 'ReplicaSet',
      metadata: { name: `web-${hash}`, labels: { 'rollouts-pod-template-hash': hash } },
      spec: {
        template: {
          ...t,
          metadata: { labels: { ...t.metadata.labels, 'rollouts-pod-template-hash': hash } },
        },
      },
    };
  };
  const deployment = (image: string) => ({
    kind: 'Deployment',
    metadata: { name: 'template' },
    spec: { template: template(image) },
  });
  const snapshot = (image: string) => ({
    workload: healthy,
    replicaSets: [replicaSet('old', 'app:1')],
    controllerRevisions: [],
    pods: [pod('web-old-a', 'old')],
    events: [],
    workloadRef: deployment(image),
  });

  it('is not verified from a Healthy status until its current ReplicaSet has the Deployment template', () => {
    expect(rolloutStatus(snapshot('app:2'), policy, () => true)).toEqual({
      state: 'in-progress',
      summary:
        'waiting for the Argo Rollouts controller to take up the pod template of Deployment template (workloadRef)',
      problems: [],
    });
  });

  it('is verified by its phase once it has', () => {
    expect(rolloutStatus(snapshot('app:1'), policy, () => true).state).toBe('current');
  });
});
