import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Inputs } from './inputs.js';
import type { Logger } from './log.js';
import { runUrlFromEnv, type Traceability } from './manifests/annotations.js';
import type { ImageReplacements } from './manifests/images.js';
import { loadManifestSources } from './manifests/load.js';
import { type RenderResult, renderManifests } from './manifests/render.js';
import type { ProcessRunner } from './process.js';

/** The effects the pipeline needs, handed in by the front end (action or CLI). */
export interface PipelineDeps {
  runner: ProcessRunner;
  logger: Logger;
  env: NodeJS.ProcessEnv;
}

export interface PipelineResult {
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
  options: { images: ImageReplacements; namespace: string | undefined; traceability: Traceability },
  deps: PipelineDeps,
): Promise<RenderResult> {
  const sources = await loadManifestSources(manifests, {
    workspace: workspaceOf(deps.env),
    runner: deps.runner,
  });
  const result = renderManifests(sources, options);
  for (const change of result.imageChanges) {
    deps.logger.info(`${change.workload} container ${change.container}: ${change.from} → ${change.to}`);
  }
  for (const handover of result.replicasHandovers) {
    deps.logger.info(
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
 * The action's run, phase by phase. Today: render, then stop. `images` comes from the images
 * phase (build/promote) once it lands; until then it is empty and nothing is patched.
 */
export async function runPipeline(
  inputs: Inputs,
  images: ImageReplacements,
  deps: PipelineDeps,
): Promise<PipelineResult> {
  if (inputs.images.length > 0 && images.size === 0) {
    deps.logger.warning(
      `The images phase is not part of this build, so ${inputs.images.map((image) => image.name).join(', ')} were neither built nor patched into the manifests.`,
    );
  }
  const render = await deps.logger.group('Render manifests', () =>
    renderPhase(
      inputs.manifests,
      { images, namespace: inputs.namespace, traceability: traceabilityOf(inputs.tag, deps.env) },
      deps,
    ),
  );
  const manifestsPath = renderOutputPath(deps.env);
  await mkdir(path.dirname(manifestsPath), { recursive: true });
  // Owner-only: rendered Secrets carry their data.
  await writeFile(manifestsPath, render.yaml, { mode: 0o600 });
  deps.logger.info(`Rendered ${render.objects.length} object(s) to ${manifestsPath}.`);
  return { manifestsPath, render, applied: false };
}
