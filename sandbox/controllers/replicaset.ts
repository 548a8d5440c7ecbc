import type { KubeObject } from '../kube/contract.js';
import { type Json, sameJson, setCondition } from './objects.js';
import {
  createPod,
  deletePodGracefully,
  deletionOrder,
  isPodActive,
  isPodAvailable,
  isPodReady,
  podFromTemplate,
  podsOf,
} from './pods.js';
import type { Runtime } from './runtime.js';

/** Creates pods at most this many per sync, like the real controller's slow-start batches. */
const burst = 500;
const component = 'replicaset-controller';

/** The ReplicaSet controller: keeps spec.replicas pods alive and reports how many are ready. */
export function startReplicaSetController(runtime: Runtime): void {
  runtime.register('ReplicaSet', (namespace, name) => {
    const rs = runtime.get(runtime.kinds.ReplicaSet, namespace, name) as Json;
    if (!rs || rs.metadata.deletionTimestamp) return;
    syncReplicaSet(runtime, rs);
  });
}

function syncReplicaSet(runtime: Runtime, rs: Json): void {
  const pods = podsOf(runtime, rs);
  const active = pods.filter(isPodActive);
  const want = Number(rs.spec?.replicas ?? 1);
  let refusal: string | undefined;
  if (active.length < want) {
    for (let i = 0; i < Math.min(want - active.length, burst) && !refusal; i++) {
      const result = createPod(
        runtime,
        podFromTemplate(rs, rs.spec.template, { generateFrom: rs.metadata.name }),
      );
      if ('refused' in result) refusal = result.refused;
      runtime.record(
        rs,
        'created' in result
          ? { reason: 'SuccessfulCreate', message: `Created pod: ${result.created.metadata.name}`, component }
          : {
              reason: 'FailedCreate',
              type: 'Warning',
              message: `Error creating: ${result.refused}`,
              component,
            },
      );
    }
  } else if (active.length > want) {
    for (const pod of deletionOrder(active).slice(0, active.length - want)) {
      deletePodGracefully(runtime, pod);
      runtime.record(rs, {
        reason: 'SuccessfulDelete',
        message: `Deleted pod: ${pod.metadata.name}`,
        component,
      });
    }
  }
  if (refusal) runtime.retryRefused('ReplicaSet', rs.metadata.namespace, rs.metadata.name);
  else runtime.clearRefused('ReplicaSet', rs.metadata.namespace, rs.metadata.name);
  writeStatus(runtime, rs, refusal);
}

/**
 * ReplicaFailure, as the real controller keeps it: set (reason FailedCreate, the API's error as
 * message) when a sync's creations fail and the condition is absent, removed by a sync that
 * fails nothing.
 */
function failureConditions(runtime: Runtime, current: Json, refusal: string | undefined): Json[] {
  const conditions: Json[] = current.status?.conditions ?? [];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (refusal && !failure) {
    const next = {
      type: 'ReplicaFailure',
      status: 'True' as const,
      reason: 'FailedCreate',
      message: refusal,
    };
    return setCondition(conditions, next, runtime.nowIso());
  }
  return refusal ? conditions : conditions.filter((c) => c.type !== 'ReplicaFailure');
}

function writeStatus(runtime: Runtime, rs: Json, refusal?: string): void {
  const current = runtime.get(runtime.kinds.ReplicaSet, rs.metadata.namespace, rs.metadata.name) as Json;
  if (!current) return;
  const now = runtime.now();
  const minReady = Number(current.spec?.minReadySeconds ?? 0);
  const active = podsOf(runtime, current).filter(isPodActive);
  const ready = active.filter(isPodReady);
  const available = active.filter((pod) => isPodAvailable(pod, minReady, now));
  if (minReady > 0 && available.length < ready.length) {
    runtime.enqueueAfter(
      'ReplicaSet',
      current.metadata.namespace,
      current.metadata.name,
      minReady / 4 + 0.05,
    );
  }
  const conditions = failureConditions(runtime, current, refusal);
  const status = {
    replicas: active.length,
    fullyLabeledReplicas: active.length,
    readyReplicas: ready.length,
    availableReplicas: available.length,
    observedGeneration: current.metadata.generation ?? 1,
    ...(conditions.length > 0 ? { conditions } : {}),
  };
  if (sameJson(status, current.status)) return;
  runtime.store.update({ ...current, status } as KubeObject);
}
