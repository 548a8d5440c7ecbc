import type { HistoryEntry, HistoryQuery, ReleaseRecord } from './release.js';

/** A rollback refused before anything changed; the message is one sentence. */
export class RollbackError extends Error {
  override name = 'RollbackError';
}

/**
 * The release a rollback restores: `to` when given, else the newest successful release older
 * than the latest one (the latest is what is being undone). Throws RollbackError saying which
 * releases exist when there is none to restore.
 */
export function rollbackTarget(
  history: readonly HistoryEntry[],
  input: HistoryQuery & { to?: number },
): ReleaseRecord {
  const where = `Release ${input.releaseName} in namespace ${input.namespace}`;
  const latest = history[0];
  if (latest === undefined) {
    throw new RollbackError(
      `${where} has no records: there is nothing to roll back to (expected the release name and namespace a deploy used).`,
    );
  }
  if (input.to !== undefined) {
    const entry = history.find((candidate) => candidate.version === input.to);
    if (entry === undefined) {
      throw new RollbackError(
        `${where} has no v${input.to}; expected one of ${history.map((e) => `v${e.version}`).join(', ')} (older records are removed by history-limit).`,
      );
    }
    if (entry.record === undefined)
      throw new RollbackError(`${where}: v${input.to} cannot be restored. ${entry.problem}`);
    // A migrate-only record holds no manifests: re-applying it (with prune) would delete the release.
    if (entry.record.status === 'migrated')
      throw new RollbackError(
        `${where}: v${input.to} is a migration only (migrations: only) and holds no manifests to re-apply, even with --force; expected --to naming a deployed release (k8s-deploy history lists them).`,
      );
    return entry.record;
  }
  // What is undone is the latest deploy: a migrate-only record after it changed no workload.
  const undone = history.findIndex((entry) => entry.record?.status !== 'migrated');
  const target = history.slice(undone + 1).find((entry) => entry.record?.status === 'success')?.record;
  if (target === undefined) {
    throw new RollbackError(
      `${where} has no successful release before v${latest.version}, so there is nothing to roll back to; expected --to N naming a release to re-apply.`,
    );
  }
  return target;
}
