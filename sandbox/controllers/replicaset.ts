import type { KubeObject } from '../kube/contract.js';
import { type Json, sameJson } from './objects.js';
import {
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
  if (active.length < want) {
    for (let i = 0; i < Math.min(want - active.length, burst); i++) {
      const pod = runtime.store.create(
        podFromTemplate(rs, rs.spec.template, { generateFrom: rs.metadata.name }),
      );
      runtime.record(rs, {
        reason: 'SuccessfulCreate',
        message: `Created pod: ${pod.metadata.name}`,
        component: 'replicaset-controller',
      });
    }
  } else if (active.length > want) {
    for (const pod of deletionOrder(active).slice(0, active.length - want)) {
      deletePodGracefully(runtime, pod);
      runtime.record(rs, {
        reason: 'SuccessfulDelete',
        message: `Deleted pod: ${pod.metadata.name}`,
        component: 'replicaset-controller',
      });
    }
  }
  writeStatus(runtime, rs);
}

function writeStatus(runtime: Runtime, rs: Json): void {
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
  const status = {
    replicas: active.length,
    fullyLabeledReplicas: active.length,
    readyReplicas: ready.length,
    availableReplicas: available.length,
    observedGeneration: current.metadata.generation ?? 1,
  };
  if (sameJson(status, current.status)) return;
  runtime.store.update({ ...current, status } as KubeObject);
}
