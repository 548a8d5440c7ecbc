import { type KubeApi, resourcePath } from './kube-api.js';
import { annotationsOf, labelsOf, metadataOf } from './objects.js';
import { decodeRecord, RECORD_LABELS, RECORD_TYPE, type ReleaseRecord, recordSelector } from './release.js';

/** One release of the history: its record, or why its record cannot be read. */
export type HistoryEntry = (
  | { version: number; record: ReleaseRecord; problem?: undefined }
  | { version: number; record?: undefined; problem: string }
) & {
  /** Locks removed by hand (`k8s-deploy unlock`) while this was the latest release, one line each. */
  unlocks?: string[];
};

/** Where `k8s-deploy unlock` notes its override on the latest record, one line per unlock. */
export const UNLOCKS_ANNOTATION = 'k8s-deploy-action/unlocks';

export interface HistoryQuery {
  releaseName: string;
  namespace: string;
}

/**
 * The releases of one release name, newest first. Unlike ReleaseStore.history, a record that
 * cannot be decoded does not hide the others: it is an entry with the problem (its version comes
 * from its label), so `history` can still show the rest and `rollback` can still use them.
 */
export async function readHistory(api: KubeApi, query: HistoryQuery): Promise<HistoryEntry[]> {
  const { items } = await api.list(resourcePath('Secret', query.namespace), {
    labelSelector: recordSelector(query.releaseName),
  });
  return items
    .filter((secret) => secret.type === RECORD_TYPE)
    .map((secret): HistoryEntry => {
      const noted = annotationsOf(secret)[UNLOCKS_ANNOTATION];
      const unlocks = noted ? { unlocks: noted.split('\n').filter(Boolean) } : {};
      try {
        const record = decodeRecord(secret);
        return { version: record.version, record, ...unlocks };
      } catch (error) {
        const label = Number(labelsOf(secret)[RECORD_LABELS.version]);
        return {
          version: Number.isInteger(label) ? label : 0,
          problem:
            (error as Error).message || `Release record ${String(metadataOf(secret).name)} cannot be read.`,
          ...unlocks,
        };
      }
    })
    .sort((a, b) => b.version - a.version);
}

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
    return entry.record;
  }
  const target = history.slice(1).find((entry) => entry.record?.status === 'success')?.record;
  if (target === undefined) {
    throw new RollbackError(
      `${where} has no successful release before v${latest.version}, so there is nothing to roll back to; expected --to N naming a release to re-apply.`,
    );
  }
  return target;
}
