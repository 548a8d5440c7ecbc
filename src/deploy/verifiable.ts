import { isArgoRollout } from './rollout/argo.js';
import { str } from './rollout/objects.js';
import type { Json } from './rollout/types.js';

/*
 * What the verify phase does with each changed object of the set, and what a user is told:
 *
 * | kind                                                   | verify                        | why                                                                 |
 * | ------------------------------------------------------ | ----------------------------- | ------------------------------------------------------------------- |
 * | Deployment, StatefulSet, DaemonSet, Job                | its rollout (rollout/)        | pods of the new revision, the controller's counts                   |
 * | Rollout (argoproj.io, Argo Rollouts)                   | its rollout (rollout/argo.ts) | its phase, and the pods of its current template; Paused at a step   |
 * |                                                        |                               |   or before promotion: the release waits for promotion              |
 * | any kind of an API group not built in (custom          | kstatus' generic rules        | operators report Ready / Reconciling / Stalled; one that reports    |
 * |   resources: ExternalSecret, Certificate, ...)         |   (rollout/done.ts)           |   none by the end is listed "applied, not verifiable"               |
 * | CronJob                                                | listed: applied, not verified | its Jobs run at its schedule, after this run                        |
 * | Ingress; Service of type LoadBalancer                  | listed: applied, not verified | a load balancer is provisioned later by a controller that reports   |
 * |                                                        |                               |   no condition to wait for                                          |
 * | Pod, ReplicaSet, ReplicationController (bare)          | listed: applied, not verified | no rollout rules here for them                                      |
 * | any kind annotated k8s-deploy-action/verify: "false"   | listed: applied, not verified | the user said it never becomes ready (or not in time)               |
 * | ConfigMap, Secret, ServiceAccount, RBAC, NetworkPolicy,| not waited for, not listed    | in effect once the API server stored it (the apply checked that);   |
 * |   LimitRange, ResourceQuota, PodDisruptionBudget,      |                               |   a workload that cannot use one fails its own rollout (a missing   |
 * |   PriorityClass, StorageClass, webhooks, Service       |                               |   key, a denied mount); kstatus calls them current at once          |
 * |   (ClusterIP, NodePort, ExternalName), other built-ins |                               |                                                                     |
 * | HorizontalPodAutoscaler                                | not waited for, not listed    | its conditions say whether it can scale, not whether the release    |
 * |                                                        |                               |   works; its target's rollout is verified                           |
 * | PersistentVolumeClaim                                  | not waited for, not listed    | binds when its first pod is scheduled (WaitForFirstConsumer): the   |
 * |                                                        |                               |   workload that mounts it waits for it                              |
 * | Namespace, CustomResourceDefinition                    | not waited for, not listed    | waited for before the rest was applied (a CRD until Established)    |
 *
 * "Not listed" keeps the list to what a user may want to check by hand: a run that applies ten
 * ConfigMaps does not report ten unverified objects.
 */

/** `k8s-deploy-action/verify: "false"` on an object: applied, never waited for. */
export const VERIFY_ANNOTATION = 'k8s-deploy-action/verify';

export type Verification =
  /** Its rollout is watched (verify.ts with rollout/status.ts). */
  | { by: 'rollout' }
  /** kstatus' generic rules on its conditions (rollout/done.ts conditionsVerdict). */
  | { by: 'conditions' }
  /** Applied and not verified: listed with the reason. */
  | { by: 'nothing'; why: string }
  /** In effect once stored (or waited for before): neither verified nor listed. */
  | { by: 'apply' };

/** Kinds verified by their rollout; Rollout only Argo Rollouts' (argoproj.io, rollout/argo.ts). */
export const ROLLOUT_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Rollout']);

/**
 * Whether verify watches this object's rollout (rather than its conditions): a built-in workload,
 * or an Argo Rollout — not another group's kind named Rollout (OpenKruise has one).
 */
export function isRolloutTarget(ref: { apiVersion: string; kind: string }): boolean {
  return ref.kind === 'Rollout' ? isArgoRollout(ref) : ROLLOUT_KINDS.has(ref.kind);
}

/** The API groups Kubernetes itself serves (EKS included); any other group is a custom resource's. */
const BUILT_IN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'scheduling.k8s.io',
  'node.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'certificates.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'events.k8s.io',
  'resource.k8s.io',
  'storagemigration.k8s.io',
  'internal.apiserver.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
]);

const NOT_VERIFIED: Record<string, string> = {
  CronJob: 'its Jobs run at its schedule',
  Ingress: 'its load balancer is provisioned later, with no condition to wait for',
  Pod: 'a bare Pod has no rollout to verify',
  ReplicaSet: 'a bare ReplicaSet has no rollout to verify',
  ReplicationController: 'a ReplicationController has no rollout to verify',
};

/** How verify treats one changed object of the set (the table above). */
export function verificationOf(object: Json): Verification {
  const kind = str(object, 'kind') ?? '';
  const apiVersion = str(object, 'apiVersion') ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const builtIn = BUILT_IN_GROUPS.has(group);
  const verifiable = builtIn ? ROLLOUT_KINDS.has(kind) : true;
  if (verifiable && str(object, 'metadata', 'annotations', VERIFY_ANNOTATION) === 'false') {
    return { by: 'nothing', why: `annotated ${VERIFY_ANNOTATION}: "false"` };
  }
  if (!builtIn) return isArgoRollout({ apiVersion, kind }) ? { by: 'rollout' } : { by: 'conditions' };
  if (ROLLOUT_KINDS.has(kind)) return { by: 'rollout' };
  const why = NOT_VERIFIED[kind];
  if (why) return { by: 'nothing', why };
  if (kind === 'Service' && str(object, 'spec', 'type') === 'LoadBalancer') {
    return { by: 'nothing', why: 'its load balancer is provisioned later, with no condition to wait for' };
  }
  return { by: 'apply' };
}
