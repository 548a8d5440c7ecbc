/**
 * Admission for pod creation: the one function the API server (kubectl's requests) and the
 * simulated controllers (which write to the store directly) both call before storing a pod, so
 * both are refused alike. In a real server's order: LimitRanger's defaults and ServiceAccount
 * (mutating plugins, so they see the pod before its name is generated), then LimitRanger's
 * checks, PodSecurity and ResourceQuota (validating, after name generation).
 */
import type { KubeObject, ObjectStore } from '../../kube/contract.js';
import { randomSuffix } from '../create-rules.js';
import { ApiError } from '../http.js';
import { applyLimitRangeDefaults, limitRangeRefusal } from './limit-range.js';
import { podSecurityNotes, podSecurityRefusal, podTemplateOf } from './pod-security.js';
import { quotaRefusal } from './quota.js';

/** 403 Forbidden, worded as admission.NewForbidden words it: `pods "web-0" is forbidden: ...`. */
export class AdmissionError extends ApiError {
  constructor(name: string, reason: string) {
    super(403, 'Forbidden', `pods "${name}" is forbidden: ${reason}`, { name, kind: 'pods' });
  }
}

function typeOf(store: ObjectStore, kind: string) {
  const type = store.typeOf('v1', kind);
  if (!type) throw new Error(`the store does not serve v1 ${kind}`);
  return type;
}

/**
 * Admits a pod about to be created in its namespace, or throws AdmissionError. Returns the pod
 * as it should be stored: `serviceAccountName` defaulted, and a name generated from
 * `generateName` (a real server generates it between mutating and validating admission).
 */
export function admitPod(store: ObjectStore, pod: KubeObject): KubeObject {
  const admitted = structuredClone(pod);
  const namespace = admitted.metadata.namespace ?? 'default';
  admitted.spec ??= {};
  // biome-ignore lint/suspicious/noExplicitAny: a pod spec is schemaless JSON here.
  const spec: any = admitted.spec;
  const limitRanges = store.list(typeOf(store, 'LimitRange'), namespace);
  applyLimitRangeDefaults(limitRanges, admitted);
  const account = spec.serviceAccountName || spec.serviceAccount || 'default';
  if (!store.get(typeOf(store, 'ServiceAccount'), namespace, account)) {
    const shownName = admitted.metadata.name || String(admitted.metadata.generateName ?? '');
    throw new AdmissionError(
      shownName,
      `error looking up service account ${namespace}/${account}: serviceaccount "${account}" not found`,
    );
  }
  spec.serviceAccountName = account;
  spec.serviceAccount = account;
  if (!admitted.metadata.name && typeof admitted.metadata.generateName === 'string') {
    admitted.metadata.name = admitted.metadata.generateName + randomSuffix();
  }
  const name = admitted.metadata.name;
  const limits = limitRangeRefusal(limitRanges, admitted);
  if (limits) throw new AdmissionError(name, limits);
  const ns = store.get(typeOf(store, 'Namespace'), undefined, namespace);
  const security = podSecurityRefusal(ns?.metadata.labels, admitted);
  if (security) throw new AdmissionError(name, security);
  const quotas = store.list(typeOf(store, 'ResourceQuota'), namespace);
  if (quotas.length > 0) {
    const quota = quotaRefusal(quotas, admitted, store.list(typeOf(store, 'Pod'), namespace));
    if (quota) throw new AdmissionError(name, quota);
  }
  return admitted;
}

/**
 * What admission adds to a write it allowed, for the API server to send: Pod Security's `warn`
 * warnings (HTTP `Warning: 299 - "..."`) and `audit` annotation, for a pod being created and
 * for a create or update of a workload, from its pod template; dry runs alike. A real server
 * evaluates a pod update only when its images or seccomp annotations change; the sandbox,
 * whose clients do not update pod specs, only pod creations.
 */
export function admissionNotes(
  store: ObjectStore,
  group: string,
  kind: string,
  object: KubeObject,
  operation: 'create' | 'update',
): { warnings: string[]; annotations: Record<string, string> } {
  const none = { warnings: [], annotations: {} };
  const podLike =
    group === '' && kind === 'Pod'
      ? operation === 'create'
        ? { meta: object.metadata, spec: object.spec }
        : undefined
      : podTemplateOf(group, kind, object);
  if (!podLike) return none;
  const ns = store.get(typeOf(store, 'Namespace'), undefined, object.metadata.namespace ?? 'default');
  if (!ns) return none;
  const notes = podSecurityNotes(ns.metadata.labels, podLike.meta, podLike.spec);
  return {
    warnings: notes.warning ? [notes.warning] : [],
    annotations: notes.auditViolations
      ? { 'pod-security.kubernetes.io/audit-violations': notes.auditViolations }
      : {},
  };
}
