import type { Logger } from '../log.js';
import { applyObjects, PROTECTED_KINDS, parseManifest, waitForCrds } from './apply.js';
import { type HistoryEntry, readHistory, rollbackTarget } from './history.js';
import type { KubeApi } from './kube-api.js';
import type { Kubectl } from './kubectl.js';
import { describeRef, type Json, keyOf, type ObjectRef, refManifest, refOf } from './objects.js';
import { type PlannedObject, stageOf } from './plan.js';
import { type ReleaseRecord, ReleaseStore } from './release.js';
import { type LockOwner, lockOwner, ReleaseLock } from './release-lock.js';
import { rolloutPolicy } from './rollout/policy.js';
import { seconds, VERIFIED_KINDS, type VerifyResult, verifyRollout } from './verify.js';

export interface ManualRollbackInput {
  releaseName: string;
  /** Where the release records are. */
  namespace: string;
  /** The release to restore; default the newest successful release before the latest one. */
  to?: number;
  rolloutTimeoutMs: number;
  /** Restarts tolerated before a crash loop fails verification; default 2, as the action's. */
  crashloopRestarts?: number;
  /** The run that rolled back, for the new record (a workflow run; none from a terminal). */
  runUrl?: string;
  /**
   * Records to keep after recording. Undefined: none are removed, so a terminal's rollback never
   * trims a history the action keeps longer (the next deploy trims with its own limit).
   */
  historyLimit?: number;
  /** How long to wait for another run's lock on the release; default 5m, 0: fail at once. */
  lockTimeoutMs?: number;
}

export interface ManualRollbackDeps {
  kubectl: Kubectl;
  api: KubeApi;
  logger: Logger;
  /** Aborts when the rollback is cancelled. */
  signal: AbortSignal;
  now?: () => number;
  /** Who this rollback is for the release lock (default: user@host pid). */
  lockOwner?: LockOwner;
}

export interface ManualRollbackResult {
  status: 'success' | 'failed';
  /** One sentence when failed. */
  verdict?: string;
  /** The release restored. */
  to?: number;
  /** The latest release before the rollback. */
  from?: number;
  /** The release this rollback recorded (a new version, as `helm rollback` makes a new revision). */
  release?: number;
  /** Nothing reached the cluster. */
  nothingChanged: boolean;
  cancelled: boolean;
  restored: ObjectRef[];
  /** Objects of the latest release that the restored one does not have, deleted. */
  deleted: ObjectRef[];
  /** Such objects of data-bearing kinds, left in place. */
  kept: ObjectRef[];
  verify?: VerifyResult;
}

/**
 * `k8s-deploy rollback`: re-applies the manifest of an earlier release with the engine's field
 * manager (never `kubectl rollout undo`, whose own manager would make the next deploy conflict),
 * waits for its workloads, deletes what the latest release had and it does not (data-bearing
 * kinds excepted, and only once it verified), and records the result as a new release whose
 * manifest is the restored one — so the next deploy compares against what is really live, and
 * the history shows the rollback. The migration Job is not run: a rollback cannot undo a
 * migration, and the restored code must cope with the schema as it is.
 */
export async function manualRollback(
  input: ManualRollbackInput,
  deps: ManualRollbackDeps,
): Promise<ManualRollbackResult> {
  // The deploys' lock: held from reading the history to writing the record. Throws (nothing changed).
  const lock = await ReleaseLock.acquire(deps.api, {
    namespace: input.namespace,
    release: input.releaseName,
    operation: 'rollback',
    timeoutMs: input.lockTimeoutMs ?? 300_000,
    owner: deps.lockOwner ?? lockOwner({}),
    logger: deps.logger,
    signal: deps.signal,
  });
  let result: ManualRollbackResult | undefined;
  try {
    result = await rollBackLocked(input, deps);
  } finally {
    const lost = await lock?.release();
    if (lost !== undefined && result?.status === 'success')
      Object.assign(result, { status: 'failed', verdict: lost });
  }
  return result;
}

async function rollBackLocked(
  input: ManualRollbackInput,
  deps: ManualRollbackDeps,
): Promise<ManualRollbackResult> {
  const { kubectl, api, logger, signal } = deps;
  const now = deps.now ?? Date.now;
  const startedAt = now();
  const result: ManualRollbackResult = {
    status: 'failed',
    nothingChanged: true,
    cancelled: false,
    restored: [],
    deleted: [],
    kept: [],
  };
  const history = await readHistory(api, input);
  for (const entry of history) {
    if (entry.problem !== undefined) logger.warning(`v${entry.version}: ${entry.problem}`);
  }
  const target = rollbackTarget(history, input);
  const latest = history[0];
  result.to = target.version;
  result.from = latest?.version;
  if (target.status !== 'success') {
    logger.warning(`Release v${target.version} ended ${target.status}; re-applying it as asked.`);
  }
  const objects = parseManifest(target.manifest);
  result.restored = objects.map(refOf);
  logger.info(
    `Rolling ${input.releaseName} back from v${latest?.version} to v${target.version} (${target.tag ?? target.commit ?? 'no tag'}): ${objects.length} object(s) to re-apply. The migration Job is not run again.`,
  );
  if (signal.aborted) {
    result.cancelled = true;
    result.verdict = 'The rollback was cancelled before anything was applied; nothing changed.';
    return result;
  }

  let failure: string | undefined;
  try {
    // Namespaces and CRDs first, as a deploy applies them: what follows may live in or be of them.
    const definitions = objects.filter((object) => stageOf(refOf(object)) === 'definitions');
    result.nothingChanged = false;
    await applyObjects(definitions, kubectl, logger, 'namespace and CRD');
    const crds = definitions.filter((object) => object.kind === 'CustomResourceDefinition');
    await waitForCrds(
      crds.map((object) => ({ ref: refOf(object) }) as PlannedObject),
      api,
      signal,
    );
    await applyObjects(
      objects.filter((object) => stageOf(refOf(object)) !== 'definitions'),
      kubectl,
      logger,
      `release v${target.version}`,
    );
  } catch (error) {
    failure = `Re-applying release v${target.version} failed: ${(error as Error).message}`;
  }

  if (failure === undefined) {
    const targets = result.restored.filter((ref) => VERIFIED_KINDS.has(ref.kind) && ref.kind !== 'Job');
    logger.info(
      `Waiting for ${targets.length} workload(s) (rollout-timeout ${seconds(input.rolloutTimeoutMs)}): ${targets.map(describeRef).join(', ') || 'none'}.`,
    );
    result.verify = await verifyRollout(targets, {
      api,
      logger,
      policy: rolloutPolicy(input.crashloopRestarts ?? 2),
      timeoutMs: input.rolloutTimeoutMs,
      signal,
      since: startedAt,
    });
    if (!result.verify.ok) failure = result.verify.verdict ?? 'Verification failed.';
  }

  if (failure === undefined) {
    failure = await deleteLeftovers(latest, target, objects, kubectl, logger, result);
  } else if (latest?.record && latest.version !== target.version) {
    logger.info(
      `Objects of v${latest.version} that v${target.version} does not have are left in place: the rollback did not succeed.`,
    );
  }

  result.cancelled = signal.aborted;
  result.status = failure === undefined ? 'success' : 'failed';
  result.verdict = failure;
  await recordRollback(input, target, history, result, startedAt, now(), api, logger);
  return result;
}

/** Deletes what the latest release had and the restored one does not; returns a failure sentence. */
async function deleteLeftovers(
  latest: HistoryEntry | undefined,
  target: ReleaseRecord,
  objects: readonly Json[],
  kubectl: Kubectl,
  logger: Logger,
  result: ManualRollbackResult,
): Promise<string | undefined> {
  if (latest === undefined || latest.version === target.version) return undefined;
  if (latest.record === undefined) {
    logger.warning(
      `The record of v${latest.version} cannot be read, so what only it had cannot be told apart: nothing is deleted.`,
    );
    return undefined;
  }
  const restoredKeys = new Set(objects.map((object) => keyOf(refOf(object))));
  const extra = latest.record.objects.filter((ref) => !restoredKeys.has(keyOf(ref)));
  result.kept = extra.filter((ref) => PROTECTED_KINDS.has(ref.kind));
  const doomed = extra.filter((ref) => !PROTECTED_KINDS.has(ref.kind));
  if (result.kept.length > 0) {
    logger.info(
      `Kept (they may hold data; delete them by hand if unwanted): ${result.kept.map(describeRef).join(', ')}.`,
    );
  }
  if (doomed.length === 0) return undefined;
  const errors = await kubectl.delete(doomed.map(refManifest));
  if (errors.length > 0) {
    return `Release v${target.version} was restored, but deleting what v${latest.version} added failed: ${errors.join(' | ')}`;
  }
  result.deleted = doomed;
  logger.info(
    `Deleted what v${latest.version} had and v${target.version} does not: ${doomed.map(describeRef).join(', ')}.`,
  );
  return undefined;
}

async function recordRollback(
  input: ManualRollbackInput,
  target: ReleaseRecord,
  history: readonly HistoryEntry[],
  result: ManualRollbackResult,
  startedAt: number,
  finishedAt: number,
  api: KubeApi,
  logger: Logger,
): Promise<void> {
  if (result.nothingChanged) return;
  const store = new ReleaseStore(api, input.namespace, input.releaseName);
  const lastGood = history.find((entry) => entry.record?.status === 'success');
  const record: ReleaseRecord = {
    name: input.releaseName,
    version: (history[0]?.version ?? 0) + 1,
    status: result.status,
    reason: `rollback to v${target.version}${result.verdict !== undefined ? `: ${result.verdict}` : ''}`,
    ...(target.tag !== undefined ? { tag: target.tag } : {}),
    ...(target.commit !== undefined ? { commit: target.commit } : {}),
    ...(input.runUrl !== undefined ? { runUrl: input.runUrl } : {}),
    images: target.images,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    // The restored manifest and fingerprint: a deploy of these same manifests is then "unchanged".
    manifest: target.manifest,
    objects: target.objects,
    fingerprint: target.fingerprint,
    ...(lastGood !== undefined ? { previousVersion: lastGood.version } : {}),
  };
  try {
    await store.create(record);
    result.release = record.version;
    logger.info(
      `Recorded release ${input.releaseName} v${record.version} (${record.status}, ${record.reason}) in namespace ${input.namespace}.`,
    );
    if (input.historyLimit !== undefined) {
      const readable = history.flatMap((entry) => (entry.record ? [entry.record] : []));
      const trimmed = await store.trim([record, ...readable], input.historyLimit);
      if (trimmed.length > 0)
        logger.info(`Removed the records of releases ${trimmed.map((v) => `v${v}`).join(', ')}.`);
    }
  } catch (error) {
    logger.warning(`The release record could not be written: ${(error as Error).message}`);
  }
}
