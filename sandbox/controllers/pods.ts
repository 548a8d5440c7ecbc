import { AdmissionError, admitPod } from '../apiserver/admission/index.js';
import type { KubeObject } from '../kube/contract.js';
import { qosClass } from './kubelet/pod-status.js';
import { clone, getCondition, isTerminating, type Json, ownerReference } from './objects.js';
import type { Runtime } from './runtime.js';

/** Pods a workload controls (by controller ownerReference, as real controllers after adoption). */
export function podsOf(runtime: Runtime, owner: KubeObject): KubeObject[] {
  return runtime.ownedBy(owner, 'Pod');
}

export function isPodReady(pod: Json): boolean {
  return getCondition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds (real seconds: the spec's own setting). */
export function isPodAvailable(pod: Json, minReadySeconds: number, now: number): boolean {
  const ready = getCondition(pod, 'Ready');
  if (ready?.status !== 'True' || isTerminating(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse(ready.lastTransitionTime ?? '');
  return Number.isNaN(since) || since + minReadySeconds * 1000 <= now;
}

export function isPodActive(pod: Json): boolean {
  return !isTerminating(pod) && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/** A pod from a template, owned by its controller, as the controllers' pod control creates them. */
export function podFromTemplate(
  owner: KubeObject,
  template: Json,
  name: { generateFrom: string } | { exact: string },
  extraLabels: Record<string, string> = {},
): KubeObject {
  const meta = clone(template?.metadata ?? {});
  const spec = clone(template?.spec ?? {});
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      // A generated name is left to the API server, as real controllers do (admission errors
      // then name the pod by its generateName, "web-7c9f-").
      name: 'exact' in name ? name.exact : '',
      ...('generateFrom' in name ? { generateName: `${name.generateFrom}-` } : {}),
      namespace: owner.metadata.namespace,
      labels: { ...(meta.labels ?? {}), ...extraLabels },
      ownerReferences: [ownerReference(owner)],
    },
    spec,
    status: { phase: 'Pending', qosClass: qosClass({ spec }) },
  };
}

/**
 * Creates a pod as a controller's pod control does, through the same admission as an API
 * request (ServiceAccount, PodSecurity, ResourceQuota). A refusal is returned, not thrown: the
 * caller records its FailedCreate event and retries after runtime.retryRefused's back-off.
 */
export function createPod(runtime: Runtime, pod: KubeObject): { created: KubeObject } | { refused: string } {
  try {
    return { created: runtime.store.create(admitPod(runtime.store, pod)) };
  } catch (error) {
    if (error instanceof AdmissionError) return { refused: error.message };
    throw error;
  }
}

/**
 * createPod for a DaemonSet or a Job, reported as their controllers report it: SuccessfulCreate
 * "Created pod: <name>", or a Warning FailedCreate "Error creating: <refusal>" and a retry after
 * runtime.retryRefused's back-off (`kind` is the owner's, for the retry). Returns whether the pod
 * was created.
 */
export function createOwnedPod(
  runtime: Runtime,
  owner: Json,
  pod: KubeObject,
  by: { kind: string; component: string },
): boolean {
  const result = createPod(runtime, pod);
  if ('refused' in result) {
    runtime.record(owner, {
      reason: 'FailedCreate',
      type: 'Warning',
      message: `Error creating: ${result.refused}`,
      component: by.component,
    });
    runtime.retryRefused(by.kind, owner.metadata.namespace, owner.metadata.name);
    return false;
  }
  runtime.clearRefused(by.kind, owner.metadata.namespace, owner.metadata.name);
  runtime.record(owner, {
    reason: 'SuccessfulCreate',
    message: `Created pod: ${result.created.metadata.name}`,
    component: by.component,
  });
  return true;
}

/**
 * The kubelet's finalizer. The store removes an object without finalizers at once; with this one,
 * deleting a running pod only marks it (deletionTimestamp) and the kubelet removes it after
 * stopping its containers, which is what graceful deletion looks like on a real cluster.
 */
export const kubeletFinalizer = 'sandbox.k8s.io/kubelet';

export function withKubeletFinalizer(metadata: Json): Json {
  const finalizers: string[] = metadata.finalizers ?? [];
  if (finalizers.includes(kubeletFinalizer) || metadata.deletionTimestamp) return metadata;
  return { ...metadata, finalizers: [...finalizers, kubeletFinalizer] };
}

/** Deletes a pod the way controllers do: through the API, graceful when it runs on a node. */
export function deletePodGracefully(runtime: Runtime, pod: Json): void {
  const current = runtime.get(runtime.kinds.Pod, pod.metadata.namespace, pod.metadata.name) as Json;
  if (!current || current.metadata.uid !== pod.metadata.uid || current.metadata.deletionTimestamp) return;
  runtime.store.delete(runtime.kinds.Pod, current.metadata.namespace, current.metadata.name);
}

/** The kubelet is done with a deleted pod: drop its finalizer, so the store removes the pod. */
export function releasePod(runtime: Runtime, namespace: string, name: string, uid: string): void {
  const current = runtime.get(runtime.kinds.Pod, namespace, name) as Json;
  if (!current || current.metadata.uid !== uid || !current.metadata.deletionTimestamp) return;
  const finalizers = (current.metadata.finalizers ?? []).filter((f: string) => f !== kubeletFinalizer);
  const metadata = { ...current.metadata, finalizers };
  if (finalizers.length === 0) delete metadata.finalizers;
  runtime.store.update({ ...current, metadata });
}

/** Which pods to remove first on scale-down: unscheduled, pending, not ready, then the newest. */
export function deletionOrder(pods: Json[]): Json[] {
  const rank = (pod: Json) =>
    !pod.spec?.nodeName ? 0 : pod.status?.phase === 'Pending' ? 1 : !isPodReady(pod) ? 2 : 3;
  return [...pods].sort((a, b) => {
    const byRank = rank(a) - rank(b);
    if (byRank !== 0) return byRank;
    return String(b.metadata.creationTimestamp ?? '').localeCompare(
      String(a.metadata.creationTimestamp ?? ''),
    );
  });
}
