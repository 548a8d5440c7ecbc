import { isRecord } from '../records.js';
import { getPath } from './images.js';
import { apiGroup } from './kinds.js';
import type { ManifestDocument } from './parse.js';

/**
 * A workload whose replica count belongs to an autoscaler in the same set. The rendered
 * workload has no `spec.replicas`, so a deploy never resets the autoscaler's count.
 *
 * The apply phase must make the FIRST deploy after adding an autoscaler safe too. Server-side
 * apply deletes a field that the applying field manager owned and no longer sends, unless
 * another manager also owns it; `spec.replicas` would then fall to its default of 1 until the
 * autoscaler reacts. Following "Transferring ownership" in the Kubernetes server-side apply
 * documentation, before applying the rendered set the apply phase must, for each handover:
 *   1. read the live object (`kubectl get -o json --show-managed-fields`); if it does not exist,
 *      or our field manager does not own `f:spec.f:replicas`, there is nothing to do;
 *   2. otherwise server-side apply a manifest holding only apiVersion, kind, metadata.name,
 *      metadata.namespace and `spec.replicas: <live value>` with a private field manager
 *      (HANDOVER_FIELD_MANAGER), without --force-conflicts; a conflict means the autoscaler
 *      already owns the field, which is fine;
 *   3. apply the rendered set: our manager gives up `replicas`, the handover manager still owns
 *      it at the live value, so nothing is deleted. When the autoscaler next writes the field
 *      the handover manager owns nothing and the API server removes it.
 * `replicasHandoverManifest` (replicas-handover.ts) makes the decision of steps 1–2.
 */
export interface ReplicasHandover {
  apiVersion: string;
  kind: string;
  namespace: string | undefined;
  name: string;
  /** The autoscaler that now owns the count, e.g. "HorizontalPodAutoscaler/api". */
  autoscaler: string;
  /** The count the manifest declared (and this render removed), if it declared one. */
  declaredReplicas: number | undefined;
}

export const HANDOVER_FIELD_MANAGER = 'k8s-deploy-action-replicas-handover';

interface ScaleTarget {
  group: string | undefined;
  kind: string;
  name: string;
  namespace: string | undefined;
  autoscaler: string;
}

/** The workload an HPA or a KEDA ScaledObject scales, or undefined for other kinds. */
function scaleTarget(manifest: ManifestDocument, namespace: string | undefined): ScaleTarget | undefined {
  const ref = getPath(manifest.object, ['spec', 'scaleTargetRef']);
  if (!isRecord(ref) || typeof ref.name !== 'string') return undefined;
  const autoscaler = `${manifest.kind}/${manifest.name}`;
  if (manifest.key === 'autoscaling/HorizontalPodAutoscaler') {
    if (typeof ref.kind !== 'string') return undefined;
    const group = typeof ref.apiVersion === 'string' ? apiGroup(ref.apiVersion) : undefined;
    return { group, kind: ref.kind, name: ref.name, namespace, autoscaler };
  }
  if (manifest.key === 'keda.sh/ScaledObject') {
    // KEDA's documented defaults: apiVersion apps/v1, kind Deployment.
    const apiVersion = typeof ref.apiVersion === 'string' ? ref.apiVersion : 'apps/v1';
    const kind = typeof ref.kind === 'string' ? ref.kind : 'Deployment';
    return { group: apiGroup(apiVersion), kind, name: ref.name, namespace, autoscaler };
  }
  return undefined;
}

/**
 * Removes `spec.replicas` from every workload that an autoscaler in the same set targets
 * (same namespace, kind, name and API group) and lists them for the apply phase.
 * `namespaceOf` gives a document's namespace after defaulting.
 */
export function handReplicasToAutoscalers(
  documents: readonly ManifestDocument[],
  namespaceOf: (manifest: ManifestDocument) => string | undefined,
): ReplicasHandover[] {
  const targets = documents
    .map((manifest) => scaleTarget(manifest, namespaceOf(manifest)))
    .filter((target) => target !== undefined);
  if (targets.length === 0) return [];
  const byWorkload = new Map<string, ScaleTarget[]>();
  for (const target of targets) {
    const id = `${target.namespace ?? ''}/${target.kind}/${target.name}`;
    byWorkload.set(id, [...(byWorkload.get(id) ?? []), target]);
  }
  const handovers: ReplicasHandover[] = [];
  for (const manifest of documents) {
    const namespace = namespaceOf(manifest);
    const target = byWorkload
      .get(`${namespace ?? ''}/${manifest.kind}/${manifest.name}`)
      ?.find(
        (candidate) => candidate.group === undefined || candidate.group === apiGroup(manifest.apiVersion),
      );
    if (target === undefined) continue;
    const replicas = getPath(manifest.object, ['spec', 'replicas']);
    if (replicas !== undefined) manifest.edits.push({ op: 'delete', path: ['spec', 'replicas'] });
    handovers.push({
      apiVersion: manifest.apiVersion,
      kind: manifest.kind,
      namespace,
      name: manifest.name,
      autoscaler: target.autoscaler,
      declaredReplicas: typeof replicas === 'number' ? replicas : undefined,
    });
  }
  return handovers;
}
