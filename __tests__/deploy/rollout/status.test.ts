import { describe, expect, it } from '@jest/globals';
import { FailFastTracker } from '../../../src/deploy/rollout/fail-fast.js';
import { newRevisionPods, type PodProblem, rolloutStatus } from '../../../src/deploy/rollout/status.js';
import type { Json } from '../../../src/deploy/rollout/types.js';
import {
  atOnce,
  crashLooping,
  deployment,
  never,
  POLICY,
  pod,
  replicaSet,
  snapshot,
  waiting,
  warning,
} from './fixtures.js';

const names = (pods: Json[]) => pods.map((p) => (p.metadata as Json).name);
const rolling = () => deployment({}, { replicas: 4, updatedReplicas: 1, readyReplicas: 3 });
const oldRs = replicaSet('5b4a', 1);
const newRs = replicaSet('7d9c', 2);
const oldPod = (name: string, containers = [crashLooping('php-fpm', 9)]) =>
  pod(name, { labels: { 'pod-template-hash': '5b4a' }, containers });
const newPod = (name: string, containers = [crashLooping('php-fpm', 2)]) =>
  pod(name, { labels: { 'pod-template-hash': '7d9c' }, containers });

describe('new-revision pods', () => {
  it('takes a Deployment’s pods from the ReplicaSet with the highest revision', () => {
    const s = snapshot(rolling(), {
      replicaSets: [newRs, oldRs],
      pods: [oldPod('api-5b4a-a'), newPod('api-7d9c-b')],
    });
    expect(names(newRevisionPods(s))).toEqual(['api-7d9c-b']);
  });

  it('compares revisions as numbers, not strings (10 is newer than 9)', () => {
    const s = snapshot(rolling(), {
      replicaSets: [replicaSet('5b4a', 9), replicaSet('7d9c', 10)],
      pods: [oldPod('api-5b4a-a'), newPod('api-7d9c-b')],
    });
    expect(names(newRevisionPods(s))).toEqual(['api-7d9c-b']);
  });

  it('has no new pods for a Deployment generation the controller has not seen', () => {
    const d = deployment({}, { observedGeneration: 1 });
    expect(newRevisionPods(snapshot(d, { replicaSets: [newRs], pods: [newPod('api-7d9c-b')] }))).toEqual([]);
  });

  it('takes a StatefulSet’s pods labelled with its updateRevision', () => {
    const sts = {
      kind: 'StatefulSet',
      metadata: { name: 'db', generation: 2 },
      status: { observedGeneration: 2, updateRevision: 'db-7f' },
    };
    const pods = [
      pod('db-0', { labels: { 'controller-revision-hash': 'db-6c' } }),
      pod('db-1', { labels: { 'controller-revision-hash': 'db-7f' } }),
    ];
    expect(names(newRevisionPods(snapshot(sts, { pods })))).toEqual(['db-1']);
  });

  it.each([
    ['controller-revision-hash', { 'controller-revision-hash': '7f8d' }, 'agent-7f8d'],
    ['controller.kubernetes.io/hash', { 'controller.kubernetes.io/hash': '7f8d' }, 'agent-7f8d'],
    ['the name', {}, 'agent-7f8d'],
  ])('takes a DaemonSet’s pods of its highest ControllerRevision, hash from %s', (_, labels, name) => {
    const ds = {
      kind: 'DaemonSet',
      metadata: { name: 'agent', generation: 3 },
      status: { observedGeneration: 3 },
    };
    const revisions = [
      { metadata: { name: 'agent-6c5b', labels: { 'controller-revision-hash': '6c5b' } }, revision: 2 },
      { metadata: { name, labels }, revision: 3 },
    ];
    const pods = [
      pod('agent-a', { labels: { 'controller-revision-hash': '6c5b' } }),
      pod('agent-b', { labels: { 'controller-revision-hash': '7f8d' } }),
    ];
    expect(names(newRevisionPods(snapshot(ds, { controllerRevisions: revisions, pods })))).toEqual([
      'agent-b',
    ]);
  });

  it('takes all of a Job’s pods', () => {
    const pods = [pod('migrate-a'), pod('migrate-b')];
    expect(newRevisionPods(snapshot({ kind: 'Job', metadata: { name: 'migrate' } }, { pods }))).toEqual(pods);
  });
});

describe('rolloutStatus', () => {
  it('does not fail on a crash-looping pod of the old ReplicaSet', () => {
    const s = snapshot(rolling(), {
      replicaSets: [oldRs, newRs],
      pods: [oldPod('api-5b4a-a'), newPod('api-7d9c-b', [])],
    });
    expect(rolloutStatus(s, POLICY, atOnce)).toEqual({
      state: 'in-progress',
      summary: '1/3 updated, 3/3 ready',
      problems: [],
    });
  });

  it('fails on a crash-looping pod of the new ReplicaSet, naming workload, pod, container and exit code', () => {
    const s = snapshot(rolling(), {
      replicaSets: [oldRs, newRs],
      pods: [oldPod('api-5b4a-a'), newPod('api-7d9c-x2k4q')],
    });
    const status = rolloutStatus(s, POLICY, atOnce);
    expect(status).toMatchObject({
      state: 'failed',
      reason: 'CrashLoopBackOff',
      summary:
        'Deployment upload/api: pod api-7d9c-x2k4q container php-fpm is crash-looping (restarted 2 times, last exit code 1)',
      problem: { pod: 'api-7d9c-x2k4q', container: 'php-fpm', restarts: 2, exitCode: 1 },
    });
  });

  it('lists problems within their grace while in progress, and puts every one to the tracker', () => {
    const pulling = newPod('api-7d9c-a', [waiting('php-fpm', 'ErrImagePull', 'i/o timeout')]);
    const pending = newPod('api-7d9c-b', []);
    (pending.status as Json).conditions = [
      { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no nodes' },
    ];
    const asked: string[] = [];
    const status = rolloutStatus(
      snapshot(rolling(), { replicaSets: [newRs], pods: [pulling, pending] }),
      POLICY,
      (p: PodProblem) => {
        asked.push(p.key);
        return false;
      },
    );
    expect(status.state).toBe('in-progress');
    const keys = status.state === 'in-progress' ? status.problems.map((p) => p.key) : [];
    expect(keys).toEqual(['api-7d9c-a/php-fpm/ImagePull', 'api-7d9c-b//Unschedulable']);
    expect(asked).toEqual(keys);
  });

  it('fails a Job whose pod cannot pull its image instead of waiting forever', () => {
    const j = {
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'upload' },
      status: { startTime: '2026-01-01T00:00:00Z', active: 1 },
    };
    const stuck = pod('migrate-x', {
      restartPolicy: 'Never',
      phase: 'Pending',
      containers: [waiting('migrate', 'ErrImagePull', 'ecr/api:abc: not found')],
    });
    expect(rolloutStatus(snapshot(j, { pods: [stuck] }), POLICY, atOnce)).toMatchObject({
      state: 'failed',
      reason: 'ErrImagePull',
      summary:
        'Job upload/migrate: pod migrate-x container migrate cannot pull its image: ecr/api:abc: not found',
    });
  });

  it('reports nothing but the workload’s own state once it is current', () => {
    const s = snapshot(deployment(), { replicaSets: [newRs], pods: [newPod('api-7d9c-b')] });
    expect(rolloutStatus(s, POLICY, atOnce)).toEqual({
      state: 'current',
      summary: '3 replicas updated and available',
    });
  });
});

describe('FailedCreate', () => {
  const forbidden =
    'pods "api-7d9c-b" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true';

  it('reads the new ReplicaSet’s ReplicaFailure condition', () => {
    const rs = replicaSet('7d9c', 2, {
      status: {
        conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: forbidden }],
      },
    });
    const status = rolloutStatus(snapshot(rolling(), { replicaSets: [oldRs, rs] }), POLICY, never);
    expect(status.state === 'in-progress' && status.problems).toEqual([
      {
        pod: '',
        owner: 'ReplicaSet/api-7d9c',
        init: false,
        reason: 'FailedCreate',
        message: forbidden,
        graceMs: POLICY.failedCreateGraceMs,
        key: 'ReplicaSet/api-7d9c//FailedCreate',
      },
    ]);
  });

  it('ignores FailedCreate of an old ReplicaSet', () => {
    const old = replicaSet('5b4a', 1, {
      status: { conditions: [{ type: 'ReplicaFailure', status: 'True', message: 'exceeded quota' }] },
    });
    const events = [
      warning(
        'FailedCreate',
        'exceeded quota',
        { kind: 'ReplicaSet', name: 'api-5b4a', uid: 'rs-5b4a' },
        '2026-01-01T00:00:05Z',
      ),
    ];
    const status = rolloutStatus(snapshot(rolling(), { replicaSets: [old, newRs], events }), POLICY, never);
    expect(status).toMatchObject({ state: 'in-progress', problems: [] });
  });

  it('fails a StatefulSet from its latest FailedCreate event once the tracker says so', () => {
    const sts = {
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'upload', uid: 'sts-uid', generation: 1 },
      spec: { replicas: 1 },
      status: { observedGeneration: 1, replicas: 0, updateRevision: 'db-7f' },
    };
    const events = [
      warning(
        'FailedCreate',
        'error looking up service account upload/old',
        { kind: 'StatefulSet', name: 'db', uid: 'sts-uid' },
        '2026-01-01T00:00:01Z',
      ),
      warning(
        'FailedCreate',
        'error looking up service account upload/db',
        { kind: 'StatefulSet', name: 'db', uid: 'sts-uid' },
        '2026-01-01T00:00:09Z',
      ),
    ];
    expect(rolloutStatus(snapshot(sts, { events }), POLICY, () => true)).toMatchObject({
      state: 'failed',
      reason: 'FailedCreate',
      summary: 'StatefulSet upload/db cannot create pods: error looking up service account upload/db',
    });
  });

  it('forgets a FailedCreate event once a pod was created after it (the cause went away)', () => {
    const job = {
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'upload', uid: 'job-uid' },
      status: {},
    };
    const events = [
      warning(
        'FailedCreate',
        'exceeded quota',
        { kind: 'Job', name: 'migrate', uid: 'job-uid' },
        '2026-01-01T00:00:05Z',
      ),
    ];
    const later = pod('migrate-x', { restartPolicy: 'Never', created: '2026-01-01T00:00:20Z' });
    expect(rolloutStatus(snapshot(job, { events, pods: [later] }), POLICY, never)).toMatchObject({
      problems: [],
    });
    const earlier = pod('migrate-x', { restartPolicy: 'Never', created: '2026-01-01T00:00:01Z' });
    expect(rolloutStatus(snapshot(job, { events, pods: [earlier] }), POLICY, never)).toMatchObject({
      problems: [{ reason: 'FailedCreate', owner: 'Job/migrate' }],
    });
  });
});

describe('FailFastTracker', () => {
  const problem = (graceMs: number, key = 'api-1/app/ImagePull'): PodProblem => ({
    pod: 'api-1',
    container: 'app',
    init: false,
    reason: 'ErrImagePull',
    message: 'i/o timeout',
    graceMs,
    key,
  });

  it('makes a problem fatal only once it has lasted its grace', () => {
    let now = 1_000;
    const tracker = new FailFastTracker(() => now);
    expect(tracker.isFatal(problem(30_000))).toBe(false);
    now += 29_999;
    expect(tracker.isFatal(problem(30_000))).toBe(false);
    now += 1;
    expect(tracker.isFatal(problem(30_000))).toBe(true);
  });

  it('is fatal at once for grace 0 and never for Infinity', () => {
    let now = 0;
    const tracker = new FailFastTracker(() => now);
    expect(tracker.isFatal(problem(0))).toBe(true);
    tracker.isFatal(problem(Infinity, 'api-1//Unschedulable'));
    now = 1e12;
    expect(tracker.isFatal(problem(Infinity, 'api-1//Unschedulable'))).toBe(false);
  });

  it('starts the grace again for a problem that went away and came back', () => {
    let now = 0;
    const tracker = new FailFastTracker(() => now);
    tracker.isFatal(problem(10_000));
    now = 8_000;
    tracker.forget(new Set());
    expect(tracker.isFatal(problem(10_000))).toBe(false);
    now = 12_000;
    expect(tracker.isFatal(problem(10_000))).toBe(false);
    expect(tracker.seenForMs('api-1/app/ImagePull')).toBe(4_000);
  });

  it('keeps the clock of problems still present when forgetting others', () => {
    let now = 0;
    const tracker = new FailFastTracker(() => now);
    tracker.isFatal(problem(10_000, 'a'));
    tracker.isFatal(problem(10_000, 'b'));
    now = 10_000;
    tracker.forget(new Set(['a']));
    expect(tracker.isFatal(problem(10_000, 'a'))).toBe(true);
    expect(tracker.isFatal(problem(10_000, 'b'))).toBe(false);
  });

  it('drives rolloutStatus: a transient pull error fails the rollout only after the pull grace', () => {
    let now = 0;
    const tracker = new FailFastTracker(() => now);
    const s = snapshot(rolling(), {
      replicaSets: [newRs],
      pods: [
        newPod('api-7d9c-a', [waiting('php-fpm', 'ImagePullBackOff', 'Back-off pulling image "api:abc"')]),
      ],
    });
    const check = () => rolloutStatus(s, POLICY, (p) => tracker.isFatal(p)).state;
    expect(check()).toBe('in-progress');
    now = POLICY.imagePullGraceMs - 1;
    expect(check()).toBe('in-progress');
    now = POLICY.imagePullGraceMs;
    expect(check()).toBe('failed');
  });
});

describe('a progress deadline', () => {
  const exceeded = () =>
    deployment(
      {},
      {
        readyReplicas: 2,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "api-7d9c" has timed out progressing.',
          },
        ],
      },
    );

  it('names a pod of the new revision that is not ready, so its events and log can be shown', () => {
    const ready = pod('api-7d9c-a', {
      labels: { 'pod-template-hash': '7d9c' },
      conditions: [{ type: 'Ready', status: 'True' }],
    });
    const stuck = pod('api-7d9c-b', {
      labels: { 'pod-template-hash': '7d9c' },
      conditions: [{ type: 'Ready', status: 'False' }],
    });
    const status = rolloutStatus(
      snapshot(exceeded(), { replicaSets: [newRs], pods: [ready, stuck] }),
      POLICY,
      never,
    );
    expect(status).toMatchObject({
      state: 'failed',
      reason: 'ProgressDeadlineExceeded',
      problem: { pod: 'api-7d9c-b' },
    });
    expect(status.summary).toBe(
      'Deployment upload/api: progress deadline exceeded (ReplicaSet "api-7d9c" has timed out progressing.); pod api-7d9c-b is not ready',
    );
  });

  it('names no pod when every new pod is ready', () => {
    const ready = pod('api-7d9c-a', {
      labels: { 'pod-template-hash': '7d9c' },
      conditions: [{ type: 'Ready', status: 'True' }],
    });
    const status = rolloutStatus(
      snapshot(exceeded(), { replicaSets: [newRs], pods: [ready] }),
      POLICY,
      never,
    );
    expect(status).toMatchObject({ state: 'failed', reason: 'ProgressDeadlineExceeded' });
    expect(status).not.toHaveProperty('problem');
  });
});
