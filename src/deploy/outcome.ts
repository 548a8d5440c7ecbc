import type { Inputs, MigrationsMode } from '../inputs.js';
import type { ReplicasHandover } from '../manifests/autoscalers.js';
import type { SourceLocation } from '../manifests/errors.js';
import type { RenderedObject } from '../manifests/render.js';
import type { PhaseTiming } from '../phases.js';
import type { MigrationResult } from './migrate.js';
import type { ObjectRef } from './objects.js';
import type { PlannedObject } from './plan.js';
import type { RollbackResult } from './rollback.js';
import type { NotVerified, VerifyResult } from './verify.js';

// What a deploy is asked to do and what it did: the engine's settings and its outcome.

export type { PhaseTiming };

/**
 * How a run ended: the one result union, which the records, outputs and reports map.
 * `waiting-for-promotion`: verified up to a pause a person ends (waiting.ts says what is
 * waiting); `action: promote` or `reject` continues it.
 */
export type RunResult = 'success' | 'failed' | 'rolled-back' | 'dry-run' | 'waiting-for-promotion';
export type DeployResult = RunResult;

/** The inputs the engine reads as they are; the rest of DeploySettings is what the run made. */
type EngineInputs = Pick<
  Inputs,
  | 'migrationJob'
  | 'migrationTimeoutMs'
  | 'rolloutTimeoutMs'
  | 'rolloutSettleMs'
  | 'crashloopRestarts'
  | 'rollback'
  | 'prune'
  | 'dryRun'
  | 'lockTimeoutMs'
>;

export interface DeploySettings extends EngineInputs {
  releaseName: string;
  /** Records to keep; undefined removes none (a terminal's rollback never trims the action's history). */
  historyLimit: number | undefined;
  /** Why this release exists when not a deploy of new manifests (`rollback to v3`): its record's reason. */
  cause?: string;
  /** Where release records live; default the set's only namespace, else `default`. */
  namespace: string | undefined;
  rendered: readonly RenderedObject[];
  replicasHandovers: readonly ReplicasHandover[];
  images: Record<string, string>;
  tag: string | undefined;
  commit: string | undefined;
  runUrl: string | undefined;
  /** Where the dry run's diff goes. */
  diffPath: string;
  /** The `allow-paused` input: a paused Deployment's template not rolled out passes verify. */
  allowPaused?: boolean;
  /**
   * Objects verified even when the apply leaves them unchanged: the Rollouts a promote moved on
   * (promotion.ts), which the apply of the same manifest does not touch.
   */
  alsoVerify?: readonly ObjectRef[];
  /** The `migrations` input (default run); `migration-not-needed`, skip's escape hatch. */
  migrations?: MigrationsMode;
  migrationNotNeeded?: string;
  /** The `post-deploy-jobs` input: Jobs of the manifests run after verify. */
  postDeployJobs?: readonly string[];
  /** The `policy` input: what a finding of the built-in rules does (default off: the action's default is warn). */
  policy?: Inputs['policy'];
  /** The `policy-skip` input: built-in rules turned off for the run. */
  policySkip?: Inputs['policySkip'];
}

export interface DeployOutcome {
  result: DeployResult;
  releaseName: string;
  /** Where the release records live. */
  namespace?: string;
  /** One sentence (and details) when the result is not success or dry-run. */
  verdict?: string;
  /** Identical to the deployed release: nothing was done. */
  unchanged: boolean;
  /** Nothing reached the cluster. */
  nothingChanged: boolean;
  cancelled: boolean;
  release?: number;
  previousRelease?: number;
  /** The last release that succeeded before this run: what was live, and what a rollback restores. */
  lastGood?: { version: number; commit?: string; tag?: string };
  changes: { ref: ObjectRef; change: PlannedObject['change'] }[];
  migration?: MigrationResult;
  /** `migrations: only`: the run ran the migration and changed nothing else. */
  migrationOnly?: boolean;
  /** The post-deploy Jobs run after verify, in order; the last one failed when the run failed there. */
  postDeploy?: MigrationResult[];
  verify?: VerifyResult;
  /**
   * Changed objects applied and not verified, with why: CronJobs (they run at their schedule),
   * Ingresses, objects annotated k8s-deploy-action/verify "false", custom resources that report no
   * status (verifiable.ts). Configuration kinds in effect once stored are not listed.
   */
  notVerified: NotVerified[];
  rollback?: RollbackResult;
  pruned: ObjectRef[];
  /** Removed from the manifests but never deleted by prune (data-bearing kinds). */
  pruneKept: ObjectRef[];
  /** Dry run: the objects a prune would delete. */
  wouldPrune?: ObjectRef[];
  /** Dry run: the migration Job that would run before the workloads change (none for a live one). */
  wouldMigrate?: ObjectRef;
  /** Dry run: the post-deploy Jobs that would run after verify (none that exist for the tag). */
  wouldRunAfterVerify?: ObjectRef[];
  diff?: string;
  diffPath?: string;
  /** Where the failing object is written in the manifests, when one object is to blame. */
  failedAt?: SourceLocation;
  phases: PhaseTiming[];
  kubectlProcesses: number;
  /**
   * Every Secret value the run saw — the manifests', the live ones they replace, the last good
   * release's — in the forms text shows them: for masking (log, summary), never to print.
   */
  secretValues: string[];
}
