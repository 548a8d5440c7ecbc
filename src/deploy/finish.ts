import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';
import { ApplyError, PROTECTED_KINDS } from './apply.js';
import type { Kubectl } from './kubectl.js';
import type { MigrationResult } from './migrate.js';
import { describeRef, redact, refManifest, secretValues, toYaml } from './objects.js';
import type { DeployOutcome, DeploySettings } from './outcome.js';
import { type Plan, PlanError } from './plan.js';
import { RecordOverlapError, type ReleaseRecord, type ReleaseStore } from './release.js';

// The deploy's last steps and its dry-run: the release record, prune, and the diff.

export function recordOf(
  settings: DeploySettings,
  plan: Plan,
  version: number,
  status: ReleaseRecord['status'],
  startedAt: number,
  finishedAt: number,
  previousVersion: number | undefined,
  reason?: string,
  migration?: MigrationResult,
): ReleaseRecord {
  const why =
    settings.cause === undefined || reason === undefined
      ? (settings.cause ?? reason)
      : `${settings.cause}: ${reason}`;
  return {
    name: settings.releaseName,
    version,
    status,
    ...(why !== undefined ? { reason: why } : {}),
    ...(settings.tag !== undefined ? { tag: settings.tag } : {}),
    ...(settings.commit !== undefined ? { commit: settings.commit } : {}),
    ...(settings.runUrl !== undefined ? { runUrl: settings.runUrl } : {}),
    images: settings.images,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    manifest: toYaml(plan.objects.map((o) => o.object)),
    objects: plan.objects.map((o) => o.ref),
    fingerprint: plan.fingerprint,
    ...(migration && migration.status !== 'failed'
      ? {
          migration: {
            job: migration.job.name,
            namespace: migration.job.namespace ?? 'default',
            status: migration.status,
          },
        }
      : {}),
    ...(previousVersion !== undefined ? { previousVersion } : {}),
  };
}

export async function record(
  settings: DeploySettings,
  planned: {
    plan: Plan;
    store: ReleaseStore;
    history: ReleaseRecord[];
    lastGood?: ReleaseRecord;
    version: number;
  },
  status: ReleaseRecord['status'],
  reason: string | undefined,
  startedAt: number,
  finishedAt: number,
  logger: Logger,
  outcome: DeployOutcome,
): Promise<void> {
  const entry = recordOf(
    settings,
    planned.plan,
    planned.version,
    status,
    startedAt,
    finishedAt,
    planned.lastGood?.version,
    reason,
    outcome.migration,
  );
  try {
    await planned.store.create(entry);
    outcome.release = entry.version;
    logger.info(
      `Recorded release ${settings.releaseName} v${entry.version} (${status}) in namespace ${planned.store.namespace}.`,
    );
    if (settings.historyLimit === undefined) return;
    const trimmed = await planned.store.trim([entry, ...planned.history], settings.historyLimit);
    if (trimmed.length > 0)
      logger.info(
        `Removed the records of releases ${trimmed.map((v) => `v${v}`).join(', ')} (history-limit ${settings.historyLimit}).`,
      );
  } catch (error) {
    // A success this run cannot record is no success: another run's release may be what is live.
    if (error instanceof RecordOverlapError && status === 'success') throw error;
    logger.warning(`The release record could not be written: ${(error as Error).message}`);
  }
}

export async function prune(
  plan: Plan,
  kubectl: Kubectl,
  logger: Logger,
  outcome: DeployOutcome,
): Promise<void> {
  const doomed = plan.removed.filter((ref) => !PROTECTED_KINDS.has(ref.kind));
  outcome.pruneKept = plan.removed.filter((ref) => PROTECTED_KINDS.has(ref.kind));
  if (outcome.pruneKept.length > 0) {
    logger.info(
      `Not pruned (they hold data or everything else): ${outcome.pruneKept.map(describeRef).join(', ')}.`,
    );
  }
  if (doomed.length === 0) {
    logger.info('Nothing to prune: every object of the previous release is still in the manifests.');
    return;
  }
  const errors = await kubectl.delete(doomed.map(refManifest));
  if (errors.length > 0) throw new ApplyError(`Pruning failed: ${errors.join(' | ')}`);
  outcome.pruned = doomed;
  logger.info(
    `Pruned ${doomed.length} object(s) no longer in the manifests: ${doomed.map(describeRef).join(', ')}.`,
  );
}

export async function dryRunDiff(
  settings: DeploySettings,
  plan: Plan,
  lastGood: ReleaseRecord | undefined,
  kubectl: Kubectl,
  logger: Logger,
  outcome: DeployOutcome,
): Promise<void> {
  const objects = [
    ...plan.objects,
    ...(plan.migration && !plan.migration.live ? [plan.migration] : []),
  ].filter((o) => !o.deferred);
  const result = await kubectl.run(
    ['diff', '--server-side', '--field-manager=k8s-deploy-action', '--force-conflicts', '-f', '-'],
    { stdin: toYaml(objects.map((o) => o.object)) },
  );
  if (result.exitCode > 1)
    throw new PlanError(`kubectl diff failed: ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  const notes: string[] = [];
  const deferred = plan.objects.filter((o) => o.deferred);
  if (deferred.length > 0)
    notes.push(
      `# New, in a namespace or of a CRD this set creates: ${deferred.map((o) => describeRef(o.ref)).join(', ')}`,
    );
  if (plan.migration) {
    notes.push(
      plan.migration.live
        ? `# Migration: ${describeRef(plan.migration.ref)} exists already for this tag (not run again unless it failed).`
        : `# Migration: ${describeRef(plan.migration.ref)} would run before the workloads change.`,
    );
  }
  outcome.wouldPrune = settings.prune ? plan.removed.filter((ref) => !PROTECTED_KINDS.has(ref.kind)) : [];
  if (plan.removed.length > 0) {
    notes.push(
      settings.prune
        ? `# Prune would delete: ${outcome.wouldPrune.map(describeRef).join(', ') || 'nothing'}`
        : `# No longer in the manifests (kept: prune is off): ${plan.removed.map(describeRef).join(', ')}`,
    );
  }
  if (!lastGood) notes.push(`# Release ${settings.releaseName} has no earlier successful release.`);
  // kubectl diff masks a Secret's data; anything else that carries a value (stringData on an
  // older server, an annotation, a failed mask) is hidden here, so no file or summary holds one.
  const secrets = [...plan.objects, ...(plan.migration ? [plan.migration] : [])].flatMap((o) => [
    ...secretValues(o.object),
    ...secretValues(o.live),
  ]);
  const diff = redact(`${notes.join('\n')}${notes.length > 0 ? '\n' : ''}${result.stdout}`, secrets);
  await mkdir(path.dirname(settings.diffPath), { recursive: true });
  await writeFile(settings.diffPath, diff, { mode: 0o600 });
  outcome.diff = diff;
  outcome.diffPath = settings.diffPath;
  const matches =
    result.exitCode === 0 && plan.objects.every((o) => !o.deferred) && outcome.wouldPrune.length === 0;
  logger.info(
    matches
      ? 'The cluster already matches the manifests.'
      : `The server-side diff is in ${settings.diffPath}${outcome.wouldPrune.length > 0 ? `; prune would delete ${outcome.wouldPrune.length} object(s)` : ''}.`,
  );
}
