/**
 * What the server checks before storing (fieldValidation=Strict rejects unknown fields; Warn
 * reports them; Ignore drops the check). Not the full OpenAPI schemas: the top-level fields of
 * every kind, the fields of the specs a deployment uses, and the types of the key fields.
 */
import type { KubeObject } from '../kube/contract.js';
import { isMap } from './fieldpath.js';
import type { TypeInfo } from './types.js';

const COMMON = ['apiVersion', 'kind', 'metadata'];
const TOP_LEVEL: Record<string, string[]> = {
  ConfigMap: ['data', 'binaryData', 'immutable'],
  Secret: ['data', 'stringData', 'type', 'immutable'],
  ServiceAccount: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  Endpoints: ['subsets'],
  Event: [
    'involvedObject',
    'reason',
    'message',
    'source',
    'firstTimestamp',
    'lastTimestamp',
    'count',
    'type',
    'eventTime',
    'series',
    'action',
    'related',
    'reportingComponent',
    'reportingInstance',
  ],
  Role: ['rules'],
  ClusterRole: ['rules', 'aggregationRule'],
  RoleBinding: ['subjects', 'roleRef'],
  ClusterRoleBinding: ['subjects', 'roleRef'],
  StorageClass: [
    'provisioner',
    'parameters',
    'reclaimPolicy',
    'mountOptions',
    'allowVolumeExpansion',
    'volumeBindingMode',
    'allowedTopologies',
  ],
  ControllerRevision: ['data', 'revision'],
  IngressClass: ['spec'],
};

const POD_SPEC = [
  'containers',
  'initContainers',
  'ephemeralContainers',
  'volumes',
  'restartPolicy',
  'terminationGracePeriodSeconds',
  'activeDeadlineSeconds',
  'dnsPolicy',
  'nodeSelector',
  'serviceAccountName',
  'serviceAccount',
  'automountServiceAccountToken',
  'nodeName',
  'hostNetwork',
  'hostPID',
  'hostIPC',
  'shareProcessNamespace',
  'securityContext',
  'imagePullSecrets',
  'hostname',
  'subdomain',
  'affinity',
  'schedulerName',
  'tolerations',
  'hostAliases',
  'priorityClassName',
  'priority',
  'dnsConfig',
  'readinessGates',
  'runtimeClassName',
  'enableServiceLinks',
  'preemptionPolicy',
  'overhead',
  'topologySpreadConstraints',
  'setHostnameAsFQDN',
  'os',
  'hostUsers',
  'schedulingGates',
  'resourceClaims',
  'resources',
];
const CONTAINER = [
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'ports',
  'envFrom',
  'env',
  'resources',
  'resizePolicy',
  'restartPolicy',
  'volumeMounts',
  'volumeDevices',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
];
const SPECS: Record<string, string[]> = {
  Deployment: [
    'replicas',
    'selector',
    'template',
    'strategy',
    'minReadySeconds',
    'revisionHistoryLimit',
    'paused',
    'progressDeadlineSeconds',
  ],
  ReplicaSet: ['replicas', 'selector', 'template', 'minReadySeconds'],
  StatefulSet: [
    'replicas',
    'selector',
    'template',
    'volumeClaimTemplates',
    'serviceName',
    'podManagementPolicy',
    'updateStrategy',
    'revisionHistoryLimit',
    'minReadySeconds',
    'persistentVolumeClaimRetentionPolicy',
    'ordinals',
  ],
  DaemonSet: ['selector', 'template', 'updateStrategy', 'minReadySeconds', 'revisionHistoryLimit'],
  Job: [
    'parallelism',
    'completions',
    'activeDeadlineSeconds',
    'podFailurePolicy',
    'successPolicy',
    'backoffLimit',
    'backoffLimitPerIndex',
    'maxFailedIndexes',
    'selector',
    'manualSelector',
    'template',
    'ttlSecondsAfterFinished',
    'completionMode',
    'suspend',
    'podReplacementPolicy',
    'managedBy',
  ],
  CronJob: [
    'schedule',
    'timeZone',
    'startingDeadlineSeconds',
    'concurrencyPolicy',
    'suspend',
    'jobTemplate',
    'successfulJobsHistoryLimit',
    'failedJobsHistoryLimit',
  ],
  Service: [
    'ports',
    'selector',
    'clusterIP',
    'clusterIPs',
    'type',
    'externalIPs',
    'sessionAffinity',
    'loadBalancerIP',
    'loadBalancerSourceRanges',
    'externalName',
    'externalTrafficPolicy',
    'healthCheckNodePort',
    'publishNotReadyAddresses',
    'sessionAffinityConfig',
    'ipFamilies',
    'ipFamilyPolicy',
    'allocateLoadBalancerNodePorts',
    'loadBalancerClass',
    'internalTrafficPolicy',
    'trafficDistribution',
  ],
  HorizontalPodAutoscaler: ['scaleTargetRef', 'minReplicas', 'maxReplicas', 'metrics', 'behavior'],
  PodDisruptionBudget: ['minAvailable', 'selector', 'maxUnavailable', 'unhealthyPodEvictionPolicy'],
  Pod: POD_SPEC,
  Lease: [
    'holderIdentity',
    'leaseDurationSeconds',
    'acquireTime',
    'renewTime',
    'leaseTransitions',
    'strategy',
    'preferredHolder',
  ],
};

/** metav1.MicroTime's wire form (RFC3339Micro): exactly six fractional digits. */
const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)$/;

/** coordination.k8s.io ValidateLeaseSpec, and the MicroTime format its times decode from. */
function checkLeaseSpec(spec: Record<string, unknown>, result: ValidationResult): void {
  const duration = spec.leaseDurationSeconds;
  if (duration !== undefined && (!Number.isInteger(duration) || (duration as number) <= 0)) {
    result.invalid.push(
      `spec.leaseDurationSeconds: Invalid value: ${JSON.stringify(duration)}: must be greater than 0`,
    );
  }
  const transitions = spec.leaseTransitions;
  if (transitions !== undefined && (!Number.isInteger(transitions) || (transitions as number) < 0)) {
    result.invalid.push(
      `spec.leaseTransitions: Invalid value: ${JSON.stringify(transitions)}: must be greater than or equal to 0`,
    );
  }
  for (const field of ['acquireTime', 'renewTime']) {
    const value = spec[field];
    if (value !== undefined && value !== null && (typeof value !== 'string' || !MICRO_TIME.test(value))) {
      result.invalid.push(
        `spec.${field}: Invalid value: ${JSON.stringify(value)}: parsing time as "2006-01-02T15:04:05.000000Z07:00"`,
      );
    }
  }
  if (
    spec.holderIdentity !== undefined &&
    spec.holderIdentity !== null &&
    typeof spec.holderIdentity !== 'string'
  ) {
    result.invalid.push('spec.holderIdentity: Invalid value: must be a string');
  }
}

export interface ValidationResult {
  /** Name list items by their key (`containers[name="app"]`, as apply errors do) or by index. */
  keyed: boolean;
  /** Unknown fields, as `.spec.foo` paths. */
  unknown: string[];
  /** Wrong values (always rejected). */
  invalid: string[];
}

function unknownFields(value: unknown, allowed: string[], prefix: string, out: string[]): void {
  if (!isMap(value)) return;
  for (const name of Object.keys(value)) if (!allowed.includes(name)) out.push(`${prefix}.${name}`);
}

function checkPodSpec(spec: unknown, prefix: string, result: ValidationResult): void {
  if (!isMap(spec)) return;
  unknownFields(spec, POD_SPEC, prefix, result.unknown);
  for (const listName of ['containers', 'initContainers']) {
    const list = spec[listName];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      result.invalid.push(`${prefix}.${listName}: Invalid value: must be a list of containers`);
      continue;
    }
    for (const [i, container] of list.entries()) {
      const named = isMap(container) && typeof container.name === 'string' && result.keyed;
      const at = named
        ? `${prefix}.${listName}[name=${JSON.stringify(container.name)}]`
        : `${prefix}.${listName}[${i}]`;
      if (!isMap(container)) {
        result.invalid.push(`${at}: Invalid value: must be an object`);
        continue;
      }
      unknownFields(container, CONTAINER, at, result.unknown);
      if (typeof container.name !== 'string' || container.name === '')
        result.invalid.push(`${at}.name: Required value`);
      if (typeof container.image !== 'string' || container.image === '')
        result.invalid.push(`${at}.image: Required value`);
      for (const [j, port] of (Array.isArray(container.ports) ? container.ports : []).entries()) {
        if (!isMap(port) || !Number.isInteger(port.containerPort)) {
          result.invalid.push(`${at}.ports[${j}].containerPort: Invalid value: must be an integer`);
        }
      }
    }
  }
  if (Array.isArray(spec.containers) && spec.containers.length === 0)
    result.invalid.push(`${prefix}.containers: Required value`);
}

/** Checks an object of a type before it is stored. */
export function validate(type: TypeInfo, object: KubeObject, keyed = false): ValidationResult {
  const result: ValidationResult = { keyed, unknown: [], invalid: [] };
  const meta = object.metadata as Record<string, unknown>;
  if (
    typeof meta.name !== 'string' ||
    !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(meta.name) ||
    meta.name.length > 253
  ) {
    result.invalid.push(
      `metadata.name: Invalid value: ${JSON.stringify(meta.name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
    );
  }
  for (const field of ['labels', 'annotations']) {
    const map = meta[field];
    if (map === undefined) continue;
    if (!isMap(map) || Object.values(map).some((v) => typeof v !== 'string')) {
      result.invalid.push(`metadata.${field}: Invalid value: must be a map of strings`);
    }
  }
  if (type.crd) return result;
  const topLevel = [...COMMON, ...(TOP_LEVEL[type.kind] ?? ['spec', 'status'])];
  unknownFields(object, topLevel, '', result.unknown);
  const spec = object.spec;
  const specFields = SPECS[type.kind];
  if (specFields && spec !== undefined) {
    if (!isMap(spec)) result.invalid.push('spec: Invalid value: must be an object');
    else unknownFields(spec, specFields, '.spec', result.unknown);
  }
  if (isMap(spec)) {
    for (const field of [
      'replicas',
      'minReplicas',
      'maxReplicas',
      'completions',
      'parallelism',
      'backoffLimit',
    ]) {
      if (spec[field] !== undefined && !Number.isInteger(spec[field])) {
        result.invalid.push(
          `spec.${field}: Invalid value: ${JSON.stringify(spec[field])}: must be an integer`,
        );
      }
    }
    if (type.kind === 'Pod') checkPodSpec(spec, '.spec', result);
    if (type.kind === 'Lease') checkLeaseSpec(spec, result);
    const template = isMap(spec.template) ? spec.template : undefined;
    if (template) {
      unknownFields(template, ['metadata', 'spec'], '.spec.template', result.unknown);
      checkPodSpec(template.spec, '.spec.template.spec', result);
    }
    const jobTemplate =
      isMap(spec.jobTemplate) && isMap(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
    if (jobTemplate && isMap(jobTemplate.template))
      checkPodSpec(jobTemplate.template.spec, '.spec.jobTemplate.spec.template.spec', result);
  }
  return result;
}
