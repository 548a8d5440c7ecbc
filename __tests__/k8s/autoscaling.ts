import { describeManifest, type Manifest } from './manifests.js';

/** A workload whose replica count belongs to an autoscaler, not to the manifests. */
export interface AutoscalerTarget {
  /** `HorizontalPodAutoscaler/api`, `ScaledObject/worker`. */
  autoscaler: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  minReplicas: number;
  maxReplicas: number;
}

interface ScaleTargetRef {
  apiVersion?: string;
  kind?: string;
  name?: string;
}

/**
 * The workloads targeted by an HPA (autoscaling/v2) or a KEDA ScaledObject, with the
 * API's defaults filled in (HPA minReplicas 1; ScaledObject kind Deployment, 0..100).
 */
export function autoscalerTargets(docs: readonly Manifest[]): AutoscalerTarget[] {
  return docs.flatMap((doc): AutoscalerTarget[] => {
    const spec = (doc.spec ?? {}) as Record<string, unknown> & { scaleTargetRef?: ScaleTargetRef };
    const ref = spec.scaleTargetRef ?? {};
    const common = {
      autoscaler: describeManifest(doc),
      name: ref.name ?? '',
      namespace: doc.metadata.namespace,
    };
    if (doc.kind === 'HorizontalPodAutoscaler') {
      return [
        {
          ...common,
          apiVersion: ref.apiVersion ?? '',
          kind: ref.kind ?? '',
          minReplicas: (spec.minReplicas as number | undefined) ?? 1,
          maxReplicas: spec.maxReplicas as number,
        },
      ];
    }
    if (doc.kind === 'ScaledObject') {
      return [
        {
          ...common,
          apiVersion: ref.apiVersion ?? 'apps/v1',
          kind: ref.kind ?? 'Deployment',
          minReplicas: (spec.minReplicaCount as number | undefined) ?? 0,
          maxReplicas: (spec.maxReplicaCount as number | undefined) ?? 100,
        },
      ];
    }
    return [];
  });
}

/** The manifest an autoscaler target points at, if the manifests hold it. */
export function targetManifest(docs: readonly Manifest[], target: AutoscalerTarget): Manifest | undefined {
  return docs.find(
    (doc) =>
      doc.apiVersion === target.apiVersion &&
      doc.kind === target.kind &&
      doc.metadata.name === target.name &&
      doc.metadata.namespace === target.namespace,
  );
}

/** The workloads (as manifests) whose replicas an autoscaler owns. */
export function autoscaledWorkloads(docs: readonly Manifest[]): Manifest[] {
  return autoscalerTargets(docs)
    .map((target) => targetManifest(docs, target))
    .filter((doc): doc is Manifest => doc !== undefined);
}
