import { workloadRefPending } from './argo.js';
import { workloadVerdict } from './done.js';
import { failedCreateProblems } from './failed-create.js';
import { nameOf, str } from './objects.js';
import { keptPodsVerdict } from './on-delete.js';
import { pausedVerdict } from './paused.js';
import { classifyPod, describeProblem } from './pod-problems.js';
import { newRevisionPods } from './revisions.js';
import { settling } from './settle.js';
import type { PodProblem, RolloutPolicy, RolloutStatus, WorkloadSnapshot } from './types.js';

/**
 * The verify phase's decision for one workload, recomputed after every change the engine sees:
 * 0. a paused Deployment whose new template is not rolled out (paused.ts): failed, or current
 *    flagged not rolled out when the pause is allowed; an OnDelete workload opted out of pod
 *    replacement whose pods are ready on the old revision (on-delete.ts): current, flagged so;
 * 1. the workload's own status (done.ts): current, failed (ProgressDeadlineExceeded, a failed
 *    Job), or in progress;
 * 2. while in progress, problems of the new revision's pods (pod-problems.ts) and of the object
 *    that creates them (failed-create.ts), each put to `fatal` (the FailFastTracker, or
 *    `() => false` to tolerate failures until the deadline);
 * 3. a workload otherwise current stays in progress until its new pods have run for
 *    `policy.settleMs` (settle.ts), its pods classified as in 2. meanwhile;
 * 4. one waiting for promotion (an Argo Rollout paused, argo.ts) is waiting only once its new
 *    pods settled and show no problem at all: Argo pauses after a canary whose container was
 *    ready for a moment, so a crash loop seen at the pause is a failure, not a wait.
 * Every problem goes through `fatal` on every call, so the tracker's clock starts for each one
 * when it is first seen. Of several fatal problems, one fatal at once is named first.
 */
export function rolloutStatus(
  snapshot: WorkloadSnapshot,
  policy: RolloutPolicy,
  fatal: (p: PodProblem) => boolean,
  now: number = Date.now(),
): RolloutStatus {
  const subject = workloadName(snapshot);
  const held = pausedVerdict(snapshot, policy) ?? keptPodsVerdict(snapshot) ?? workloadRefPending(snapshot);
  if (held) return held;
  let verdict = workloadVerdict(snapshot.workload);
  if (verdict.state === 'failed') {
    // The controller's deadline names no pod: name one that is not ready, so its events
    // ("Readiness probe failed") and log lines are shown with the verdict.
    const stuck = verdict.reason === 'ProgressDeadlineExceeded' ? notReadyPod(snapshot, policy) : undefined;
    return {
      state: 'failed',
      summary: `${subject}: ${verdict.message}${stuck ? `; ${describeProblem(stuck)}` : ''}`,
      reason: verdict.reason,
      ...(stuck ? { problem: stuck } : {}),
    };
  }
  const newPods = newRevisionPods(snapshot);
  /** Waiting for promotion, once its new pods settled (and then only if they show no problem). */
  let waiting: Extract<RolloutStatus, { state: 'waiting' }> | undefined;
  if (verdict.state === 'current' || verdict.state === 'waiting') {
    const wait = settling(snapshot.workload, newPods, policy.settleMs ?? 0, now);
    if (!wait && verdict.state === 'current') return verdict;
    if (!wait && verdict.state === 'waiting') waiting = verdict;
    verdict = { state: 'in-progress', summary: wait ? wait.summary : verdict.summary };
  }
  const problems = [
    ...failedCreateProblems(snapshot, policy),
    ...newPods.flatMap((pod) => classifyPod(pod, policy)),
  ];
  const fatalProblems = problems.filter((p) => fatal(p));
  const problem = fatalProblems.find((p) => p.graceMs === 0) ?? fatalProblems[0];
  if (problem) {
    // "StatefulSet upload/db cannot create pods", not "StatefulSet upload/db: StatefulSet db cannot ...".
    const sentence = describeProblem(problem);
    const own = `${str(snapshot.workload, 'kind')} ${nameOf(snapshot.workload)} `;
    return {
      state: 'failed',
      summary: sentence.startsWith(own)
        ? `${subject} ${sentence.slice(own.length)}`
        : `${subject}: ${sentence}`,
      reason: problem.reason,
      problem,
    };
  }
  if (waiting && problems.length === 0) return waiting;
  return { state: 'in-progress', summary: verdict.summary, problems };
}

/** The first pod of the new revision that is not Ready, with the problem it shows (if any). */
function notReadyPod(snapshot: WorkloadSnapshot, policy: RolloutPolicy): PodProblem | undefined {
  for (const pod of newRevisionPods(snapshot)) {
    const conditions = (pod.status as { conditions?: { type?: string; status?: string }[] } | undefined)
      ?.conditions;
    if (conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
    const name = nameOf(pod);
    return (
      classifyPod(pod, policy)[0] ?? {
        pod: name,
        init: false,
        reason: 'NotReady',
        message: 'is not ready',
        graceMs: Number.POSITIVE_INFINITY,
        key: `${name}//NotReady`,
      }
    );
  }
  return undefined;
}

/** "Deployment upload/api", as the failure's summary names it. */
export function workloadName(snapshot: WorkloadSnapshot): string {
  const { workload } = snapshot;
  const namespace = str(workload, 'metadata', 'namespace');
  return `${str(workload, 'kind') ?? 'Workload'} ${namespace ? `${namespace}/` : ''}${nameOf(workload)}`;
}

export { classifyPod, describeProblem } from './pod-problems.js';
export { newRevisionPods } from './revisions.js';
export type { Json, PodProblem, RolloutPolicy, RolloutStatus, WorkloadSnapshot } from './types.js';
