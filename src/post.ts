import { rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { HeldLock } from './deploy/release-lock.js';
import { logoutFromRegistry } from './images/login.js';
import type { Logger } from './log.js';
import type { ProcessRunner } from './process.js';

/** What the main step leaves for the post step (saved with core.saveState by the action). */
export interface CleanupState {
  /** The registry host docker logged in to. */
  registry?: string;
  /** A kubeconfig this run wrote (never one the user gave). */
  kubeconfigPath?: string;
  /** The release lock the main step holds, and the cluster it is in; null once released. */
  lock?: HeldLockAt | null;
}

export interface HeldLockAt extends HeldLock {
  kubeconfig: string;
  context?: string;
}

/**
 * The post step: release the lock a main step killed before its end still holds, log docker
 * out of the registry and delete the kubeconfig this run wrote (after the lock: it reaches the
 * cluster with it). Runs even after a failed main step; it warns rather than fails, so cleanup
 * never hides the main step's own verdict.
 */
export async function cleanUp(
  state: CleanupState,
  deps: { docker: ProcessRunner; logger: Logger; env?: NodeJS.ProcessEnv },
): Promise<void> {
  if (state.lock) {
    try {
      const { releaseHeldLock } = await import('./deploy/release-unlock.js');
      await releaseHeldLock(state.lock, {
        runner: deps.docker,
        logger: deps.logger,
        env: deps.env ?? process.env,
      });
    } catch (error) {
      deps.logger.warning(
        `The lock of release ${state.lock.release} could not be released: ${(error as Error).message} It expires on its own.`,
      );
    }
  }
  if (state.registry) {
    try {
      await logoutFromRegistry(deps.docker, deps.logger, state.registry);
    } catch (error) {
      deps.logger.warning(`docker logout ${state.registry} failed: ${(error as Error).message}`);
    }
  }
  if (state.kubeconfigPath) {
    // writeKubeconfig made a private folder k8s-deploy-XXXXXX for the file; remove it whole,
    // with the run's EKS token cache beside it (left there when the main step was killed).
    const folder = dirname(state.kubeconfigPath);
    const target = basename(folder).startsWith('k8s-deploy-') ? folder : state.kubeconfigPath;
    await rm(target, { recursive: true, force: true });
    deps.logger.info(
      `Removed the kubeconfig ${state.kubeconfigPath} and its folder (with any cached EKS token).`,
    );
  }
}
