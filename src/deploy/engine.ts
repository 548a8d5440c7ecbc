import { load } from 'js-yaml';
import { seconds } from '../duration.js';
import type { Logger } from '../log.js';
import { locationOf, type SourceLocation } from '../manifests/errors.js';
import type { RenderedObject } from '../manifests/render.js';
import { type PhaseTiming, phaseTimer } from '../phases.js';
import { isRecord } from '../records.js';
import { plural } from '../text.js';
import { nothingChanged } from '../verdict.js';
import { applyObjects, handOverReplicas, parseManifest, waitForCrds } from './apply.js';
import { dryRunDiff } from './diff.js';
import { type Identities, identitiesOf } from './identity.js';
import { KubeApi } from './kube-api.js';
import type { Kubectl } from './kubectl.js';
import { type MigrationResult, runMigration } from './migrate.js';
import { migrationPrerequisites } from './migrate-only.js';
import { guardMigration } from './migration-guard.js';
import { unnamedReleaseJobWarnings } from './migration-job.js';
import { describeRef, keyOf, type ObjectRef, refOf, secretValues, uidOf } from './objects.js';
import {
  dryRun,
  namespaceOfRecord,
  type Plan,
  type PlannedObject,
  planDeploy,
  producedByOperators,
} from './plan.js';
import { checkPodSecurity, podSecurityChecks, podSecurityLabels, readNamespaces } from './pod-security.js';
import { checkPolicy } from './policy.js';
import { prune } from './prune.js';
import { checkQuotas } from './quota.js';
import { record, recordOf } from './record.js';
import { encodeRecord, type ReleaseRecord, ReleaseStore } from './release.js';
import { type HeldLock, type LockOwner, lockForRun, type ReleaseLock } from './release-lock.js';
import { rollBack } from './rollback.js';
import { isArgoRollout, workloadRefName } from './rollout/argo.js';
import { rolloutPolicy } from './rollout/policy.js';
import type { RolloutPolicy } from './rollout/types.js';
import { isRolloutTarget, verificationOf } from './verifiable.js';
import { logFailureDetails, type NotVerified, verifyRollout } from './verify.js';
import { waitingForPromotion, waitingVerdict } from './waiting.js';

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
  /**
   * The caller holds the release's lock already (the CLI's rollback takes it before it reads the
   * history it picks its target from): the run neither takes nor releases it.
   */
  lockHeld?: boolean;
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
export function deploy(settings: DeploySettings, deps: DeployDeps): Promise<DeployOutcome> {
  return new DeployRun(settings, deps).run();
}

/** What the plan phase found: the change set, the records, the release this run will be. */
interface PlannedRelease {
  plan: Plan;
  store: ReleaseStore;
  history: ReleaseRecord[];
  latest?: ReleaseRecord;
  /** The latest record of a deploy (a `migrations: only` run's record apart): what "already deployed" compares with. */
  deployed?: ReleaseRecord;
  lastGood?: ReleaseRecord;
  version: number;
  identities: Identities;
  /** Pod templates in Namespaces this set creates or relabels: checked once those are applied. */
  podSecurityLater: PlannedObject[];
}

/** One run of `deploy`: its steps, each a method, over the state they share. */
class DeployRun {
  private readonly outcome: DeployOutcome;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly phase: ReturnType<typeof phaseTimer>;
  private readonly policy: RolloutPolicy;
  /** The API client this run started (closed at its end), if it was not handed one. */
  private ownApi: KubeApi | undefined;
  private lock: ReleaseLock | undefined;
  /** key → uid of each object this run created: the rollback deletes only these, by uid. */
  private readonly created = new Map<string, string>();
  private workloadsApplied = false;

  constructor(
    private readonly settings: DeploySettings,
    private readonly deps: DeployDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.startedAt = this.now();
    this.outcome = {
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
      notVerified: [],
    };
    this.phase = phaseTimer(this.outcome.phases, deps.logger, deps.signal, this.now);
    this.policy = rolloutPolicy(settings.crashloopRestarts, settings.rolloutSettleMs);
    this.policy.allowPaused = settings.allowPaused === true;
  }

  async run(): Promise<DeployOutcome> {
    const { outcome, settings } = this;
    try {
      const cluster = this.deps.api ?? (await this.startApi());
      const planned = await this.phase('Plan', () => this.plan(cluster));
      this.takeInPlan(planned);
      if (settings.migrations === 'only') return await this.migrateOnly(planned, cluster);
      if (settings.dryRun) {
        await this.phase('Diff', () =>
          dryRunDiff(settings, planned.plan, planned.lastGood, this.deps.kubectl, this.deps.logger, outcome),
        );
        outcome.result = 'dry-run';
        return outcome;
      }
      await this.announce(planned);
      if (planned.plan.unchanged && planned.deployed) return this.alreadyDeployed(planned.deployed);
      if (this.deps.signal.aborted)
        throw new Error('The run was cancelled before anything was applied; nothing changed.');
      const failure = await this.change(planned, cluster);
      return failure === undefined ? await this.succeed(planned) : await this.fail(planned, failure, cluster);
    } catch (error) {
      return this.refused(error);
    } finally {
      await this.end();
    }
  }

  private async startApi(): Promise<KubeApi> {
    this.ownApi = await KubeApi.start(this.deps.kubectl);
    return this.ownApi;
  }

  /** The release's lock, before the records are read: another run's deploy must not overlap. */
  private takeLock(cluster: KubeApi, namespace: string): Promise<ReleaseLock | undefined> {
    const { settings, deps } = this;
    return lockForRun(cluster, {
      namespace,
      release: settings.releaseName,
      timeoutMs: settings.lockTimeoutMs,
      dryRun: settings.dryRun,
      operation: 'deploy',
      owner: deps.lockOwner,
      onChange: deps.onLock,
      logger: deps.logger,
      signal: deps.signal,
      now: this.now,
    });
  }

  /** The plan phase: identities, the lock, the records, the change set (see plan.ts). */
  private async plan(cluster: KubeApi): Promise<PlannedRelease> {
    const { settings, deps, outcome } = this;
    const { kubectl, logger } = deps;
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
    if (!deps.lockHeld) this.lock = await this.takeLock(cluster, namespace);
    const history = await store.history();
    const latest = history[0];
    const deployed = history.find((record) => record.status !== 'migrated');
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
    const plan = await planDeploy(
      {
        rendered,
        migrationJobName: settings.migrationJob,
        postDeployJobNames: settings.postDeployJobs,
        tag: settings.tag,
        migrationTimeoutMs: settings.migrationTimeoutMs,
        latest: deployed,
        lastGood,
        identities,
      },
      kubectl,
      logger,
    );
    for (const warning of unnamedReleaseJobWarnings(plan.objects.map((o) => o.object)))
      logger.warning(warning);
    await this.checkMigrationsMode(plan, history, cluster);
    // A migrate-only run is judged on what it runs: its Job, not workloads it leaves alone.
    await checkPolicy(
      settings.migrations === 'only'
        ? plan.migration
          ? [plan.migration]
          : []
        : [...plan.objects, ...(plan.migration ? [plan.migration] : []), ...plan.postDeploy],
      settings.policy ?? 'off',
      settings.policySkip ?? [],
      cluster,
      logger,
    );
    const podSecurityLater = await this.checkPodSecurityNow(plan, cluster);
    // A migration Job that exists already makes no new pods, nor one this run skips; a migrate-only
    // run makes only its pods; post-deploy Jobs that do not exist yet are counted with the release.
    const only = settings.migrations === 'only';
    const migration =
      plan.migration && !plan.migration.live && settings.migrations !== 'skip' ? plan.migration : undefined;
    const afterVerify = only ? [] : plan.postDeploy.filter((o) => !o.live);
    await checkQuotas(
      [...(only ? [] : plan.objects), ...(migration ? [migration] : []), ...afterVerify],
      cluster,
      logger,
      migration,
    );
    const version = (latest?.version ?? 0) + 1;
    // The record must fit in a Secret: find out now, not after the cluster changed.
    encodeRecord(recordOf(settings, plan, version, 'success', this.startedAt, this.now(), lastGood?.version));
    return { plan, store, history, latest, deployed, lastGood, version, identities, podSecurityLater };
  }

  /**
   * `migrations: skip` refuses a release whose migration has not completed here (migration-guard.ts);
   * `only` needs a migration Job to run. Before any write.
   */
  private async checkMigrationsMode(plan: Plan, history: ReleaseRecord[], cluster: KubeApi): Promise<void> {
    const { settings, deps } = this;
    const migration = plan.migration;
    if (settings.migrations === 'skip' && migration) {
      await guardMigration(
        {
          releaseName: settings.releaseName,
          commit: settings.commit,
          tag: settings.tag,
          notNeeded: settings.migrationNotNeeded,
          history,
          migration,
        },
        cluster,
        deps.logger,
      );
    }
    if (settings.migrations === 'only') {
      if (!migration)
        throw new Error("migrations: only needs 'migration-job' naming the migration Job; expected it set.");
    }
  }

  /**
   * Pod Security of every pod template, by the cluster's own evaluation (pod-security.ts), in
   * namespaces whose labels the server has now; answers the templates in Namespaces that this
   * set creates or relabels, which can be judged only once those are applied.
   */
  private async checkPodSecurityNow(plan: Plan, cluster: KubeApi): Promise<PlannedObject[]> {
    const all = [
      ...(this.settings.migrations === 'only' ? [] : plan.objects),
      ...(plan.migration ? [plan.migration] : []),
      ...(this.settings.migrations === 'only' ? [] : plan.postDeploy),
    ];
    const namespaces = all.flatMap((o) => (o.ref.namespace === undefined ? [] : [o.ref.namespace]));
    const live = await readNamespaces(namespaces, cluster, this.deps.logger);
    const { now, later, laterNamespaces } = podSecurityChecks(all, live);
    const labels = new Map([...live].map(([name, namespace]) => [name, podSecurityLabels(namespace)]));
    await checkPodSecurity(now, labels, cluster, this.deps.logger);
    if (later.length > 0) {
      const when = this.settings.dryRun
        ? 'a dry run applies nothing, so they are not checked'
        : 'they are dry-run as pods right after the Namespaces are applied, before anything else is';
      this.deps.logger.info(
        `This set creates Namespace(s) ${laterNamespaces.join(', ')} or changes their Pod Security labels; the server can judge the ${later.length} pod template(s) there by those labels only once they are applied: ${when}.`,
      );
    }
    return later;
  }

  /** What the rest of the run and the reports take from the plan; the Secret values masked from here on. */
  private takeInPlan(planned: PlannedRelease): void {
    const { outcome } = this;
    outcome.changes = planned.plan.objects.map((o) => ({ ref: o.ref, change: o.change }));
    // The manifests' Secret values, the live ones they replace and the last good release's (a
    // rollback restores them) are masked from here on, in the log and in the summary.
    outcome.secretValues = [
      ...new Set([
        ...planned.plan.objects.flatMap((o) => [...secretValues(o.object), ...secretValues(o.live)]),
        ...(planned.lastGood ? parseManifest(planned.lastGood.manifest).flatMap(secretValues) : []),
      ]),
    ];
    for (const value of outcome.secretValues) this.deps.logger.setSecret(value);
    this.policy.producedByOperators = producedByOperators(planned.plan.objects);
    outcome.previousRelease = planned.latest?.version;
    const good = planned.lastGood;
    if (good) outcome.lastGood = { version: good.version, commit: good.commit, tag: good.tag };
  }

  /** Tells the front end (the GitHub deployment) the release this run is about to make. */
  private async announce(planned: PlannedRelease): Promise<void> {
    await this.deps.onDeploying?.({
      version: planned.plan.unchanged && planned.latest ? planned.latest.version : planned.version,
      previous: planned.latest?.version,
      unchanged: planned.plan.unchanged,
      images: this.settings.images,
    });
  }

  private alreadyDeployed(latest: ReleaseRecord): DeployOutcome {
    this.deps.logger.info(
      `Release ${this.settings.releaseName} v${latest.version} already has exactly these manifests and the cluster matches them: nothing to do.`,
    );
    Object.assign(this.outcome, { unchanged: true, release: latest.version, result: 'success' });
    return this.outcome;
  }

  /**
   * Everything that changes the cluster; answers why it failed, or undefined. A step that throws
   * after the first write (a webhook the dry run could not see, an API server gone) is a failure
   * like a failed verify: it goes through the same rollback and record, so the cluster ends in
   * one of two states. One that throws before any write is the plan's refusal.
   */
  private async change(planned: PlannedRelease, cluster: KubeApi): Promise<string | undefined> {
    try {
      await this.applyDefinitions(planned, cluster);
      await this.lockCreatedNamespace(planned, cluster);
      await this.applyStage(planned, 'configuration', 'Apply configuration', 'configuration');
      const migrationFailed = await this.migrate(planned, cluster);
      if (migrationFailed !== undefined) return migrationFailed;
      if (this.deps.signal.aborted) return 'The run was cancelled before the workloads were applied.';
      await this.applyWorkloads(planned);
      const failed = await this.verify(planned, cluster);
      if (failed !== undefined) return failed;
      if (waitingForPromotion(this.outcome.verify).length > 0 && planned.plan.postDeploy.length > 0) {
        // Against a release half rolled out they would test the canary and the stable pods at once.
        this.deps.logger.info(
          `The post-deploy Jobs (${planned.plan.postDeploy.map((o) => o.ref.name).join(', ')}) are not run: the release waits for promotion.`,
        );
        return undefined;
      }
      return await this.runPostDeployJobs(planned, cluster);
    } catch (error) {
      if (this.outcome.nothingChanged) throw error;
      this.outcome.failedAt = locationOf(error);
      return (error as Error).message;
    }
  }

  /** Namespaces and CRDs, then the dry run of what lives in them or is of their kinds. */
  private async applyDefinitions(planned: PlannedRelease, cluster: KubeApi): Promise<void> {
    const { objects, migration } = planned.plan;
    const definitions = objects.filter((o) => o.stage === 'definitions');
    // Definitions the dry run found unchanged (a redeploy into existing namespaces) would be
    // applied to no effect: no phase, no kubectl process.
    const pending = definitions.some((o) => o.change !== 'unchanged');
    if (!pending && !objects.some((o) => o.deferred)) return;
    await this.phase('Apply definitions', async () => {
      if (pending) await this.apply(definitions, 'namespace and CRD');
      await waitForCrds(
        definitions.filter((o) => o.ref.kind === 'CustomResourceDefinition'),
        cluster,
        this.deps.signal,
      );
      const deferred = [...objects, ...(migration ? [migration] : []), ...planned.plan.postDeploy].filter(
        (o) => o.deferred,
      );
      await dryRun(deferred, this.deps.kubectl, this.deps.logger);
      const later = planned.podSecurityLater;
      if (later.length > 0) {
        const live = await readNamespaces(
          later.flatMap((o) => (o.ref.namespace === undefined ? [] : [o.ref.namespace])),
          cluster,
          this.deps.logger,
        );
        const labels = new Map([...live].map(([name, namespace]) => [name, podSecurityLabels(namespace)]));
        await checkPodSecurity(later, labels, cluster, this.deps.logger);
      }
    });
  }

  /**
   * A records namespace that did not exist at the plan could not hold the lock then; now that the
   * definitions made it, the lock is taken before anything else changes. Another run that got
   * there first and recorded a release meanwhile makes this run's plan stale: it stops.
   */
  private async lockCreatedNamespace(planned: PlannedRelease, cluster: KubeApi): Promise<void> {
    if (this.lock || this.deps.lockHeld || this.settings.dryRun) return;
    const namespace = planned.store.namespace;
    this.lock = await this.takeLock(cluster, namespace);
    if (!this.lock) return;
    const latest = (await planned.store.history())[0];
    if (latest !== undefined && latest.version !== planned.latest?.version) {
      throw new Error(
        `Another run recorded release ${this.settings.releaseName} v${latest.version} in namespace ${namespace} while this run created that namespace and waited for the release's lock; this run's plan is out of date, so it stopped before any workload changed. Run it again to deploy on top of v${latest.version}.`,
      );
    }
  }

  private async applyStage(
    planned: PlannedRelease,
    stage: PlannedObject['stage'],
    phaseName: string,
    what: string,
  ): Promise<void> {
    const objects = planned.plan.objects.filter((o) => o.stage === stage);
    if (objects.length === 0) return;
    await this.phase(phaseName, () => this.apply(objects, what));
  }

  /** Applies objects, keeping the uid of each one this run created (the apply's answer). */
  private async apply(objects: readonly PlannedObject[], what: string): Promise<void> {
    this.outcome.nothingChanged = false;
    const creates = new Set(objects.filter((o) => o.change === 'create').map((o) => o.key));
    await applyObjects(
      objects.map((o) => o.object),
      this.deps.kubectl,
      this.deps.logger,
      what,
      (applied) => {
        for (const object of applied) {
          const key = keyOf(refOf(object));
          const uid = uidOf(object);
          if (creates.has(key) && uid !== undefined && !this.created.has(key)) this.created.set(key, uid);
        }
      },
    );
  }

  /** The migration Job, when the set has one; answers its failure, or undefined. */
  private async migrate(planned: PlannedRelease, cluster: KubeApi): Promise<string | undefined> {
    const migration = planned.plan.migration;
    if (!migration) return undefined;
    if (this.settings.migrations === 'skip') {
      this.deps.logger.info(
        `migrations: skip: the migration Job ${describeRef(migration.ref)} is not run by this deploy.`,
      );
      return undefined;
    }
    const result = await this.phase('Migrate', () =>
      runMigration(migration, {
        kubectl: this.deps.kubectl,
        api: cluster,
        logger: this.deps.logger,
        policy: this.policy,
        timeoutMs: this.settings.migrationTimeoutMs,
        signal: this.deps.signal,
      }),
    );
    this.outcome.migration = result;
    if (result.status !== 'failed') return undefined;
    markLastPhase(this.outcome, result.leftRunning ? 'cancelled' : 'failed');
    return result.verdict;
  }

  /** The workloads and the rest, after the replicas hand-over to their autoscalers. */
  private async applyWorkloads(planned: PlannedRelease): Promise<void> {
    await this.phase('Apply', async () => {
      this.outcome.nothingChanged = false;
      this.workloadsApplied = true;
      await handOverReplicas(
        this.settings.replicasHandovers.map((h) => ({
          ...h,
          namespace: planned.identities.resolveRef(h).namespace,
        })),
        this.deps.kubectl,
        this.deps.logger,
      );
      await this.apply(
        planned.plan.objects.filter((o) => o.stage === 'workloads'),
        'workload and other',
      );
    });
  }

  /**
   * Every changed workload and custom resource watched at once (verifiable.ts says which); answers
   * the verdict of a failure, or undefined. What is applied and not verified is said, not counted.
   */
  private async verify(planned: PlannedRelease, cluster: KubeApi): Promise<string | undefined> {
    const { settings, deps, outcome } = this;
    const also = new Set([
      ...(settings.alsoVerify ?? []).map(keyOf),
      ...rolloutsOfChangedDeployments(planned.plan.objects),
    ]);
    const changed = planned.plan.objects.filter((o) => o.change !== 'unchanged' || also.has(keyOf(o.ref)));
    const targets: ObjectRef[] = [];
    for (const o of changed) {
      const verification = verificationOf(o.object);
      if (verification.by === 'rollout' || verification.by === 'conditions') targets.push(o.ref);
      else if (verification.by === 'nothing') outcome.notVerified.push({ ref: o.ref, why: verification.why });
    }
    const workloads = targets.filter(isRolloutTarget).length;
    const others = targets.length - workloads;
    const verify = await this.phase('Verify', async () => {
      deps.logger.info(
        `Waiting for ${workloads} workload(s) at once${others > 0 ? `, with ${others} other object(s) by their conditions` : ''} (rollout-timeout ${seconds(settings.rolloutTimeoutMs)}): ${targets.map(describeRef).join(', ') || 'none'}.`,
      );
      if (outcome.notVerified.length > 0)
        deps.logger.info(`Applied, not verified: ${listNotVerified(outcome.notVerified)}.`);
      return verifyRollout(targets, {
        api: cluster,
        logger: deps.logger,
        policy: this.policy,
        timeoutMs: settings.rolloutTimeoutMs,
        signal: deps.signal,
        since: this.startedAt,
        pathOf: (ref) => planned.identities.pathOf(ref),
      });
    });
    outcome.verify = verify;
    outcome.notVerified.push(...(verify.notVerified ?? []));
    if (verify.ok) return undefined;
    markLastPhase(this.outcome, verify.cancelled ? 'cancelled' : 'failed');
    return verify.verdict ?? 'Verification failed.';
  }

  /**
   * The post-deploy Jobs (smoke tests, seeders), one after another once the workloads are
   * verified, each run like the migration (per-release name, logs, fail-fast, timeout, cleanup);
   * answers the first failure, which rolls the workloads back like a failed verify.
   */
  private async runPostDeployJobs(planned: PlannedRelease, cluster: KubeApi): Promise<string | undefined> {
    const jobs = planned.plan.postDeploy;
    if (jobs.length === 0) return undefined;
    const results = await this.phase('Post-deploy jobs', async () => {
      const done: MigrationResult[] = [];
      for (const job of jobs) {
        if (this.deps.signal.aborted) break;
        const result = await runMigration(job, {
          kubectl: this.deps.kubectl,
          api: cluster,
          logger: this.deps.logger,
          policy: this.policy,
          timeoutMs: this.settings.migrationTimeoutMs,
          signal: this.deps.signal,
          role: 'post-deploy',
        });
        done.push(result);
        if (result.status === 'failed') break;
      }
      return done;
    });
    this.outcome.postDeploy = results;
    const failed = results.find((result) => result.status === 'failed');
    if (failed === undefined && !this.deps.signal.aborted) return undefined;
    markLastPhase(this.outcome, this.deps.signal.aborted ? 'cancelled' : 'failed');
    return failed?.verdict ?? 'The run was cancelled before the post-deploy Jobs completed.';
  }

  /**
   * `migrations: only`: the release's migration Job and nothing else — no definitions, no
   * configuration, no workloads — recorded as a `migrated` release of the commit, which lets a
   * later `migrations: skip` deploy of it through.
   */
  private async migrateOnly(planned: PlannedRelease, cluster: KubeApi): Promise<DeployOutcome> {
    const { settings, deps, outcome } = this;
    outcome.migrationOnly = true;
    outcome.changes = [];
    if (deps.signal.aborted)
      throw new Error('The run was cancelled before the migration Job was created; nothing changed.');
    if (settings.dryRun) return this.wouldMigrateOnly(planned);
    await this.createMigrationPrerequisites(planned, cluster);
    outcome.nothingChanged = false;
    const failure = await this.migrate(planned, cluster);
    const onlyJob = { ...planned, plan: { ...planned.plan, objects: [] } };
    const status = failure === undefined ? 'migrated' : 'failed';
    await this.phase('Record', () =>
      record(settings, onlyJob, status, failure, this.startedAt, this.now(), deps.logger, outcome),
    );
    if (failure === undefined) {
      deps.logger.info(
        `migrations: only: the migration of ${settings.commit ?? settings.tag ?? 'this release'} ran; no workload was changed.`,
      );
      outcome.result = 'success';
      return outcome;
    }
    outcome.failedAt = planned.plan.migration?.location;
    logFailureDetails(outcome.migration?.verify, deps.logger);
    outcome.verdict = failure;
    outcome.cancelled = deps.signal.aborted;
    return outcome;
  }

  /** A migrate-only dry run: what it would create and the Job it would run; no diff of the rest. */
  private wouldMigrateOnly(planned: PlannedRelease): DeployOutcome {
    const { outcome, deps } = this;
    const migration = planned.plan.migration;
    if (!migration) return outcome;
    const { objects } = migrationPrerequisites(planned.plan.objects, migration);
    outcome.changes = objects.map((o) => ({ ref: o.ref, change: o.change }));
    if (!migration.live) outcome.wouldMigrate = migration.ref;
    deps.logger.info(
      `migrations: only: ${migration.live ? `Job ${describeRef(migration.ref)} exists already for this tag (not run again unless it failed)` : `would run Job ${describeRef(migration.ref)}`}${objects.length > 0 ? `, after creating ${objects.map((o) => describeRef(o.ref)).join(', ')}` : ''}; no workload would change.`,
    );
    outcome.result = 'dry-run';
    return outcome;
  }

  /**
   * What a migrate-only run's Job needs and the cluster does not have yet — its Namespace and what
   * lives there when that is new (a first production release migrated on its own), else the new
   * ServiceAccounts, ConfigMaps and Secrets of its namespace (a hashed ConfigMap name) — is
   * created; nothing that exists is changed, so no running pod sees a new object or value.
   */
  private async createMigrationPrerequisites(planned: PlannedRelease, cluster: KubeApi): Promise<void> {
    const migration = planned.plan.migration;
    if (!migration) return;
    const { objects, kept } = migrationPrerequisites(planned.plan.objects, migration);
    if (kept.length > 0)
      this.deps.logger.info(
        `migrations: only changes nothing that exists; the Job runs with the live ${kept.map(describeRef).join(', ')}, which this release changes.`,
      );
    if (objects.length === 0) return;
    this.deps.logger.info(
      `migrations: only creates what the migration Job needs and the cluster does not have yet: ${objects.map((o) => describeRef(o.ref)).join(', ')}.`,
    );
    this.outcome.changes = objects.map((o) => ({ ref: o.ref, change: o.change }));
    const prerequisites = { ...planned, plan: { ...planned.plan, objects } };
    await this.applyDefinitions(prerequisites, cluster);
    await this.lockCreatedNamespace(prerequisites, cluster);
    await this.applyStage(prerequisites, 'configuration', 'Apply configuration', 'configuration');
  }

  private async succeed(planned: PlannedRelease): Promise<DeployOutcome> {
    const { settings, deps, outcome } = this;
    const waiting = waitingForPromotion(outcome.verify);
    if (waiting.length > 0) {
      // Not pruned: until it is promoted, what the last good release had may still serve.
      outcome.verdict = waitingVerdict(settings.releaseName, planned.version, waiting);
      deps.logger.info(outcome.verdict);
      await this.phase('Record', () =>
        record(
          settings,
          planned,
          'waiting-for-promotion',
          outcome.verdict,
          this.startedAt,
          this.now(),
          deps.logger,
          outcome,
        ),
      );
      outcome.result = 'waiting-for-promotion';
      return outcome;
    }
    if (settings.prune)
      await this.phase('Prune', () => prune(planned.plan, deps.kubectl, deps.logger, outcome));
    await this.phase('Record', () =>
      record(settings, planned, 'success', undefined, this.startedAt, this.now(), deps.logger, outcome),
    );
    outcome.result = 'success';
    return outcome;
  }

  /** A failure after the first write: details, the rollback to the last good release, the record. */
  private async fail(planned: PlannedRelease, failure: string, cluster: KubeApi): Promise<DeployOutcome> {
    const { settings, deps, outcome } = this;
    deps.logger.info(`Deploy failed: ${failure}`);
    // A refusal after the definitions were applied (a Pod Security check deferred until then) carries its own line.
    outcome.failedAt = blame(planned.plan, outcome) ?? outcome.failedAt;
    const postDeployFailed = outcome.postDeploy?.find((job) => job.status === 'failed');
    logFailureDetails(
      outcome.verify?.ok === false ? outcome.verify : (postDeployFailed?.verify ?? outcome.migration?.verify),
      deps.logger,
    );
    outcome.verdict = failure;
    outcome.cancelled = deps.signal.aborted;
    const leftRunning = outcome.migration?.leftRunning === true;
    if (settings.rollback && !leftRunning && !outcome.nothingChanged) {
      await this.rollBack(planned, cluster);
    } else if (!settings.rollback && !outcome.nothingChanged) {
      deps.logger.info('rollback is false: the failed release is left in place.');
    }
    const status = outcome.result === 'rolled-back' ? 'rolled-back' : 'failed';
    if (!outcome.nothingChanged) {
      await this.phase('Record', () =>
        record(settings, planned, status, failure, this.startedAt, this.now(), deps.logger, outcome),
      );
    }
    return outcome;
  }

  private async rollBack(planned: PlannedRelease, cluster: KubeApi): Promise<void> {
    const { settings, deps, outcome } = this;
    const lastGood = planned.lastGood;
    if (!lastGood) {
      deps.logger.info(
        `Nothing to roll back to: this is the first release of ${settings.releaseName}. The objects are left as they are for debugging.`,
      );
      return;
    }
    const rollback = await this.phase('Roll back', () =>
      rollBack(
        {
          // Only what this run applied: a failed migration leaves the workloads untouched.
          plan: this.workloadsApplied
            ? planned.plan
            : { ...planned.plan, objects: planned.plan.objects.filter((o) => o.stage !== 'workloads') },
          lastGood,
          created: this.created,
          identities: planned.identities,
          updateRevisions: outcome.verify?.updateRevisions ?? new Map(),
          timeoutMs: settings.rolloutTimeoutMs,
          policy: this.policy,
        },
        { kubectl: deps.kubectl, api: cluster, logger: deps.logger, signal: deps.signal },
      ),
    );
    outcome.rollback = rollback;
    if (rollback.applied && rollback.restored.length + rollback.deleted.length > 0)
      outcome.result = 'rolled-back';
  }

  /** A failure before any write (or a step that threw with nothing changed): the plan refused. */
  private refused(error: unknown): DeployOutcome {
    const { outcome } = this;
    const message = (error as Error).message;
    outcome.cancelled = this.deps.signal.aborted;
    outcome.failedAt ??= locationOf(error);
    outcome.verdict = outcome.nothingChanged ? nothingChanged(message) : message;
    outcome.result = 'failed';
    return outcome;
  }

  /** The run's last line: how many objects were verified, and which were only applied. */
  private sayWhatWasVerified(): void {
    const { outcome } = this;
    const verified = (outcome.verify?.workloads ?? []).filter(
      (w) => w.state === 'current' && !w.notRolledOut,
    );
    if (verified.length === 0 && outcome.notVerified.length === 0) return;
    this.deps.logger.info(
      `Verified ${plural(verified.length, 'object')}${outcome.notVerified.length > 0 ? `; applied, not verified: ${listNotVerified(outcome.notVerified)}` : ''}.`,
    );
  }

  private async end(): Promise<void> {
    const { outcome } = this;
    // Another run took the lock meanwhile: what is live may be its release, not this one's.
    const lost = await this.lock?.release();
    if (lost !== undefined && (outcome.result === 'success' || outcome.result === 'waiting-for-promotion'))
      Object.assign(outcome, { result: 'failed', verdict: lost });
    if (outcome.result === 'success' && !outcome.unchanged) this.sayWhatWasVerified();
    outcome.kubectlProcesses = this.deps.kubectl.processes;
    await this.ownApi?.close();
  }
}

/** "CronJob web/report (its Jobs run at its schedule), ...": what a run applied and did not verify. */
export function listNotVerified(list: readonly NotVerified[]): string {
  return list.map((item) => `${describeRef(item.ref)} (${item.why})`).join(', ');
}

/** The manifest location of what failed: the failing workload, else the migration Job. */
function blame(plan: Plan, outcome: DeployOutcome): SourceLocation | undefined {
  const failed = outcome.verify?.workloads.find((workload) => workload.state === 'failed');
  if (failed) return plan.objects.find((o) => keyOf(o.ref) === keyOf(failed.ref))?.location;
  if (outcome.migration?.status === 'failed') return plan.migration?.location;
  const postDeploy = outcome.postDeploy?.find((job) => job.status === 'failed');
  if (postDeploy) return plan.postDeploy.find((o) => o.ref.name === postDeploy.job.name)?.location;
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

/**
 * Argo Rollouts whose `spec.workloadRef` names a Deployment the run changes: the Rollout itself
 * is unchanged, yet its pods change with that Deployment's template, so it is verified too.
 */
function rolloutsOfChangedDeployments(objects: readonly PlannedObject[]): string[] {
  const changed = new Set(
    objects.filter((o) => o.ref.kind === 'Deployment' && o.change !== 'unchanged').map((o) => keyOf(o.ref)),
  );
  return objects
    .filter((o) => isArgoRollout(o.ref))
    .filter((o) => {
      const name = workloadRefName(o.object);
      return (
        name !== undefined &&
        changed.has(keyOf({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: o.ref.namespace }))
      );
    })
    .map((o) => keyOf(o.ref));
}
