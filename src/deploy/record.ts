import type { Logger } from '../log.js';
import type { MigrationResult } from './migrate.js';
import { toYaml } from './objects.js';
import type { DeployOutcome, DeploySettings } from './outcome.js';
import type { Plan } from './plan.js';
import { RecordOverlapError, type ReleaseRecord, type ReleaseStore } from './release.js';

// The deploy's last step: the release record of what the run did.

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
