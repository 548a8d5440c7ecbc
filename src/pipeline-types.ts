import type { ClusterConnection, ConnectDeps } from './cluster/connect.js';
import type { DeployDeps, DeployOutcome } from './deploy/engine.js';
import type { RunResult } from './deploy/outcome.js';
import type { ImageDeps } from './images/prepare.js';
import type { Logger } from './log.js';
import type { SourceLocation } from './manifests/errors.js';
import type { ImageReplacements } from './manifests/images.js';
import type { RenderResult } from './manifests/render.js';
import type { PhaseTiming } from './phases.js';
import type { CleanupState } from './post.js';
import type { ProcessRunner } from './process.js';

// What a run is given and what it answers, apart from pipeline.ts so that the promote/reject
// pipeline, which pipeline.ts loads, can name them without an import cycle.

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
  /** Aborts when the run is cancelled (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** References given up front (the CLI's --image): put into the manifests as built ones are. */
  givenImages?: ImageReplacements;
  /** Where rendered.yaml and diff.txt go; default $RUNNER_TEMP/k8s-deploy (see renderOutputPath). */
  workDir?: string;
  /** A context of the kubeconfig (the CLI's --context); the current one otherwise. */
  context?: string;
  /** What gave the kubeconfig, as messages name it (see ConnectDeps.kubeconfigSource). */
  kubeconfigSource?: string;
  /** Told when the plan passed and the cluster is about to change (see DeployDeps.onDeploying). */
  onDeploying?: DeployDeps['onDeploying'];
  /** Share one EKS token among the run's kubectl processes (ConnectDeps.tokenCache); removed when the run ends. */
  tokenCache?: boolean;
}

/** How a run ended (one union, shared with the engine). */
export type RunResultName = RunResult;

/** What a run did, on every path: the front ends only map it to their world. */
export interface PipelineResult {
  result: RunResultName;
  /** One sentence (and details) saying why, when the result is failed or rolled-back. */
  verdict?: string;
  /** image name → registry/repository:tag@sha256:… */
  images: Record<string, string>;
  /** The images this run built and pushed (the rest were reused). */
  built: string[];
  /** The cluster connection, when a cluster was configured. */
  cluster: ClusterConnection | undefined;
  /** Path of the rendered multi-document YAML, once rendered. */
  manifestsPath?: string;
  render?: RenderResult;
  /** The deploy engine's outcome, when it ran. */
  deploy?: DeployOutcome;
  /** Where in the manifests a failure before the deploy lies (a ManifestError's location). */
  failedAt?: SourceLocation;
  /** The run was cancelled (SIGINT/SIGTERM): the one source every front end and report reads. */
  cancelled: boolean;
  /** Wall time of the build, connect and render phases (ms), for the summary's timeline. */
  phases: PhaseTiming[];
}
