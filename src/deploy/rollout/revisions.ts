import { rolloutRevisionPods } from './argo.js';
import { labelOf, nameOf, num, records, str } from './objects.js';
import type { Json, WorkloadSnapshot } from './types.js';

/*
 * Which pods belong to the revision being rolled out. Problems of older pods are ignored: they are
 * being replaced, and a crash-looping old pod is the reason for many deploys.
 *
 * | Kind        | New revision                                                | Its pods                                   |
 * | ----------- | ----------------------------------------------------------- | ------------------------------------------ |
 * | Deployment  | ReplicaSet with the highest deployment.kubernetes.io/revision | pod-template-hash label = the RS's       |
 * | StatefulSet | status.updateRevision (a ControllerRevision name)           | controller-revision-hash label = that name |
 * | DaemonSet   | ControllerRevision with the highest .revision               | controller-revision-hash label = its hash  |
 * | Job         | the Job                                                     | all of them                                |
 * | Rollout     | status.currentPodHash (argo.ts)                             | rollouts-pod-template-hash = that hash     |
 *
 * Until the controller has observed the latest generation its status and newest revision describe
 * the previous spec, so there is no new revision yet: no pods.
 */

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const HASH_LABEL = 'controller-revision-hash';

/** kstatus is lenient: without status.observedGeneration (a Job has none) there is nothing to compare. */
export function generationObserved(workload: Json): boolean {
  const generation = num(workload, 'metadata', 'generation');
  const observed = num(workload, 'status', 'observedGeneration');
  return generation === undefined || observed === undefined || observed >= generation;
}

/** The Deployment's ReplicaSet for its current template, once the controller has made it. */
export function newReplicaSet(snapshot: WorkloadSnapshot): Json | undefined {
  if (!generationObserved(snapshot.workload)) return undefined;
  return highest(snapshot.replicaSets, (rs) =>
    Number(str(rs, 'metadata', 'annotations', REVISION_ANNOTATION)),
  );
}

export function newRevisionPods(snapshot: WorkloadSnapshot): Json[] {
  const { workload, pods } = snapshot;
  switch (str(workload, 'kind')) {
    case 'Deployment': {
      const rs = newReplicaSet(snapshot);
      if (!rs) return [];
      const hash = labelOf(rs, 'pod-template-hash');
      const uid = str(rs, 'metadata', 'uid');
      return pods.filter((pod) =>
        hash ? labelOf(pod, 'pod-template-hash') === hash : uid !== undefined && controllerUid(pod) === uid,
      );
    }
    case 'StatefulSet': {
      const revision = generationObserved(workload) ? str(workload, 'status', 'updateRevision') : undefined;
      return revision ? pods.filter((pod) => labelOf(pod, HASH_LABEL) === revision) : [];
    }
    case 'DaemonSet': {
      if (!generationObserved(workload)) return [];
      const revision = highest(snapshot.controllerRevisions, (cr) => num(cr, 'revision') ?? Number.NaN);
      const hash = revision && revisionHash(revision, nameOf(workload));
      return hash ? pods.filter((pod) => labelOf(pod, HASH_LABEL) === hash) : [];
    }
    case 'Job':
      return pods;
    case 'Rollout':
      return rolloutRevisionPods(workload, pods);
    default:
      return [];
  }
}

/**
 * A DaemonSet revision's hash: the controller labels it controller-revision-hash; the generic
 * history code (and our sandbox) label controller.kubernetes.io/hash; the name is "<owner>-<hash>".
 */
function revisionHash(revision: Json, owner: string): string | undefined {
  const name = nameOf(revision);
  return (
    labelOf(revision, HASH_LABEL) ??
    labelOf(revision, 'controller.kubernetes.io/hash') ??
    (name.startsWith(`${owner}-`) ? name.slice(owner.length + 1) : undefined)
  );
}

function highest(objects: Json[], rank: (object: Json) => number): Json | undefined {
  let best: Json | undefined;
  let bestRank = Number.NEGATIVE_INFINITY;
  for (const object of objects) {
    const value = rank(object);
    if (Number.isFinite(value) && value > bestRank) [best, bestRank] = [object, value];
  }
  return best;
}

function controllerUid(object: Json): string | undefined {
  const owner = records(object, 'metadata', 'ownerReferences').find((ref) => ref.controller === true);
  return str(owner, 'uid');
}
