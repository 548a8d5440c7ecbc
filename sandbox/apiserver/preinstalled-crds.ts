/**
 * CustomResourceDefinitions the sandbox cluster has from the start, as an EKS cluster running
 * the add-ons the reference deployment uses would: KEDA, External Secrets and Argo Rollouts. Schemas are
 * abridged (spec and status are free-form); the kinds, names, scopes and versions are the real ones.
 */
import type { KubeObject } from '../kube/contract.js';

interface CrdSpec {
  group: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  scope?: 'Namespaced' | 'Cluster';
  /** Served versions, preferred first. */
  versions: string[];
  scale?: boolean;
}

const FREE_FORM = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

export function crdObject(spec: CrdSpec): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${spec.plural}.${spec.group}` },
    spec: {
      group: spec.group,
      scope: spec.scope ?? 'Namespaced',
      names: {
        kind: spec.kind,
        listKind: `${spec.kind}List`,
        plural: spec.plural,
        singular: spec.kind.toLowerCase(),
        ...(spec.shortNames ? { shortNames: spec.shortNames } : {}),
      },
      versions: spec.versions.map((name, i) => ({
        name,
        served: true,
        storage: i === 0,
        subresources: {
          status: {},
          ...(spec.scale
            ? { scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } }
            : {}),
        },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: FREE_FORM,
              status: FREE_FORM,
            },
          },
        },
      })),
    },
  };
}

export function preinstalledCrds(): KubeObject[] {
  return [
    {
      group: 'keda.sh',
      kind: 'ScaledObject',
      plural: 'scaledobjects',
      shortNames: ['so'],
      versions: ['v1alpha1'],
    },
    { group: 'keda.sh', kind: 'ScaledJob', plural: 'scaledjobs', shortNames: ['sj'], versions: ['v1alpha1'] },
    {
      group: 'keda.sh',
      kind: 'TriggerAuthentication',
      plural: 'triggerauthentications',
      shortNames: ['ta', 'triggerauth'],
      versions: ['v1alpha1'],
    },
    {
      group: 'keda.sh',
      kind: 'ClusterTriggerAuthentication',
      plural: 'clustertriggerauthentications',
      shortNames: ['cta', 'clustertriggerauth'],
      scope: 'Cluster' as const,
      versions: ['v1alpha1'],
    },
    {
      group: 'external-secrets.io',
      kind: 'ExternalSecret',
      plural: 'externalsecrets',
      shortNames: ['es'],
      versions: ['v1', 'v1beta1'],
    },
    {
      group: 'external-secrets.io',
      kind: 'SecretStore',
      plural: 'secretstores',
      shortNames: ['ss'],
      versions: ['v1', 'v1beta1'],
    },
    {
      group: 'external-secrets.io',
      kind: 'ClusterSecretStore',
      plural: 'clustersecretstores',
      shortNames: ['css'],
      scope: 'Cluster' as const,
      versions: ['v1', 'v1beta1'],
    },
    {
      group: 'argoproj.io',
      kind: 'Rollout',
      plural: 'rollouts',
      shortNames: ['ro'],
      versions: ['v1alpha1'],
      scale: true,
    },
  ].map(crdObject);
}
