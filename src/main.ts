import * as core from '@actions/core';
import { actionLogger } from './action-logger.js';
import { type Inputs, parseInputs } from './inputs.js';
import { NodeProcessRunner } from './process.js';
import { STATE } from './state.js';

async function main(): Promise<void> {
  core.saveState(STATE.isPost, 'true');
  let inputs: Inputs;
  try {
    inputs = parseInputs((name) => core.getInput(name));
  } catch (error) {
    core.setOutput('result', 'failed');
    core.setFailed((error as Error).message);
    // The summary too: a reviewer reads it instead of the log, on every outcome.
    await core.summary
      .addRaw(`## ❌ Failed: invalid input, nothing was changed\n\n> ${(error as Error).message}\n`)
      .write();
    return;
  }
  if (inputs.githubToken) core.setSecret(inputs.githubToken);
  // A cancelled workflow sends SIGINT, then SIGTERM about 7.5 s later: the pipeline decides
  // what each phase does with it (before apply: stop; migration: leave it; verify: roll back).
  const cancel = new AbortController();
  const onSignal = (signal: string) => {
    core.info(`Received ${signal}: cancelling the run.`);
    cancel.abort();
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  // Loaded after the inputs are accepted, so a bad input is reported without loading the
  // pipeline's modules (YAML parsers, globbing, AWS clients) first.
  const [{ runPipeline }, { GitHubRun }] = await Promise.all([
    import('./pipeline.js'),
    import('./report/github-run.js'),
  ]);
  const github = new GitHubRun(inputs, process.env, actionLogger);
  const result = await runPipeline(inputs, {
    runner: new NodeProcessRunner(),
    logger: actionLogger,
    env: process.env,
    signal: cancel.signal,
    onDeploying: (release) => github.deploying(release.previous, release.images),
    onCleanup: (state) => {
      if (state.registry) core.saveState(STATE.registry, state.registry);
      if (state.kubeconfigPath) core.saveState(STATE.kubeconfig, state.kubeconfigPath);
    },
  });
  core.setOutput('images', JSON.stringify(result.images));
  core.setOutput('built', JSON.stringify(result.built));
  if (result.manifestsPath) core.setOutput('manifests', result.manifestsPath);
  if (result.deploy?.diffPath) core.setOutput('diff', result.deploy.diffPath);
  if (result.deploy?.release !== undefined) core.setOutput('release', String(result.deploy.release));
  core.setOutput('result', result.result);
  await github.finished(result, cancel.signal.aborted);
  if (github.deploymentId !== undefined) core.setOutput('deployment-id', String(github.deploymentId));
  const [{ runSummary }, { failureAnnotation }] = await Promise.all([
    import('./report/summary.js'),
    import('./report/annotations.js'),
  ]);
  try {
    await core.summary.addRaw(runSummary(result)).write();
  } catch (error) {
    core.warning(`The job summary could not be written: ${(error as Error).message}`);
  }
  if (result.result === 'failed' || result.result === 'rolled-back') {
    const annotation = failureAnnotation(result) ?? {
      message: result.verdict ?? `The deploy ended ${result.result}.`,
    };
    // An error annotation on the manifest line of what failed, where one is known.
    core.error(
      annotation.message,
      annotation.file !== undefined ? { file: annotation.file, startLine: annotation.startLine } : undefined,
    );
    process.exitCode = 1;
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
