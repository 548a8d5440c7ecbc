import { describe, expect, it } from '@jest/globals';
import { nameOf } from '../../../src/deploy/rollout/objects.js';
import { keptPodsVerdict, nextPodToReplace } from '../../../src/deploy/rollout/on-delete.js';
import type { Json } from '../../../src/deploy/rollout/types.js';
import { pod, running, snapshot, waiting } from './fixtures.js';

const STARTED = Date.parse('2026-01-01T00:00:00Z'); // running()'s startedAt
const LATER = STARTED + 60_000;
const SETTLE_MS = 5_000;
const READY = [{ type: 'Ready', status: 'True' }];

function statefulSet(spec: Json = {}, status: Json = {}): Json {
  return {
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'upload', generation: 2 },
    spec: { replicas: 3, updateStrategy: { type: 'OnDelete' }, ...spec },
    status: { observedGeneration: 2, replicas: 3, readyReplicas: 3, updateRevision: 'db-new', ...status },
  };
}

const stsPod = (ordinal: number, revision: string, ready = true, extra = {}) =>
  pod(`db-${ordinal}`, {
    labels: { 'controller-revision-hash': revision },
    conditions: ready ? READY : [{ type: 'Ready', status: 'False' }],
    containers: [ready ? running('db') : waiting('db', 'CrashLoopBackOff')],
    ...extra,
  });

const next = (workload: Json, pods: Json[], now = LATER) => {
  const chosen = nextPodToReplace(snapshot(workload, { pods }), SETTLE_MS, now);
  return chosen && nameOf(chosen);
};

describe('OnDelete StatefulSet: the next old pod to replace', () => {
  it('starts with the highest ordinal, as a RollingUpdate would', () => {
    expect(next(statefulSet(), [stsPod(0, 'db-old'), stsPod(1, 'db-old'), stsPod(2, 'db-old')])).toBe('db-2');
  });

  it('goes on once the replaced pod is ready and has settled', () => {
    const pods = [stsPod(0, 'db-old'), stsPod(1, 'db-old'), stsPod(2, 'db-new')];
    expect(next(statefulSet(), pods, STARTED + 1_000)).toBeUndefined();
    expect(next(statefulSet(), pods)).toBe('db-1');
  });

  it('waits while a pod is terminating, missing, or a new pod is not ready', () => {
    expect(
      next(statefulSet(), [
        stsPod(0, 'db-old'),
        stsPod(1, 'db-old'),
        stsPod(2, 'db-old', true, { deleting: true }),
      ]),
    ).toBeUndefined();
    expect(next(statefulSet(), [stsPod(0, 'db-old'), stsPod(1, 'db-old')])).toBeUndefined();
    expect(
      next(statefulSet(), [stsPod(0, 'db-old'), stsPod(1, 'db-old'), stsPod(2, 'db-new', false)]),
    ).toBeUndefined();
  });

  it('replaces an old pod that is not ready first, the lowest ordinal an OrderedReady set waits for', () => {
    const pods = [stsPod(0, 'db-old'), stsPod(1, 'db-old', false), stsPod(2, 'db-old')];
    expect(next(statefulSet(), pods)).toBe('db-1');
  });

  it('replaces nothing once every pod runs the new revision, or before the controller saw the generation', () => {
    expect(
      next(statefulSet(), [stsPod(0, 'db-new'), stsPod(1, 'db-new'), stsPod(2, 'db-new')]),
    ).toBeUndefined();
    const unseen = statefulSet({}, { observedGeneration: 1 });
    expect(next(unseen, [stsPod(0, 'db-old'), stsPod(1, 'db-old'), stsPod(2, 'db-old')])).toBeUndefined();
  });

  it('leaves RollingUpdate StatefulSets to their controller', () => {
    const rolling = statefulSet({ updateStrategy: { type: 'RollingUpdate' } });
    expect(next(rolling, [stsPod(0, 'db-old'), stsPod(1, 'db-old'), stsPod(2, 'db-old')])).toBeUndefined();
  });
});

describe('OnDelete opted out with k8s-deploy-action/replace-pods: "false"', () => {
  const optedOut = (status: Json = {}) => {
    const sts = statefulSet({}, { updatedReplicas: 1, ...status });
    (sts.metadata as Json).annotations = { 'k8s-deploy-action/replace-pods': 'false' };
    return sts;
  };
  const pods = [stsPod(0, 'db-old'), stsPod(1, 'db-old'), stsPod(2, 'db-new')];

  it('replaces no pod', () => {
    expect(next(optedOut(), [stsPod(0, 'db-old'), stsPod(1, 'db-old'), stsPod(2, 'db-old')])).toBeUndefined();
  });

  it('passes once every pod is ready, flagged not rolled out with the pods that keep the previous revision', () => {
    expect(keptPodsVerdict(snapshot(optedOut(), { pods }))).toEqual({
      state: 'current',
      notRolledOut: true,
      summary:
        'OnDelete with k8s-deploy-action/replace-pods: "false": 2 pods of 3 keep the previous revision until deleted',
    });
    expect(keptPodsVerdict(snapshot(optedOut({ readyReplicas: 2 }), { pods }))).toBeUndefined();
    expect(keptPodsVerdict(snapshot(optedOut({ updatedReplicas: 3 }), { pods }))).toBeUndefined();
    expect(keptPodsVerdict(snapshot(statefulSet({}, { updatedReplicas: 1 }), { pods }))).toBeUndefined();
  });
});

describe('OnDelete DaemonSet: the next old pod to replace', () => {
  const daemonSet: Json = {
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'upload', generation: 2 },
    spec: { updateStrategy: { type: 'OnDelete' } },
    status: { observedGeneration: 2, desiredNumberScheduled: 2 },
  };
  const revisions = [
    { metadata: { name: 'agent-old', labels: { 'controller-revision-hash': 'old' } }, revision: 1 },
    { metadata: { name: 'agent-new', labels: { 'controller-revision-hash': 'new' } }, revision: 2 },
  ];
  const dsPod = (name: string, hash: string) =>
    pod(name, { labels: { 'controller-revision-hash': hash }, conditions: READY });

  it('replaces one old pod at a time, by name', () => {
    const pods = [dsPod('agent-b', 'old'), dsPod('agent-a', 'old')];
    const chosen = nextPodToReplace(
      snapshot(daemonSet, { pods, controllerRevisions: revisions }),
      SETTLE_MS,
      LATER,
    );
    expect(chosen && nameOf(chosen)).toBe('agent-a');
  });

  it('does not guess before the revisions are known', () => {
    const pods = [dsPod('agent-a', 'old'), dsPod('agent-b', 'old')];
    expect(nextPodToReplace(snapshot(daemonSet, { pods }), SETTLE_MS, LATER)).toBeUndefined();
  });
});
