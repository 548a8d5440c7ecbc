import { describe, expect, it } from '@jest/globals';
import { conditionsVerdict } from '../../../src/deploy/rollout/done.js';
import { rolloutStatus } from '../../../src/deploy/rollout/status.js';
import type { Json } from '../../../src/deploy/rollout/types.js';
import { deployment, never, POLICY, replicaSet, snapshot } from './fixtures.js';

const statusOf = (workload: Json) => rolloutStatus(snapshot(workload), POLICY, never);
const progressing = (summary: string) => ({ state: 'in-progress', summary, problems: [] });

describe('Deployment', () => {
  it('is current when every replica is updated, ready and available and the controller says so', () => {
    expect(statusOf(deployment())).toEqual({ state: 'current', summary: '3 replicas updated and available' });
  });

  it('waits until the controller has seen the latest generation', () => {
    const d = deployment({}, { observedGeneration: 1 });
    expect(statusOf(d)).toEqual(progressing('waiting for the controller to see generation 2'));
  });

  it('counts updated and ready replicas while rolling', () => {
    expect(statusOf(deployment({}, { updatedReplicas: 2, readyReplicas: 1 }))).toEqual(
      progressing('2/3 updated, 1/3 ready'),
    );
  });

  it('waits for old pods to terminate (status.replicas above spec)', () => {
    expect(statusOf(deployment({}, { replicas: 4 }))).toEqual(
      progressing('waiting for 1 old pod to terminate'),
    );
  });

  it('waits until updated replicas are available', () => {
    expect(statusOf(deployment({}, { availableReplicas: 2 }))).toEqual(
      progressing('3/3 updated, 2/3 available'),
    );
  });

  it('waits for Progressing NewReplicaSetAvailable when a progress deadline is set', () => {
    const d = deployment();
    (d.status as Json).conditions = [
      { type: 'Available', status: 'True' },
      { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
    ];
    expect(statusOf(d).state).toBe('in-progress');
    (d.spec as Json).progressDeadlineSeconds = 2147483647;
    expect(statusOf(d).state).toBe('current');
  });

  it('waits while Available is not True', () => {
    const d = deployment();
    (d.status as Json).conditions = [
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
    ];
    expect(statusOf(d)).toEqual(progressing('waiting for minimum availability'));
  });

  it('fails with ProgressDeadlineExceeded and the controller message', () => {
    const message = 'ReplicaSet "api-7d9c" has timed out progressing.';
    const d = deployment({}, { readyReplicas: 1 }, []);
    (d.status as Json).conditions = [
      { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message },
    ];
    expect(statusOf(d)).toEqual({
      state: 'failed',
      reason: 'ProgressDeadlineExceeded',
      summary: `Deployment upload/api: progress deadline exceeded (${message})`,
    });
  });

  it('ignores a deadline exceeded on a generation the controller has not seen yet', () => {
    const d = deployment({}, { observedGeneration: 1 });
    (d.status as Json).conditions = [
      { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' },
    ];
    expect(statusOf(d).state).toBe('in-progress');
  });

  describe('paused', () => {
    const template = (image: string) => ({
      metadata: { labels: { app: 'api' } },
      spec: { containers: [{ name: 'app', image }] },
    });
    const rsOf = (hash: string, revision: number, image: string, replicas: number) => {
      const rs = replicaSet(hash, revision, { status: { replicas } });
      const t = template(image);
      (rs as Json).spec = {
        replicas,
        template: { ...t, metadata: { labels: { app: 'api', 'pod-template-hash': hash } } },
      };
      return rs;
    };
    const paused = (image: string, status: Json = {}) =>
      deployment({ paused: true, template: template(image) }, status, [
        { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused' },
      ]);
    const PAUSED_CONDITIONS = [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
      { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused' },
    ];

    it('fails a paused Deployment whose new template no ReplicaSet runs, saying its pods keep the previous one', () => {
      const d = paused('app:2', { updatedReplicas: 0, conditions: PAUSED_CONDITIONS });
      const status = rolloutStatus(
        snapshot(d, { replicaSets: [rsOf('old1', 1, 'app:1', 3)] }),
        POLICY,
        never,
      );
      expect(status).toEqual({
        state: 'failed',
        reason: 'DeploymentPaused',
        summary:
          'Deployment upload/api is paused (spec.paused: true), so its new pod template is not rolled out: 3 pods keep the previous one. Resume it (kubectl rollout resume deployment/api -n upload), or set allow-paused: true if the pause is intended.',
      });
    });

    it('fails a Deployment paused in the middle of a rollout: old pods still run', () => {
      const d = paused('app:2', { updatedReplicas: 1, conditions: PAUSED_CONDITIONS });
      const sets = [rsOf('old1', 1, 'app:1', 2), rsOf('new2', 2, 'app:2', 1)];
      expect(rolloutStatus(snapshot(d, { replicaSets: sets }), POLICY, never)).toMatchObject({
        state: 'failed',
        summary: expect.stringContaining('2 pods keep the previous one'),
      });
    });

    it('passes it with allow-paused, flagged as not rolled out', () => {
      const d = paused('app:2', { updatedReplicas: 0, conditions: PAUSED_CONDITIONS });
      const status = rolloutStatus(
        snapshot(d, { replicaSets: [rsOf('old1', 1, 'app:1', 3)] }),
        { ...POLICY, allowPaused: true },
        never,
      );
      expect(status).toEqual({
        state: 'current',
        notRolledOut: true,
        summary:
          'paused (allow-paused): its new pod template is not rolled out, 3 pods keep the previous one until it is resumed',
      });
    });

    it('calls a paused Deployment whose template already runs current by its counts, ignoring DeploymentPaused', () => {
      const d = paused('app:2', { conditions: PAUSED_CONDITIONS });
      const sets = [rsOf('old1', 1, 'app:1', 0), rsOf('new2', 2, 'app:2', 3)];
      expect(rolloutStatus(snapshot(d, { replicaSets: sets }), POLICY, never)).toEqual({
        state: 'current',
        summary: '3 replicas updated and available',
      });
    });

    it('does not fail a paused Deployment scaled to zero with no pod left: nothing is meant to run', () => {
      const d = paused('app:2', { replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0 });
      (d.spec as Json).replicas = 0;
      expect(
        rolloutStatus(snapshot(d, { replicaSets: [rsOf('old1', 1, 'app:1', 0)] }), POLICY, never).state,
      ).toBe('current');
    });

    it('waits for the controller to see the generation before judging the pause', () => {
      const d = paused('app:2', { observedGeneration: 1, updatedReplicas: 0 });
      expect(
        rolloutStatus(snapshot(d, { replicaSets: [rsOf('old1', 1, 'app:1', 3)] }), POLICY, never).state,
      ).toBe('in-progress');
    });
  });

  it('is in progress while being deleted', () => {
    const d = deployment();
    (d.metadata as Json).deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(statusOf(d)).toEqual(progressing('being deleted'));
  });
});

function statefulSet(spec: Json = {}, status: Json = {}): Json {
  return {
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'upload', generation: 1 },
    spec: {
      replicas: 3,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      ...spec,
    },
    status: {
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      updatedReplicas: 3,
      currentReplicas: 3,
      currentRevision: 'db-6c5c',
      updateRevision: 'db-6c5c',
      ...status,
    },
  };
}

describe('StatefulSet', () => {
  it('is current once every pod is ready and updated', () => {
    expect(statusOf(statefulSet()).state).toBe('current');
  });

  it('waits for updated pods down to the partition', () => {
    const sts = statefulSet(
      { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } },
      { updatedReplicas: 1 },
    );
    expect(statusOf(sts)).toEqual(progressing('1/2 updated (partition 1), 3/3 ready'));
    expect(statusOf({ ...sts, status: { ...(sts.status as Json), updatedReplicas: 2 } }).state).toBe(
      'current',
    );
  });

  it('without a partition waits for currentRevision to reach updateRevision', () => {
    const sts = statefulSet({ updateStrategy: { type: 'RollingUpdate' } }, { currentRevision: 'db-5b4a' });
    expect(statusOf(sts).state).toBe('in-progress');
  });

  it('waits for ready pods and for extra pods to go', () => {
    expect(statusOf(statefulSet({}, { readyReplicas: 2, updatedReplicas: 2 }))).toEqual(
      progressing('2/3 updated, 2/3 ready'),
    );
    expect(statusOf(statefulSet({}, { replicas: 4 }))).toEqual(
      progressing('waiting for 1 old pod to terminate'),
    );
  });

  it('with OnDelete waits until every pod runs the new revision (kstatus: done at once)', () => {
    const sts = statefulSet(
      { updateStrategy: { type: 'OnDelete' } },
      { updatedReplicas: 1, updateRevision: 'db-7f' },
    );
    expect(statusOf(sts)).toEqual(progressing('1/3 on the new revision (OnDelete), 3/3 ready'));
    // An OnDelete StatefulSet's currentRevision never moves: only the updated count decides.
    const updated = { ...sts, status: { ...(sts.status as Json), updatedReplicas: 3 } };
    expect(statusOf(updated)).toEqual({
      state: 'current',
      summary: '3 replicas updated and ready (OnDelete)',
    });
  });
});

function daemonSet(spec: Json = {}, status: Json = {}): Json {
  return {
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'upload', generation: 1 },
    spec: { updateStrategy: { type: 'RollingUpdate' }, ...spec },
    status: {
      observedGeneration: 1,
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      updatedNumberScheduled: 3,
      numberAvailable: 3,
      numberReady: 3,
      ...status,
    },
  };
}

describe('DaemonSet', () => {
  it('is current once every node runs an updated, available pod', () => {
    expect(statusOf(daemonSet())).toEqual({ state: 'current', summary: '3 nodes updated and available' });
  });

  it('waits on updated, ready and available counts', () => {
    expect(statusOf(daemonSet({}, { updatedNumberScheduled: 1, numberReady: 2 }))).toEqual(
      progressing('1/3 updated, 2/3 ready'),
    );
    expect(statusOf(daemonSet({}, { numberAvailable: 2 }))).toEqual(progressing('2/3 available'));
  });

  it('waits while observedGeneration or desiredNumberScheduled is missing', () => {
    const ds = daemonSet();
    delete (ds.status as Json).observedGeneration;
    expect(statusOf(ds).state).toBe('in-progress');
    const counted = daemonSet();
    delete (counted.status as Json).desiredNumberScheduled;
    expect(statusOf(counted).state).toBe('in-progress');
  });

  it('with OnDelete waits until every node runs the new revision', () => {
    expect(
      statusOf(daemonSet({ updateStrategy: { type: 'OnDelete' } }, { updatedNumberScheduled: 0 })).state,
    ).toBe('in-progress');
    expect(statusOf(daemonSet({ updateStrategy: { type: 'OnDelete' } })).state).toBe('current');
  });
});

// generation as the API server sets it: a Job has no observedGeneration to compare it with.
function job(status: Json, spec: Json = {}): Json {
  return {
    kind: 'Job',
    metadata: { name: 'migrate', namespace: 'upload', generation: 1 },
    spec: { backoffLimit: 1, ...spec },
    status,
  };
}

describe('Job', () => {
  it('is current only when Complete', () => {
    const complete = job({ succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] });
    expect(statusOf(complete)).toEqual({ state: 'current', summary: 'job complete (1 succeeded)' });
  });

  it('is in progress while running (kstatus would call it current)', () => {
    expect(statusOf(job({ startTime: '2026-01-01T00:00:00Z', active: 1 }))).toEqual(
      progressing('job running (1 active)'),
    );
    expect(statusOf(job({}))).toEqual(progressing('job not started'));
    expect(statusOf(job({}, { suspend: true }))).toEqual(progressing('job suspended'));
  });

  it.each([
    ['Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ['Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline'],
    ['FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
  ])('fails on %s=True with its reason (%s)', (type, reason, message) => {
    const failed = job({ failed: 2, conditions: [{ type, status: 'True', reason, message }] });
    expect(statusOf(failed)).toEqual({
      state: 'failed',
      reason,
      summary: `Job upload/migrate: failed with ${reason}: ${message}`,
    });
  });
});

describe("custom resources: kstatus' generic rules", () => {
  const resource = (status: Json | undefined, metadata: Json = {}): Json => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'db', namespace: 'web', generation: 2, ...metadata },
    ...(status ? { status } : {}),
  });
  const ready = (status: string, reason = 'SecretSynced', message = 'secret synced') => ({
    type: 'Ready',
    status,
    reason,
    message,
  });

  it('is current when Ready is True', () => {
    expect(conditionsVerdict(resource({ conditions: [ready('True')] }))).toEqual({
      state: 'current',
      summary: 'ready (SecretSynced: secret synced)',
    });
  });

  it('stays in progress while Ready is False, naming its reason and message (kstatus: not failed)', () => {
    const verdict = conditionsVerdict(
      resource({
        conditions: [ready('False', 'SecretSyncedError', 'could not get secret data from provider')],
      }),
    );
    expect(verdict).toEqual({
      state: 'in-progress',
      summary: 'not ready (SecretSyncedError: could not get secret data from provider)',
    });
  });

  it('stays in progress while Ready is Unknown', () => {
    expect(conditionsVerdict(resource({ conditions: [ready('Unknown', 'Pending', '')] }))?.state).toBe(
      'in-progress',
    );
  });

  it('fails at once on Stalled=True, with its message, whatever Ready says', () => {
    const verdict = conditionsVerdict(
      resource({
        conditions: [
          ready('True'),
          { type: 'Stalled', status: 'True', reason: 'InvalidSpec', message: 'spec.size must be even' },
        ],
      }),
    );
    expect(verdict).toEqual({
      state: 'failed',
      reason: 'InvalidSpec',
      message: 'stalled (InvalidSpec: spec.size must be even)',
    });
  });

  it('stays in progress on Reconciling=True even when Ready is True', () => {
    const verdict = conditionsVerdict(
      resource({
        conditions: [ready('True'), { type: 'Reconciling', status: 'True', reason: 'Progressing' }],
      }),
    );
    expect(verdict).toEqual({ state: 'in-progress', summary: 'reconciling (Progressing)' });
  });

  it('the first of Reconciling=True and Stalled=True in the list decides, as in kstatus', () => {
    const both = [
      { type: 'Reconciling', status: 'True' },
      { type: 'Stalled', status: 'True' },
    ];
    expect(conditionsVerdict(resource({ conditions: both }))?.state).toBe('in-progress');
    expect(conditionsVerdict(resource({ conditions: [...both].reverse() }))?.state).toBe('failed');
  });

  it('is current when Reconciling and Stalled are both False and there is no Ready', () => {
    const conditions = [
      { type: 'Reconciling', status: 'False' },
      { type: 'Stalled', status: 'False' },
    ];
    expect(conditionsVerdict(resource({ conditions, observedGeneration: 2 }))?.state).toBe('current');
  });

  it('does not read the status of an older generation: a stale Ready=True is not current', () => {
    const stale = resource({ observedGeneration: 1, conditions: [ready('True')] });
    expect(conditionsVerdict(stale)).toEqual({
      state: 'in-progress',
      summary: 'waiting for the controller to see generation 2',
    });
    const seen = resource({ observedGeneration: 2, conditions: [ready('True')] });
    expect(conditionsVerdict(seen)?.state).toBe('current');
  });

  it("does not read a condition whose own observedGeneration is older than the object's", () => {
    const stale = resource({ conditions: [{ ...ready('True'), observedGeneration: 1 }] });
    expect(conditionsVerdict(stale)?.state).toBe('in-progress');
    const seen = resource({ conditions: [{ ...ready('True'), observedGeneration: 2 }] });
    expect(conditionsVerdict(seen)?.state).toBe('current');
  });

  it('is in progress while being deleted', () => {
    const deleting = resource({ conditions: [ready('True')] }, { deletionTimestamp: '2026-01-01T00:00:00Z' });
    expect(conditionsVerdict(deleting)?.state).toBe('in-progress');
  });

  it('answers nothing (not verifiable) without Ready, Reconciling or Stalled, where kstatus says current', () => {
    expect(conditionsVerdict(resource(undefined))).toBeUndefined();
    expect(conditionsVerdict(resource({ conditions: [] }))).toBeUndefined();
    expect(
      conditionsVerdict(resource({ conditions: [{ type: 'AbleToScale', status: 'True' }] })),
    ).toBeUndefined();
  });
});
