import * as core from '@actions/core';
import { actionLogger } from './action-logger.js';
import { InputError, parseInputs } from './inputs.js';
import { NodeProcessRunner } from './process.js';
import { STATE } from './state.js';

async function main(): Promise<void> {
  core.saveState(STATE.isPost, 'true');
  try {
    const inputs = parseInputs((name) => core.getInput(name));
    if (inputs.githubToken) core.setSecret(inputs.githubToken);
    // Loaded after the inputs are accepted, so a bad input is reported without loading the
    // pipeline's modules (YAML parsers, globbing, AWS clients) first.
    const { runPipeline } = await import('./pipeline.js');
    const result = await runPipeline(inputs, {
      runner: new NodeProcessRunner(),
      logger: actionLogger,
      env: process.env,
      onCleanup: (state) => {
        if (state.registry) core.saveState(STATE.registry, state.registry);
        if (state.kubeconfigPath) core.saveState(STATE.kubeconfig, state.kubeconfigPath);
      },
    });
    core.setOutput('images', JSON.stringify(result.images));
    core.setOutput('built', JSON.stringify(result.built));
    core.setOutput('manifests', result.manifestsPath);
    core.setOutput('result', inputs.dryRun ? 'dry-run' : 'success');
    const { runSummary } = await import('./report/summary.js');
    await core.summary.addRaw(runSummary(result)).write();
    core.info(
      'Nothing was applied to the cluster: this version of the action builds, connects and renders only.',
    );
  } catch (error) {
    // Every phase words its own errors for the user; anything else is a bug worth its stack.
    if (!(error instanceof InputError)) core.debug((error as Error).stack ?? '');
    core.setOutput('result', 'failed');
    core.setFailed((error as Error).message);
  }
}

/** The post step (action.yml `post:`, always): log docker out, delete the kubeconfig we wrote. */
async function post(): Promise<void> {
  try {
    const { cleanUp } = await import('./post.js');
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
}

// One bundle for both steps, as actions/checkout does: the post step is told apart by state.
await (core.getState(STATE.isPost) === 'true' ? post() : main());
