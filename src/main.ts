import { type Inputs, parseInputs } from './inputs.js';
import type { HeldLockAt } from './post.js';
import { STATE } from './state.js';
import * as runner from './workflow-commands.js';

/**
 * The action's main step: inputs → pipeline → outputs, summary and verdict. Exported as `run`,
 * the name @github/local-action and the actions/typescript-action template call.
 */
export async function run(): Promise<void> {
  runner.saveState(STATE.isPost, 'true');
  let inputs: Inputs;
  try {
    inputs = parseInputs(runner.getInput);
  } catch (error) {
    runner.setOutput('result', 'failed');
    runner.setFailed((error as Error).message);
    // The summary too: a reviewer reads it instead of the log, on every outcome.
    try {
      runner.appendSummary(
        `## ❌ Failed: invalid input, nothing was changed\n\n> ${(error as Error).message}\n`,
      );
    } catch (summaryError) {
      runner.warning(`The job summary could not be written: ${(summaryError as Error).message}`);
    }
    return;
  }
  // Loaded only now (see workflow-commands.ts), with the pipeline's modules (YAML parsers,
  // globbing, AWS clients): a bad input is reported without loading any of them.
  const [core, { actionLogger }, { NodeProcessRunner }, { runPipeline }, { GitHubRun }] = await Promise.all([
    import('@actions/core'),
    import('./action-logger.js'),
    import('./process.js'),
    import('./pipeline.js'),
    import('./report/github-run.js'),
  ]);
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
  const github = new GitHubRun(inputs, process.env, actionLogger);
  const result = await runPipeline(inputs, {
    runner: new NodeProcessRunner(),
    logger: actionLogger,
    env: process.env,
    signal: cancel.signal,
    tokenCache: true,
    onDeploying: (release) => github.deploying(release.previous, release.images),
    onCleanup: (state) => {
      if (state.registry) core.saveState(STATE.registry, state.registry);
      if (state.kubeconfigPath) core.saveState(STATE.kubeconfig, state.kubeconfigPath);
      if (state.lock !== undefined) core.saveState(STATE.lock, state.lock ? JSON.stringify(state.lock) : '');
    },
  });
  core.setOutput('images', JSON.stringify(result.images));
  core.setOutput('built', JSON.stringify(result.built));
  if (result.manifestsPath) core.setOutput('manifests', result.manifestsPath);
  if (result.deploy?.diffPath) core.setOutput('diff', result.deploy.diffPath);
  if (result.deploy?.release !== undefined) core.setOutput('release', String(result.deploy.release));
  core.setOutput('result', result.result);
  await github.finished(result);
  if (github.deploymentId !== undefined) core.setOutput('deployment-id', String(github.deploymentId));
  const [{ runSummary }, { failureAnnotation }] = await Promise.all([
    import('./report/summary.js'),
    import('./report/annotations.js'),
  ]);
  try {
    const server = process.env.GITHUB_SERVER_URL || 'https://github.com';
    const repository = process.env.GITHUB_REPOSITORY;
    const context = {
      cluster: inputs.clusterName,
      region: inputs.awsRegion,
      environment: inputs.environment,
      environmentUrl: inputs.environmentUrl,
      repositoryUrl: repository ? `${server}/${repository}` : undefined,
      commit: process.env.GITHUB_SHA?.trim() || undefined,
    };
    await core.summary.addRaw(runSummary(result, { context })).write();
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

/**
 * The post step (action.yml `post:`, always): release a release lock still held, log docker out,
 * delete the kubeconfig we wrote.
 */
export async function post(): Promise<void> {
  const registry = runner.getState(STATE.registry) || undefined;
  const kubeconfigPath = runner.getState(STATE.kubeconfig) || undefined;
  const lockState = runner.getState(STATE.lock);
  // Nothing to clean up (no input accepted, or nothing set up yet): nothing to load.
  if (!registry && !kubeconfigPath && !lockState) return;
  try {
    const [{ cleanUp }, { actionLogger }, { NodeProcessRunner }] = await Promise.all([
      import('./post.js'),
      import('./action-logger.js'),
      import('./process.js'),
    ]);
    const lock = lockState ? (JSON.parse(lockState) as HeldLockAt) : undefined;
    await cleanUp(
      { registry, kubeconfigPath, lock },
      { docker: new NodeProcessRunner(), logger: actionLogger, env: process.env },
    );
  } catch (error) {
    runner.warning(`Cleanup failed: ${(error as Error).message}`);
  }
}

/**
 * What the runner's entry (dist/index.js, through src/bundle.ts) calls for both steps, as
 * actions/checkout does: the post step is told apart by the state the main step saved.
 */
export function runStep(): Promise<void> {
  return runner.getState(STATE.isPost) === 'true' ? post() : run();
}
