/**
 * The update rules a real API server enforces that deployments trip over: selectors, a Job's
 * pod template, most of a StatefulSet's spec, immutable ConfigMaps/Secrets, a Service's cluster
 * IP and a PVC's spec cannot change once created. Applies to writes through the API only.
 */
import type { KubeObject } from '../kube/contract.js';
import { isMap, sameValue } from './fieldpath.js';

type Spec = Record<string, unknown>;

const STATEFULSET_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

function specOf(object: KubeObject): Spec {
  return isMap(object.spec) ? object.spec : {};
}

function without(spec: Spec, fields: string[]): Spec {
  return Object.fromEntries(Object.entries(spec).filter(([key]) => !fields.includes(key)));
}

function immutable(field: string, value: unknown): string {
  return `${field}: Invalid value: ${JSON.stringify(value)}: field is immutable`;
}

/** Sentences for every rule the update breaks (empty when it is allowed). */
export function immutableViolations(before: KubeObject, after: KubeObject): string[] {
  const was = specOf(before);
  const now = specOf(after);
  const out: string[] = [];
  switch (after.kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      if (!sameValue(was.selector, now.selector)) out.push(immutable('spec.selector', now.selector));
      break;
    case 'StatefulSet':
      if (!sameValue(without(was, STATEFULSET_MUTABLE), without(now, STATEFULSET_MUTABLE))) {
        out.push(
          "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        );
      }
      break;
    case 'Job':
      if (!sameValue(was.selector, now.selector)) out.push(immutable('spec.selector', now.selector));
      if (!sameValue(was.template, now.template)) out.push(immutable('spec.template', now.template));
      if (was.completions !== now.completions) out.push(immutable('spec.completions', now.completions));
      break;
    case 'ConfigMap':
    case 'Secret':
      if (before.immutable === true) {
        for (const field of ['data', 'binaryData', 'stringData']) {
          if (!sameValue(before[field], after[field]))
            out.push(`${field}: Forbidden: field is immutable when \`immutable\` is set`);
        }
        if (after.immutable !== true)
          out.push('immutable: Forbidden: field is immutable when `immutable` is set');
      }
      break;
    case 'Service':
      if (typeof was.clusterIP === 'string' && was.clusterIP !== '' && was.clusterIP !== now.clusterIP) {
        out.push(immutable('spec.clusterIP', now.clusterIP ?? ''));
      }
      break;
    case 'PersistentVolumeClaim': {
      const rest = (spec: Spec) => ({ ...without(spec, ['resources', 'volumeAttributesClassName']) });
      if (!sameValue(rest(was), rest(now))) {
        out.push(
          'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
        );
      }
      break;
    }
  }
  return out;
}
