import { rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { logoutFromRegistry } from './images/login.js';
import type { Logger } from './log.js';
import type { ProcessRunner } from './process.js';

/** What the main step leaves for the post step (saved with core.saveState by the action). */
export interface CleanupState {
  /** The registry host docker logged in to. */
  registry?: string;
  /** A kubeconfig this run wrote (never one the user gave). */
  kubeconfigPath?: string;
}

/**
 * The post step: log docker out of the registry and delete the kubeconfig this run wrote.
 * Runs even after a failed main step; it warns rather than fails, so cleanup never hides the
 * main step's own verdict.
 */
export async function cleanUp(
  state: CleanupState,
  deps: { docker: ProcessRunner; logger: Logger },
): Promise<void> {
  if (state.registry) {
    try {
      await logoutFromRegistry(deps.docker, deps.logger, state.registry);
    } catch (error) {
      deps.logger.warning(`docker logout ${state.registry} failed: ${(error as Error).message}`);
    }
  }
  if (state.kubeconfigPath) {
    // writeKubeconfig made a private folder k8s-deploy-XXXXXX for the file; remove it whole.
    const folder = dirname(state.kubeconfigPath);
    const target = basename(folder).startsWith('k8s-deploy-') ? folder : state.kubeconfigPath;
    await rm(target, { recursive: true, force: true });
    deps.logger.info(`Removed the kubeconfig ${state.kubeconfigPath}.`);
  }
}
