import { seconds } from '../../duration.js';
import { plural } from '../../text.js';
import { field, nameOf, num, records, str, timeOf } from './objects.js';
import type { Json } from './types.js';

/*
 * The settle window. A container without a readiness probe is Ready the moment it starts, so a
 * process that crashes a second later makes its Deployment Available for that second: kstatus and
 * `kubectl rollout status` call it done, and so would we. Once a workload is otherwise done, its
 * new-revision pods must each have run for `settleMs`, counted from their containers' current
 * `state.running.startedAt`, so a crash within that time shows while we still watch (and the pod
 * problems table decides, as for any other pod).
 *
 * | Pod of the new revision                        | Settled when                                |
 * | ---------------------------------------------- | ------------------------------------------- |
 * | being deleted                                  | ignored                                     |
 * | no container has ever started (still Pending)  | ignored: the counts said done without it    |
 * | otherwise                                      | every container running >= settleMs         |
 * | a container running without startedAt          | that container counts as settled            |
 *
 * The pods judged are the ones we have seen, and the workload's counts may be ahead of them (the
 * pod watch lags, or broke for a while): a pod that ran for a moment and crashed since can be
 * counted available by the controller before we see it at all. So the window also waits until we
 * see at least as many started pods of the new revision as the workload counts updated
 * (status.updatedReplicas, or updatedNumberScheduled for a DaemonSet); "no pods seen" is never
 * "settled".
 *
 * Not for Jobs (done when Complete) nor a paused Deployment (nothing rolls out). A workload whose
 * spec.minReadySeconds covers settleMs is skipped: Kubernetes already waited that long before
 * counting a pod available. A smaller minReadySeconds is not added: both count from the start.
 */

export interface Settling {
  /** "settling: pod api-7d9c-b has run 1.2 s of 5 s" */
  summary: string;
}

/** What is left of the settle window for a workload that is otherwise done; undefined once settled. */
export function settling(
  workload: Json,
  newPods: readonly Json[],
  settleMs: number,
  now: number,
): Settling | undefined {
  if (settleMs <= 0) return undefined;
  const kind = str(workload, 'kind');
  if (kind === 'Job' || field(workload, 'spec', 'paused') === true) return undefined;
  if ((num(workload, 'spec', 'minReadySeconds') ?? 0) * 1000 >= settleMs) return undefined;
  let slowest: { pod: string; ranMs: number; running: boolean } | undefined;
  let seen = 0;
  for (const pod of newPods) {
    if (field(pod, 'metadata', 'deletionTimestamp') != null) continue;
    const containers = records(pod, 'status', 'containerStatuses');
    if (!containers.some(hasStarted)) continue;
    seen++;
    for (const status of containers) {
      const ran = runningFor(status, now);
      const ranMs = ran ?? 0;
      if (ranMs < settleMs && (!slowest || ranMs < slowest.ranMs)) {
        slowest = { pod: nameOf(pod), ranMs, running: ran !== undefined };
      }
    }
  }
  const counted = countedUpdated(workload);
  if (seen < counted) {
    return {
      summary: `settling: ${seen} of ${plural(counted, 'pod')} of the new revision seen started so far`,
    };
  }
  if (!slowest) return undefined;
  const ran = slowest.running
    ? `has run ${seconds(slowest.ranMs)} of ${seconds(settleMs)}`
    : `is not running (each pod must run ${seconds(settleMs)})`;
  return {
    summary: `settling: pod ${slowest.pod} ${ran}`,
  };
}

/** How many pods of the new revision the workload's own status counts. */
function countedUpdated(workload: Json): number {
  const key = str(workload, 'kind') === 'DaemonSet' ? 'updatedNumberScheduled' : 'updatedReplicas';
  return num(workload, 'status', key) ?? 0;
}

function hasStarted(status: Json): boolean {
  return (
    field(status, 'state', 'running') != null ||
    field(status, 'state', 'terminated') != null ||
    field(status, 'lastState', 'terminated') != null
  );
}

/**
 * How long the container's current run has lasted; undefined when it is not running. startedAt
 * has whole seconds and comes from the node's clock: a run may look up to a second (plus clock
 * skew, NTP-small on EKS) longer than it was, which the default settle time allows for.
 */
function runningFor(status: Json, now: number): number | undefined {
  if (field(status, 'state', 'running') == null) return undefined;
  const started = timeOf(field(status, 'state', 'running', 'startedAt'));
  return started === undefined ? Number.POSITIVE_INFINITY : Math.max(0, now - started);
}
