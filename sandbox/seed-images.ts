import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateRepositoryCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  RepositoryAlreadyExistsException,
} from '@aws-sdk/client-ecr';
import { NodeProcessRunner } from '../src/process.js';
import { dockerHubCacheRepository, normalizeReference } from './registry/reference.js';

export interface SeedImageOptions {
  /** `ENV` lines of the stand-in image, e.g. `{ SANDBOX_CRASH: '1' }` for a broken upstream image. */
  env?: Record<string, string>;
}

export interface SeededImage {
  /** The normalised Docker Hub name pods use: `docker.io/library/postgres:17-alpine`. */
  name: string;
  /** Where it sits in the sandbox registry: `HOST/docker-hub/library/postgres:17-alpine`. */
  cacheReference: string;
  digest: string;
}

/**
 * Puts a stand-in for a Docker Hub image where the nodes' pull-through cache would hold it, so a
 * pod using `postgres:17-alpine` pulls in the sandbox (which has no internet): a tiny FROM-scratch
 * image, built with the sandbox's docker shim and pushed to `docker-hub/<path>` after creating
 * that ECR repository. `sandboxEnv` is the sandbox's STATE/env.
 */
export async function seedDockerHubImage(
  sandboxEnv: Record<string, string>,
  image: string,
  options: SeedImageOptions = {},
): Promise<SeededImage> {
  const ref = normalizeReference(image);
  const repository = dockerHubCacheRepository(image);
  if (!repository || ref.digest) {
    throw new Error(
      `${image} is not a Docker Hub reference by tag; only those go through the pull-through cache.`,
    );
  }
  // The upstream name in the content gives every stand-in its own digest.
  const { reference, digest } = await pushStandInImage(sandboxEnv, repository, ref.tag ?? 'latest', {
    content: `${ref.name}\n`,
    env: options.env,
  });
  return { name: ref.name, cacheReference: reference, digest };
}

/**
 * Builds a tiny FROM-scratch image holding `content` (and `ENV` lines, e.g. SANDBOX_CRASH for a
 * broken image) with the sandbox's docker shim and pushes it to REGISTRY/repository:tag, creating
 * the ECR repository first, as a build job would. `sandboxEnv` is the sandbox's STATE/env.
 */
export async function pushStandInImage(
  sandboxEnv: Record<string, string>,
  repository: string,
  tag: string,
  options: { content: string; env?: Record<string, string> },
): Promise<{ reference: string; digest: string }> {
  const registry = sandboxEnv.SANDBOX_REGISTRY ?? '';
  const ecr = new ECRClient({
    region: sandboxEnv.AWS_REGION,
    endpoint: sandboxEnv.AWS_ENDPOINT_URL_ECR,
    credentials: {
      accessKeyId: sandboxEnv.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: sandboxEnv.AWS_SECRET_ACCESS_KEY ?? '',
    },
  });
  try {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: repository }));
  } catch (error) {
    if (!(error instanceof RepositoryAlreadyExistsException)) throw error;
  }
  const token = await ecr.send(new GetAuthorizationTokenCommand({}));
  const password = Buffer.from(token.authorizationData?.[0]?.authorizationToken ?? '', 'base64')
    .toString()
    .slice('AWS:'.length);
  const reference = `${registry}/${repository}:${tag}`;
  const context = await mkdtemp(join(sandboxEnv.SANDBOX_STATE_DIR ?? '/tmp', 'image-'));
  try {
    await writeFile(join(context, 'content'), options.content);
    const envLines = Object.entries(options.env ?? {}).map(([k, v]) => `ENV ${k}=${JSON.stringify(v)}\n`);
    await writeFile(join(context, 'Dockerfile'), `FROM scratch\n${envLines.join('')}COPY content /content\n`);
    const runner = new NodeProcessRunner();
    const env = { ...process.env, ...sandboxEnv };
    let pushed = '';
    for (const args of [
      ['login', '--password-stdin', '-u', 'AWS', registry],
      ['build', '-t', reference, context],
      ['push', reference],
    ]) {
      const result = await runner.run('docker', args, { env, stdin: password });
      if (result.exitCode !== 0) {
        throw new Error(`docker ${args[0]} failed for ${reference}: ${result.stderr || result.stdout}`);
      }
      pushed = result.stdout;
    }
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed)?.[1];
    if (!digest) throw new Error(`docker push printed no digest for ${reference}: ${pushed}`);
    return { reference, digest };
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}
