import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateRepositoryCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  RepositoryAlreadyExistsException,
} from '@aws-sdk/client-ecr';
import type { RunningSandbox } from '../../sandbox/testing.js';
import { type DeployOutcome, type DeploySettings, deploy } from '../../src/deploy/engine.js';
import { Kubectl } from '../../src/deploy/kubectl.js';
import { StreamLogger } from '../../src/log.js';
import { renderManifests } from '../../src/manifests/render.js';
import { NodeProcessRunner } from '../../src/process.js';

/** Builds a tiny image (FROM scratch, optional ENV lines) and pushes it to the sandbox's ECR. */
export async function pushImage(
  sandbox: RunningSandbox,
  repository: string,
  tag: string,
  env: Record<string, string> = {},
): Promise<string> {
  const ecr = new ECRClient({});
  try {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: repository }));
  } catch (error) {
    if (!(error instanceof RepositoryAlreadyExistsException)) throw error;
  }
  const token = await ecr.send(new GetAuthorizationTokenCommand({}));
  const password = Buffer.from(token.authorizationData?.[0]?.authorizationToken ?? '', 'base64')
    .toString()
    .slice('AWS:'.length);
  const registry = sandbox.env.SANDBOX_REGISTRY ?? '';
  const context = await mkdtemp(join(sandbox.stateDir, 'build-'));
  await writeFile(join(context, 'id'), randomUUID());
  const envLines = Object.entries(env).map(([key, value]) => `ENV ${key}=${value}\n`);
  await writeFile(join(context, 'Dockerfile'), `FROM scratch\nCOPY id /id\n${envLines.join('')}`);
  const reference = `${registry}/${repository}:${tag}`;
  const runner = new NodeProcessRunner();
  const processEnv = { ...process.env, ...sandbox.env };
  for (const args of [
    ['login', '--password-stdin', '-u', 'AWS', registry],
    ['build', '-t', reference, context],
    ['push', reference],
  ]) {
    const result = await runner.run('docker', args, { stdin: password, env: processEnv });
    if (result.exitCode !== 0) throw new Error(`docker ${args[0]} failed: ${result.stderr}`);
  }
  return reference;
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
      crashloopRestarts: 2,
      rollback: true,
      prune: false,
      dryRun: false,
      historyLimit: 10,
      diffPath: join(sandbox.stateDir, `diff-${randomUUID()}.txt`),
      ...settings,
    },
    { kubectl, logger, signal: options.signal ?? new AbortController().signal },
  );
  return { outcome, log, kubectl };
}
