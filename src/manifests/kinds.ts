/**
 * What we know about Kubernetes kinds, keyed by API group and kind ("apps/Deployment";
 * the core group is empty: "/Pod"). Decisions go by kind, never by guessing from the shape.
 */

/** The API group of an apiVersion: "apps/v1" → "apps", "v1" → "". */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

export function groupKind(apiVersion: string, kind: string): string {
  return `${apiGroup(apiVersion)}/${kind}`;
}

/** Where each workload kind keeps its pod spec (the object holding `containers`). */
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  '/Pod': ['spec'],
  '/ReplicationController': ['spec', 'template', 'spec'],
  '/PodTemplate': ['template', 'spec'],
  'apps/Deployment': ['spec', 'template', 'spec'],
  'apps/ReplicaSet': ['spec', 'template', 'spec'],
  'apps/StatefulSet': ['spec', 'template', 'spec'],
  'apps/DaemonSet': ['spec', 'template', 'spec'],
  'batch/Job': ['spec', 'template', 'spec'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  'argoproj.io/Rollout': ['spec', 'template', 'spec'],
  'keda.sh/ScaledJob': ['spec', 'jobTargetRef', 'template', 'spec'],
};

export const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** The path to the pod spec of a workload kind, or undefined for kinds without pods. */
export function podSpecPath(key: string): readonly string[] | undefined {
  return POD_SPEC_PATHS[key];
}

/** Cluster-scoped built-in kinds, plus well-known cluster-scoped custom resources. */
const CLUSTER_SCOPED = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass',
  'scheduling.k8s.io/PriorityClass',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/ServiceCIDR',
  'node.k8s.io/RuntimeClass',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'certificates.k8s.io/CertificateSigningRequest',
  'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'cert-manager.io/ClusterIssuer',
  'external-secrets.io/ClusterSecretStore',
  'keda.sh/ClusterTriggerAuthentication',
]);

/**
 * Whether a kind lives in a namespace. Unknown kinds (custom resources) are namespaced unless
 * a CustomResourceDefinition in the same set declares `scope: Cluster` (`clusterScopedCrds`).
 */
export function isNamespaced(key: string, clusterScopedCrds: ReadonlySet<string>): boolean {
  return !CLUSTER_SCOPED.has(key) && !clusterScopedCrds.has(key);
}

/**
 * Apply order, by group; documents keep their input order within a group.
 *  0 namespaces and CRDs — everything else may live in them or be one of their kinds;
 *  1 cluster-wide settings and configuration workloads read at start-up (including the
 *    well-known custom resources that produce Secrets and certificates);
 *  2 workloads;
 *  3 other custom resources (their CRDs went first; they usually refer to workloads);
 *  4 autoscalers and ingresses, which point at workloads and services;
 *  5 webhooks and API services, last: registered before their backing pods are ready they
 *    would make the API server reject or stall the other writes of this apply.
 */
const ORDER: Record<string, number> = {
  '/Namespace': 0,
  'apiextensions.k8s.io/CustomResourceDefinition': 0,
  ...Object.fromEntries(
    [
      'scheduling.k8s.io/PriorityClass',
      'storage.k8s.io/StorageClass',
      'storage.k8s.io/CSIDriver',
      'networking.k8s.io/IngressClass',
      'node.k8s.io/RuntimeClass',
      '/ResourceQuota',
      '/LimitRange',
      'policy/PodSecurityPolicy',
      'rbac.authorization.k8s.io/ClusterRole',
      'rbac.authorization.k8s.io/ClusterRoleBinding',
      'rbac.authorization.k8s.io/Role',
      'rbac.authorization.k8s.io/RoleBinding',
      '/ServiceAccount',
      '/ConfigMap',
      '/Secret',
      '/PersistentVolume',
      '/PersistentVolumeClaim',
      'networking.k8s.io/NetworkPolicy',
      '/Service',
      '/Endpoints',
      'discovery.k8s.io/EndpointSlice',
      'policy/PodDisruptionBudget',
      'keda.sh/TriggerAuthentication',
      'keda.sh/ClusterTriggerAuthentication',
      // Custom resources that produce the Secrets and certificates workloads start with.
      'external-secrets.io/SecretStore',
      'external-secrets.io/ClusterSecretStore',
      'external-secrets.io/ExternalSecret',
      'cert-manager.io/Issuer',
      'cert-manager.io/ClusterIssuer',
      'cert-manager.io/Certificate',
    ].map((key) => [key, 1]),
  ),
  ...Object.fromEntries(Object.keys(POD_SPEC_PATHS).map((key) => [key, 2])),
  ...Object.fromEntries(
    [
      'autoscaling/HorizontalPodAutoscaler',
      'autoscaling.k8s.io/VerticalPodAutoscaler',
      'keda.sh/ScaledObject',
      'networking.k8s.io/Ingress',
      'extensions/Ingress',
      'gateway.networking.k8s.io/HTTPRoute',
      'gateway.networking.k8s.io/GRPCRoute',
    ].map((key) => [key, 4]),
  ),
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': 5,
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': 5,
  'apiregistration.k8s.io/APIService': 5,
};
const UNKNOWN_KIND_ORDER = 3;

export function applyOrder(key: string): number {
  return ORDER[key] ?? UNKNOWN_KIND_ORDER;
}
