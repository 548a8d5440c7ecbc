import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createEksClient } from './aws/clients.js';
import { connectCluster } from './cluster/connect.js';
import { forgetCachedTokens } from './cluster/token-cache.js';
import { prepareImages } from './images/prepare.js';
import type { Inputs } from './inputs.js';
import type { Logger } from './log.js';
import { runUrlFromEnv, type Traceability } from './manifests/annotations.js';
import { locationOf } from './manifests/errors.js';
import type { ImageReplacements } from './manifests/images.js';
import { loadManifestSources } from './manifests/load.js';
import type { ManifestSource } from './manifests/parse.js';
import { type RenderOptions, type RenderResult, renderManifests } from './manifests/render.js';
import { phaseTimer } from './phases.js';
import type { PipelineDeps, PipelineResult } from './pipeline-types.js';
import { nothingChanged } from './verdict.js';

export type { PipelineDeps, PipelineResult, RunResultName } from './pipeline-types.js';

/** Where rendered files go: $RUNNER_TEMP/k8s-deploy on a runner, the OS temp dir elsewhere. */
export function renderOutputPath(env: NodeJS.ProcessEnv): string {
  return path.join(env.RUNNER_TEMP || os.tmpdir(), 'k8s-deploy', 'rendered.yaml');
}

export function workspaceOf(env: NodeJS.ProcessEnv): string {
  return env.GITHUB_WORKSPACE || process.cwd();
}

export function traceabilityOf(tag: string | undefined, env: NodeJS.ProcessEnv): Traceability {
  return { tag, commit: env.GITHUB_SHA?.trim() || undefined, runUrl: runUrlFromEnv(env) };
}

/** Loads and renders the manifests: the render phase, shared by the action and the CLI. */
export async function renderPhase(
  manifests: readonly string[],
  options: RenderOptions,
  deps: PipelineDeps,
): Promise<RenderResult> {
  return renderLoaded(await loadSources(manifests, deps), options, deps.logger);
}

function loadSources(manifests: readonly string[], deps: PipelineDeps): Promise<ManifestSource[]> {
  return loadManifestSources(manifests, { workspace: workspaceOf(deps.env), runner: deps.runner });
}

function renderLoaded(sources: ManifestSource[], options: RenderOptions, logger: Logger): RenderResult {
  const result = renderManifests(sources, options);
  for (const change of result.imageChanges) {
    logger.info(`${change.workload} container ${change.container}: ${change.from} → ${change.to}`);
  }
  for (const handover of result.replicasHandovers) {
    logger.info(
      `${handover.kind}/${handover.name}: replicas left to ${handover.autoscaler}${
        handover.declaredReplicas !== undefined
          ? ` (the manifest's ${handover.declaredReplicas} removed)`
          : ''
      }.`,
    );
  }
  return result;
}

/**
 * The action's run, phase by phase. What can be checked without changing anything comes first
 * (the manifests render, every image matches a container, the migration Job exists; the cluster
 * answers), so a typo fails the run before an image is pushed. Then the images are built (or
 * reused), the manifests rendered with their full references, and deployed. Never throws for a
 * failed run: the result says what happened, failures included.
 */
export async function runPipeline(inputs: Inputs, deps: PipelineDeps): Promise<PipelineResult> {
  const result: PipelineResult = {
    result: 'failed',
    images: {},
    built: [],
    cluster: undefined,
    phases: [],
    cancelled: false,
  };
  const timed = phaseTimer(result.phases, deps.logger, deps.signal);
  try {
    await runPhases(inputs, deps, result, timed);
  } catch (error) {
    result.result = 'failed';
    result.failedAt = locationOf(error);
    const message = (error as Error).message;
    // A promote or reject stopped part-way says itself what it changed (deploy/promotion.ts).
    const changed =
      result.deploy !== undefined || (error as { changedCluster?: boolean }).changedCluster === true;
    result.verdict = changed ? message : nothingChanged(cancelledBefore(message, result, deps.signal));
    deps.logger.debug((error as Error).stack ?? '');
  }
  // The run's last kubectl has finished: no token stays on disk until the post step.
  if (result.cluster?.written) forgetCachedTokens(result.cluster.kubeconfigPath);
  result.cancelled = deps.signal?.aborted ?? false;
  return result;
}

/**
 * A phase cut short by the cancellation fails with whatever its tool said (an aborted request, a
 * killed docker): the verdict says it was cancelled, and in which phase.
 */
function cancelledBefore(message: string, result: PipelineResult, signal: AbortSignal | undefined): string {
  if (!signal?.aborted || /^The run was cancelled/.test(message)) return message;
  const phase = result.phases.at(-1)?.name;
  return `The run was cancelled${phase ? ` during '${phase}'` : ''}: ${message}`;
}

function throwIfCancelled(signal: AbortSignal | undefined, when: string): void {
  if (signal?.aborted) throw new Error(`The run was cancelled ${when}.`);
}

async function runPhases(
  inputs: Inputs,
  deps: PipelineDeps,
  result: PipelineResult,
  timed: <T>(name: string, work: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const { logger, env } = deps;
  if (inputs.action !== 'deploy') {
    // promote / reject: no build and no render; the recorded releases say what to apply.
    const { runPromotion } = await import('./promotion-pipeline.js');
    return runPromotion(inputs, deps, result, timed);
  }
  const renderOptions = (images: ImageReplacements): RenderOptions => ({
    images,
    namespace: inputs.namespace,
    traceability: traceabilityOf(inputs.tag, env),
  });
  const sources = await timed('Check manifests', async () => {
    const loaded = await loadSources(inputs.manifests, deps);
    // Stand-in references of the right names: renderManifests fails on any name no container has.
    const standIns = new Map([
      ...(deps.givenImages ?? new Map()),
      ...inputs.images.map((image): [string, string] => [image.name, `${image.name}:${inputs.tag}`]),
    ]);
    const checked = renderManifests(loaded, renderOptions(standIns));
    if (
      inputs.migrationJob !== undefined &&
      !checked.objects.some((o) => o.kind === 'Job' && o.name === inputs.migrationJob)
    ) {
      throw new Error(
        `Input 'migration-job' is ${JSON.stringify(inputs.migrationJob)}, but the manifests hold no Job of that name (their Jobs: ${
          checked.objects
            .filter((o) => o.kind === 'Job')
            .map((o) => o.name)
            .join(', ') || 'none'
        }). Expected the name of a Job in the manifests.`,
      );
    }
    const jobs = new Set(checked.objects.filter((o) => o.kind === 'Job').map((o) => o.name));
    const notJobs = inputs.postDeployJobs.filter((name) => !jobs.has(name));
    if (notJobs.length > 0) {
      throw new Error(
        `Input 'post-deploy-jobs' names ${notJobs.join(', ')}, but the manifests hold no Job of that name (their Jobs: ${[...jobs].join(', ') || 'none'}). Expected names of Jobs in the manifests.`,
      );
    }
    logger.info(`${checked.objects.length} object(s) render; every image matches a container.`);
    return loaded;
  });
  // The run's EKS client logs the SDK's retries and is aborted with the run.
  const eks = deps.eks ?? ((region: string) => createEksClient(region, { logger, signal: deps.signal }));
  const cluster = await timed('Cluster', () =>
    connectCluster(inputs, {
      kubectl: deps.runner,
      logger,
      env,
      eks,
      context: deps.context,
      kubeconfigSource: deps.kubeconfigSource,
      tokenCache: deps.tokenCache,
    }),
  );
  result.cluster = cluster;
  if (cluster?.written) deps.onCleanup?.({ kubeconfigPath: cluster.kubeconfigPath });
  throwIfCancelled(deps.signal, 'before anything was built or applied');
  // No image to build (the CLI's are given as references): no phase, no empty group in the log.
  const prepared =
    inputs.images.length === 0
      ? { images: {}, built: [] }
      : await timed('Images', () =>
          prepareImages(inputs, {
            ecr: deps.ecr,
            docker: deps.runner,
            logger,
            env,
            tempDir: env.RUNNER_TEMP || undefined,
            onLogin: (registry) => deps.onCleanup?.({ registry }),
            signal: deps.signal,
          }),
        );
  throwIfCancelled(deps.signal, 'after the images were ready, before anything was applied');
  result.images = { ...Object.fromEntries(deps.givenImages ?? new Map()), ...prepared.images };
  result.built = prepared.built;
  const render = await timed('Render manifests', async () =>
    renderLoaded(sources, renderOptions(new Map(Object.entries(result.images))), logger),
  );
  result.render = render;
  const manifestsPath = deps.workDir ? path.join(deps.workDir, 'rendered.yaml') : renderOutputPath(env);
  await mkdir(path.dirname(manifestsPath), { recursive: true });
  // Owner-only: rendered Secrets carry their data.
  await writeFile(manifestsPath, render.yaml, { mode: 0o600 });
  result.manifestsPath = manifestsPath;
  logger.info(`Rendered ${render.objects.length} object(s) to ${manifestsPath}.`);
  if (!cluster) {
    result.result = inputs.dryRun ? 'dry-run' : 'success';
    logger.info(
      'No cluster was given (cluster-name or kubeconfig): the manifests were rendered, not deployed.',
    );
    return;
  }
  const releaseName = inputs.releaseName;
  if (releaseName === undefined) {
    throw new Error(
      "Input 'release-name' is empty and GITHUB_REPOSITORY is not set. Expected a name for the release records (the repository's name by default).",
    );
  }
  const [{ deploy }, { Kubectl }, { lockOwner }] = await Promise.all([
    import('./deploy/engine.js'),
    import('./deploy/kubectl.js'),
    import('./deploy/release-lock.js'),
  ]);
  const kubectl = new Kubectl({
    runner: deps.runner,
    kubeconfig: cluster.kubeconfigPath,
    context: deps.context,
    env,
    logger,
    signal: deps.signal,
  });
  // Rendering never yields to the event loop: a signal that came during it is seen only now.
  throwIfCancelled(deps.signal, 'after rendering the manifests, before anything was applied');
  const trace = traceabilityOf(inputs.tag, env);
  const outcome = await deploy(
    {
      releaseName,
      namespace: inputs.namespace,
      rendered: render.objects,
      replicasHandovers: render.replicasHandovers,
      images: result.images,
      tag: trace.tag,
      commit: trace.commit,
      runUrl: trace.runUrl,
      migrationJob: inputs.migrationJob,
      migrationTimeoutMs: inputs.migrationTimeoutMs,
      migrations: inputs.migrations,
      migrationNotNeeded: inputs.migrationNotNeeded,
      postDeployJobs: inputs.postDeployJobs,
      rolloutTimeoutMs: inputs.rolloutTimeoutMs,
      rolloutSettleMs: inputs.rolloutSettleMs,
      crashloopRestarts: inputs.crashloopRestarts,
      allowPaused: inputs.allowPaused,
      policy: inputs.policy,
      policySkip: inputs.policySkip,
      rollback: inputs.rollback,
      prune: inputs.prune,
      dryRun: inputs.dryRun,
      historyLimit: inputs.historyLimit,
      lockTimeoutMs: inputs.lockTimeoutMs,
      diffPath: path.join(path.dirname(manifestsPath), 'diff.txt'),
    },
    {
      kubectl,
      logger,
      signal: deps.signal ?? new AbortController().signal,
      onDeploying: deps.onDeploying,
      lockOwner: lockOwner(env),
      // The post step releases a lock this run still holds (a main step killed before its end).
      onLock: (held) =>
        deps.onCleanup?.({
          lock: held ? { ...held, kubeconfig: cluster.kubeconfigPath, context: deps.context } : null,
        }),
    },
  );
  result.deploy = outcome;
  result.result = outcome.result;
  result.verdict = outcome.verdict;
}
