import { tmpdir } from 'node:os';
import path from 'node:path';
import { seconds } from '../duration.js';
import type { Logger } from '../log.js';
import { sleep } from '../sleep.js';
import { type DeployOutcome, deploy } from './engine.js';
import { ApiError, type KubeApi } from './kube-api.js';
import type { Kubectl } from './kubectl.js';
import { renderedOf } from './manual-rollback.js';
import { describeRef, type Json, type ObjectRef } from './objects.js';
import { type ReleaseRecord, ReleaseStore } from './release.js';
import { type HeldLock, type LockOwner, underReleaseLock } from './release-lock.js';
import { argoRolloutVerdict, isArgoRollout } from './rollout/argo.js';
import { field, str } from './rollout/objects.js';
import { DEFAULT_SETTLE_MS } from './rollout/policy.js';

export type PromotionAction = 'promote' | 'reject';

export interface PromotionInput {
  action: PromotionAction;
  releaseName: string;
  /** Where the release records are. */
  namespace: string;
  rolloutTimeoutMs: number;
  rolloutSettleMs?: number;
  crashloopRestarts?: number;
  lockTimeoutMs: number;
  /** Prune, after a promotion, what the last good release had and this one has not (input `prune`). */
  prune?: boolean;
  runUrl?: string;
  historyLimit?: number;
}

export interface PromotionDeps {
  kubectl: Kubectl;
  api: KubeApi;
  logger: Logger;
  signal: AbortSignal;
  now?: () => number;
  lockOwner?: LockOwner;
  /** Told when the release's lock is taken and released (the action's post step frees one left held). */
  onLock?: (held: HeldLock | undefined) => void;
}

/** A promote or reject refused before anything changed: the message says what was expected. */
export class PromotionError extends Error {}

/** A promote or reject whose patches stopped part-way: some Rollouts were patched, the message says which. */
export class PartlyPatchedError extends Error {
  /** Read by the pipeline: its verdict must not say that nothing changed. */
  readonly changedCluster = true;
}

/**
 * `action: promote` / `reject` (and `k8s-deploy promote` / `reject`) on a release waiting for
 * promotion: what `kubectl argo rollouts promote` / `abort` patch, on each of its Rollouts that is
 * paused, then a release like any other through the engine, under the release's lock:
 *
 * | action  | patch (status subresource, merge)                     | then the engine deploys, verifies, records |
 * | ------- | ----------------------------------------------------- | ------------------------------------------ |
 * | promote | `{"status":{"pauseConditions":null}}` (and           | the waiting release's manifest, its        |
 * |         |   `{"spec":{"paused":false}}` when spec.paused)       |   Rollouts verified though unchanged:      |
 * |         |                                                       |   Healthy, the next pause, or a failure    |
 * |         |                                                       |   rolled back to the last good release     |
 * | reject  | `{"status":{"abort":true}}`; read back until the      | the last good release's manifest: the      |
 * |         |   controller reports it aborted (Degraded)            |   Rollout's template back to the stable    |
 * |         |                                                       |   one, which clears the abort; verified    |
 *
 * Anything else — no records, the latest release not waiting, none of its Rollouts paused now,
 * nothing to go back to for a reject — is refused with one sentence, and nothing is changed.
 */
export async function continueRelease(input: PromotionInput, deps: PromotionDeps): Promise<DeployOutcome> {
  const { api, logger, signal } = deps;
  return underReleaseLock(
    api,
    {
      namespace: input.namespace,
      release: input.releaseName,
      timeoutMs: input.lockTimeoutMs,
      operation: input.action,
      owner: deps.lockOwner,
      onChange: deps.onLock,
      logger,
      signal,
      ...(deps.now ? { now: deps.now } : {}),
    },
    () => continueLocked(input, deps),
    (outcome, lost) => {
      if (outcome.result === 'success' || outcome.result === 'waiting-for-promotion')
        Object.assign(outcome, { result: 'failed', verdict: lost });
    },
  );
}

async function continueLocked(input: PromotionInput, deps: PromotionDeps): Promise<DeployOutcome> {
  const { api, logger } = deps;
  const { action, releaseName, namespace } = input;
  const history = await new ReleaseStore(api, namespace, releaseName).history();
  const latest = history[0];
  const expected = `Expected a release that a deploy left waiting for promotion (an Argo Rollout paused at a canary step or before blue-green promotion); nothing was changed.`;
  if (!latest) {
    throw new PromotionError(
      `Nothing to ${action}: release ${releaseName} has no records in namespace ${namespace}. ${expected}`,
    );
  }
  if (latest.status !== 'waiting-for-promotion') {
    throw new PromotionError(
      `Nothing to ${action}: the latest release of ${releaseName}, v${latest.version}, ended ${latest.status}, not waiting for promotion. ${expected}`,
    );
  }
  const rollouts = await pausedRollouts(latest.objects, api);
  if (rollouts.paused.length === 0) {
    throw new PromotionError(
      `Nothing to ${action}: release ${releaseName} v${latest.version} was recorded waiting for promotion, but none of its Rollouts is paused now (${rollouts.others.join('; ') || 'it has no Rollout'}); it may have been promoted or aborted by hand. Expected a paused Rollout; deploy again to record what runs. Nothing was changed.`,
    );
  }
  const lastGood = history.find((record) => record.status === 'success');
  if (action === 'reject' && !lastGood) {
    throw new PromotionError(
      `Cannot reject release ${releaseName} v${latest.version}: no earlier release succeeded, so there is no good release to go back to. Expected a successful release before it; nothing was changed.`,
    );
  }
  const patched: ObjectRef[] = [];
  for (const { ref, object } of rollouts.paused) {
    try {
      await patchRollout(action, ref, object, api, logger);
    } catch (error) {
      if (patched.length === 0 || error instanceof PartlyPatchedError) throw error;
      throw new PartlyPatchedError(
        `Could not ${action} ${describeRef(ref)}: ${(error as Error).message}. Already ${action === 'promote' ? 'promoted' : 'aborted'}: ${patched.map(describeRef).join(', ')}; run ${action} again once the cause is fixed (those are no longer paused, the rest still are).`,
      );
    }
    patched.push(ref);
  }
  if (action === 'reject')
    await untilAborted(
      rollouts.paused.map((r) => r.ref),
      input,
      deps,
    );
  const target = action === 'promote' ? latest : (lastGood as ReleaseRecord);
  const cause =
    action === 'promote'
      ? `promote v${latest.version}`
      : `reject v${latest.version}: back to v${target.version}`;
  logger.info(
    action === 'promote'
      ? `Verifying release ${releaseName} v${latest.version} after the promotion.`
      : `Re-applying release ${releaseName} v${target.version}, the last good one, and verifying it.`,
  );
  return deploy(
    {
      releaseName,
      namespace,
      rendered: renderedOf(target.manifest, `release ${releaseName} v${target.version}`),
      replicasHandovers: [],
      images: target.images,
      tag: target.tag,
      commit: target.commit,
      runUrl: input.runUrl,
      cause,
      migrationJob: undefined,
      migrationTimeoutMs: 0,
      rolloutTimeoutMs: input.rolloutTimeoutMs,
      rolloutSettleMs: input.rolloutSettleMs ?? DEFAULT_SETTLE_MS,
      crashloopRestarts: input.crashloopRestarts ?? 2,
      rollback: true,
      prune: input.prune ?? false,
      dryRun: false,
      historyLimit: input.historyLimit,
      lockTimeoutMs: input.lockTimeoutMs,
      diffPath: path.join(deps.kubectl.options.env.RUNNER_TEMP || tmpdir(), `k8s-deploy-${action}-diff.txt`),
      // The promoted Rollouts are unchanged to the apply; what the promotion did is verified all the same.
      alsoVerify: rollouts.paused.map((r) => r.ref),
    },
    {
      kubectl: deps.kubectl,
      api,
      logger,
      signal: deps.signal,
      ...(deps.now ? { now: deps.now } : {}),
      lockHeld: true,
    },
  );
}

/** What `kubectl argo rollouts promote` / `abort` patch on one Rollout. */
async function patchRollout(
  action: PromotionAction,
  ref: ObjectRef,
  object: Json,
  api: KubeApi,
  logger: Logger,
): Promise<void> {
  if (action === 'reject') {
    logger.info(`Aborting ${describeRef(ref)} (as kubectl argo rollouts abort): status.abort true.`);
    await patchStatus(api, ref, { abort: true });
    return;
  }
  logger.info(
    `Promoting ${describeRef(ref)} (as kubectl argo rollouts promote): its pause conditions cleared.`,
  );
  // The status first: refused there (RBAC on rollouts/status), nothing has changed yet.
  await patchStatus(api, ref, { pauseConditions: null });
  if (field(object, 'spec', 'paused') !== true) return;
  try {
    await api.request('PATCH', rolloutPath(ref), {
      body: { spec: { paused: false } },
      contentType: 'application/merge-patch+json',
    });
  } catch (error) {
    throw new PartlyPatchedError(
      `The pause conditions of ${describeRef(ref)} were cleared, but its spec.paused could not be set to false: ${(error as Error).message}. It stays paused by spec.paused; run promote again once the cause is fixed.`,
    );
  }
}

/** The release's Rollouts, live: those paused (waiting for promotion) and how the others are. */
async function pausedRollouts(
  refs: readonly ObjectRef[],
  api: KubeApi,
): Promise<{ paused: { ref: ObjectRef; object: Json }[]; others: string[] }> {
  const paused: { ref: ObjectRef; object: Json }[] = [];
  const others: string[] = [];
  for (const ref of refs.filter(isArgoRollout)) {
    const object = await api.get(rolloutPath(ref));
    if (!object) {
      others.push(`${describeRef(ref)} not found`);
      continue;
    }
    const verdict = argoRolloutVerdict(object);
    if (verdict.state === 'waiting') paused.push({ ref, object });
    else
      others.push(`${describeRef(ref)}: ${verdict.state === 'failed' ? verdict.message : verdict.summary}`);
  }
  return { paused, others };
}

/** A merge patch of the status subresource, falling back to the object (as the kubectl plugin does). */
async function patchStatus(api: KubeApi, ref: ObjectRef, status: Json): Promise<void> {
  const options = { body: { status }, contentType: 'application/merge-patch+json' };
  try {
    await api.request('PATCH', `${rolloutPath(ref)}/status`, options);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    await api.request('PATCH', rolloutPath(ref), options);
  }
}

/** Reads the Rollouts back until the controller reports each aborted (Degraded, stable restored). */
async function untilAborted(
  refs: readonly ObjectRef[],
  input: PromotionInput,
  deps: PromotionDeps,
): Promise<void> {
  const now = deps.now ?? Date.now;
  const deadline = now() + input.rolloutTimeoutMs;
  for (const ref of refs) {
    for (;;) {
      const object = await deps.api.get(rolloutPath(ref));
      const verdict = object ? argoRolloutVerdict(object) : undefined;
      const phase = str(object, 'status', 'phase');
      if (verdict?.state === 'failed' && phase === 'Degraded') {
        deps.logger.info(`${describeRef(ref)}: ${str(object, 'status', 'message')}.`);
        break;
      }
      if (now() >= deadline || deps.signal.aborted) {
        deps.logger.warning(
          `${describeRef(ref)} was not reported aborted within ${seconds(input.rolloutTimeoutMs)} (phase ${phase ?? 'unknown'}); the last good release is re-applied all the same.`,
        );
        break;
      }
      await sleep(500, deps.signal);
    }
  }
}

/** The API path of an Argo Rollout (argoproj.io, plural rollouts). */
function rolloutPath(ref: ObjectRef): string {
  return `/apis/${ref.apiVersion}/namespaces/${encodeURIComponent(ref.namespace ?? 'default')}/rollouts/${encodeURIComponent(ref.name)}`;
}
