/**
 * Deploying with the engine against the sandbox, as the pipeline would, for the engine tests and
 * the deploy benchmarks alike: no jest import here, so the benchmarks (run by tsx) can load it.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type DeployOutcome, type DeploySettings, deploy } from '../src/deploy/engine.js';
import { Kubectl } from '../src/deploy/kubectl.js';
import { DEFAULT_SETTLE_MS } from '../src/deploy/rollout/policy.js';
import { StreamLogger } from '../src/log.js';
import { renderManifests } from '../src/manifests/render.js';
import { NodeProcessRunner } from '../src/process.js';
import { pushStandInImage } from './seed-images.js';
import type { RunningSandbox } from './testing.js';

/** Builds a tiny image (FROM scratch, optional ENV lines) and pushes it to the sandbox's ECR. */
export async function pushImage(
  sandbox: RunningSandbox,
  repository: string,
  tag: string,
  env: Record<string, string> = {},
): Promise<string> {
  return (await pushStandInImage(sandbox.env, repository, tag, { content: randomUUID(), env })).reference;
}

export interface TestDeploy {
  outcome: DeployOutcome;
  log: string[];
  kubectl: Kubectl;
}

/** Renders YAML text as the pipeline would and deploys it with the engine against the sandbox. */
export async function deployYaml(
  sandbox: RunningSandbox,
  yaml: string,
  settings: Partial<DeploySettings> & { releaseName: string },
  options: { signal?: AbortSignal; onLine?: (line: string) => void } = {},
): Promise<TestDeploy> {
  const render = renderManifests([{ name: 'test.yaml', text: yaml }], {
    traceability: { tag: settings.tag, commit: settings.commit },
  });
  const log: string[] = [];
  const logger = new StreamLogger((line) => {
    log.push(line);
    options.onLine?.(line);
  });
  const kubectl = new Kubectl({
    runner: new NodeProcessRunner(),
    kubeconfig: sandbox.env.KUBECONFIG ?? '',
    env: { ...process.env, ...sandbox.env },
    logger,
    signal: options.signal,
  });
  const outcome = await deploy(
    {
      namespace: undefined,
      rendered: render.objects,
      replicasHandovers: render.replicasHandovers,
      images: {},
      tag: undefined,
      commit: undefined,
      runUrl: undefined,
      migrationJob: undefined,
      migrationTimeoutMs: 60_000,
      rolloutTimeoutMs: 60_000,
      rolloutSettleMs: DEFAULT_SETTLE_MS,
      crashloopRestarts: 2,
      rollback: true,
      prune: false,
      dryRun: false,
      historyLimit: 10,
      lockTimeoutMs: 60_000,
      diffPath: join(sandbox.stateDir, `diff-${randomUUID()}.txt`),
      ...settings,
    },
    { kubectl, logger, signal: options.signal ?? new AbortController().signal },
  );
  return { outcome, log, kubectl };
}
