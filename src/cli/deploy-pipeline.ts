import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Inputs } from '../inputs.js';
import type { ImageReplacements } from '../manifests/images.js';
import { type PipelineDeps, type PipelineResult, runPipeline } from '../pipeline.js';
import { nothingChanged } from '../verdict.js';

export interface CliPipelineOptions {
  /** Pre-built references (name → full reference) put in the manifests; nothing is built. */
  images: ImageReplacements;
  kubeconfig?: string;
  context?: string;
  /** A private folder for rendered.yaml and diff.txt. */
  workDir: string;
}

/**
 * The action's pipeline for a terminal: the images are references given on the command line
 * (nothing is built), and the cluster is a plain kubeconfig — --kubeconfig, else KUBECONFIG,
 * else ~/.kube/config, as kubectl looks — with an optional context.
 */
export async function runCliPipeline(
  inputs: Inputs,
  options: CliPipelineOptions,
  deps: PipelineDeps & { signal: AbortSignal },
): Promise<PipelineResult> {
  if (options.kubeconfig !== undefined && !existsSync(options.kubeconfig)) {
    return {
      result: 'failed',
      verdict: nothingChanged(
        `Option --kubeconfig names ${options.kubeconfig}, which does not exist. Expected the path of a kubeconfig file.`,
      ),
      images: {},
      built: [],
      cluster: undefined,
      phases: [],
      cancelled: false,
    };
  }
  const kubeconfig =
    options.kubeconfig ?? (deps.env.KUBECONFIG || path.join(os.homedir(), '.kube', 'config'));
  const kubeconfigSource =
    options.kubeconfig !== undefined
      ? 'Option --kubeconfig'
      : deps.env.KUBECONFIG
        ? 'KUBECONFIG'
        : 'The default kubeconfig';
  return runPipeline(
    { ...inputs, images: [], kubeconfig },
    {
      ...deps,
      givenImages: options.images,
      workDir: options.workDir,
      context: options.context,
      kubeconfigSource,
    },
  );
}
