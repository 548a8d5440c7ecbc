import { loadAll } from 'js-yaml';
import type { Logger } from '../log.js';
import { HANDOVER_FIELD_MANAGER, type ReplicasHandover } from '../manifests/autoscalers.js';
import { replicasHandoverManifest } from '../manifests/replicas-handover.js';
import { isRecord } from '../records.js';
import { sleep } from '../sleep.js';
import { type KubeApi, resourcePath } from './kube-api.js';
import { FIELD_MANAGER, type Kubectl } from './kubectl.js';
import { describeRef, type Json, keyOf, refManifest, refOf, toYaml } from './objects.js';
import type { PlannedObject } from './plan.js';
import { conditionIs } from './rollout/objects.js';

/** An apply the cluster refused part of; what was applied before stays applied. */
export class ApplyError extends Error {
  override name = 'ApplyError';
}

/**
 * Applies objects in one kubectl process (server-side, our field manager, forced); answers
 * the objects as the server stored them (their uids prove what this run created).
 */
export async function applyObjects(
  objects: readonly Json[],
  kubectl: Kubectl,
  logger: Logger,
  what: string,
  onApplied?: (applied: Json[]) => void,
): Promise<Json[]> {
  if (objects.length === 0) return [];
  const { objects: applied, errors } = await kubectl.apply(toYaml(objects));
  // What was applied before an error is live all the same: the rollback must know it.
  onApplied?.(applied);
  if (errors.length > 0) throw new ApplyError(`Applying ${what} failed: ${errors.join(' | ')}`);
  logger.info(`Applied ${objects.length} ${what} object(s).`);
  return applied;
}

/** Waits until the CRDs of the set are Established, so their kinds can be applied. */
export async function waitForCrds(
  crds: readonly PlannedObject[],
  api: KubeApi,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (const crd of crds) {
    const path = resourcePath('CustomResourceDefinition', undefined, crd.ref.name);
    for (;;) {
      if (conditionIs(await api.get(path), 'Established', 'True')) break;
      if (Date.now() > deadline || signal.aborted) {
        throw new ApplyError(`CustomResourceDefinition ${crd.ref.name} was not Established within 60 s.`);
      }
      await sleep(250, signal);
    }
  }
}

/**
 * The replicas hand-over (src/manifests/autoscalers.ts): before a set that no longer declares
 * `replicas` for an autoscaled workload is applied, the live count is applied under a
 * separate manager, so dropping the field from our manager's set does not reset it to 1.
 */
export async function handOverReplicas(
  handovers: readonly ReplicasHandover[],
  kubectl: Kubectl,
  logger: Logger,
): Promise<void> {
  if (handovers.length === 0) return;
  const live = await kubectl.get(
    handovers.map((h) =>
      refManifest({ apiVersion: h.apiVersion, kind: h.kind, name: h.name, namespace: h.namespace }),
    ),
    { managedFields: true },
  );
  const byKey = new Map(live.map((object) => [keyOf(refOf(object)), object]));
  const manifests = handovers
    .map((handover) =>
      replicasHandoverManifest(
        handover,
        byKey.get(
          keyOf({
            apiVersion: handover.apiVersion,
            kind: handover.kind,
            name: handover.name,
            namespace: handover.namespace,
          }),
        ),
        FIELD_MANAGER,
      ),
    )
    .filter((manifest): manifest is Record<string, unknown> => manifest !== undefined);
  if (manifests.length === 0) return;
  const { errors } = await kubectl.apply(toYaml(manifests), {
    fieldManager: HANDOVER_FIELD_MANAGER,
    force: false,
    validate: false,
  });
  // A conflict means the autoscaler already owns the count: nothing left to hand over.
  const real = errors.filter((line) => !/conflict/i.test(line));
  if (real.length > 0)
    throw new ApplyError(`Handing replicas over to the autoscalers failed: ${real.join(' | ')}`);
  logger.info(
    `Kept the live replica count of ${manifests.map((m) => describeRef(refOf(m))).join(', ')}: their autoscalers own it now.`,
  );
}

/** Kinds never deleted by prune or rollback: they hold data or everything else. */
export const PROTECTED_KINDS = new Set([
  'Namespace',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'CustomResourceDefinition',
]);

export function parseManifest(manifest: string): Json[] {
  return loadAll(manifest).filter(isRecord);
}
