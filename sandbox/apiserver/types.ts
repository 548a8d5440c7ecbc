/**
 * The resource types the simulated API server serves: the built-in kinds a Laravel-on-EKS
 * deployment uses, plus kinds registered at run time by CustomResourceDefinitions.
 */
import type { KubeObject, ResourceType } from '../kube/contract.js';

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** A served resource type with what discovery and the REST layer need to know about it. */
export interface TypeInfo extends ResourceType {
  singular: string;
  listKind: string;
  shortNames: string[];
  categories: string[];
  /** `status` means writes to the main resource ignore .status and vice versa. */
  subresources: { status: boolean; scale?: ScaleSubresource };
  /** Set for kinds registered from a CustomResourceDefinition. */
  crd?: { name: string; schema?: unknown };
}

const ALL = ['all'];
const REPLICAS: ScaleSubresource = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath: '.status.selector',
};

function t(
  groupVersion: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<Pick<TypeInfo, 'shortNames' | 'categories' | 'subresources'>> = {},
): TypeInfo {
  const [group, version] = groupVersion.includes('/') ? groupVersion.split('/') : ['', groupVersion];
  return {
    group,
    version,
    resource,
    kind,
    namespaced,
    singular: kind.toLowerCase(),
    listKind: `${kind}List`,
    shortNames: extra.shortNames ?? [],
    categories: extra.categories ?? [],
    subresources: extra.subresources ?? { status: false },
  };
}

const STATUS = { status: true };

/** The built-in kinds: core, apps, batch, autoscaling, policy, networking, rbac, storage, coordination, CRDs. */
export function builtinTypes(): TypeInfo[] {
  return [
    t('v1', 'namespaces', 'Namespace', false, { shortNames: ['ns'], subresources: STATUS }),
    t('v1', 'nodes', 'Node', false, { shortNames: ['no'], subresources: STATUS }),
    t('v1', 'pods', 'Pod', true, { shortNames: ['po'], categories: ALL, subresources: STATUS }),
    t('v1', 'services', 'Service', true, { shortNames: ['svc'], categories: ALL, subresources: STATUS }),
    t('v1', 'endpoints', 'Endpoints', true, { shortNames: ['ep'] }),
    t('v1', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
    t('v1', 'secrets', 'Secret', true),
    t('v1', 'serviceaccounts', 'ServiceAccount', true, { shortNames: ['sa'] }),
    t('v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, {
      shortNames: ['pvc'],
      subresources: STATUS,
    }),
    t('v1', 'persistentvolumes', 'PersistentVolume', false, { shortNames: ['pv'], subresources: STATUS }),
    t('v1', 'events', 'Event', true, { shortNames: ['ev'] }),
    t('v1', 'limitranges', 'LimitRange', true, { shortNames: ['limits'] }),
    t('v1', 'resourcequotas', 'ResourceQuota', true, { shortNames: ['quota'], subresources: STATUS }),
    t('apps/v1', 'deployments', 'Deployment', true, {
      shortNames: ['deploy'],
      categories: ALL,
      subresources: { status: true, scale: REPLICAS },
    }),
    t('apps/v1', 'replicasets', 'ReplicaSet', true, {
      shortNames: ['rs'],
      categories: ALL,
      subresources: { status: true, scale: REPLICAS },
    }),
    t('apps/v1', 'statefulsets', 'StatefulSet', true, {
      shortNames: ['sts'],
      categories: ALL,
      subresources: { status: true, scale: REPLICAS },
    }),
    t('apps/v1', 'daemonsets', 'DaemonSet', true, {
      shortNames: ['ds'],
      categories: ALL,
      subresources: STATUS,
    }),
    t('apps/v1', 'controllerrevisions', 'ControllerRevision', true),
    t('batch/v1', 'jobs', 'Job', true, { categories: ALL, subresources: STATUS }),
    t('batch/v1', 'cronjobs', 'CronJob', true, { shortNames: ['cj'], categories: ALL, subresources: STATUS }),
    t('autoscaling/v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, {
      shortNames: ['hpa'],
      categories: ALL,
      subresources: STATUS,
    }),
    t('policy/v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, {
      shortNames: ['pdb'],
      subresources: STATUS,
    }),
    t('networking.k8s.io/v1', 'ingresses', 'Ingress', true, { shortNames: ['ing'], subresources: STATUS }),
    t('networking.k8s.io/v1', 'ingressclasses', 'IngressClass', false),
    t('networking.k8s.io/v1', 'networkpolicies', 'NetworkPolicy', true, { shortNames: ['netpol'] }),
    t('rbac.authorization.k8s.io/v1', 'roles', 'Role', true),
    t('rbac.authorization.k8s.io/v1', 'rolebindings', 'RoleBinding', true),
    t('rbac.authorization.k8s.io/v1', 'clusterroles', 'ClusterRole', false),
    t('rbac.authorization.k8s.io/v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
    t('storage.k8s.io/v1', 'storageclasses', 'StorageClass', false, { shortNames: ['sc'] }),
    t('coordination.k8s.io/v1', 'leases', 'Lease', true),
    t('apiextensions.k8s.io/v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, {
      shortNames: ['crd', 'crds'],
      subresources: STATUS,
    }),
  ];
}

interface CrdVersion {
  name?: string;
  served?: boolean;
  subresources?: { status?: unknown; scale?: ScaleSubresource };
  schema?: { openAPIV3Schema?: unknown };
}

/**
 * The types a CustomResourceDefinition declares (one per served version), or a sentence saying
 * what is missing.
 */
export function typesFromCrd(crd: KubeObject): TypeInfo[] | string {
  const spec = (crd.spec ?? {}) as Record<string, unknown>;
  const names = (spec.names ?? {}) as Record<string, unknown>;
  const group = spec.group;
  const plural = names.plural;
  const kind = names.kind;
  if (typeof group !== 'string' || typeof plural !== 'string' || typeof kind !== 'string') {
    return 'spec.group, spec.names.plural and spec.names.kind must be strings.';
  }
  if (crd.metadata.name !== `${plural}.${group}`) {
    return `metadata.name must be spec.names.plural+"."+spec.group ("${plural}.${group}").`;
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    return 'spec.scope must be "Namespaced" or "Cluster".';
  }
  const versions = Array.isArray(spec.versions) ? (spec.versions as CrdVersion[]) : [];
  if (versions.length === 0) return 'spec.versions must list at least one version.';
  return versions
    .filter((v) => v.served !== false && typeof v.name === 'string')
    .map((v) => ({
      group,
      version: v.name as string,
      resource: plural,
      kind,
      namespaced: spec.scope === 'Namespaced',
      singular: typeof names.singular === 'string' ? names.singular : kind.toLowerCase(),
      listKind: typeof names.listKind === 'string' ? names.listKind : `${kind}List`,
      shortNames: Array.isArray(names.shortNames) ? (names.shortNames as string[]) : [],
      categories: Array.isArray(names.categories) ? (names.categories as string[]) : [],
      subresources: { status: v.subresources?.status !== undefined, scale: v.subresources?.scale },
      crd: { name: crd.metadata.name, schema: v.schema?.openAPIV3Schema },
    }));
}

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** Looks types up by kind or by REST path; CRD kinds come and go. */
export class TypeRegistry {
  private readonly types: TypeInfo[] = [];

  constructor(initial: TypeInfo[] = builtinTypes()) {
    for (const type of initial) this.add(type);
  }

  add(type: TypeInfo): void {
    this.remove(type.group, type.version, type.resource);
    this.types.push(type);
  }

  remove(group: string, version: string, resource: string): void {
    const i = this.types.findIndex(
      (x) => x.group === group && x.version === version && x.resource === resource,
    );
    if (i >= 0) this.types.splice(i, 1);
  }

  /** Every type registered by the named CRD. */
  removeCrd(crdName: string): void {
    for (const type of this.types.filter((x) => x.crd?.name === crdName)) {
      this.remove(type.group, type.version, type.resource);
    }
  }

  all(): TypeInfo[] {
    return [...this.types];
  }

  byKind(apiVersion: string, kind: string): TypeInfo | undefined {
    return this.types.find((x) => apiVersionOf(x) === apiVersion && x.kind === kind);
  }

  byResource(group: string, version: string, resource: string): TypeInfo | undefined {
    return this.types.find((x) => x.group === group && x.version === version && x.resource === resource);
  }

  /** Group → versions served, in registration order (core group is ''). */
  groups(): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const type of this.types) {
      const versions = groups.get(type.group) ?? [];
      if (!versions.includes(type.version)) versions.push(type.version);
      groups.set(type.group, versions);
    }
    return groups;
  }
}
