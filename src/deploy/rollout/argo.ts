import { canonical } from '../objects.js';
import { field, labelOf, num, records, str } from './objects.js';
import type { Json, RolloutStatus, WorkloadSnapshot } from './types.js';

/*
 * An Argo Rollouts `Rollout` (argoproj.io), read as `kubectl argo rollouts status` reads it
 * (utils/rollout/rolloututil.go GetRolloutPhase), with the controller's phase and message:
 *
 * | status                                                        | verdict                           |
 * | ------------------------------------------------------------- | --------------------------------- |
 * | metadata.deletionTimestamp set                                | in progress (being deleted)       |
 * | status.observedGeneration (a string) != metadata.generation   | in progress: status not read      |
 * | controllerPause and no pauseConditions (promote under way)    | in progress: waiting to unpause   |
 * | status.abort                                                  | failed (RolloutAborted), message  |
 * | phase Degraded (aborted, ProgressDeadlineExceeded, InvalidSpec)| failed with status.message       |
 * | phase Paused (a canary pause step, BlueGreenPause, spec.paused,| waiting for promotion            |
 * |   inconclusive analysis)                                      |                                   |
 * | phase Healthy                                                 | current                           |
 * | phase Progressing, or none yet                                | in progress, status.message       |
 *
 * "Waiting for promotion" is neither success nor failure: a person (or `action: promote`) decides.
 * The new revision's pods are those labelled rollouts-pod-template-hash = status.currentPodHash;
 * the caller judges them by the pod problems table whatever the phase, since Argo counts a
 * container ready the moment it starts and so reaches a pause with a canary that crashes.
 */

export const ROLLOUT_GROUP = 'argoproj.io';
export const ROLLOUT_HASH_LABEL = 'rollouts-pod-template-hash';

export type ArgoVerdict =
  | { state: 'current'; summary: string }
  | { state: 'in-progress'; summary: string }
  | { state: 'waiting'; summary: string }
  | { state: 'failed'; reason: string; message: string };

/** An Argo Rollouts Rollout, by its apiVersion's group and kind. */
export function isArgoRollout(object: { apiVersion?: unknown; kind?: unknown }): boolean {
  return (
    object.kind === 'Rollout' &&
    typeof object.apiVersion === 'string' &&
    object.apiVersion.startsWith(`${ROLLOUT_GROUP}/`)
  );
}

/** Whether the controller's status is about the current spec: observedGeneration is a string. */
export function rolloutGenerationObserved(ro: Json): boolean {
  const generation = num(ro, 'metadata', 'generation');
  return generation === undefined || str(ro, 'status', 'observedGeneration') === String(generation);
}

export function argoRolloutVerdict(ro: Json): ArgoVerdict {
  if (field(ro, 'metadata', 'deletionTimestamp') != null)
    return { state: 'in-progress', summary: 'being deleted' };
  if (!rolloutGenerationObserved(ro)) {
    return {
      state: 'in-progress',
      summary: `waiting for the Argo Rollouts controller to see generation ${num(ro, 'metadata', 'generation')}`,
    };
  }
  const pauses = records(ro, 'status', 'pauseConditions');
  if (field(ro, 'status', 'controllerPause') === true && pauses.length === 0) {
    return { state: 'in-progress', summary: 'waiting for rollout to unpause' };
  }
  const phase = str(ro, 'status', 'phase');
  const message = str(ro, 'status', 'message') ?? '';
  if (field(ro, 'status', 'abort') === true) {
    return {
      state: 'failed',
      reason: 'RolloutAborted',
      message: `aborted (${message || 'status.abort is true'})`,
    };
  }
  switch (phase) {
    case 'Degraded': {
      const reason = /^(\w+):/.exec(message)?.[1] ?? 'Degraded';
      return { state: 'failed', reason, message: `degraded: ${message}` };
    }
    case 'Paused':
      return { state: 'waiting', summary: pausedAt(ro, pauses) };
    case 'Healthy': {
      const replicas = num(ro, 'spec', 'replicas') ?? 1;
      return { state: 'current', summary: `Healthy, ${replicas} replica(s) updated and available` };
    }
    default:
      return {
        state: 'in-progress',
        summary: message || phase || 'waiting for the Argo Rollouts controller',
      };
  }
}

/** "paused at canary step 2 of 4 (CanaryPauseStep)", "paused before blue-green promotion", ... */
function pausedAt(ro: Json, pauses: Json[]): string {
  const reason = str(pauses[0], 'reason');
  if (field(ro, 'spec', 'paused') === true && pauses.length === 0) return 'paused by spec.paused';
  if (reason === 'BlueGreenPause') return 'paused before blue-green promotion (BlueGreenPause)';
  const steps = records(ro, 'spec', 'strategy', 'canary', 'steps').length;
  const index = num(ro, 'status', 'currentStepIndex');
  if (reason === 'CanaryPauseStep' && index !== undefined) {
    return `paused at canary step ${index + 1} of ${steps} (CanaryPauseStep)`;
  }
  return `paused (${reason ?? str(ro, 'status', 'message') ?? 'Paused'})`;
}

/** The pods of the Rollout's current template, once the controller has seen it. */
export function rolloutRevisionPods(ro: Json, pods: Json[]): Json[] {
  const hash = rolloutGenerationObserved(ro) ? str(ro, 'status', 'currentPodHash') : undefined;
  return hash ? pods.filter((pod) => labelOf(pod, ROLLOUT_HASH_LABEL) === hash) : [];
}

/** The Deployment a Rollout takes its template from (`spec.workloadRef`), by name; undefined otherwise. */
export function workloadRefName(ro: Json): string | undefined {
  return str(ro, 'spec', 'workloadRef', 'kind') === 'Deployment'
    ? str(ro, 'spec', 'workloadRef', 'name')
    : undefined;
}

/**
 * A Rollout with `spec.workloadRef` does not change when its Deployment's template does, so its
 * generation and status say nothing about that template: until the ReplicaSet of
 * status.currentPodHash has the Deployment's template, its phase is the previous template's
 * (a Healthy read then would be a false verdict). In progress until then; undefined otherwise.
 */
export function workloadRefPending(snapshot: WorkloadSnapshot): RolloutStatus | undefined {
  const { workload, workloadRef } = snapshot;
  const name = workloadRefName(workload);
  if (str(workload, 'kind') !== 'Rollout' || name === undefined) return undefined;
  const waiting = (summary: string): RolloutStatus => ({ state: 'in-progress', summary, problems: [] });
  if (!workloadRef) return waiting(`waiting for Deployment ${name}, its workloadRef`);
  const hash = str(workload, 'status', 'currentPodHash');
  const current = snapshot.replicaSets.find((rs) => labelOf(rs, ROLLOUT_HASH_LABEL) === hash);
  if (
    !current ||
    podTemplate(field(current, 'spec', 'template')) !== podTemplate(field(workloadRef, 'spec', 'template'))
  ) {
    return waiting(
      `waiting for the Argo Rollouts controller to take up the pod template of Deployment ${name} (workloadRef)`,
    );
  }
  return undefined;
}

/** A pod template without the hash label Argo adds to its ReplicaSet's copy, for comparison. */
function podTemplate(template: unknown): string {
  const copy = structuredClone((template ?? {}) as Json);
  const labels = field(copy, 'metadata', 'labels');
  if (labels && typeof labels === 'object') delete (labels as Json)[ROLLOUT_HASH_LABEL];
  return canonical(copy);
}
