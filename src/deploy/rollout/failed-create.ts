import { condition, eventTime, field, nameOf, str, timeOf } from './objects.js';
import { newReplicaSet } from './revisions.js';
import type { Json, PodProblem, RolloutPolicy, WorkloadSnapshot } from './types.js';

/*
 * FailedCreate: the controller cannot create pods (PodSecurity admission, a missing ServiceAccount,
 * an exhausted quota, a webhook). The rollout would otherwise just stall until its deadline.
 *
 * | Kind                        | Signal                                                              |
 * | --------------------------- | ------------------------------------------------------------------- |
 * | Deployment                  | new ReplicaSet's ReplicaFailure=True, else FailedCreate Events on it |
 * | StatefulSet, DaemonSet, Job | FailedCreate Events on the workload (they have no such condition)   |
 *
 * The Deployment's own ReplicaFailure condition is not read: the controller copies it from any of
 * its ReplicaSets, old ones included. The ReplicaSet controller clears its condition on success,
 * but an Event stays listed for an hour, so an Event counts only while no pod has been created
 * after it last fired: a later pod means the cause went away.
 */

export function failedCreateProblems(snapshot: WorkloadSnapshot, policy: RolloutPolicy): PodProblem[] {
  const { workload } = snapshot;
  // Items of a List carry no kind, so the ReplicaSet's is not read from it.
  const deployment = str(workload, 'kind') === 'Deployment';
  const creator = deployment ? newReplicaSet(snapshot) : workload;
  if (!creator) return [];
  const kind = deployment ? 'ReplicaSet' : (str(workload, 'kind') ?? '');
  const owner = `${kind}/${nameOf(creator)}`;
  const problem = (message: string): PodProblem => ({
    pod: '',
    owner,
    init: false,
    reason: 'FailedCreate',
    message,
    graceMs: policy.failedCreateGraceMs,
    key: `${owner}//FailedCreate`,
  });
  const failure = condition(creator, 'ReplicaFailure');
  if (failure?.status === 'True')
    return [problem(typeof failure.message === 'string' ? failure.message : '')];
  const newestPod = Math.max(
    Number.NEGATIVE_INFINITY,
    ...snapshot.pods.map((pod) => timeOf(field(pod, 'metadata', 'creationTimestamp')) ?? 0),
  );
  const events = snapshot.events
    .filter((event) => event.reason === 'FailedCreate' && about(event, creator, kind))
    .map((event) => ({ event, at: eventTime(event) }))
    .filter(({ at }) => at === undefined || at >= newestPod)
    .sort((a, b) => (b.at ?? 0) - (a.at ?? 0));
  const latest = events[0]?.event;
  return latest ? [problem(str(latest, 'message') ?? str(latest, 'note') ?? '')] : [];
}

/** Whether the event is about that object: by uid when both have one, else by kind and name. */
function about(event: Json, object: Json, kind: string): boolean {
  const involved = field(event, 'involvedObject') ?? field(event, 'regarding');
  const uid = str(involved, 'uid');
  const objectUid = str(object, 'metadata', 'uid');
  if (uid && objectUid) return uid === objectUid;
  return str(involved, 'kind') === kind && str(involved, 'name') === nameOf(object);
}
