import type { Logger } from '../log.js';
import { type KubeApi, resourcePath } from './kube-api.js';
import { namespaceOf } from './objects.js';
import type { Plan } from './plan.js';
import type { ReleaseRecord } from './release.js';
import { conditionIs } from './rollout/objects.js';

// `migrations: skip`: a release may not outrun its migration. Decided before the first write.

export interface MigrationGuardInput {
  releaseName: string;
  /** What the release is of: its commit, else its tag (the records and the Job's name carry both). */
  commit: string | undefined;
  tag: string | undefined;
  /** The `migration-not-needed` input: deploy this commit although no migration of it completed. */
  notNeeded: string | undefined;
  history: readonly ReleaseRecord[];
  migration: NonNullable<Plan['migration']>;
}

/**
 * The record that shows this release's migration completed here, if any (pure): one of the same
 * commit, or of the same tag — the images and the migration Job are named by the tag, and a
 * dispatched workflow (workflows/migrate.yml) records its run's GITHUB_SHA, not the commit it migrated.
 */
export function completedMigrationOf(
  history: readonly ReleaseRecord[],
  commit: string | undefined,
  tag: string | undefined,
): ReleaseRecord | undefined {
  return history.find(
    (record) =>
      (record.migration?.status === 'complete' || record.migration?.status === 'skipped') &&
      ((commit !== undefined && record.commit === commit) || (tag !== undefined && record.tag === tag)),
  );
}

/**
 * Throws the refusal unless the migration of this release completed in this cluster: a record of
 * a migration (or a deploy that migrated) of this commit, or its per-release Job completed and
 * still there. A re-deploy of an older commit whose own migration ran passes on its record.
 * `migration-not-needed` naming exactly this commit lets it through, said as a warning.
 */
export async function guardMigration(
  input: MigrationGuardInput,
  api: KubeApi,
  logger: Logger,
): Promise<void> {
  const { commit, tag, migration } = input;
  const what = commit ?? tag;
  if (input.notNeeded !== undefined) {
    if (input.notNeeded !== what) {
      throw new Error(
        `Input 'migration-not-needed' is ${input.notNeeded}, but this release is of ${what ?? 'no known commit'}; expected the commit being deployed, so that the escape hatch cannot outlive the release it was meant for.`,
      );
    }
    logger.warning(
      `Deploying ${what} with migrations: skip and no completed migration check, as migration-not-needed says: this release is declared to need no schema change.`,
    );
    return;
  }
  const recorded = completedMigrationOf(input.history, commit, tag);
  if (recorded) {
    logger.info(
      `The migration of ${what} completed in this cluster (release ${input.releaseName} v${recorded.version}, Job ${recorded.migration?.job}); migrations: skip deploys without running it.`,
    );
    return;
  }
  const job = await api.get(resourcePath('Job', namespaceOf(migration.ref), migration.ref.name));
  if (job && conditionIs(job, 'Complete', 'True')) {
    logger.info(
      `The migration Job ${namespaceOf(migration.ref)}/${migration.ref.name} of this release completed in this cluster; migrations: skip deploys without running it.`,
    );
    return;
  }
  throw new Error(
    `Release ${input.releaseName} is refused: the migration of ${what === undefined ? 'this release' : `commit ${what}`} has not completed in this cluster (migrations: skip), so run it first with migrations: only for ${what === undefined ? 'it' : 'that commit'} (the migrate workflow), or set migration-not-needed: ${what ?? '<commit>'} if this release changes no schema.`,
  );
}
