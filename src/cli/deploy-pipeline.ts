import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Inputs } from '../inputs.js';
import type { ImageReplacements } from '../manifests/images.js';
import { type PipelineDeps, type PipelineResult, renderPhase, traceabilityOf } from '../pipeline.js';
import { openKubectl } from './cluster.js';

export interface CliPipelineOptions {
  /** Pre-built references (name → full reference) put in the manifests; nothing is built. */
  images: ImageReplacements;
  kubeconfig?: string;
  context?: string;
  /** A private folder for rendered.yaml and diff.txt. */
  workDir: string;
}

/**
 * The action's pipeline (src/pipeline.ts runPipeline) for a terminal: the same phases and the
 * same engine, with two differences runPipeline cannot express yet — the images are references
 * given on the command line, not built (so the check render is the final render), and the
 * cluster is a plain kubeconfig with an optional context. Once PipelineDeps takes pre-built
 * images and a context, this becomes a call to runPipeline.
 */
export async function runCliPipeline(
  inputs: Inputs,
  options: CliPipelineOptions,
  deps: PipelineDeps & { signal: AbortSignal },
): Promise<PipelineResult> {
  const result: PipelineResult = { result: 'failed', images: {}, built: [], cluster: undefined, phases: [] };
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const startedAt = Date.now();
    try {
      return await deps.logger.group(name, work);
    } finally {
      result.phases.push({ name, startedAt, durationMs: Date.now() - startedAt });
    }
  };
  const { logger, env, signal } = deps;
  try {
    const trace = traceabilityOf(inputs.tag, env);
    const render = await timed('Render manifests', async () => {
      const rendered = await renderPhase(
        inputs.manifests,
        { images: options.images, namespace: inputs.namespace, traceability: trace },
        deps,
      );
      const jobs = rendered.objects.filter((o) => o.kind === 'Job').map((o) => o.name);
      if (inputs.migrationJob !== undefined && !jobs.includes(inputs.migrationJob)) {
        throw new Error(
          `Option --migration-job is ${JSON.stringify(inputs.migrationJob)}, but the manifests hold no Job of that name (their Jobs: ${
            jobs.join(', ') || 'none'
          }). Expected the name of a Job in the manifests.`,
        );
      }
      logger.info(`${rendered.objects.length} object(s) render; every image matches a container.`);
      return rendered;
    });
    result.render = render;
    result.images = Object.fromEntries(options.images);
    const manifestsPath = path.join(options.workDir, 'rendered.yaml');
    // Owner-only: rendered Secrets carry their data.
    await writeFile(manifestsPath, render.yaml, { mode: 0o600 });
    result.manifestsPath = manifestsPath;
    const kubectl = await timed('Cluster', () =>
      openKubectl({ kubeconfig: options.kubeconfig, context: options.context }, { ...deps, signal }),
    );
    if (signal.aborted) throw new Error('The run was cancelled before anything was applied.');
    const releaseName = inputs.releaseName;
    if (releaseName === undefined)
      throw new Error('Option --release-name is required when GITHUB_REPOSITORY is not set.');
    // Loaded here, as runPipeline does: the engine is needed only once a cluster answers.
    const { deploy } = await import('../deploy/engine.js');
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
        rolloutTimeoutMs: inputs.rolloutTimeoutMs,
        crashloopRestarts: inputs.crashloopRestarts,
        rollback: inputs.rollback,
        prune: inputs.prune,
        dryRun: inputs.dryRun,
        historyLimit: inputs.historyLimit,
        diffPath: path.join(options.workDir, 'diff.txt'),
      },
      { kubectl, logger, signal },
    );
    deps.onKubectl?.(outcome.kubectlProcesses);
    result.deploy = outcome;
    result.result = outcome.result;
    result.verdict = outcome.verdict;
  } catch (error) {
    // As runPipeline: a failure before the engine ran changed nothing, and says so.
    const message = (error as Error).message;
    result.result = 'failed';
    result.verdict = result.deploy
      ? message
      : `${message}${/changed/.test(message) ? '' : ' Nothing was changed in the cluster.'}`;
  }
  return result;
}
