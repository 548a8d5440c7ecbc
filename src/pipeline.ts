import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ClusterConnection, type ConnectDeps, connectCluster } from './cluster/connect.js';
import { type ImageDeps, prepareImages } from './images/prepare.js';
import type { Inputs } from './inputs.js';
import type { Logger } from './log.js';
import { runUrlFromEnv, type Traceability } from './manifests/annotations.js';
import type { ImageReplacements } from './manifests/images.js';
import { loadManifestSources } from './manifests/load.js';
import type { ManifestSource } from './manifests/parse.js';
import { type RenderOptions, type RenderResult, renderManifests } from './manifests/render.js';
import type { CleanupState } from './post.js';
import type { ProcessRunner } from './process.js';

/** The effects the pipeline needs, handed in by the front end (action or CLI). */
export interface PipelineDeps {
  runner: ProcessRunner;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  /** Replace the real AWS clients (tests); the SDK is loaded lazily when they are not given. */
  ecr?: ImageDeps['ecr'];
  eks?: ConnectDeps['eks'];
  /** Told what the post step must clean up, as soon as it exists (a later phase may still fail). */
  onCleanup?: (state: CleanupState) => void;
}

export interface PipelineResult {
  /** image name → registry/repository:tag@sha256:… */
  images: Record<string, string>;
  /** The images this run built and pushed (the rest were reused). */
  built: string[];
  /** The cluster connection, when a cluster was configured. */
  cluster: ClusterConnection | undefined;
  /** Path of the rendered multi-document YAML. */
  manifestsPath: string;
  render: RenderResult;
  /** Whether anything reached the cluster. Always false until the apply phase lands. */
  applied: boolean;
}

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
 * (the manifests render and every image matches a container; the cluster answers), so a typo
 * fails the run before an image is pushed. Then the images are built (or reused) and the
 * manifests rendered with their full references. Nothing is applied yet (a later phase).
 */
export async function runPipeline(inputs: Inputs, deps: PipelineDeps): Promise<PipelineResult> {
  const { logger, env } = deps;
  const renderOptions = (images: ImageReplacements): RenderOptions => ({
    images,
    namespace: inputs.namespace,
    traceability: traceabilityOf(inputs.tag, env),
  });
  const sources = await logger.group('Check manifests', async () => {
    const loaded = await loadSources(inputs.manifests, deps);
    // Stand-in references of the right names: renderManifests fails on any name no container has.
    const standIns = new Map(inputs.images.map((image) => [image.name, `${image.name}:${inputs.tag}`]));
    const checked = renderManifests(loaded, renderOptions(standIns));
    logger.info(`${checked.objects.length} object(s) render; every image matches a container.`);
    return loaded;
  });
  const cluster = await logger.group('Cluster', () =>
    connectCluster(inputs, { kubectl: deps.runner, logger, env, eks: deps.eks }),
  );
  if (cluster?.written) deps.onCleanup?.({ kubeconfigPath: cluster.kubeconfigPath });
  const prepared = await logger.group('Images', () =>
    prepareImages(inputs, {
      ecr: deps.ecr,
      docker: deps.runner,
      logger,
      env,
      tempDir: env.RUNNER_TEMP || undefined,
      onLogin: (registry) => deps.onCleanup?.({ registry }),
    }),
  );
  const render = await logger.group('Render manifests', async () =>
    renderLoaded(sources, renderOptions(new Map(Object.entries(prepared.images))), logger),
  );
  const manifestsPath = renderOutputPath(env);
  await mkdir(path.dirname(manifestsPath), { recursive: true });
  // Owner-only: rendered Secrets carry their data.
  await writeFile(manifestsPath, render.yaml, { mode: 0o600 });
  logger.info(`Rendered ${render.objects.length} object(s) to ${manifestsPath}.`);
  return { images: prepared.images, built: prepared.built, cluster, manifestsPath, render, applied: false };
}
