import { isRecord } from '../records.js';
import type { ReplicasHandover } from './autoscalers.js';

/**
 * The decision of the replicas ownership transfer (see ReplicasHandover): given the live
 * object as `kubectl get -o json --show-managed-fields` prints it, returns the replicas-only
 * manifest to server-side apply with HANDOVER_FIELD_MANAGER before the rendered set, or
 * undefined when there is nothing to hand over (no live object, no live count, or our field
 * manager `applyManager` does not own `spec.replicas`, so omitting it deletes nothing).
 */
export function replicasHandoverManifest(
  handover: ReplicasHandover,
  live: unknown,
  applyManager: string,
): Record<string, unknown> | undefined {
  if (!isRecord(live) || !isRecord(live.spec) || typeof live.spec.replicas !== 'number') return undefined;
  const metadata = isRecord(live.metadata) ? live.metadata : {};
  const managedFields = Array.isArray(metadata.managedFields) ? metadata.managedFields : [];
  const ownsReplicas = managedFields.some(
    (entry) =>
      isRecord(entry) &&
      entry.manager === applyManager &&
      entry.operation === 'Apply' &&
      isRecord(entry.fieldsV1) &&
      isRecord(entry.fieldsV1['f:spec']) &&
      'f:replicas' in entry.fieldsV1['f:spec'],
  );
  if (!ownsReplicas) return undefined;
  return {
    apiVersion: handover.apiVersion,
    kind: handover.kind,
    metadata: {
      name: handover.name,
      ...(handover.namespace !== undefined ? { namespace: handover.namespace } : {}),
    },
    spec: { replicas: live.spec.replicas },
  };
}
