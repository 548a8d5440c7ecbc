import { plural } from '../../text.js';
import { conditionIs, field, nameOf, num, str } from './objects.js';
import { generationObserved, newRevisionPods } from './revisions.js';
import { settling } from './settle.js';
import type { Json, RolloutStatus, WorkloadSnapshot } from './types.js';

/*
 * StatefulSets and DaemonSets with `updateStrategy.type: OnDelete`: their controller applies a new
 * template only to pods created after it, so the old pods run on until someone deletes them
 * (`kubectl rollout status` refuses such a workload; kstatus and Argo CD call it done at once). A
 * deploy was asked to run the new revision, so verify deletes the old pods itself, one at a time
 * as a RollingUpdate would, and the controller recreates each from the new template; each new pod
 * is judged by the pod problems table like any other, so a crash stops the replacement and rolls
 * back. The next pod goes only when:
 *
 * | condition                                                     | why                               |
 * | ------------------------------------------------------------- | --------------------------------- |
 * | the controller saw the latest generation, its revision known  | else every pod would look old     |
 * | no pod is terminating, every expected pod exists              | one replacement at a time         |
 * | every pod of the new revision is Ready and has settled        | a crash shows before the next one |
 *
 * Which pod: an old one that is not Ready first (it serves nothing, and an OrderedReady set
 * waits for it), else a StatefulSet's highest ordinal (RollingUpdate's order) or a DaemonSet's
 * first pod by name. StatefulSet pods at or above spec.replicas are the controller's to remove.
 *
 * A workload annotated `k8s-deploy-action/replace-pods: "false"` (someone restarts its pods by
 * hand, in a maintenance window) keeps its old pods: once they are all ready it passes, flagged
 * "not rolled out" with how many pods keep the previous revision, never counted as rolled out.
 */

export const REPLACE_PODS_ANNOTATION = 'k8s-deploy-action/replace-pods';

export function isOnDelete(workload: Json): boolean {
  const kind = str(workload, 'kind');
  return (
    (kind === 'StatefulSet' || kind === 'DaemonSet') &&
    str(workload, 'spec', 'updateStrategy', 'type') === 'OnDelete'
  );
}

/** An OnDelete workload verify replaces the pods of: not opted out with replace-pods "false". */
export function replacesPods(workload: Json): boolean {
  return (
    isOnDelete(workload) && str(workload, 'metadata', 'annotations', REPLACE_PODS_ANNOTATION) !== 'false'
  );
}

/**
 * The verdict on an OnDelete workload opted out of replacement whose pods are all ready but not
 * all on the new revision: current, flagged not rolled out. Undefined otherwise (the usual rules).
 */
export function keptPodsVerdict(snapshot: WorkloadSnapshot): RolloutStatus | undefined {
  const { workload } = snapshot;
  if (!isOnDelete(workload) || replacesPods(workload) || !generationObserved(workload)) return undefined;
  const statefulSet = str(workload, 'kind') === 'StatefulSet';
  const count = (key: string) => num(workload, 'status', key) ?? 0;
  const expected = statefulSet
    ? (num(workload, 'spec', 'replicas') ?? 1)
    : num(workload, 'status', 'desiredNumberScheduled');
  if (expected === undefined) return undefined;
  const ready = count(statefulSet ? 'readyReplicas' : 'numberReady');
  const present = count(statefulSet ? 'replicas' : 'currentNumberScheduled');
  const updated = count(statefulSet ? 'updatedReplicas' : 'updatedNumberScheduled');
  if (ready < expected || present !== expected || updated >= expected) return undefined;
  return {
    state: 'current',
    notRolledOut: true,
    summary: `OnDelete with ${REPLACE_PODS_ANNOTATION}: "false": ${plural(expected - updated, 'pod')} of ${expected} keep the previous revision until deleted`,
  };
}

/** The old pod to delete now so that the controller recreates it on the new revision, if any. */
export function nextPodToReplace(
  snapshot: WorkloadSnapshot,
  settleMs: number,
  now: number,
): Json | undefined {
  const { workload } = snapshot;
  if (!replacesPods(workload) || !generationObserved(workload)) return undefined;
  if (field(workload, 'metadata', 'deletionTimestamp') != null) return undefined;
  const statefulSet = str(workload, 'kind') === 'StatefulSet';
  const expected = statefulSet
    ? (num(workload, 'spec', 'replicas') ?? 1)
    : num(workload, 'status', 'desiredNumberScheduled');
  const revisionKnown = statefulSet
    ? str(workload, 'status', 'updateRevision') !== undefined
    : snapshot.controllerRevisions.length > 0;
  if (expected === undefined || !revisionKnown) return undefined;
  if (snapshot.pods.some((pod) => field(pod, 'metadata', 'deletionTimestamp') != null)) return undefined;
  const pods = statefulSet
    ? snapshot.pods.filter((pod) => ordinalOf(workload, pod) < expected)
    : snapshot.pods;
  if (pods.length < expected) return undefined;
  const fresh = new Set(newRevisionPods(snapshot));
  const newPods = pods.filter((pod) => fresh.has(pod));
  if (!newPods.every(isReady) || settling(workload, newPods, settleMs, now) !== undefined) return undefined;
  const old = pods.filter((pod) => !fresh.has(pod));
  if (old.length === 0) return undefined;
  const unready = old.filter((pod) => !isReady(pod));
  if (statefulSet) {
    const byOrdinal = (list: Json[]) =>
      [...list].sort((a, b) => ordinalOf(workload, a) - ordinalOf(workload, b));
    return unready.length > 0 ? byOrdinal(unready)[0] : byOrdinal(old).at(-1);
  }
  const byName = (list: Json[]) => [...list].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  return byName(unready.length > 0 ? unready : old)[0];
}

function isReady(pod: Json): boolean {
  return conditionIs(pod, 'Ready', 'True');
}

/** A StatefulSet pod's ordinal: its name is "<set>-<ordinal>". */
function ordinalOf(set: Json, pod: Json): number {
  const prefix = `${nameOf(set)}-`;
  const name = nameOf(pod);
  const ordinal = name.startsWith(prefix) ? Number(name.slice(prefix.length)) : Number.NaN;
  return Number.isInteger(ordinal) ? ordinal : Number.POSITIVE_INFINITY;
}
