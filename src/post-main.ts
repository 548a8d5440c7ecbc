import * as core from '@actions/core';
import { actionLogger } from './action-logger.js';
import { cleanUp } from './post.js';
import { NodeProcessRunner } from './process.js';
import { STATE } from './state.js';

// The action's post step: runs after the job's steps, whatever their outcome (post-if: always()).
try {
  await cleanUp(
    {
      registry: core.getState(STATE.registry) || undefined,
      kubeconfigPath: core.getState(STATE.kubeconfig) || undefined,
    },
    { docker: new NodeProcessRunner(), logger: actionLogger },
  );
} catch (error) {
  core.warning(`Cleanup failed: ${(error as Error).message}`);
}
