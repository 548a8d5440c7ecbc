import type { Logger } from '../log.js';
import { isRecord } from '../records.js';
import { ApplyError, applyObjects, PROTECTED_KINDS, parseManifest } from './apply.js';
import type { Identities } from './identity.js';
import { ApiError, type KubeApi, resourcePath } from './kube-api.js';
import type { Kubectl } from './kubectl.js';
import {
  describeRef,
  type Json,
  keyOf,
  metadataOf,
  namespaceOf,
  type ObjectRef,
  refOf,
  uidOf,
} from './objects.js';
import type { Plan } from './plan.js';
import type { ReleaseRecord } from './release.js';
import type { RolloutPolicy } from './rollout/status.js';
import { isRolloutTarget } from './verifiable.js';
import { type VerifyResult, verifyRollout } from './verify.js';

/** How long a cancelled run waits for its rollback to verify (the runner sends SIGTERM 7.5 s after SIGINT). */
const CANCELLED_VERIFY_MS = 5000;

export interface RollbackResult {
  /** The version whose objects were re-applied. */
  to: number;
  /** Re-applied as the last good release declared them. */
  restored: ObjectRef[];
  /** Created by the failed run, deleted. */
  deleted: ObjectRef[];
  /** Created by the failed run but kept: they may hold data. */
  kept: ObjectRef[];
  /** Changed by the failed run but not part of the last good release: left as they are. */
  notInRelease: ObjectRef[];
  /**
   * Planned as new but not deleted: no apply of this run answered with them, or by delete time
   * another object (another uid) had their name. Only what this run provably created is deleted.
   */
  unconfirmed: ObjectRef[];
  /** StatefulSet pods of the failed revision, deleted so the controller recreates them. */
  replacedPods: string[];
  applied: boolean;
  verify?: VerifyResult;
  /** One sentence when the rollback itself did not finish or did not verify. */
  problem?: string;
}

export interface RollbackInput {
  plan: Plan;
  lastGood: ReleaseRecord;
  /** key → uid of each object the failed run created (the apply's answer): nothing else is deleted. */
  created: ReadonlyMap<string, string>;
  identities: Identities;
  /** StatefulSet (described) → the failed run's update revision. */
  updateRevisions: Map<string, string>;
  timeoutMs: number;
  policy: RolloutPolicy;
}

/**
 * Returns every object the failed run changed to what the last good release declared, with the
 * same field manager (never `kubectl rollout undo`, whose own manager would keep removed fields
 * and make the next apply conflict), deletes what the run created (data-bearing kinds
 * excepted), replaces StatefulSet pods of the failed revision (a reverted template alone does
 * not heal an OrderedReady set), and verifies the result.
 */
export async function rollBack(
  input: RollbackInput,
  deps: { kubectl: Kubectl; api: KubeApi; logger: Logger; signal: AbortSignal },
): Promise<RollbackResult> {
  const { api, logger } = deps;
  // Cancellation gives only a few seconds before the runner kills us: the rollback's own calls
  // are not cancelled by the cancellation that triggered it (each still has a timeout). They
  // ride out a longer outage than other calls (5 retries, about 31 s): a rollback that gives up
  // leaves the failed release live and unrecorded, the one state a run must never end in.
  const kubectl = deps.kubectl.detached(5);
  // A record written before namespaces were resolved names none: it was applied into the same default.
  const previous = new Map(
    parseManifest(input.lastGood.manifest)
      .map((object) => input.identities.resolve(object))
      .map((object) => [keyOf(refOf(object)), object]),
  );
  const changed = input.plan.objects.filter((o) => o.change !== 'unchanged');
  const restore: Json[] = [];
  const result: RollbackResult = {
    to: input.lastGood.version,
    restored: [],
    deleted: [],
    kept: [],
    notInRelease: [],
    unconfirmed: [],
    replacedPods: [],
    applied: false,
  };
  for (const planned of changed) {
    const before = previous.get(planned.key);
    if (before) {
      restore.push(before);
      result.restored.push(planned.ref);
    } else if (planned.change === 'create' && input.created.has(planned.key)) {
      (PROTECTED_KINDS.has(planned.ref.kind) ? result.kept : result.deleted).push(planned.ref);
    } else if (planned.change === 'create') {
      // Planned as new, but no apply answered with it: not provably this run's.
      result.unconfirmed.push(planned.ref);
    } else {
      result.notInRelease.push(planned.ref);
    }
  }
  const rollbackSignal = new AbortController();
  logger.info(`Rolling back to release v${input.lastGood.version}: ${restore.length} object(s) to restore.`);
  try {
    await applyObjects(restore, kubectl, logger, `release v${input.lastGood.version}`);
    result.applied = true;
    if (result.restored.length > 0) logger.info(`Restored: ${result.restored.map(describeRef).join(', ')}.`);
    if (result.deleted.length > 0) {
      result.deleted = await deleteCreated(result, input, api);
      if (result.deleted.length > 0)
        logger.info(`Deleted what the failed run created: ${result.deleted.map(describeRef).join(', ')}.`);
    }
    if (result.unconfirmed.length > 0) {
      logger.info(
        `Left in place, though planned as new: this run cannot prove it created them (no apply answered with them, or another object now has their name): ${result.unconfirmed.map(describeRef).join(', ')}.`,
      );
    }
    if (result.kept.length > 0) {
      logger.info(
        `Kept (they may hold data; delete them by hand if unwanted): ${result.kept.map(describeRef).join(', ')}.`,
      );
    }
    if (result.notInRelease.length > 0) {
      logger.info(
        `Changed by the failed run but not part of release v${input.lastGood.version}, so left as they are: ${result.notInRelease.map(describeRef).join(', ')}.`,
      );
    }
    result.replacedPods = await replaceStatefulSetPods(input.plan, input.updateRevisions, api, logger);
  } catch (error) {
    result.problem = `The rollback did not finish: ${(error as Error).message}`;
    logger.warning(result.problem);
    return result;
  }
  // A cancelled run has seconds before the runner's SIGTERM and kill: verify briefly, and say so.
  const cancelled = deps.signal.aborted;
  const targets = result.restored.filter((ref) => isRolloutTarget(ref) && ref.kind !== 'Job');
  result.verify = await verifyRollout(targets, {
    api,
    logger,
    policy: input.policy,
    timeoutMs: cancelled ? Math.min(input.timeoutMs, CANCELLED_VERIFY_MS) : input.timeoutMs,
    signal: rollbackSignal.signal,
    since: Date.now(),
    pathOf: (ref) => input.identities.pathOf(ref),
  });
  if (!result.verify.ok && cancelled) {
    result.problem = `The rollback was applied, but the run was cancelled and it did not verify within the ${CANCELLED_VERIFY_MS / 1000} s a cancelled run has.`;
    logger.info(result.problem);
    return result;
  }
  if (result.verify.ok) logger.info(`Rollback to release v${input.lastGood.version} verified.`);
  else {
    result.problem = `The rollback to release v${input.lastGood.version} did not verify: ${result.verify.verdict}`;
    logger.warning(result.problem);
  }
  return result;
}

/**
 * Deletes each object the failed run created, with the uid the apply answered as a precondition:
 * an object of the same name that someone else made meanwhile is left alone (409), one already
 * gone is fine (404). Answers what was deleted; the rest moves to `unconfirmed`.
 */
async function deleteCreated(
  result: RollbackResult,
  input: RollbackInput,
  api: KubeApi,
): Promise<ObjectRef[]> {
  const deleted: ObjectRef[] = [];
  for (const ref of result.deleted) {
    const path = input.identities.pathOf(ref);
    const uid = input.created.get(keyOf(ref));
    if (path === undefined || uid === undefined) {
      result.unconfirmed.push(ref);
      continue;
    }
    try {
      await api.request('DELETE', path, {
        body: {
          kind: 'DeleteOptions',
          apiVersion: 'v1',
          propagationPolicy: 'Background',
          preconditions: { uid },
        },
        idempotent: true,
      });
      deleted.push(ref);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) deleted.push(ref);
      else if (error instanceof ApiError && error.status === 409) result.unconfirmed.push(ref);
      else
        throw new ApplyError(
          `Deleting ${describeRef(ref)}, which the failed run created, failed: ${(error as Error).message}`,
        );
    }
  }
  return deleted;
}

/**
 * Deletes the pods of each StatefulSet's failed revision, so the controller recreates them from
 * the restored template. Only where the failed run made a new revision: a StatefulSet whose
 * template the run did not change keeps its pods (a database is not restarted for nothing).
 */
async function replaceStatefulSetPods(
  plan: Plan,
  updateRevisions: Map<string, string>,
  api: KubeApi,
  logger: Logger,
): Promise<string[]> {
  const replaced: string[] = [];
  for (const planned of plan.objects.filter(
    (o) => o.ref.kind === 'StatefulSet' && o.change !== 'unchanged',
  )) {
    const ref = planned.ref;
    const bad = updateRevisions.get(describeRef(ref));
    const before = isRecord(planned.live?.status) ? planned.live.status.updateRevision : undefined;
    if (bad === undefined || bad === before) continue;
    const namespace = namespaceOf(ref);
    const { items } = await api.list(resourcePath('Pod', namespace), {
      labelSelector: `controller-revision-hash=${bad}`,
    });
    for (const pod of items) {
      const name = String(metadataOf(pod).name);
      // By uid, so sending it again after a lost answer deletes nothing else (a recreated pod
      // of the same name is the controller's new one).
      try {
        await api.request('DELETE', resourcePath('Pod', namespace, name), {
          body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: uidOf(pod) } },
          idempotent: true,
        });
      } catch (error) {
        if (!(error instanceof ApiError && (error.status === 404 || error.status === 409))) throw error;
      }
      replaced.push(`${namespace}/${name}`);
    }
  }
  if (replaced.length > 0)
    logger.info(`Replaced StatefulSet pods of the failed revision: ${replaced.join(', ')}.`);
  return replaced;
}
