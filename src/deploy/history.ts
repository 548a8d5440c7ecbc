import { type KubeApi, resourcePath } from './kube-api.js';
import { labelsOf, metadataOf } from './objects.js';
import { decodeRecord, RECORD_LABELS, RECORD_TYPE, type ReleaseRecord } from './release.js';

/** One release of the history: its record, or why its record cannot be read. */
export type HistoryEntry =
  | { version: number; record: ReleaseRecord; problem?: undefined }
  | { version: number; record?: undefined; problem: string };

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
    labelSelector: `${RECORD_LABELS.owner}=k8s-deploy-action,${RECORD_LABELS.release}=${query.releaseName}`,
  });
  return items
    .filter((secret) => secret.type === RECORD_TYPE)
    .map((secret): HistoryEntry => {
      try {
        const record = decodeRecord(secret);
        return { version: record.version, record };
      } catch (error) {
        const label = Number(labelsOf(secret)[RECORD_LABELS.version]);
        return {
          version: Number.isInteger(label) ? label : 0,
          problem: (error as Error).message || `Release record ${String(metadataOf(secret).name)} cannot be read.`,
        };
      }
    })
    .sort((a, b) => b.version - a.version);
}
