import * as externalSecretsV1 from '@kubernetes-models/external-secrets/external-secrets.io/v1';
import * as kedaV1alpha1 from '@kubernetes-models/keda/keda.sh/v1alpha1';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as rbacV1 from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as storageV1 from 'kubernetes-models/storage.k8s.io/v1';
import * as coreV1 from 'kubernetes-models/v1';
import { describeManifest } from './manifests.js';

/**
 * Validates manifests against the Kubernetes OpenAPI schemas (kubernetes-models) and the
 * CRD schemas of the custom resources the reference deployment uses (KEDA, External Secrets).
 * Returns one sentence per problem; empty means every document is valid.
 *
 * Limitation: the upstream schemas do not forbid unknown fields (the API server does that
 * with strict field validation), so a misspelt optional field is not reported here.
 */
export function validateManifests(docs: readonly unknown[]): string[] {
  return docs.flatMap((doc, index) => validateManifest(doc, index));
}

interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: unknown): { validate(): void };
}

// apiVersion -> the module exporting that group-version's models.
const MODULES: Record<string, Record<string, unknown>> = {
  v1: coreV1,
  'apps/v1': appsV1,
  'batch/v1': batchV1,
  'autoscaling/v2': autoscalingV2,
  'policy/v1': policyV1,
  'networking.k8s.io/v1': networkingV1,
  'storage.k8s.io/v1': storageV1,
  'rbac.authorization.k8s.io/v1': rbacV1,
  'keda.sh/v1alpha1': kedaV1alpha1,
  'external-secrets.io/v1': externalSecretsV1,
};

function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  const candidate = MODULES[apiVersion]?.[kind];
  if (typeof candidate !== 'function') return undefined;
  const model = candidate as unknown as ModelClass;
  // The modules also export nested types (DeploymentSpec, ...): only top-level kinds count.
  return model.apiVersion === apiVersion && model.kind === kind ? model : undefined;
}

function validateManifest(doc: unknown, index: number): string[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return [`Document ${index + 1} is not a mapping; expected a Kubernetes object.`];
  }
  const { apiVersion, kind, metadata } = doc as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown };
  };
  const where = describeManifest(doc as { kind?: string; metadata?: { name: string } }, index);
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return [`${where}: apiVersion and kind must be strings; expected e.g. "apps/v1" and "Deployment".`];
  }
  const problems: string[] = [];
  if (typeof metadata?.name !== 'string' || metadata.name === '') {
    problems.push(`${where}: metadata.name is missing; expected every object to be named.`);
  }
  const Model = modelFor(apiVersion, kind);
  if (!Model) {
    return [
      ...problems,
      `${where}: no schema known for ${apiVersion} ${kind}; expected a known built-in or CRD kind.`,
    ];
  }
  try {
    new Model(doc).validate();
  } catch (error) {
    problems.push(...schemaErrors(where, error));
  }
  return problems;
}

function schemaErrors(where: string, error: unknown): string[] {
  const details = (error as { errors?: { instancePath?: string; message?: string }[] }).errors;
  if (!Array.isArray(details) || details.length === 0) return [`${where}: ${String(error)}`];
  return details.map(
    (detail) => `${where}: ${detail.instancePath || '/'} ${detail.message ?? 'is invalid'}.`,
  );
}
