import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from '../log.js';
import type { RenderedObject } from '../manifests/render.js';
import { asSentence } from '../verdict.js';
import { parseManifest } from './apply.js';
import { type DeployOutcome, deploy } from './engine.js';
import { RollbackError, rollbackTarget } from './history.js';
import type { KubeApi } from './kube-api.js';
import type { Kubectl } from './kubectl.js';
import { refOf } from './objects.js';
import { readHistory } from './release.js';
import { type LockOwner, underReleaseLock } from './release-lock.js';
import { DEFAULT_SETTLE_MS } from './rollout/policy.js';

export interface ManualRollbackInput {
  releaseName: string;
  /** Where the release records are. */
  namespace: string;
  /** The release to restore; default the newest successful release before the latest one. */
  to?: number;
  /** Re-apply a target whose record ended failed or rolled-back (refused otherwise). */
  force?: boolean;
  rolloutTimeoutMs: number;
  /** Restarts tolerated before a crash loop fails verification; default 2, as the action's. */
  crashloopRestarts?: number;
  /** How long new pods must run before they count (the action's rollout-settle); default 5 s. */
  rolloutSettleMs?: number;
  /** The run that rolled back, for the new record (a workflow run; none from a terminal). */
  runUrl?: string;
  /** How long to wait for the release lock another run holds (the lock-timeout input). */
  lockTimeoutMs: number;
  /**
   * Records to keep after recording. Undefined: none are removed, so a terminal's rollback never
   * trims a history the action keeps longer (the next deploy trims with its own limit).
   */
  historyLimit?: number;
}

export interface ManualRollbackDeps {
  kubectl: Kubectl;
  api: KubeApi;
  logger: Logger;
  /** Aborts when the rollback is cancelled. */
  signal: AbortSignal;
  now?: () => number;
  /** Who holds the release lock while the rollback runs (the engine takes it, as for a deploy). */
  lockOwner?: LockOwner;
}

export interface ManualRollbackResult {
  /**
   * success: the target is live and verified; rolled-back: it failed and what was live before
   * was restored; failed: it failed and the cluster holds what `verdict` says.
   */
  status: 'success' | 'failed' | 'rolled-back';
  /** One or two sentences when not success: what failed, and what is live now. */
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
  /** The engine's outcome of re-deploying the target's manifest. */
  outcome?: DeployOutcome;
}

/**
 * `k8s-deploy rollback`: a release like any other. The target record's manifest goes through
 * the engine's deploy — plan (server-side dry run), apply, verify, prune of what the last good
 * release had and the target does not, record "rollback to vN" — without the migration Job: a
 * rollback cannot undo a migration, and the restored code must cope with the schema as it is.
 * A rollback that fails is itself rolled back to what was live; where that cannot be done, the
 * verdict says what is live and the command that restores the last good release.
 */
export async function manualRollback(
  input: ManualRollbackInput,
  deps: ManualRollbackDeps,
): Promise<ManualRollbackResult> {
  const { api, logger, signal } = deps;
  // The lock first: the target is chosen from the history another run may still be writing.
  return underReleaseLock(
    api,
    {
      namespace: input.namespace,
      release: input.releaseName,
      timeoutMs: input.lockTimeoutMs,
      operation: 'rollback',
      owner: deps.lockOwner,
      logger,
      signal,
      ...(deps.now ? { now: deps.now } : {}),
    },
    () => rollBackLocked(input, deps),
    // Another run took the lock meanwhile: what is live may be its release, not this one's.
    (result, lost) => {
      if (result.status === 'success') Object.assign(result, { status: 'failed', verdict: lost });
    },
  );
}

/** The rollback itself, under the release's lock. */
async function rollBackLocked(
  input: ManualRollbackInput,
  deps: ManualRollbackDeps,
): Promise<ManualRollbackResult> {
  const { kubectl, api, logger, signal } = deps;
  const history = await readHistory(api, input);
  for (const entry of history) {
    if (entry.problem !== undefined) logger.warning(`v${entry.version}: ${entry.problem}`);
  }
  const target = rollbackTarget(history, input);
  const latest = history[0];
  if (target.status !== 'success') {
    if (!input.force) {
      throw new RollbackError(
        `Release ${input.releaseName} v${target.version} ended ${target.status}${target.reason ? ` (${target.reason})` : ''}: re-applying it would bring back what failed. Expected --to naming a successful release (k8s-deploy history lists them), or --force to re-apply it anyway.`,
      );
    }
    logger.warning(`Release v${target.version} ended ${target.status}; re-applying it as --force asks.`);
  }
  const lastGood = history.find((entry) => entry.record?.status === 'success')?.record;
  logger.info(
    `Rolling ${input.releaseName} back from v${latest?.version} to v${target.version} (${target.tag ?? target.commit ?? 'no tag'}). The migration Job is not run again.`,
  );
  const outcome = await deploy(
    {
      releaseName: input.releaseName,
      namespace: input.namespace,
      rendered: renderedOf(target.manifest, `release ${input.releaseName} v${target.version}`),
      replicasHandovers: [],
      images: target.images,
      tag: target.tag,
      commit: target.commit,
      runUrl: input.runUrl,
      cause: `rollback to v${target.version}`,
      migrationJob: undefined,
      migrationTimeoutMs: 0,
      rolloutTimeoutMs: input.rolloutTimeoutMs,
      rolloutSettleMs: input.rolloutSettleMs ?? DEFAULT_SETTLE_MS,
      crashloopRestarts: input.crashloopRestarts ?? 2,
      rollback: true,
      prune: true,
      dryRun: false,
      historyLimit: input.historyLimit,
      lockTimeoutMs: input.lockTimeoutMs,
      diffPath: path.join(kubectl.options.env.RUNNER_TEMP || tmpdir(), 'k8s-deploy-rollback-diff.txt'),
    },
    {
      kubectl,
      api,
      logger,
      signal,
      ...(deps.now ? { now: deps.now } : {}),
      lockHeld: true,
    },
  );
  const result: ManualRollbackResult = {
    status:
      outcome.result === 'success' ? 'success' : outcome.result === 'rolled-back' ? 'rolled-back' : 'failed',
    to: target.version,
    from: latest?.version,
    nothingChanged: outcome.nothingChanged,
    cancelled: outcome.cancelled,
    outcome,
    ...(outcome.release !== undefined ? { release: outcome.release } : {}),
  };
  if (result.status !== 'success') {
    result.verdict = failedRollbackVerdict(input, target.version, lastGood?.version, outcome);
  }
  return result;
}

/** What failed, and what is live now: the one thing a person needs after a failed rollback. */
function failedRollbackVerdict(
  input: ManualRollbackInput,
  target: number,
  lastGood: number | undefined,
  outcome: DeployOutcome,
): string {
  const why = asSentence(outcome.verdict ?? 'The rollback failed.');
  if (outcome.nothingChanged) return why;
  const restored = outcome.rollback;
  if (outcome.result === 'rolled-back' && restored && restored.problem === undefined) {
    return `Rolling back to v${target} failed: ${why} What was live before, v${restored.to}, was restored and verified.`;
  }
  const command = `k8s-deploy rollback --to ${lastGood ?? '<N>'} --release-name ${input.releaseName} --namespace ${input.namespace}${lastGood === target ? ' --force' : ''}`;
  const live = restored?.problem
    ? `Restoring v${restored.to} did not finish either (${restored.problem}): the cluster holds part of v${target} and part of v${restored.to}.`
    : `v${target}'s manifests are live but did not verify.`;
  return `Rolling back to v${target} failed: ${why} ${live} To restore ${lastGood !== undefined ? `v${lastGood}, the last good release` : 'a release'}, run: ${command}`;
}

/** A record's manifest as rendered objects, each located at its document in the record. */
export function renderedOf(manifest: string, source: string): RenderedObject[] {
  return parseManifest(manifest).map((object, index) => {
    const ref = refOf(object);
    return {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      name: ref.name,
      namespace: ref.namespace,
      location: { source, line: 1, document: index + 1 },
      yaml: JSON.stringify(object),
    };
  });
}
