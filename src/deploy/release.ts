import { gunzipSync, gzipSync } from 'node:zlib';
import { isRecord } from '../records.js';
import { ApiError, type KubeApi, resourcePath } from './kube-api.js';
import { annotationsOf, canonical, type Json, labelsOf, metadataOf, type ObjectRef } from './objects.js';

/**
 * `waiting-for-promotion`: applied and verified up to a pause that a person ends (an Argo Rollout
 * paused at a canary step or before blue-green promotion); never the last good release.
 * `migrated`: a `migrations: only` run; the migration of the commit ran and no workload changed.
 */
export type ReleaseStatus = 'success' | 'failed' | 'rolled-back' | 'migrated' | 'waiting-for-promotion';

/** What one run deployed, kept in the cluster: the source of truth for rollback, prune and history. */
export interface ReleaseRecord {
  name: string;
  version: number;
  status: ReleaseStatus;
  /** The verdict sentence of a failed or rolled-back run. */
  reason?: string;
  tag?: string;
  commit?: string;
  runUrl?: string;
  /** image name → full reference */
  images: Record<string, string>;
  startedAt: string;
  finishedAt: string;
  /** The rendered objects this release applied (the migration Job apart), as multi-document YAML. */
  manifest: string;
  /** What the manifest holds, for prune and rollback without parsing it again. */
  objects: ObjectRef[];
  /** Hash of the rendered set without the per-run annotations: equal hashes, same release. */
  fingerprint: string;
  migration?: { job: string; namespace: string; status: 'complete' | 'skipped' | 'failed' };
  /** The release that was live before this one, if any. */
  previousVersion?: number;
}

export const RECORD_LABELS = {
  owner: 'app.kubernetes.io/managed-by',
  release: 'k8s-deploy-action/release',
  version: 'k8s-deploy-action/version',
  status: 'k8s-deploy-action/status',
} as const;
const OWNER = 'k8s-deploy-action';
export const RECORD_TYPE = 'k8s-deploy-action/release.v1';
/** What a real API server accepts in one Secret's data (1 MiB); we keep a margin for the metadata. */
export const MAX_RECORD_BYTES = 1024 * 1024 - 16 * 1024;

/** The label selector of one release name's records. */
export function recordSelector(release: string): string {
  return `${RECORD_LABELS.owner}=${OWNER},${RECORD_LABELS.release}=${release}`;
}

/** The record's Secret name: `k8s-deploy.NAME.vN`, like Helm's `sh.helm.release.v1.NAME.vN`. */
export function recordName(release: string, version: number): string {
  return `k8s-deploy.${release}.v${version}`;
}

/** gzip + base64 of the JSON record; throws when it would not fit in a Secret. */
export function encodeRecord(record: ReleaseRecord): string {
  const compressed = gzipSync(JSON.stringify(record));
  if (compressed.length > MAX_RECORD_BYTES) {
    throw new Error(
      `The release record of ${record.name} would be ${compressed.length} bytes compressed, more than the ${MAX_RECORD_BYTES} a Kubernetes Secret can hold; expected a smaller set of manifests (split it into several releases with release-name).`,
    );
  }
  return compressed.toString('base64');
}

/** Output of one record's gzip beyond which it is refused: a tampered record can be a gzip bomb. */
const MAX_RECORD_EXPANDED_BYTES = 64 * 1024 * 1024;
const STATUSES: readonly string[] = ['success', 'failed', 'rolled-back', 'migrated', 'waiting-for-promotion'];

export function decodeRecord(secret: Json): ReleaseRecord {
  const name = String(metadataOf(secret).name ?? '?');
  const unreadable = (why: string): never => {
    throw new Error(
      `Release record ${name} ${why}, so something other than this action changed it; expected a record this action wrote (delete it or choose another release-name).`,
    );
  };
  const data = isRecord(secret.data) ? secret.data.release : undefined;
  if (typeof data !== 'string') unreadable('holds no release data');
  let record: unknown;
  try {
    const bytes = Buffer.from(data as string, 'base64');
    if (bytes.length > MAX_RECORD_BYTES + 16 * 1024) throw new Error('too large');
    record = JSON.parse(gunzipSync(bytes, { maxOutputLength: MAX_RECORD_EXPANDED_BYTES }).toString('utf8'));
  } catch (error) {
    const reason =
      (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
        ? `expands beyond ${MAX_RECORD_EXPANDED_BYTES / 1024 / 1024} MiB`
        : (error as Error).message;
    unreadable(`cannot be read (${reason})`);
  }
  const problem = recordProblem(record, name);
  if (problem !== undefined) unreadable(problem);
  return record as ReleaseRecord;
}

/** What makes decoded data not a record of this action's format, or undefined. */
function recordProblem(record: unknown, secretName: string): string | undefined {
  if (!isRecord(record)) return "is not a release of this action's format";
  const { name, version, status, manifest, objects, images } = record;
  if (typeof name !== 'string' || !Number.isSafeInteger(version) || (version as number) < 1) {
    return "is not a release of this action's format (no name or version)";
  }
  // The Secret's name is what the next version is counted from and what rollback reads.
  if (recordName(name, version as number) !== secretName) {
    return `says it is ${recordName(name, version as number)}`;
  }
  if (typeof status !== 'string' || !STATUSES.includes(status))
    return `has an unknown status ${JSON.stringify(status)}`;
  if (typeof manifest !== 'string') return 'holds no manifest';
  const isRef = (ref: unknown) =>
    isRecord(ref) &&
    typeof ref.apiVersion === 'string' &&
    typeof ref.kind === 'string' &&
    typeof ref.name === 'string' &&
    (ref.namespace === undefined || typeof ref.namespace === 'string');
  if (!Array.isArray(objects) || !objects.every(isRef)) return 'lists objects that are not object references';
  if (
    images !== undefined &&
    (!isRecord(images) || !Object.values(images).every((v) => typeof v === 'string'))
  ) {
    return 'lists images that are not image references';
  }
  return undefined;
}

export function recordSecret(record: ReleaseRecord, namespace: string): Json {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: recordName(record.name, record.version),
      namespace,
      labels: {
        [RECORD_LABELS.owner]: OWNER,
        [RECORD_LABELS.release]: record.name,
        [RECORD_LABELS.version]: String(record.version),
        [RECORD_LABELS.status]: record.status,
      },
    },
    type: RECORD_TYPE,
    data: { release: encodeRecord(record) },
  };
}

/** Another run wrote the same release version: two runs of one release overlapped. */
export class RecordOverlapError extends Error {
  override name = 'RecordOverlapError';
}

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
 * The releases of one release name, newest first: the one reader of the records. A record that
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

/** The release records of one release name in one namespace, read and written over the API. */
export class ReleaseStore {
  constructor(
    private readonly api: KubeApi,
    readonly namespace: string,
    readonly release: string,
  ) {}

  /** Every record, newest first; an unreadable record fails with its problem (a deploy never guesses). */
  async history(): Promise<ReleaseRecord[]> {
    const entries = await readHistory(this.api, { releaseName: this.release, namespace: this.namespace });
    return entries.map((entry) => {
      if (entry.record === undefined) throw new Error(entry.problem);
      return entry.record;
    });
  }

  /**
   * Writes a new record under its deterministic name, so a create whose answer was lost (a 5xx, a
   * broken connection) is safely sent again: an AlreadyExists holding exactly this record is our
   * own earlier attempt. One holding another record means another run deployed at once.
   */
  async create(record: ReleaseRecord): Promise<void> {
    const secret = recordSecret(record, this.namespace);
    try {
      await this.api.request('POST', resourcePath('Secret', this.namespace), {
        body: secret,
        idempotent: true,
      });
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        const existing = await this.api.get(
          resourcePath('Secret', this.namespace, recordName(this.release, record.version)),
        );
        if (existing && canonical(existing.data) === canonical(secret.data)) return;
        throw new RecordOverlapError(
          `Release ${record.name} v${record.version} was recorded by another run at the same time; deploys of one release must not overlap (use a concurrency group).`,
        );
      }
      throw error;
    }
  }

  /** Keeps the newest `limit` records and always the newest successful one (rollback needs it). */
  async trim(history: readonly ReleaseRecord[], limit: number): Promise<number[]> {
    const lastGood = history.find((record) => record.status === 'success');
    const doomed = history
      .slice(limit)
      .filter((record) => record !== lastGood)
      .map((record) => record.version);
    for (const version of doomed) {
      try {
        await this.api.request(
          'DELETE',
          resourcePath('Secret', this.namespace, recordName(this.release, version)),
        );
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      }
    }
    return doomed;
  }
}
