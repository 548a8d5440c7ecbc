import { desiredReplicas, maxUnavailableOf } from './deployment-rollout.js';
import { type Condition, type Json, setCondition } from './objects.js';

const sum = (sets: Json[], field: (rs: Json) => unknown) =>
  sets.reduce((n, rs) => n + (Number(field(rs)) || 0), 0);

/** The counters of DeploymentStatus, from the ReplicaSets (calculateStatus). */
export function countersOf(deployment: Json, all: Json[], newRs: Json | undefined): Json {
  const available = sum(all, (rs) => rs.status?.availableReplicas);
  const total = sum(all, (rs) => rs.spec?.replicas);
  return {
    observedGeneration: deployment.metadata.generation ?? 1,
    replicas: sum(all, (rs) => rs.status?.replicas),
    updatedReplicas: newRs ? Number(newRs.status?.replicas ?? 0) : 0,
    readyReplicas: sum(all, (rs) => rs.status?.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    ...(deployment.status?.collisionCount ? { collisionCount: deployment.status.collisionCount } : {}),
  };
}

export function isComplete(deployment: Json, status: Json): boolean {
  const replicas = desiredReplicas(deployment);
  return (
    status.updatedReplicas === replicas &&
    status.replicas === replicas &&
    status.availableReplicas === replicas &&
    status.observedGeneration >= (deployment.metadata.generation ?? 1)
  );
}

function progressed(old: Json, next: Json): boolean {
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = next.replicas - next.updatedReplicas;
  return (
    next.updatedReplicas > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    next.readyReplicas > (old.readyReplicas ?? 0) ||
    next.availableReplicas > (old.availableReplicas ?? 0)
  );
}

export interface ProgressVerdict {
  conditions: Condition[];
  /** Real seconds until the progress deadline passes, if a check is due later. */
  recheckAfter?: number;
}

/** The Available and Progressing conditions, as syncRolloutStatus decides them. */
export function rolloutConditions(
  deployment: Json,
  next: Json,
  newRsName: string | undefined,
  now: number,
  nowIso: string,
): ProgressVerdict {
  const old = deployment.status ?? {};
  let conditions: Condition[] = old.conditions ?? [];
  const minimum = next.availableReplicas >= desiredReplicas(deployment) - maxUnavailableOf(deployment);
  conditions = setCondition(
    conditions,
    minimum
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
    nowIso,
  ).map((c) => (c.type === 'Available' ? { ...c, lastUpdateTime: nowIso } : c));

  const deadline = deployment.spec?.progressDeadlineSeconds ?? 600;
  const current = conditions.find((c) => c.type === 'Progressing');
  if (deployment.spec?.paused) return { conditions };
  const subject = newRsName ? `ReplicaSet "${newRsName}"` : `Deployment "${deployment.metadata.name}"`;
  const complete = next.replicas === next.updatedReplicas && current?.reason === 'NewReplicaSetAvailable';
  if (complete) return { conditions };
  const replace = (condition: Condition) => [
    ...conditions.filter((c) => c.type !== 'Progressing'),
    condition,
  ];
  if (isComplete(deployment, next)) {
    const condition: Condition = {
      type: 'Progressing',
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: `${subject} has successfully progressed.`,
      lastUpdateTime: nowIso,
      lastTransitionTime: current?.status === 'True' ? current.lastTransitionTime : nowIso,
    };
    return { conditions: replace(condition) };
  }
  if (progressed(old, next)) {
    const condition: Condition = {
      type: 'Progressing',
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: `${subject} is progressing.`,
      lastUpdateTime: nowIso,
      lastTransitionTime: current?.status === 'True' ? current.lastTransitionTime : nowIso,
    };
    return { conditions: replace(condition), recheckAfter: deadline + 0.05 };
  }
  if (!current || current.reason === 'ProgressDeadlineExceeded') return { conditions };
  const since = Date.parse(current.lastUpdateTime ?? current.lastTransitionTime ?? nowIso);
  const remaining = (since + deadline * 1000 - now) / 1000;
  if (remaining > 0) return { conditions, recheckAfter: remaining + 0.05 };
  const timedOut: Condition = {
    type: 'Progressing',
    status: 'False',
    reason: 'ProgressDeadlineExceeded',
    message: `${subject} has timed out progressing.`,
    lastUpdateTime: nowIso,
    lastTransitionTime: nowIso,
  };
  return { conditions: replace(timedOut) };
}

/**
 * getReplicaFailures: a ReplicaSet's ReplicaFailure condition (the new one's first) is copied
 * onto the Deployment, with its times; without one the Deployment's is removed.
 */
export function withReplicaFailure(
  conditions: Condition[],
  newRs: Json | undefined,
  all: Json[],
): Condition[] {
  const others = conditions.filter((c) => c.type !== 'ReplicaFailure');
  const sets = newRs ? [newRs, ...all.filter((rs) => rs.metadata.uid !== newRs.metadata.uid)] : all;
  for (const rs of sets) {
    const failure = (rs.status?.conditions ?? []).find((c: Condition) => c.type === 'ReplicaFailure');
    if (failure) {
      const at = failure.lastTransitionTime;
      return [...others, { ...failure, lastUpdateTime: at, lastTransitionTime: at }];
    }
  }
  return others;
}
