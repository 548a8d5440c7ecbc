import { formatQuantity } from '../apiserver/admission/quantity.js';
import { usedBy } from '../apiserver/admission/quota.js';
import { type Json, sameJson } from './objects.js';
import type { Runtime } from './runtime.js';

/** The queue kind under which a whole namespace's quotas are recomputed at once. */
export const quotaStatusKind = 'ResourceQuotaStatus';

/**
 * The resource quota controller's status: `status.hard` from `spec.hard`, `status.used` for the
 * pod resources the admission counts (pods, count/pods, cpu, memory, requests.*, limits.*), from
 * the namespace's non-terminal pods. Recomputed per namespace, batched, when a pod or a quota
 * changes, so a client reads the headroom a real cluster would show it. Other resources (object
 * counts, storage) get no `used` entry.
 */
export function startResourceQuotaController(runtime: Runtime): void {
  runtime.register(quotaStatusKind, (_cluster, namespace) => syncNamespace(runtime, namespace));
}

function syncNamespace(runtime: Runtime, namespace: string): void {
  const quotas = runtime.store.list(runtime.kinds.ResourceQuota, namespace) as Json[];
  if (quotas.length === 0) return;
  const pods = runtime.store.list(runtime.kinds.Pod, namespace) as Json[];
  for (const quota of quotas) {
    const used = Object.fromEntries([...usedBy(quota, pods)].map(([name, q]) => [name, formatQuantity(q)]));
    const status = { hard: { ...(quota.spec?.hard ?? {}) }, used };
    if (sameJson(quota.status ?? {}, status)) continue;
    runtime.store.update({ ...quota, status });
  }
}
