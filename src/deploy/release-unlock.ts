import type { Logger } from '../log.js';
import type { ProcessRunner } from '../process.js';
import { ApiError, KubeApi, resourcePath } from './kube-api.js';
import { Kubectl } from './kubectl.js';
import {
  freed,
  type HeldLock,
  holdingOf,
  type LockHolding,
  lockName,
  readLock,
  UNLOCKED,
  when,
} from './release-lock.js';

// Letting a release lock go from outside the run that holds it: the action's post step (its main
// step was killed), and the human override `k8s-deploy unlock`. Both only ever clear the holder
// they were told of, with a conditional update.

/**
 * The post step's release of a lock its main step still holds (the main step was killed before
 * its own release): only when the Lease still names this run, with a conditional update.
 */
export async function releaseHeldLock(
  held: HeldLock & { kubeconfig: string; context?: string },
  deps: { runner: ProcessRunner; logger: Logger; env: NodeJS.ProcessEnv },
): Promise<void> {
  const kubectl = new Kubectl({ ...deps, kubeconfig: held.kubeconfig, context: held.context });
  const api = await KubeApi.start(kubectl);
  try {
    const lease = await readLock(api, held.namespace, held.release);
    if (lease === undefined || holdingOf(lease)?.holder !== held.identity) {
      deps.logger.info(`The lock of release ${held.release} is no longer this run's: nothing to release.`);
      return;
    }
    await api.request('PUT', resourcePath('Lease', held.namespace, lockName(held.release)), {
      body: freed(lease, Date.now()),
    });
    deps.logger.info(`Released the lock of release ${held.release}, which the main step still held.`);
  } finally {
    await api.close();
  }
}

/** What `k8s-deploy unlock` did. */
export interface UnlockResult {
  holding: LockHolding;
  /** The line kept on the Lease and on the latest release record. */
  note: string;
}

/**
 * The human override: clears the lock only when `holder` is exactly who holds it (a conditional
 * update, so a run that took it meanwhile is never thrown out), and notes who did it and when.
 * Throws one sentence when the release is not locked or is locked by someone else.
 */
export async function unlockRelease(
  api: KubeApi,
  input: { namespace: string; release: string; holder: string; by: string; now?: () => number },
): Promise<UnlockResult> {
  const now = input.now ?? Date.now;
  const lease = await readLock(api, input.namespace, input.release);
  const holding = holdingOf(lease);
  if (lease === undefined || holding === undefined) {
    throw new Error(
      `Release ${input.release} in namespace ${input.namespace} is not locked, so there is nothing to unlock (k8s-deploy history shows its lock).`,
    );
  }
  if (holding.holder !== input.holder) {
    throw new Error(
      `Release ${input.release} is locked by ${JSON.stringify(holding.holder)}, not by ${JSON.stringify(input.holder)}; expected --holder with the exact holder k8s-deploy history shows.`,
    );
  }
  const note = `${when(now())} ${input.by} removed the lock of ${holding.holder} (held since ${when(holding.acquiredAt)}, last renewed ${when(holding.renewedAt)})`;
  try {
    await api.request('PUT', resourcePath('Lease', input.namespace, lockName(input.release)), {
      body: freed(lease, now(), { [UNLOCKED]: note }),
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      throw new Error(
        `The lock of release ${input.release} changed while it was being removed (its holder renewed or released it); nothing was changed. Run k8s-deploy history and try again.`,
      );
    }
    throw error;
  }
  return { holding, note };
}
