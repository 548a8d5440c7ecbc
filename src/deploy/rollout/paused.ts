import { isRecord } from '../../records.js';
import { plural } from '../../text.js';
import { field, nameOf, num, str } from './objects.js';
import { generationObserved } from './revisions.js';
import type { RolloutPolicy, RolloutStatus, WorkloadSnapshot } from './types.js';

/*
 * A paused Deployment rolls nothing out: the controller keeps its pods on whatever template they
 * had when it was paused and makes no ReplicaSet for a new one. kstatus, Argo CD and Helm call it
 * done (or "Suspended") at once, so a deploy would say "verified" while the old pods keep
 * running. Here the Deployment's template is compared with its ReplicaSets' (ignoring the
 * pod-template-hash label, as the controller and `kubectl rollout undo` do):
 *
 * | paused Deployment                                        | verdict                           |
 * | -------------------------------------------------------- | --------------------------------- |
 * | a ReplicaSet has its template and no other has pods      | the usual counts (done.ts)        |
 * | scaled to zero and no pod left                           | the usual counts (done.ts)        |
 * | otherwise: its template is not what runs                 | failed, reason DeploymentPaused   |
 * | ... and the `allow-paused` input says the pause is meant | current, the summary saying so    |
 */

export const PAUSED_REASON = 'DeploymentPaused';

/** The verdict on a paused Deployment whose template is not rolled out; undefined otherwise. */
export function pausedVerdict(snapshot: WorkloadSnapshot, policy: RolloutPolicy): RolloutStatus | undefined {
  const d = snapshot.workload;
  if (str(d, 'kind') !== 'Deployment' || field(d, 'spec', 'paused') !== true) return undefined;
  if (!generationObserved(d) || field(d, 'metadata', 'deletionTimestamp') != null) return undefined;
  const template = field(d, 'spec', 'template');
  const current = snapshot.replicaSets.find((rs) => sameTemplate(field(rs, 'spec', 'template'), template));
  const oldPods = snapshot.replicaSets
    .filter((rs) => rs !== current)
    .reduce((sum, rs) => sum + (num(rs, 'status', 'replicas') ?? 0), 0);
  // Its template runs, or nothing should run at all (scaled to zero): the counts decide.
  if (oldPods === 0 && (current || num(d, 'spec', 'replicas') === 0)) return undefined;
  const namespace = str(d, 'metadata', 'namespace') ?? 'default';
  const subject = `Deployment ${namespace}/${nameOf(d)}`;
  const pods = oldPods > 0 ? `${plural(oldPods, 'pod')} keep the previous one` : 'no pod runs it';
  if (policy.allowPaused) {
    return {
      state: 'current',
      notRolledOut: true,
      summary: `paused (allow-paused): its new pod template is not rolled out, ${pods} until it is resumed`,
    };
  }
  return {
    state: 'failed',
    reason: PAUSED_REASON,
    summary: `${subject} is paused (spec.paused: true), so its new pod template is not rolled out: ${pods}. Resume it (kubectl rollout resume deployment/${nameOf(d)} -n ${namespace}), or set allow-paused: true if the pause is intended.`,
  };
}

/** Pod templates equal apart from the pod-template-hash label the controller adds to its ReplicaSets. */
export function sameTemplate(replicaSetTemplate: unknown, deploymentTemplate: unknown): boolean {
  return deepEqual(withoutHashLabel(replicaSetTemplate), withoutHashLabel(deploymentTemplate));
}

function withoutHashLabel(template: unknown): unknown {
  if (!isRecord(template) || !isRecord(template.metadata) || !isRecord(template.metadata.labels))
    return template;
  const { 'pod-template-hash': _hash, ...labels } = template.metadata.labels;
  return { ...template, metadata: { ...template.metadata, labels } };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
    );
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => deepEqual(a[key], b[key]));
}
