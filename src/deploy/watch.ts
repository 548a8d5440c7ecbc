import type { Logger } from '../log.js';
import { sleep } from '../sleep.js';
import { ApiError, type KubeApi, resourcePath, type WatchEvent } from './kube-api.js';
import { type Json, metadataOf, uidOf } from './objects.js';

export interface WatchSpec {
  kind: string;
  namespace: string;
  /** labelSelector / fieldSelector */
  query?: Record<string, string>;
  /**
   * The list path, for a kind resourcePath does not know (a custom resource's, from discovery):
   * `/apis/external-secrets.io/v1/namespaces/web/externalsecrets`. `namespace` is then only the
   * name `stale` goes by ('' for a cluster-scoped kind).
   */
  path?: string;
  /**
   * A 403 or 404 on the first list is no verdict: the kind is left unwatched and `unavailable`
   * says why (a deploy role may apply a custom resource without the right to list or watch it).
   */
  optional?: boolean;
}

/** How long the API server may stay unreachable before the watch gives a verdict instead of waiting. */
const UNREACHABLE_BUDGET_MS = 30_000;

/**
 * A local copy of some kinds in some namespaces, kept current by one list and one watch
 * stream each (no process per poll): what client-go calls an informer, reduced to what the
 * engine needs. A stream the server ends is resumed from its last resourceVersion, or listed
 * again when that is too old (410); an API server that stays unreachable for 30 s sets
 * `failure`, so the caller gives a verdict rather than a hang.
 */
export class ObjectCache {
  private readonly stores = new Map<string, Map<string, Json>>();
  private readonly loops: Promise<void>[] = [];
  /** Per spec whose watch failed and whose store has not been listed again since: when it failed. */
  private readonly brokenSince = new Map<string, number>();
  failure: Error | undefined;
  /** The optional specs that could not be listed (403, 404), by list path or kind: the server's message. */
  readonly unavailable = new Map<string, string>();

  constructor(
    private readonly api: KubeApi,
    private readonly logger: Logger,
    private readonly specs: readonly WatchSpec[],
    private readonly onChange: () => void,
  ) {}

  /** Lists everything once (so the first evaluation sees the whole state), then watches. */
  async start(signal: AbortSignal): Promise<void> {
    const versions = await Promise.all(this.specs.map((spec) => this.firstList(spec, signal)));
    this.specs.forEach((spec, index) => {
      const version = versions[index];
      if (version !== undefined) this.loops.push(this.watchLoop(spec, version, signal));
    });
  }

  /** Resolves when every watch loop has stopped (after the signal aborted). */
  async stopped(): Promise<void> {
    await Promise.all(this.loops);
  }

  /** What the spec listing `path` holds (a custom kind's: its name alone may be another group's too). */
  objectsAt(path: string): Json[] {
    const spec = this.specs.find((candidate) => candidate.path === path);
    return spec ? [...(this.stores.get(storeKey(spec))?.values() ?? [])] : [];
  }

  objects(kind: string, namespace?: string): Json[] {
    const result: Json[] = [];
    for (const spec of this.specs) {
      if (spec.path !== undefined) continue;
      if (spec.kind !== kind || (namespace !== undefined && spec.namespace !== namespace)) continue;
      result.push(...(this.stores.get(storeKey(spec))?.values() ?? []));
    }
    return result;
  }

  /**
   * Until when the copy of `kind` in `namespace` is known to be complete: now while its watch
   * runs, else the moment its watch failed (what was seen before is kept, since a blip is no
   * verdict, but it says nothing of what happened since) until a list succeeds again.
   */
  syncedAt(kind: string, namespace: string, now: number): number {
    let synced = now;
    for (const spec of this.specs) {
      if (spec.kind !== kind || spec.namespace !== namespace) continue;
      synced = Math.min(synced, this.brokenSince.get(storeKey(spec)) ?? now);
    }
    return synced;
  }

  /** The first list, retried like a watch within the unreachable budget: a blip is no verdict. */
  private async firstList(spec: WatchSpec, signal: AbortSignal): Promise<string | undefined> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.relist(spec);
      } catch (error) {
        if (spec.optional && error instanceof ApiError && (error.status === 403 || error.status === 404)) {
          this.unavailable.set(spec.path ?? spec.kind, error.message);
          return undefined;
        }
        if (signal.aborted || Date.now() - started > UNREACHABLE_BUDGET_MS) throw error;
        this.logger.info(
          `Listing ${spec.kind} in ${spec.namespace} failed (${(error as Error).message}); retry ${attempt}.`,
        );
        await sleep(Math.min(2 ** attempt, 8) * 250, signal);
      }
    }
  }

  private async relist(spec: WatchSpec): Promise<string> {
    const { items, resourceVersion } = await this.api.list(listPath(spec), spec.query ?? {});
    const store = new Map<string, Json>();
    for (const item of items) {
      const uid = uidOf(item);
      if (uid !== undefined) store.set(uid, { kind: spec.kind, ...item });
    }
    this.stores.set(storeKey(spec), store);
    this.brokenSince.delete(storeKey(spec));
    return resourceVersion;
  }

  private async watchLoop(spec: WatchSpec, initialVersion: string, signal: AbortSignal): Promise<void> {
    let resourceVersion = initialVersion;
    let failingSince: number | undefined;
    let attempt = 0;
    const store = () => this.stores.get(storeKey(spec)) ?? new Map<string, Json>();
    while (!signal.aborted) {
      let expired = false;
      let events = 0;
      try {
        await this.api.watch(
          listPath(spec),
          { ...(spec.query ?? {}), resourceVersion },
          (event: WatchEvent) => {
            events++;
            if (event.type === 'ERROR') {
              expired = true;
              return;
            }
            const uid = uidOf(event.object);
            const version = metadataOf(event.object).resourceVersion;
            if (typeof version === 'string') resourceVersion = version;
            if (uid === undefined || event.type === 'BOOKMARK') return;
            if (event.type === 'DELETED') store().delete(uid);
            else store().set(uid, { kind: spec.kind, ...event.object });
            failingSince = undefined;
            attempt = 0;
            this.onChange();
          },
          signal,
        );
        if (signal.aborted) break;
        if (expired) {
          this.logger.info(`The watch of ${spec.kind} in ${spec.namespace} expired (410); listing again.`);
          resourceVersion = await this.relist(spec);
          this.onChange();
        } else {
          // A real API server ends every watch after a while (and on restarts): resume it.
          this.logger.info(
            `The API server closed the watch of ${spec.kind} in ${spec.namespace}; resuming from resourceVersion ${resourceVersion}.`,
          );
          // A watch closed before its first event must not turn into a tight loop.
          if (events === 0) await sleep(500, signal);
        }
        failingSince = undefined;
      } catch (error) {
        if (signal.aborted) break;
        if (!this.brokenSince.has(storeKey(spec))) this.brokenSince.set(storeKey(spec), Date.now());
        failingSince ??= Date.now();
        attempt++;
        const why = error instanceof ApiError ? `${error.status} ${error.message}` : (error as Error).message;
        this.logger.info(
          `Watching ${spec.kind} in ${spec.namespace} failed (${why}); retry ${attempt} in ${Math.min(2 ** attempt, 8) * 250} ms.`,
        );
        if (Date.now() - failingSince > UNREACHABLE_BUDGET_MS) {
          this.failure = new Error(
            `The API server stopped answering for more than ${UNREACHABLE_BUDGET_MS / 1000} s while watching ${spec.kind} in ${spec.namespace} (${why}).`,
          );
          this.onChange();
          return;
        }
        await sleep(Math.min(2 ** attempt, 8) * 250, signal);
        try {
          resourceVersion = await this.relist(spec);
          this.onChange();
        } catch {
          // still unreachable: the next round counts against the budget
        }
      }
    }
  }
}

function storeKey(spec: WatchSpec): string {
  return `${spec.path ?? spec.kind}/${spec.namespace}/${JSON.stringify(spec.query ?? {})}`;
}

function listPath(spec: WatchSpec): string {
  return spec.path ?? resourcePath(spec.kind, spec.namespace);
}
