import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { formatDuration, parseDuration } from '../duration.js';
import type { Logger } from '../log.js';
import { runUrlFromEnv } from '../manifests/annotations.js';
import { isRecord } from '../records.js';
import { sleep } from '../sleep.js';
import { ApiError, type KubeApi, resourcePath } from './kube-api.js';
import { annotationsOf, type Json, metadataOf } from './objects.js';
import { RECORD_LABELS } from './release.js';

// One run per release at a time: a coordination.k8s.io/v1 Lease beside the release records,
// as Helm's pending-* record and kapp's app lock serialize operations on one release. Every
// write is conditional (create, or update with the resourceVersion read), so two runs can never
// both believe they hold it; a holder that stops renewing (a runner killed with SIGKILL) loses
// it after leaseDurationSeconds, and the next run takes it over and says so.

/** Who takes the lock and how long it lasts unrenewed. */
export interface LockOwner {
  /** Unique per run: the run (URL and attempt, or user@host pid) and a random suffix. */
  identity: string;
  leaseSeconds: number;
}

/** What the post step needs to release a lock its main step still holds. */
export interface HeldLock {
  namespace: string;
  release: string;
  identity: string;
}

/** A lock held by someone, as read from its Lease. */
export interface LockHolding {
  holder: string;
  /** deploy or rollback */
  operation?: string;
  acquiredAt?: string;
  renewedAt?: string;
  leaseSeconds: number;
  /** When it expires unless renewed (ms since the epoch). */
  expiresAt: number;
}

export type LockDecision =
  | { kind: 'create' }
  | { kind: 'take'; expired?: LockHolding }
  | { kind: 'wait'; holding: LockHolding };

export const DEFAULT_LEASE_SECONDS = 60;
const OPERATION = 'k8s-deploy-action/operation';
/** The last human override (`k8s-deploy unlock`), kept on the Lease. */
export const UNLOCKED = 'k8s-deploy-action/unlocked';

/** The Lease's name: `k8s-deploy.NAME.lock`, beside the records `k8s-deploy.NAME.vN`. */
export function lockName(release: string): string {
  return `k8s-deploy.${release}.lock`;
}

/**
 * This run's identity: on a runner the run URL with its attempt and job, from a terminal
 * `user@host pid N`; a random suffix tells apart two jobs of one run (a matrix) and reused pids.
 */
export function lockOwner(env: NodeJS.ProcessEnv, suffix = randomBytes(3).toString('hex')): LockOwner {
  const runUrl = runUrlFromEnv(env);
  const who = runUrl
    ? `${runUrl}/attempts/${env.GITHUB_RUN_ATTEMPT || '1'}${env.GITHUB_JOB ? ` job ${env.GITHUB_JOB}` : ''}`
    : `${userName()}@${os.hostname()} pid ${process.pid}`;
  return { identity: `${who} (${suffix})`, leaseSeconds: leaseSecondsOf(env.K8S_DEPLOY_LOCK_LEASE) };
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** `K8S_DEPLOY_LOCK_LEASE` (tests shorten it): how long a lock outlives its last renewal. */
export function leaseSecondsOf(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_LEASE_SECONDS;
  const ms = parseDuration(value);
  if (ms === undefined || ms < 1000 || ms > 3_600_000) {
    throw new Error(
      `K8S_DEPLOY_LOCK_LEASE is ${JSON.stringify(value)}; expected a duration from 1s to 1h, such as 60s (or unset for ${DEFAULT_LEASE_SECONDS}s).`,
    );
  }
  return Math.round(ms / 1000);
}

/** The holder of a Lease, or undefined when nobody holds it. */
export function holdingOf(lease: Json | undefined): LockHolding | undefined {
  const spec = isRecord(lease?.spec) ? lease.spec : {};
  const holder = typeof spec.holderIdentity === 'string' ? spec.holderIdentity : '';
  if (lease === undefined || holder === '') return undefined;
  const leaseSeconds =
    typeof spec.leaseDurationSeconds === 'number' ? spec.leaseDurationSeconds : DEFAULT_LEASE_SECONDS;
  const renewedAt = typeof spec.renewTime === 'string' ? spec.renewTime : undefined;
  const acquiredAt = typeof spec.acquireTime === 'string' ? spec.acquireTime : undefined;
  const since = Date.parse(renewedAt ?? acquiredAt ?? '');
  return {
    holder,
    operation: annotationsOf(lease)[OPERATION],
    acquiredAt,
    renewedAt,
    leaseSeconds,
    // No time at all: treat it as renewed just now, so a foreign lease is never taken blindly.
    expiresAt: (Number.isNaN(since) ? Date.now() : since) + leaseSeconds * 1000,
  };
}

/** What a run that wants the lock does with the Lease it read. */
export function decideLock(lease: Json | undefined, identity: string, nowMs: number): LockDecision {
  if (lease === undefined) return { kind: 'create' };
  const holding = holdingOf(lease);
  if (holding === undefined || holding.holder === identity) return { kind: 'take' };
  if (holding.expiresAt <= nowMs) return { kind: 'take', expired: holding };
  return { kind: 'wait', holding };
}

/** `2026-12-07T14:05:01.123000Z` → `2026-12-07 14:05:01Z`. */
export function when(iso: string | number | undefined): string {
  if (iso === undefined) return 'an unknown time';
  const text = typeof iso === 'number' ? new Date(iso).toISOString() : iso;
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(text) ? `${text.slice(0, 10)} ${text.slice(11, 19)}Z` : text;
}

/** One line about a held lock: who, what, since when, until when. */
export function describeHolding(holding: LockHolding, nowMs: number): string {
  const what = holding.operation ? `${holding.operation} ` : '';
  const expiry =
    holding.expiresAt <= nowMs
      ? `expired at ${when(holding.expiresAt)} (its holder stopped renewing it; the next run takes it over)`
      : `expires at ${when(holding.expiresAt)} unless renewed`;
  return `${holding.holder}, ${what}since ${when(holding.acquiredAt)}, last renewed ${when(holding.renewedAt)}; ${expiry}`;
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export interface LockOptions {
  namespace: string;
  release: string;
  owner: LockOwner;
  /** How long to wait for another run's lock; 0 fails at once. */
  timeoutMs: number;
  operation: 'deploy' | 'rollback' | 'promote' | 'reject';
  logger: Logger;
  /** Aborts the wait (the run was cancelled); never the renewal, which lasts until release(). */
  signal: AbortSignal;
  /** Told when the lock is taken and when it is let go (the action saves it for its post step). */
  onChange?: (held: HeldLock | undefined) => void;
  now?: () => number;
  pollMs?: number;
}

/** The lock could not be had: held by another run past lock-timeout, or the wait was cancelled. */
export class LockError extends Error {
  override name = 'LockError';
}

/** A held release lock: renewed in the background until release(). */
export class ReleaseLock {
  private readonly stop = new AbortController();
  private renewing: Promise<void> = Promise.resolve();
  /** A sentence once another run took the lock from under this one. */
  lost: string | undefined;

  private constructor(
    private readonly api: KubeApi,
    private readonly options: LockOptions,
    private lease: Json,
  ) {
    this.renewing = this.renewLoop();
  }

  /**
   * Takes the release's lock, waiting up to `timeoutMs` while another run holds it; a lock whose
   * holder stopped renewing is taken over. Undefined when the records namespace does not exist
   * yet (a first deploy creates it): there is nowhere to keep a lock, and the record's own
   * create-once check stays the guard. Throws LockError.
   */
  static async acquire(api: KubeApi, options: LockOptions): Promise<ReleaseLock | undefined> {
    const { namespace, release, owner, logger, signal } = options;
    const now = options.now ?? Date.now;
    const path = resourcePath('Lease', namespace, lockName(release));
    const deadline = now() + options.timeoutMs;
    let shown: string | undefined;
    let transient = 0;
    for (;;) {
      if (signal.aborted) {
        throw new LockError(
          `The run was cancelled while waiting for the lock of release ${release}; nothing changed.`,
        );
      }
      try {
        const lease = await api.get(path);
        const decision = decideLock(lease, owner.identity, now());
        if (decision.kind === 'wait') {
          const holding = decision.holding;
          if (now() >= deadline) {
            throw new LockError(
              `Release ${release} is locked by another run (${describeHolding(holding, now())}), and lock-timeout ${
                options.timeoutMs > 0 ? formatDuration(options.timeoutMs) : '0'
              } ran out waiting for it; nothing was changed.`,
            );
          }
          if (shown !== holding.holder) {
            logger.info(
              `Release ${release} is locked by ${describeHolding(holding, now())}. Waiting up to ${formatDuration(deadline - now())} (lock-timeout) for it.`,
            );
            shown = holding.holder;
          }
          await sleep(Math.max(50, Math.min(options.pollMs ?? 1000, deadline - now())), signal);
          continue;
        }
        const taken =
          decision.kind === 'create'
            ? await api.request('POST', resourcePath('Lease', namespace), { body: leaseBody(options, now()) })
            : await api.request('PUT', path, { body: leaseBody(options, now(), lease) });
        if (decision.kind === 'take' && decision.expired) {
          logger.warning(
            `Took over the lock of release ${release} from ${decision.expired.holder}, which stopped renewing it (last renewed ${when(decision.expired.renewedAt)}, expired at ${when(decision.expired.expiresAt)}).`,
          );
        }
        logger.info(
          `Locked release ${release} (Lease ${namespace}/${lockName(release)}) for ${owner.identity}; other runs wait until this one ends.`,
        );
        options.onChange?.({ namespace, release, identity: owner.identity });
        return new ReleaseLock(api, options, taken);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        // Someone else wrote first: read again, never overwrite.
        if (error.status === 409) continue;
        if (error.status === 404 && /namespaces? .*not found/i.test(error.message)) {
          logger.info(
            `Namespace ${namespace} does not exist yet, so release ${release} is locked right after this run creates it, before anything else changes.`,
          );
          return undefined;
        }
        // The Lease went away between the read and the update (deleted by hand): read again.
        if (error.status === 404 && ++transient <= 3) continue;
        if (error.status >= 500 && ++transient <= 3) continue;
        const rbac =
          error.status === 403
            ? ` Expected RBAC get, create and update on leases (coordination.k8s.io) in namespace ${namespace}.`
            : '';
        throw new LockError(`The lock of release ${release} could not be taken: ${error.message}${rbac}`);
      }
    }
  }

  /**
   * Stops renewing and lets the lock go (only while this run still holds it). Resolves to a
   * sentence when another run took it during this one (this run can then vouch for nothing).
   */
  async release(): Promise<string | undefined> {
    this.stop.abort();
    await this.renewing;
    if (this.lost === undefined) await this.letGo();
    this.options.onChange?.(undefined);
    return this.lost;
  }

  /** Clears the holder with a conditional update; on a conflict re-reads, on 5xx tries again. */
  private async letGo(): Promise<void> {
    const { release, logger } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.api.request('PUT', this.path(), {
          body: freed(this.lease, (this.options.now ?? Date.now)()),
        });
        logger.info(`Released the lock of release ${release}.`);
        return;
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return;
        if (attempt >= 4) {
          logger.warning(
            `The lock of release ${release} could not be released (${(error as Error).message}); it expires on its own ${this.options.owner.leaseSeconds}s after its last renewal.`,
          );
          return;
        }
        await sleep(250 * attempt);
        try {
          if (!(await this.stillOurs())) return;
        } catch {
          // the re-read failed too: the next attempt tries again
        }
      }
    }
  }

  private path(): string {
    return resourcePath('Lease', this.options.namespace, lockName(this.options.release));
  }

  /** Re-reads the Lease: true (and its latest version kept) while this run holds it. */
  private async stillOurs(): Promise<boolean> {
    const lease = await this.api.get(this.path());
    const holding = holdingOf(lease);
    if (lease !== undefined && holding?.holder === this.options.owner.identity) {
      this.lease = lease;
      return true;
    }
    this.lost = `Another run took the lock of release ${this.options.release} while this one worked (${
      holding ? `now held by ${holding.holder}` : 'it was removed'
    }), so this run cannot vouch for what is live.`;
    this.options.logger.warning(this.lost);
    return false;
  }

  private async renewLoop(): Promise<void> {
    const intervalMs = (this.options.owner.leaseSeconds * 1000) / 3;
    for (;;) {
      await sleep(intervalMs, this.stop.signal);
      if (this.stop.signal.aborted) return;
      try {
        this.lease = await this.api.request('PUT', this.path(), {
          body: {
            ...this.lease,
            spec: {
              ...(isRecord(this.lease.spec) ? this.lease.spec : {}),
              renewTime: microTime((this.options.now ?? Date.now)()),
            },
          },
        });
      } catch (error) {
        try {
          if (error instanceof ApiError && error.status === 409) {
            if (!(await this.stillOurs())) return;
          } else {
            this.options.logger.info(
              `Renewing the lock of release ${this.options.release} failed (${(error as Error).message}); trying again in ${Math.round(intervalMs / 1000)}s.`,
            );
          }
        } catch {
          // the re-read failed too: the next tick tries again
        }
      }
    }
  }
}

/** The Lease with nobody holding it (what a release or an unlock writes, conditionally). */
export function freed(lease: Json, nowMs: number, annotations: Record<string, string> = {}): Json {
  const spec = isRecord(lease.spec) ? lease.spec : {};
  const { holderIdentity: _holder, acquireTime: _acquired, ...rest } = spec;
  const metadata = metadataOf(lease);
  return {
    ...lease,
    metadata: { ...metadata, annotations: { ...annotationsOf(lease), ...annotations } },
    spec: { ...rest, renewTime: microTime(nowMs) },
  };
}

function leaseBody(options: LockOptions, nowMs: number, current?: Json): Json {
  const spec = isRecord(current?.spec) ? current.spec : {};
  const transitions = typeof spec.leaseTransitions === 'number' ? spec.leaseTransitions : 0;
  const metadata = current ? metadataOf(current) : {};
  const labels = isRecord(metadata.labels) ? metadata.labels : {};
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      ...metadata,
      name: lockName(options.release),
      namespace: options.namespace,
      labels: {
        ...labels,
        [RECORD_LABELS.owner]: 'k8s-deploy-action',
        [RECORD_LABELS.release]: options.release,
      },
      annotations: { ...annotationsOf(current ?? {}), [OPERATION]: options.operation },
    },
    spec: {
      holderIdentity: options.owner.identity,
      leaseDurationSeconds: options.owner.leaseSeconds,
      acquireTime: microTime(nowMs),
      renewTime: microTime(nowMs),
      leaseTransitions: current && holdingOf(current) !== undefined ? transitions + 1 : transitions,
    },
  };
}

/** The release's lock as it stands, for `history` and dry runs. */
export async function readLock(api: KubeApi, namespace: string, release: string): Promise<Json | undefined> {
  try {
    return await api.get(resourcePath('Lease', namespace, lockName(release)));
  } catch (error) {
    // A cluster without coordination.k8s.io or RBAC without it: nothing to show.
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return undefined;
    throw error;
  }
}

/**
 * The deploy engine's use of the lock: a dry run takes none but says who holds it; a deploy
 * takes it (see ReleaseLock.acquire).
 */
export async function lockForRun(
  api: KubeApi,
  options: Omit<LockOptions, 'owner'> & { owner?: LockOwner; dryRun: boolean },
): Promise<ReleaseLock | undefined> {
  if (options.dryRun) {
    const holding = holdingOf(await readLock(api, options.namespace, options.release));
    if (holding !== undefined) {
      options.logger.info(
        `Release ${options.release} is locked by another run: ${describeHolding(holding, (options.now ?? Date.now)())}. A dry run takes no lock; what it shows may change when that run ends.`,
      );
    }
    return undefined;
  }
  return ReleaseLock.acquire(api, { ...options, owner: options.owner ?? lockOwner({}) });
}

/**
 * `body` under the release's lock, taken for a run that writes (lockForRun), released when it
 * ends. When another run took the lock meanwhile, what is live may be that run's release, not
 * this one's: `lost` is told the body's result and the reason, to turn a success into a failure.
 */
export async function underReleaseLock<T>(
  api: KubeApi,
  options: Omit<LockOptions, 'owner'> & { owner?: LockOwner },
  body: () => Promise<T>,
  lost: (result: T, reason: string) => void,
): Promise<T> {
  const lock = await lockForRun(api, { ...options, dryRun: false });
  let result: { value: T } | undefined;
  try {
    result = { value: await body() };
    return result.value;
  } finally {
    const reason = await lock?.release();
    if (reason !== undefined && result !== undefined) lost(result.value, reason);
  }
}
