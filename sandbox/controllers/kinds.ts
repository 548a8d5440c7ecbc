import type { ObjectStore, ResourceType } from '../kube/contract.js';

/** The built-in resource types the controllers read and write. */
const builtIn = {
  Pod: { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
  Node: { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false },
  Event: { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
  Namespace: { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  ServiceAccount: {
    group: '',
    version: 'v1',
    resource: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
  },
  ConfigMap: { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true },
  Secret: { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true },
  Service: { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  Endpoints: { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', namespaced: true },
  ResourceQuota: {
    group: '',
    version: 'v1',
    resource: 'resourcequotas',
    kind: 'ResourceQuota',
    namespaced: true,
  },
  PersistentVolumeClaim: {
    group: '',
    version: 'v1',
    resource: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
  },
  PersistentVolume: {
    group: '',
    version: 'v1',
    resource: 'persistentvolumes',
    kind: 'PersistentVolume',
    namespaced: false,
  },
  Ingress: {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'ingresses',
    kind: 'Ingress',
    namespaced: true,
  },
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true },
  ReplicaSet: { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  StatefulSet: {
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    kind: 'StatefulSet',
    namespaced: true,
  },
  DaemonSet: { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  ControllerRevision: {
    group: 'apps',
    version: 'v1',
    resource: 'controllerrevisions',
    kind: 'ControllerRevision',
    namespaced: true,
  },
  Job: { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true },
  CronJob: { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', namespaced: true },
  HorizontalPodAutoscaler: {
    group: 'autoscaling',
    version: 'v2',
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
  },
} satisfies Record<string, ResourceType>;

export type KindName = keyof typeof builtIn;
export type Kinds = Record<KindName, ResourceType>;

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** Resolves each type through the store, so the controllers use exactly what the server serves. */
export function resolveKinds(store: ObjectStore): Kinds {
  const kinds = {} as Kinds;
  for (const [name, type] of Object.entries(builtIn) as [KindName, ResourceType][]) {
    kinds[name] = store.typeOf(apiVersionOf(type), type.kind) ?? type;
  }
  return kinds;
}
