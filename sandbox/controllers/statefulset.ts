import type { KubeObject } from '../kube/contract.js';
import { type Json, ownerReference, sameJson } from './objects.js';
import {
  createPod as createThroughAdmission,
  deletePodGracefully,
  isPodActive,
  isPodAvailable,
  isPodReady,
  podFromTemplate,
  podsOf,
} from './pods.js';
import { currentRevision, pruneRevisions, revisionsOf, templateOfRevision } from './revisions.js';
import type { Runtime } from './runtime.js';

const component = 'statefulset-controller';
const revisionLabel = 'controller-revision-hash';

function ordinalOf(sts: Json, pod: Json): number {
  const suffix = pod.metadata.name.slice(sts.metadata.name.length + 1);
  return /^\d+$/.test(suffix) ? Number(suffix) : -1;
}

/**
 * The StatefulSet controller: pods <name>-0..n-1 created in order (OrderedReady) or all at once
 * (Parallel), rolled from the highest ordinal down to the partition, one pod at a time.
 */
export function startStatefulSetController(runtime: Runtime): void {
  runtime.register('StatefulSet', (namespace, name) => {
    const sts = runtime.get(runtime.kinds.StatefulSet, namespace, name) as Json;
    if (!sts || sts.metadata.deletionTimestamp) return;
    syncStatefulSet(runtime, sts);
  });
}

function syncStatefulSet(runtime: Runtime, sts: Json): void {
  const update = currentRevision(runtime, sts, revisionsOf(runtime, sts));
  const revisions = revisionsOf(runtime, sts);
  const current = revisions.find((cr) => cr.metadata.name === sts.status?.currentRevision) ?? update;
  const replicas = Number(sts.spec?.replicas ?? 1);
  const ordered = (sts.spec?.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
  const rolling = (sts.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const partition = Number(sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0);
  const pods = podsOf(runtime, sts) as Json[];
  const byOrdinal = new Map(pods.map((pod) => [ordinalOf(sts, pod), pod]));

  let blocked = false;
  for (let ordinal = 0; ordinal < replicas && !blocked; ordinal++) {
    const pod = byOrdinal.get(ordinal);
    if (!pod) {
      const revision = rolling && ordinal < partition ? current : update;
      // A refused create ends the sync, whatever the policy, as the real controller returns its error.
      blocked = !createPod(runtime, sts, ordinal, revision) || ordered;
    } else if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') {
      deletePodGracefully(runtime, pod);
      blocked = ordered;
    } else if (ordered && (pod.metadata.deletionTimestamp || !isPodReady(pod))) {
      blocked = true;
    }
  }
  const condemned = pods
    .filter((pod) => ordinalOf(sts, pod) >= replicas || ordinalOf(sts, pod) < 0)
    .sort((a, b) => ordinalOf(sts, b) - ordinalOf(sts, a));
  for (const pod of ordered ? condemned.slice(0, blocked ? 0 : 1) : condemned) {
    if (!pod.metadata.deletionTimestamp) {
      deletePodGracefully(runtime, pod);
      runtime.record(sts, {
        reason: 'SuccessfulDelete',
        message: `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`,
        component,
      });
    }
    blocked = true;
  }
  if (rolling && !blocked) rollOnePod(runtime, sts, pods, replicas, partition, update.metadata.name);
  writeStatus(runtime, sts, update.metadata.name, current.metadata.name);
}

/** Returns whether the pod was created; a refusal gets a FailedCreate event and a retry. */
function createPod(runtime: Runtime, sts: Json, ordinal: number, revision: Json): boolean {
  const name = `${sts.metadata.name}-${ordinal}`;
  const template = templateOfRevision(revision);
  const pod = podFromTemplate(
    sts,
    template,
    { exact: name },
    {
      [revisionLabel]: revision.metadata.name,
      'statefulset.kubernetes.io/pod-name': name,
      'apps.kubernetes.io/pod-index': String(ordinal),
    },
  ) as Json;
  pod.spec.hostname = name;
  if (sts.spec?.serviceName) pod.spec.subdomain = sts.spec.serviceName;
  for (const claim of sts.spec?.volumeClaimTemplates ?? []) {
    const claimName = `${claim.metadata.name}-${name}`;
    ensureClaim(runtime, sts, claim, claimName);
    pod.spec.volumes = [
      ...(pod.spec.volumes ?? []).filter((v: Json) => v.name !== claim.metadata.name),
      { name: claim.metadata.name, persistentVolumeClaim: { claimName } },
    ];
  }
  const result = createThroughAdmission(runtime, pod as KubeObject);
  if ('refused' in result) {
    runtime.record(sts, {
      reason: 'FailedCreate',
      type: 'Warning',
      message: `create Pod ${name} in StatefulSet ${sts.metadata.name} failed error: ${result.refused}`,
      component,
    });
    runtime.retryRefused('StatefulSet', sts.metadata.namespace, sts.metadata.name);
    return false;
  }
  runtime.clearRefused('StatefulSet', sts.metadata.namespace, sts.metadata.name);
  runtime.record(sts, {
    reason: 'SuccessfulCreate',
    message: `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`,
    component,
  });
  return true;
}

function ensureClaim(runtime: Runtime, sts: Json, claim: Json, name: string): void {
  if (runtime.get(runtime.kinds.PersistentVolumeClaim, sts.metadata.namespace, name)) return;
  const deleteWithSet = sts.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
  runtime.store.create({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name,
      namespace: sts.metadata.namespace,
      labels: { ...(sts.spec?.selector?.matchLabels ?? {}), ...(claim.metadata?.labels ?? {}) },
      ...(deleteWithSet ? { ownerReferences: [ownerReference(sts)] } : {}),
    },
    spec: claim.spec ?? {},
  });
  runtime.record(sts, {
    reason: 'SuccessfulCreate',
    message: `create Claim ${name} Pod ${name.slice(claim.metadata.name.length + 1)} in StatefulSet ${sts.metadata.name} success`,
    component,
  });
}

/** Replaces the highest-ordinal pod (at or above the partition) that runs an old revision. */
function rollOnePod(
  runtime: Runtime,
  sts: Json,
  pods: Json[],
  replicas: number,
  partition: number,
  update: string,
): void {
  const live = pods.filter((pod) => ordinalOf(sts, pod) >= 0 && ordinalOf(sts, pod) < replicas);
  if (live.length < replicas || live.some((pod) => pod.metadata.deletionTimestamp || !isPodReady(pod)))
    return;
  const stale = live
    .filter((pod) => ordinalOf(sts, pod) >= partition && pod.metadata.labels?.[revisionLabel] !== update)
    .sort((a, b) => ordinalOf(sts, b) - ordinalOf(sts, a))[0];
  if (!stale) return;
  deletePodGracefully(runtime, stale);
  runtime.record(sts, {
    reason: 'SuccessfulDelete',
    message: `delete Pod ${stale.metadata.name} in StatefulSet ${sts.metadata.name} successful`,
    component,
  });
}

function writeStatus(runtime: Runtime, sts: Json, update: string, current: string): void {
  const fresh = runtime.get(runtime.kinds.StatefulSet, sts.metadata.namespace, sts.metadata.name) as Json;
  if (!fresh) return;
  const pods = (podsOf(runtime, fresh) as Json[]).filter(isPodActive);
  const minReady = Number(fresh.spec?.minReadySeconds ?? 0);
  const count = (predicate: (pod: Json) => boolean) => pods.filter(predicate).length;
  const status: Json = {
    observedGeneration: fresh.metadata.generation ?? 1,
    replicas: pods.length,
    readyReplicas: count(isPodReady),
    availableReplicas: count((pod) => isPodAvailable(pod, minReady, runtime.now())),
    currentReplicas: count((pod) => pod.metadata.labels?.[revisionLabel] === current),
    updatedReplicas: count((pod) => pod.metadata.labels?.[revisionLabel] === update),
    currentRevision: current,
    updateRevision: update,
    collisionCount: Number(fresh.status?.collisionCount ?? 0),
  };
  // As the real controller (completeRollingUpdate): only a RollingUpdate moves currentRevision;
  // an OnDelete set keeps its first revision there however many pods were replaced.
  const rolling = (fresh.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  if (rolling && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentRevision = update;
    status.currentReplicas = status.updatedReplicas;
  }
  if (minReady > 0 && status.availableReplicas < status.readyReplicas) {
    runtime.enqueueAfter('StatefulSet', fresh.metadata.namespace, fresh.metadata.name, minReady / 4 + 0.05);
  }
  const inUse = new Set([
    status.currentRevision,
    update,
    ...pods.map((pod) => pod.metadata.labels?.[revisionLabel]),
  ]);
  pruneRevisions(runtime, fresh, revisionsOf(runtime, fresh), inUse);
  if (!sameJson(status, fresh.status)) runtime.store.update({ ...fresh, status });
}
