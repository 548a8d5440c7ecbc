import { describeManifest, type Manifest } from './manifests.js';

/**
 * The reference deployment's pod policy: Pod Security `restricted` plus our own bar
 * (read-only root, requests and limits, probes with distinct timings, no API token).
 * Pure functions over rendered manifests; each violation is one sentence.
 */

export interface PodSpecSite {
  /** `Kind/name` of the manifest holding the pod spec. */
  owner: string;
  /** Pods that should run forever get probes; Jobs and CronJobs do not. */
  longRunning: boolean;
  spec: PodSpec;
}

interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
}

interface Probe {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  [handler: string]: unknown;
}

interface Container {
  name: string;
  securityContext?: SecurityContext;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
}

export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: SecurityContext;
  containers?: Container[];
  initContainers?: Container[];
  volumes?: Record<string, unknown>[];
  restartPolicy?: string;
}

interface WorkloadSpec {
  template?: { spec?: PodSpec };
  jobTemplate?: { spec?: { template?: { spec?: PodSpec } } };
}

const WORKLOAD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);
// Pod Security `restricted`: the only volume sources it admits.
const RESTRICTED_VOLUME_TYPES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
const RESOURCES = ['cpu', 'memory'] as const;
const PROBE_TIMINGS = ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold'] as const;

/** Every pod spec in the manifests, wherever it sits (workload template, Job, CronJob, Pod). */
export function podSpecSites(docs: readonly Manifest[]): PodSpecSite[] {
  return docs.flatMap((doc): PodSpecSite[] => {
    const owner = describeManifest(doc);
    const spec = doc.spec as WorkloadSpec | undefined;
    if (WORKLOAD_TEMPLATE_KINDS.has(doc.kind)) {
      return [{ owner, longRunning: true, spec: spec?.template?.spec ?? {} }];
    }
    if (doc.kind === 'Job') return [{ owner, longRunning: false, spec: spec?.template?.spec ?? {} }];
    if (doc.kind === 'CronJob') {
      return [{ owner, longRunning: false, spec: spec?.jobTemplate?.spec?.template?.spec ?? {} }];
    }
    if (doc.kind === 'Pod') {
      const pod = (doc.spec ?? {}) as PodSpec;
      return [{ owner, longRunning: (pod.restartPolicy ?? 'Always') === 'Always', spec: pod }];
    }
    return [];
  });
}

/** Violations of the pod policy in every pod spec and Namespace of the manifests. */
export function policyViolations(docs: readonly Manifest[]): string[] {
  const tokenlessAccounts = new Set(
    docs
      .filter((doc) => doc.kind === 'ServiceAccount' && doc.automountServiceAccountToken === false)
      .map((doc) => doc.metadata.name),
  );
  return [
    ...docs.filter((doc) => doc.kind === 'Namespace').flatMap(namespaceViolations),
    ...podSpecSites(docs).flatMap((site) => podViolations(site, tokenlessAccounts)),
  ];
}

export function namespaceViolations(doc: Manifest): string[] {
  const labels = doc.metadata.labels ?? {};
  return ['enforce', 'audit', 'warn']
    .filter((mode) => labels[`pod-security.kubernetes.io/${mode}`] !== 'restricted')
    .map(
      (mode) => `${describeManifest(doc)}: label pod-security.kubernetes.io/${mode} must be "restricted".`,
    );
}

/** Violations in one pod spec; `tokenlessAccounts` are ServiceAccounts that mount no token. */
export function podViolations(
  site: PodSpecSite,
  tokenlessAccounts: ReadonlySet<string> = new Set(),
): string[] {
  const { owner, spec } = site;
  const problems: string[] = [];
  const account = spec.serviceAccountName ?? 'default';
  if (spec.automountServiceAccountToken !== false && !tokenlessAccounts.has(account)) {
    problems.push(`${owner}: the API token is mounted; set automountServiceAccountToken: false.`);
  }
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[field]) problems.push(`${owner}: ${field} must not be set.`);
  }
  for (const volume of spec.volumes ?? []) {
    const type = Object.keys(volume).find((key) => key !== 'name');
    if (type && !RESTRICTED_VOLUME_TYPES.has(type)) {
      problems.push(
        `${owner}: volume "${String(volume.name)}" uses ${type}, which Pod Security restricted rejects.`,
      );
    }
  }
  const containers = (spec.containers ?? []).map((container) => ({ container, init: false }));
  const inits = (spec.initContainers ?? []).map((container) => ({ container, init: true }));
  if (containers.length === 0) problems.push(`${owner}: the pod has no containers.`);
  for (const { container, init } of [...inits, ...containers]) {
    const where = `${owner} container "${container.name}"`;
    problems.push(...securityViolations(where, spec.securityContext ?? {}, container.securityContext ?? {}));
    problems.push(...resourceViolations(where, container));
    if (site.longRunning && !init) problems.push(...probeViolations(where, container));
  }
  return problems;
}

function securityViolations(where: string, pod: SecurityContext, own: SecurityContext): string[] {
  const problems: string[] = [];
  if ((own.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`${where}: runAsNonRoot must be true.`);
  if ((own.runAsUser ?? pod.runAsUser) === 0) problems.push(`${where}: runAsUser must not be 0 (root).`);
  if (own.allowPrivilegeEscalation !== false)
    problems.push(`${where}: allowPrivilegeEscalation must be false.`);
  if (own.privileged) problems.push(`${where}: privileged must not be set.`);
  if (!own.capabilities?.drop?.includes('ALL')) problems.push(`${where}: capabilities must drop ALL.`);
  const added = (own.capabilities?.add ?? []).filter((capability) => capability !== 'NET_BIND_SERVICE');
  if (added.length > 0) problems.push(`${where}: capabilities ${added.join(', ')} must not be added.`);
  const seccomp = own.seccompProfile?.type ?? pod.seccompProfile?.type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
    problems.push(`${where}: seccompProfile must be RuntimeDefault (on the pod or the container).`);
  }
  if (own.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem must be true.`);
  return problems;
}

function resourceViolations(where: string, container: Container): string[] {
  return (['requests', 'limits'] as const).flatMap((kind) =>
    RESOURCES.filter((resource) => !container.resources?.[kind]?.[resource]).map(
      (resource) => `${where}: resources.${kind}.${resource} is missing.`,
    ),
  );
}

function probeViolations(where: string, container: Container): string[] {
  const { readinessProbe: readiness, livenessProbe: liveness } = container;
  const problems: string[] = [];
  if (!readiness) problems.push(`${where}: readinessProbe is missing.`);
  if (!liveness) problems.push(`${where}: livenessProbe is missing.`);
  if (readiness && liveness && PROBE_TIMINGS.every((timing) => readiness[timing] === liveness[timing])) {
    problems.push(
      `${where}: readiness and liveness probes have the same timings; liveness should be more patient.`,
    );
  }
  return problems;
}
