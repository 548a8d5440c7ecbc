import { describe, expect, it } from '@jest/globals';
import { FailFastTracker } from '../../../src/deploy/rollout/fail-fast.js';
import { settling } from '../../../src/deploy/rollout/settle.js';
import { rolloutStatus } from '../../../src/deploy/rollout/status.js';
import type { Json } from '../../../src/deploy/rollout/types.js';
import { atOnce, crashLooping, deployment, POLICY, pod, replicaSet, running, snapshot } from './fixtures.js';

const STARTED = Date.parse('2026-01-01T00:00:00Z'); // running()'s startedAt
const SETTLE = { ...POLICY, settleMs: 5_000 };
const newRs = replicaSet('7d9c', 2);
const newPod = (name: string, containers = [running('web')]) =>
  pod(name, { labels: { 'pod-template-hash': '7d9c' }, containers });
/** A 1-replica Deployment the controller calls done: ready and available. */
const done = (spec: Json = {}) =>
  deployment(
    { replicas: 1, ...spec },
    { replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 },
  );
const crashedOnce = () => ({
  name: 'web',
  ready: false,
  restartCount: 0,
  state: { terminated: { exitCode: 1, reason: 'Error' } },
});

describe('settle window', () => {
  it('keeps a done Deployment in progress until its new pod has run for the settle time', () => {
    const s = snapshot(done(), { replicaSets: [newRs], pods: [newPod('api-7d9c-a')] });
    expect(rolloutStatus(s, SETTLE, atOnce, STARTED + 1_200)).toEqual({
      state: 'in-progress',
      summary: 'settling: pod api-7d9c-a has run 1.2 s of 5.0 s',
      problems: [],
    });
    expect(rolloutStatus(s, SETTLE, atOnce, STARTED + 4_999).state).toBe('in-progress');
    expect(rolloutStatus(s, SETTLE, atOnce, STARTED + 5_000)).toEqual({
      state: 'current',
      summary: '1 replica updated and available',
    });
  });

  it('adds no time for pods that started longer ago than the settle time', () => {
    const s = snapshot(done(), { replicaSets: [newRs], pods: [newPod('api-7d9c-a')] });
    expect(rolloutStatus(s, SETTLE, atOnce, STARTED + 60_000).state).toBe('current');
  });

  it('fails the rollout when a pod that was Ready crash-loops during the window', () => {
    // The controller has not yet seen the pod go unready: its counts still say done.
    const s = snapshot(done(), {
      replicaSets: [newRs],
      pods: [newPod('api-7d9c-a', [crashLooping('web', 2)])],
    });
    expect(rolloutStatus(s, SETTLE, atOnce, STARTED + 3_000)).toMatchObject({
      state: 'failed',
      reason: 'CrashLoopBackOff',
      summary:
        'Deployment upload/api: pod api-7d9c-a container web is crash-looping (restarted 2 times, last exit code 1)',
    });
  });

  it('does not call a pod whose container has just crashed settled, and shows the crash', () => {
    const s = snapshot(done(), { replicaSets: [newRs], pods: [newPod('api-7d9c-a', [crashedOnce()])] });
    const status = rolloutStatus(s, SETTLE, atOnce, STARTED + 60_000);
    expect(status).toMatchObject({
      state: 'in-progress',
      summary: 'settling: pod api-7d9c-a is not running (each pod must run 5.0 s)',
    });
    expect(status.state === 'in-progress' && status.problems.map((p) => p.reason)).toEqual([
      'CrashLoopBackOff',
    ]);
  });

  it('counts from the current run: a container restarted a second ago starts the window again', () => {
    const restarted = running('web', 1, {
      state: { running: { startedAt: '2026-01-01T00:01:00Z' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    });
    const s = snapshot(done(), { replicaSets: [newRs], pods: [newPod('api-7d9c-a', [restarted])] });
    expect(rolloutStatus(s, SETTLE, atOnce, STARTED + 61_000).state).toBe('in-progress');
    expect(rolloutStatus(s, SETTLE, atOnce, STARTED + 65_000).state).toBe('current');
  });

  it('waits for the slowest container of every new pod and names it', () => {
    const late = running('sidecar', 0, { state: { running: { startedAt: '2026-01-01T00:00:03Z' } } });
    const s = snapshot(done({ replicas: 2 }), {
      replicaSets: [newRs],
      pods: [newPod('api-7d9c-a'), newPod('api-7d9c-b', [running('web'), late])],
    });
    expect(settling(s.workload, s.pods, 5_000, STARTED + 6_000)?.summary).toBe(
      'settling: pod api-7d9c-b has run 3.0 s of 5.0 s',
    );
  });

  it('ignores old pods, pods being deleted and pods whose containers never started', () => {
    const oldPod = pod('api-5b4a-a', { labels: { 'pod-template-hash': '5b4a' } });
    const deleting = pod('api-7d9c-x', {
      labels: { 'pod-template-hash': '7d9c' },
      deleting: true,
      containers: [crashedOnce()],
    });
    const pending = newPod('api-7d9c-p', [
      { name: 'web', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
    ]);
    const settled = newPod('api-7d9c-a'); // started at STARTED, run for 60 s below
    const s = snapshot(done(), {
      replicaSets: [replicaSet('5b4a', 1), newRs],
      pods: [oldPod, deleting, pending, settled],
    });
    expect(rolloutStatus(s, SETTLE, atOnce, STARTED + 60_000).state).toBe('current');
  });

  it('stays in progress while the controller counts new pods we have not seen started (a lagging or broken pod watch)', () => {
    // The Deployment says 2 updated and available; the pod cache shows one, the other not yet or
    // still Pending: the one we have not seen may be the one that ran a second and crashed.
    const pending = newPod('api-7d9c-b', [
      { name: 'web', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
    ]);
    const two = deployment(
      { replicas: 2 },
      { replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 },
    );
    const later = STARTED + 60_000;
    for (const pods of [[], [newPod('api-7d9c-a')], [newPod('api-7d9c-a'), pending]]) {
      expect(
        rolloutStatus(snapshot(two, { replicaSets: [newRs], pods }), SETTLE, atOnce, later),
      ).toMatchObject({
        state: 'in-progress',
        summary: `settling: ${pods.length === 0 ? 0 : 1} of 2 pods of the new revision seen started so far`,
      });
    }
    const both = snapshot(two, { replicaSets: [newRs], pods: [newPod('api-7d9c-a'), newPod('api-7d9c-b')] });
    expect(rolloutStatus(both, SETTLE, atOnce, later).state).toBe('current');
    // Without a settle window there is nothing to wait for: the counts decide, as kstatus does.
    expect(
      rolloutStatus(snapshot(two, { replicaSets: [newRs], pods: [] }), POLICY, atOnce, later).state,
    ).toBe('current');
  });

  it('counts a DaemonSet by updatedNumberScheduled', () => {
    const ds = {
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'upload', generation: 1 },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 2,
        currentNumberScheduled: 2,
        updatedNumberScheduled: 2,
        numberAvailable: 2,
        numberReady: 2,
      },
    };
    const agent = (name: string) =>
      pod(name, { labels: { 'controller-revision-hash': 'h1' }, containers: [running('agent')] });
    expect(settling(ds, [agent('agent-a')], 5_000, STARTED + 60_000)?.summary).toBe(
      'settling: 1 of 2 pods of the new revision seen started so far',
    );
    expect(settling(ds, [agent('agent-a'), agent('agent-b')], 5_000, STARTED + 60_000)).toBeUndefined();
  });

  it('leaves it to spec.minReadySeconds when that is as long: Kubernetes already waited', () => {
    const s = snapshot(done({ minReadySeconds: 5 }), { replicaSets: [newRs], pods: [newPod('api-7d9c-a')] });
    expect(rolloutStatus(s, SETTLE, atOnce, STARTED + 1_000).state).toBe('current');
    const shorter = snapshot(done({ minReadySeconds: 2 }), {
      replicaSets: [newRs],
      pods: [newPod('api-7d9c-a')],
    });
    // Both count from the start: 2 s of minReadySeconds are not added to the 5 s.
    expect(rolloutStatus(shorter, SETTLE, atOnce, STARTED + 4_000).state).toBe('in-progress');
    expect(rolloutStatus(shorter, SETTLE, atOnce, STARTED + 5_000).state).toBe('current');
  });

  it('does not apply to Jobs, paused Deployments, or when rollout-settle is 0', () => {
    const job = {
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'upload' },
      status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] },
    };
    expect(rolloutStatus(snapshot(job, { pods: [pod('migrate-x')] }), SETTLE, atOnce, STARTED).state).toBe(
      'current',
    );
    const paused = snapshot(done({ paused: true }), { replicaSets: [newRs], pods: [newPod('api-7d9c-a')] });
    expect(rolloutStatus(paused, SETTLE, atOnce, STARTED).state).toBe('current');
    const s = snapshot(done(), { replicaSets: [newRs], pods: [newPod('api-7d9c-a')] });
    expect(rolloutStatus(s, { ...POLICY, settleMs: 0 }, atOnce, STARTED).state).toBe('current');
    expect(rolloutStatus(s, POLICY, atOnce, STARTED).state).toBe('current');
  });

  it('settles StatefulSets and DaemonSets too', () => {
    const sts = {
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'upload', generation: 1 },
      spec: { replicas: 1 },
      status: {
        observedGeneration: 1,
        replicas: 1,
        readyReplicas: 1,
        updatedReplicas: 1,
        currentReplicas: 1,
        currentRevision: 'db-1',
        updateRevision: 'db-1',
      },
    };
    const dbPod = pod('db-0', {
      labels: { 'controller-revision-hash': 'db-1' },
      containers: [running('db')],
    });
    const s = snapshot(sts, { pods: [dbPod] });
    expect(rolloutStatus(s, SETTLE, atOnce, STARTED + 1_000).summary).toBe(
      'settling: pod db-0 has run 1.0 s of 5.0 s',
    );
    expect(rolloutStatus(s, SETTLE, atOnce, STARTED + 5_000).state).toBe('current');
  });

  it('keeps the fail-fast clocks running during the window (a config error still fails after its grace)', () => {
    let now = STARTED + 1_000;
    const tracker = new FailFastTracker(() => now);
    const config = {
      name: 'web',
      ready: false,
      restartCount: 0,
      state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "db" not found' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    };
    const s = snapshot(done(), { replicaSets: [newRs], pods: [newPod('api-7d9c-a', [config])] });
    const check = () => rolloutStatus(s, SETTLE, (p) => tracker.isFatal(p), now).state;
    expect(check()).toBe('in-progress');
    now += SETTLE.configErrorGraceMs;
    expect(check()).toBe('failed');
  });
});
