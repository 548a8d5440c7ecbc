import { load } from 'js-yaml';
import { seconds } from '../duration.js';
import type { Logger } from '../log.js';
import { locationOf, type SourceLocation } from '../manifests/errors.js';
import type { RenderedObject } from '../manifests/render.js';
import { type PhaseTiming, phaseTimer } from '../phases.js';
import { isRecord } from '../records.js';
import { nothingChanged } from '../verdict.js';
import { applyObjects, handOverReplicas, parseManifest, waitForCrds } from './apply.js';
import { dryRunDiff, prune, record, recordOf } from './finish.js';
import { identitiesOf } from './identity.js';
import { KubeApi } from './kube-api.js';
import type { Kubectl } from './kubectl.js';
import { runMigration } from './migrate.js';
import { describeRef, type Json, keyOf, refOf, secretValues, uidOf } from './objects.js';
import {
  dryRun,
  namespaceOfRecord,
  type Plan,
  type PlannedObject,
  planDeploy,
  producedByOperators,
} from './plan.js';
import { encodeRecord, ReleaseStore } from './release.js';
import { type HeldLock, type LockOwner, lockForRun, type ReleaseLock } from './release-lock.js';
import { rollBack } from './rollback.js';
import { rolloutPolicy } from './rollout/policy.js';
import { logFailureDetails, VERIFIED_KINDS, verifyRollout } from './verify.js';

export interface DeployDeps {
  kubectl: Kubectl;
  /** An API client already started over `kubectl` (the CLI's rollback has one); else the run starts its own. */
  api?: KubeApi;
  logger: Logger;
  /** Aborts when the run is cancelled. */
  signal: AbortSignal;
  now?: () => number;
  /**
   * Told once the plan passed and the run will deploy (not for a dry run): the release it will
   * record and the one before it. The GitHub deployment is created here, so it says
   * "in progress" exactly while the cluster may change.
   */
  onDeploying?: (release: {
    version: number;
    previous: number | undefined;
    unchanged: boolean;
    /** image name → the reference deployed */
    images: Record<string, string>;
  }) => Promise<void>;
  /** Who this run is for the release lock (default: user@host pid), and who is told it is held. */
  lockOwner?: LockOwner;
  onLock?: (held: HeldLock | undefined) => void;
}

import type { DeployOutcome, DeploySettings } from './outcome.js';

export type { DeployOutcome, DeployResult, DeploySettings, PhaseTiming } from './outcome.js';

/**
 * One deploy as a transaction over a release: plan (dry run of the whole set), migrate,
 * apply, verify, roll back what failed, prune, record. Every path ends in an outcome —
 * failures included — and the cluster in one of two states: the new release verified, or the
 * previous one restored (before apply: untouched).
 */
export async function deploy(settings: DeploySettings, deps: DeployDeps): Promise<DeployOutcome> {
  const { kubectl, logger, signal } = deps;
  const now = deps.now ?? Date.now;
  const startedAt = now();
  const outcome: DeployOutcome = {
    result: 'failed',
    releaseName: settings.releaseName,
    unchanged: false,
    nothingChanged: true,
    cancelled: false,
    changes: [],
    pruned: [],
    pruneKept: [],
    phases: [],
    kubectlProcesses: 0,
    secretValues: [],
  };
  const phase = phaseTimer(outcome.phases, logger, signal, now);
  const policy = rolloutPolicy(settings.crashloopRestarts, settings.rolloutSettleMs);
  policy.allowPaused = settings.allowPaused === true;
  let api: KubeApi | undefined;
  let lock: ReleaseLock | undefined;
  try {
    const cluster = deps.api ?? (await KubeApi.start(kubectl));
    if (!deps.api) api = cluster;
    const plan = await phase('Plan', async () => {
      const rendered = settings.rendered;
      const identities = await identitiesOf(
        rendered.map((r) => ({ apiVersion: r.apiVersion, kind: r.kind, ...crdSpec(r) })),
        settings.namespace,
        cluster,
        kubectl,
      );
      const namespace = namespaceOfRecord(
        rendered.map((r) => identities.resolveRef(r).namespace),
        settings.namespace,
        identities.defaultNamespace,
      );
      const store = new ReleaseStore(cluster, namespace, settings.releaseName);
      outcome.namespace = namespace;
      lock = await lockForRun(cluster, {
        namespace,
        release: settings.releaseName,
        timeoutMs: settings.lockTimeoutMs,
        dryRun: settings.dryRun,
        operation: settings.cause?.startsWith('rollback') ? 'rollback' : 'deploy',
        owner: deps.lockOwner,
        onChange: deps.onLock,
        logger,
        signal,
        now,
      });
      const history = await store.history();
      const latest = history[0];
      const lastGood = history.find((record) => record.status === 'success');
      await identities.learn(
        cluster,
        (lastGood?.objects ?? []).map((ref) => ref.apiVersion),
      );
      logger.info(
        latest
          ? `Release ${settings.releaseName} in namespace ${namespace}: v${latest.version} (${latest.status}) is the latest${
              lastGood && lastGood !== latest ? `, v${lastGood.version} the last good one` : ''
            }.`
          : `Release ${settings.releaseName} in namespace ${namespace} has no earlier records: this is its first release.`,
      );
      if (settings.namespace === undefined && identities.defaultNamespace !== 'default') {
        logger.info(
          `Objects that name no namespace go to namespace ${identities.defaultNamespace}, the kubeconfig context's.`,
        );
      }
      const planned = await planDeploy(
        {
          rendered,
          migrationJobName: settings.migrationJob,
          tag: settings.tag,
          migrationTimeoutMs: settings.migrationTimeoutMs,
          latest,
          lastGood,
          identities,
        },
        kubectl,
        logger,
      );
      const version = (latest?.version ?? 0) + 1;
      // The record must fit in a Secret: find out now, not after the cluster changed.
      encodeRecord(recordOf(settings, planned, version, 'success', startedAt, now(), lastGood?.version));
      return { plan: planned, store, history, latest, lastGood, version, identities };
    });
    outcome.changes = plan.plan.objects.map((o) => ({ ref: o.ref, change: o.change }));
    // The manifests' Secret values, the live ones they replace and the last good release's (a
    // rollback restores them) are masked from here on, in the log and in the summary.
    outcome.secretValues = [
      ...new Set([
        ...plan.plan.objects.flatMap((o) => [...secretValues(o.object), ...secretValues(o.live)]),
        ...(plan.lastGood ? parseManifest(plan.lastGood.manifest).flatMap(secretValues) : []),
      ]),
    ];
    for (const value of outcome.secretValues) logger.setSecret(value);
    policy.producedByOperators = producedByOperators(plan.plan.objects);
    outcome.previousRelease = plan.latest?.version;

    if (settings.dryRun) {
      await phase('Diff', () => dryRunDiff(settings, plan.plan, plan.lastGood, kubectl, logger, outcome));
      outcome.result = 'dry-run';
      return outcome;
    }
    await deps.onDeploying?.({
      version: plan.plan.unchanged && plan.latest ? plan.latest.version : plan.version,
      previous: plan.latest?.version,
      unchanged: plan.plan.unchanged,
      images: settings.images,
    });
    if (plan.plan.unchanged && plan.latest) {
      logger.info(
        `Release ${settings.releaseName} v${plan.latest.version} already has exactly these manifests and the cluster matches them: nothing to do.`,
      );
      outcome.unchanged = true;
      outcome.release = plan.latest.version;
      outcome.result = 'success';
      return outcome;
    }
    if (signal.aborted)
      throw new Error('The run was cancelled before anything was applied; nothing changed.');

    const { objects, migration } = plan.plan;
    const stage = (name: PlannedObject['stage']) => objects.filter((o) => o.stage === name);
    let workloadsApplied = false;
    // key → uid of each object this run created: the rollback deletes only these, by uid.
    const created = new Map<string, string>();
    const creates = new Set(objects.filter((o) => o.change === 'create').map((o) => o.key));
    const remember = (applied: Json[]) => {
      for (const object of applied) {
        const key = keyOf(refOf(object));
        const uid = uidOf(object);
        if (creates.has(key) && uid !== undefined && !created.has(key)) created.set(key, uid);
      }
    };
    // Everything that changes the cluster. A step that throws after the first write (a webhook
    // the dry run could not see, an API server gone) is a failure like a failed verify: it
    // goes through the same rollback and record, so the cluster ends in one of two states.
    const mutate = async (): Promise<string | undefined> => {
      const definitions = stage('definitions');
      if (definitions.length > 0 || objects.some((o) => o.deferred)) {
        await phase('Apply definitions', async () => {
          outcome.nothingChanged = false;
          await applyObjects(
            definitions.map((o) => o.object),
            kubectl,
            logger,
            'namespace and CRD',
            remember,
          );
          await waitForCrds(
            definitions.filter((o) => o.ref.kind === 'CustomResourceDefinition'),
            cluster,
            signal,
          );
          const deferred = [...objects, ...(migration ? [migration] : [])].filter((o) => o.deferred);
          await dryRun(deferred, kubectl, logger);
        });
      }
      const configuration = stage('configuration');
      if (configuration.length > 0) {
        await phase('Apply configuration', async () => {
          outcome.nothingChanged = false;
          await applyObjects(
            configuration.map((o) => o.object),
            kubectl,
            logger,
            'configuration',
            remember,
          );
        });
      }
      let failure: string | undefined;
      if (migration) {
        const result = await phase('Migrate', () =>
          runMigration(migration, {
            kubectl,
            api: cluster,
            logger,
            policy,
            timeoutMs: settings.migrationTimeoutMs,
            signal,
          }),
        );
        outcome.migration = result;
        if (result.status === 'failed') {
          failure = result.verdict;
          markLastPhase(outcome, result.leftRunning ? 'cancelled' : 'failed');
        }
      }
      if (failure === undefined && !signal.aborted) {
        await phase('Apply', async () => {
          outcome.nothingChanged = false;
          workloadsApplied = true;
          await handOverReplicas(
            settings.replicasHandovers.map((h) => ({
              ...h,
              namespace: plan.identities.resolveRef(h).namespace,
            })),
            kubectl,
            logger,
          );
          await applyObjects(
            stage('workloads').map((o) => o.object),
            kubectl,
            logger,
            'workload and other',
            remember,
          );
        });
        const targets = objects
          .filter((o) => VERIFIED_KINDS.has(o.ref.kind) && o.change !== 'unchanged')
          .map((o) => o.ref);
        const verify = await phase('Verify', async () => {
          logger.info(
            `Waiting for ${targets.length} workload(s) at once (rollout-timeout ${seconds(settings.rolloutTimeoutMs)}): ${targets.map(describeRef).join(', ') || 'none'}.`,
          );
          return verifyRollout(targets, {
            api: cluster,
            logger,
            policy,
            timeoutMs: settings.rolloutTimeoutMs,
            signal,
            since: startedAt,
          });
        });
        outcome.verify = verify;
        if (!verify.ok) {
          failure = verify.verdict ?? 'Verification failed.';
          markLastPhase(outcome, verify.cancelled ? 'cancelled' : 'failed');
        }
      } else if (failure === undefined) {
        failure = 'The run was cancelled before the workloads were applied.';
      }
      return failure;
    };
    let failure: string | undefined;
    try {
      failure = await mutate();
    } catch (error) {
      if (outcome.nothingChanged) throw error;
      failure = (error as Error).message;
    }

    if (failure === undefined) {
      if (settings.prune) await phase('Prune', () => prune(plan.plan, kubectl, logger, outcome));
      await phase('Record', () =>
        record(settings, plan, 'success', undefined, startedAt, now(), logger, outcome),
      );
      outcome.result = 'success';
      return outcome;
    }

    logger.info(`Deploy failed: ${failure}`);
    outcome.failedAt = blame(plan.plan, outcome);
    logFailureDetails(outcome.verify?.ok === false ? outcome.verify : outcome.migration?.verify, logger);
    outcome.verdict = failure;
    outcome.cancelled = signal.aborted;
    const leftRunning = outcome.migration?.leftRunning === true;
    if (settings.rollback && !leftRunning && !outcome.nothingChanged) {
      if (plan.lastGood) {
        const lastGood = plan.lastGood;
        const rollback = await phase('Roll back', () =>
          rollBack(
            {
              // Only what this run applied: a failed migration leaves the workloads untouched.
              plan: workloadsApplied
                ? plan.plan
                : { ...plan.plan, objects: plan.plan.objects.filter((o) => o.stage !== 'workloads') },
              lastGood,
              created,
              identities: plan.identities,
              updateRevisions: outcome.verify?.updateRevisions ?? new Map(),
              timeoutMs: settings.rolloutTimeoutMs,
              policy,
            },
            { kubectl, api: cluster, logger, signal },
          ),
        );
        outcome.rollback = rollback;
        if (rollback.applied && rollback.restored.length + rollback.deleted.length > 0)
          outcome.result = 'rolled-back';
      } else {
        logger.info(
          `Nothing to roll back to: this is the first release of ${settings.releaseName}. The objects are left as they are for debugging.`,
        );
      }
    } else if (!settings.rollback && !outcome.nothingChanged) {
      logger.info('rollback is false: the failed release is left in place.');
    }
    const status = outcome.result === 'rolled-back' ? 'rolled-back' : 'failed';
    if (!outcome.nothingChanged) {
      await phase('Record', () => record(settings, plan, status, failure, startedAt, now(), logger, outcome));
    }
    return outcome;
  } catch (error) {
    const message = (error as Error).message;
    outcome.cancelled = signal.aborted;
    outcome.failedAt ??= locationOf(error);
    outcome.verdict = message;
    if (outcome.nothingChanged) outcome.verdict = nothingChanged(message);
    outcome.result = 'failed';
    return outcome;
  } finally {
    // Another run took the lock meanwhile: what is live may be its release, not this one's.
    const lost = await lock?.release();
    if (lost !== undefined && outcome.result === 'success')
      Object.assign(outcome, { result: 'failed', verdict: lost });
    outcome.kubectlProcesses = kubectl.processes;
    await api?.close();
  }
}

/** The manifest location of what failed: the failing workload, else the migration Job. */
function blame(plan: Plan, outcome: DeployOutcome): SourceLocation | undefined {
  const failed = outcome.verify?.workloads.find((workload) => workload.state === 'failed');
  if (failed) return plan.objects.find((o) => keyOf(o.ref) === keyOf(failed.ref))?.location;
  if (outcome.migration?.status === 'failed') return plan.migration?.location;
  return undefined;
}

/** A phase that returned a failed result (rather than throwing) is still a failed phase. */
function markLastPhase(outcome: DeployOutcome, state: PhaseTiming['outcome']): void {
  const last = outcome.phases.at(-1);
  if (last) last.outcome = state;
}

/** A rendered CustomResourceDefinition's spec (its kinds' scope), parsed; nothing for other kinds. */
function crdSpec(rendered: RenderedObject): { spec?: unknown } {
  if (rendered.kind !== 'CustomResourceDefinition') return {};
  const parsed = load(rendered.yaml);
  return isRecord(parsed) ? { spec: parsed.spec } : {};
}
