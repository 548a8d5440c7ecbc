import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { createEcrClient } from '../aws/clients.js';
import type { ImageSpec, Inputs } from '../inputs.js';
import type { Logger } from '../log.js';
import type { ProcessRunner } from '../process.js';
import { sleep as abortableSleep } from '../sleep.js';
import {
  type BuildPlan,
  buildxArgs,
  buildxDriver,
  dockerBuildArgs,
  dockerPushArgs,
  needingBuildx,
  ociLabels,
} from './commands.js';
import { decideImage, type ImageDecision, immutableConflict, type RepositoryDescription } from './decide.js';
import { configDigest, createRepository, lookupTag, type RepositoryRef, tagMutability } from './ecr.js';
import {
  authorizeEcr,
  dockerLogin,
  lastLine,
  logoutFromRegistry,
  type RegistryAuthorization,
} from './login.js';

export type ImageInputs = Pick<
  Inputs,
  'images' | 'tag' | 'build' | 'createRepositories' | 'registry' | 'registryId' | 'awsRegion'
>;

export interface ImageDeps {
  /** The ECR client; made for the region (SDK loaded lazily) when not given. */
  ecr?: ECRClient;
  docker: ProcessRunner;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  clock?: () => Date;
  /** Where build metadata files go (RUNNER_TEMP in the action); the OS temp dir otherwise. */
  tempDir?: string;
  /** Told the registry host as soon as docker is logged in, so a later failure still logs out. */
  onLogin?: (registry: string) => void;
  /** Aborts when the run is cancelled: the docker command running is stopped, nothing more starts. */
  signal?: AbortSignal;
  /** Waits between push attempts (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

type Deps = ImageDeps & { ecr: ECRClient };

export interface PreparedImages {
  /** image name → registry/repository:tag@sha256:… */
  images: Record<string, string>;
  /** The names of the images this run built and pushed. */
  built: string[];
  /** The registry docker was logged in to for the pushes (and out of after them); undefined when nothing was built. */
  loggedInTo: string | undefined;
}

interface Planned {
  spec: ImageSpec;
  ref: RepositoryRef;
  repo: RepositoryDescription;
  decision: ImageDecision;
}

/**
 * The build phase: for each image, reuse the tag if ECR has it (build: auto/never) or build and
 * push it (one image after another), then read its digest back from ECR. Every decision is made,
 * and every refusal raised, before the first build starts.
 */
export async function prepareImages(inputs: ImageInputs, given: ImageDeps): Promise<PreparedImages> {
  if (inputs.images.length === 0) return { images: {}, built: [], loggedInTo: undefined };
  const { tag, awsRegion: region } = inputs;
  if (tag === undefined) throw new Error('No image tag: set the tag input or GITHUB_SHA.');
  if (region === undefined) {
    throw new Error(
      "Input 'aws-region' is empty. Expected the region of the ECR registry, such as eu-west-1.",
    );
  }
  const deps: Deps = {
    ...given,
    ecr: given.ecr ?? (await createEcrClient(region, { logger: given.logger, signal: given.signal })),
  };
  const login = await authorizeEcr({
    ...deps,
    region,
    registryId: inputs.registryId,
    registry: inputs.registry,
  });
  const planned = await planImages(inputs, deps, { tag, region, account: login.account });
  const toBuild = planned.filter((p) => p.decision.action === 'build');
  const builder = toBuild.length > 0 ? await readyToBuild(toBuild, deps, login) : undefined;

  const images: Record<string, string> = {};
  const built: string[] = [];
  try {
    const created = await imageCreatedTime(deps);
    for (const { spec, ref, repo, decision } of planned) {
      throwIfCancelled(deps.signal);
      const reference = `${login.host}/${spec.name}:${tag}`;
      if (decision.action === 'reuse') {
        deps.logger.info(
          `${spec.name}: ${reference} is already in ECR (${decision.digest}); reusing it, nothing built.`,
        );
        images[spec.name] = `${reference}@${decision.digest}`;
      } else if (decision.action === 'build' && builder) {
        const plan = {
          spec,
          reference,
          repository: `${login.host}/${spec.name}`,
          labels: ociLabels(deps.env, created),
        };
        if (decision.createRepository) {
          deps.logger.info(
            `${spec.name}: creating ECR repository '${spec.name}' (immutable tags, scan on push).`,
          );
          await createRepository(deps.ecr, ref);
        }
        // A line, not a group: the runner cannot nest groups, and this runs inside 'Images'.
        deps.logger.info(`Building ${reference}`);
        const pushed = await buildImage(plan, decision.existingDigest, { deps, ref, repo, ...builder });
        if (pushed) built.push(spec.name);
        images[spec.name] = `${reference}@${await digestAfterPush(deps.ecr, ref, tag, reference)}`;
      }
    }
  } finally {
    // docker keeps the login in ~/.docker/config.json, where every later step of the job (and,
    // on a self-hosted runner, a later job when the post step never runs) could read a password
    // that pushes to ECR for 12 hours. Only the pushes need it; the post step logs out again in
    // case this never ran.
    if (builder) await logOut(deps, login.host);
  }
  return { images, built, loggedInTo: builder ? login.host : undefined };
}

/** Logs docker out of the registry; a failure is a warning, as in the post step. */
async function logOut(deps: Deps, host: string): Promise<void> {
  try {
    await logoutFromRegistry(deps.docker, deps.logger, host);
  } catch (error) {
    deps.logger.warning(`docker logout ${host} failed: ${(error as Error).message}`);
  }
}

/**
 * The `org.opencontainers.image.created` label. Not the wall clock: a rebuild of the same commit
 * must produce the same image, or `build: always` on an IMMUTABLE tag could never match. So:
 * SOURCE_DATE_EPOCH (the reproducible-builds convention, which BuildKit honours too), else the
 * commit's time from git, else the clock.
 */
async function imageCreatedTime(deps: Deps): Promise<Date> {
  const epoch = deps.env.SOURCE_DATE_EPOCH?.trim();
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  const sha = deps.env.GITHUB_SHA?.trim();
  if (sha) {
    const git = await deps.docker
      .run('git', ['show', '-s', '--format=%cI', sha], { cwd: deps.env.GITHUB_WORKSPACE || undefined })
      .catch(() => undefined);
    const time = git?.exitCode === 0 ? new Date(git.stdout.trim()) : undefined;
    if (time && !Number.isNaN(time.getTime())) return time;
  }
  return (deps.clock ?? (() => new Date()))();
}

/** Asks ECR about every image and decides; all refusals are raised together, before any build. */
async function planImages(
  inputs: ImageInputs,
  deps: Deps,
  where: { tag: string; region: string; account: string | undefined },
): Promise<Planned[]> {
  const planned: Planned[] = [];
  for (const spec of inputs.images) {
    const ref = { repositoryName: spec.name, registryId: inputs.registryId, region: where.region };
    const state = await lookupTag(deps.ecr, ref, where.tag);
    // ECR's own answer names the account more surely than a host name does.
    const repo = {
      name: spec.name,
      account: state.registryId ?? where.account,
      region: where.region,
      tag: where.tag,
    };
    planned.push({
      spec,
      ref,
      repo,
      decision: decideImage(inputs.build, state, inputs.createRepositories, repo),
    });
  }
  const refusals = planned.flatMap((p) => (p.decision.action === 'fail' ? [p.decision.message] : []));
  if (refusals.length > 0) throw new Error(refusals.join('\n'));
  return planned;
}

/** Picks the build path, checks it can build every image, and logs docker in. */
async function readyToBuild(toBuild: Planned[], deps: Deps, login: RegistryAuthorization) {
  const builder = await detectBuilder(deps.docker);
  checkPlatforms(
    toBuild.map((p) => p.spec),
    builder.buildx,
  );
  deps.logger.info(
    `Building with ${builder.buildx ? 'BuildKit (docker buildx)' : 'docker build + docker push'}.`,
  );
  if (builder.buildx && !builder.cacheExport) {
    deps.logger.info(
      "BuildKit's docker driver cannot write a registry cache: reading it only. Set up a builder (e.g. docker/setup-buildx-action) to cache layers in ECR.",
    );
  }
  // Only a build needs docker: promoting existing images works on a runner without it.
  await dockerLogin(deps.docker, deps.logger, login);
  deps.onLogin?.(login.host);
  return builder;
}

async function digestAfterPush(ecr: ECRClient, ref: RepositoryRef, tag: string, reference: string) {
  const state = await lookupTag(ecr, ref, tag);
  if (state.kind !== 'present') {
    throw new Error(
      `${reference} was pushed, but ECR does not list tag '${tag}' in repository '${ref.repositoryName}'.`,
    );
  }
  return state.digest;
}

/**
 * BuildKit when `docker buildx version` works; its driver decides whether a registry cache can
 * be exported (not by the `docker` driver, the default builder of a plain Docker install).
 */
export async function detectBuilder(
  docker: ProcessRunner,
): Promise<{ buildx: boolean; cacheExport: boolean }> {
  const version = await docker.run('docker', ['buildx', 'version']);
  if (version.exitCode !== 0) return { buildx: false, cacheExport: false };
  const inspect = await docker.run('docker', ['buildx', 'inspect']);
  const driver = inspect.exitCode === 0 ? buildxDriver(inspect.stdout) : undefined;
  return { buildx: true, cacheExport: driver !== undefined && driver !== 'docker' };
}

function checkPlatforms(specs: ImageSpec[], buildx: boolean): void {
  if (buildx) return;
  const many = needingBuildx(specs);
  if (many.length === 0) return;
  const names = many.map((spec) => `'${spec.name}' (${spec.platforms.join(', ')})`).join(', ');
  throw new Error(
    `Image ${names} needs several platforms, which only BuildKit can build, and 'docker buildx version' failed on this runner. Set up buildx (e.g. docker/setup-buildx-action) or list one platform per image.`,
  );
}

interface BuildContext {
  deps: Deps;
  ref: RepositoryRef;
  repo: RepositoryDescription;
  buildx: boolean;
  cacheExport: boolean;
}

/** Builds and pushes one image; returns false when an identical image was already there. */
async function buildImage(plan: BuildPlan, existingDigest: string | undefined, ctx: BuildContext) {
  const { deps } = ctx;
  if (existingDigest !== undefined) {
    const mutability = await tagMutability(deps.ecr, ctx.ref);
    if (mutability.startsWith('IMMUTABLE')) return buildAgainstImmutableTag(plan, existingDigest, ctx);
  }
  if (ctx.buildx) {
    await pushWithRetries(
      ctx,
      buildxArgs(plan, { push: true, cacheExport: ctx.cacheExport }),
      `build and push ${plan.reference}`,
    );
  } else {
    await docker(deps, dockerBuildArgs(plan), `build ${plan.reference}`);
    await pushWithRetries(ctx, dockerPushArgs(plan), `push ${plan.reference}`);
  }
  return true;
}

/** Attempts of a push whose registry answered with a temporary error (5xx, 429, a reset). */
export const PUSH_ATTEMPTS = 3;
/** The waits between them: a registry that is restarting or shedding load gets a few seconds. */
export const PUSH_RETRY_DELAYS_MS = [2000, 5000];

/**
 * Registry answers worth another try: server errors, throttling, dropped connections. podman
 * (4.x) does not retry a push that got a 5xx; docker retries only some layer uploads.
 */
export function isTemporaryPushError(stderr: string): boolean {
  return /\b(500|502|503|504|429)\b|internal server error|service unavailable|bad gateway|gateway time-?out|toomanyrequests|too many requests|connection reset|broken pipe|unexpected EOF|i\/o timeout|TLS handshake timeout/i.test(
    stderr,
  );
}

/**
 * A push (or BuildKit's build-and-push), retried a bounded number of times when the registry's
 * error looks temporary; each retry is logged. Before retrying, ECR is asked whether the tag
 * arrived after all (the answer may be what was lost): then the push is done — re-pushing an
 * IMMUTABLE tag would be refused.
 */
async function pushWithRetries(ctx: BuildContext, args: string[], what: string): Promise<void> {
  const { deps } = ctx;
  const sleep = deps.sleep ?? ((ms: number) => abortableSleep(ms, deps.signal));
  for (let attempt = 1; ; attempt++) {
    const result = await runDocker(deps, args, what);
    if (result.exitCode === 0) return;
    const error = `(exit ${result.exitCode}): ${lastLine(result.stderr)}`;
    if (!isTemporaryPushError(result.stderr) || attempt >= PUSH_ATTEMPTS) {
      throw new Error(`docker failed to ${what}${attempt > 1 ? ` after ${attempt} attempts` : ''} ${error}`);
    }
    const wait = PUSH_RETRY_DELAYS_MS[attempt - 1] ?? PUSH_RETRY_DELAYS_MS.at(-1) ?? 0;
    deps.logger.info(
      `docker failed to ${what} (attempt ${attempt} of ${PUSH_ATTEMPTS}) ${error}. The registry's error looks temporary: retrying in ${wait / 1000} s.`,
    );
    await sleep(wait);
    throwIfCancelled(deps.signal);
    const state = await lookupTag(deps.ecr, ctx.ref, ctx.repo.tag);
    if (state.kind === 'present') {
      deps.logger.info(`ECR lists tag '${ctx.repo.tag}' now (${state.digest}): the push got through.`);
      return;
    }
  }
}

/** The sentence a cancelled build phase ends with; the pipeline adds that nothing changed. */
function throwIfCancelled(signal: AbortSignal | undefined, what = 'building the images'): void {
  if (signal?.aborted) throw new Error(`The run was cancelled while ${what}.`);
}

/**
 * build: always on an IMMUTABLE tag that exists: build without pushing, then compare with what
 * ECR holds — identical is fine (nothing to push), different is refused before any push.
 * BuildKit reports the would-be manifest digest; classic docker the config digest (image ID).
 */
async function buildAgainstImmutableTag(plan: BuildPlan, existingDigest: string, ctx: BuildContext) {
  const { deps } = ctx;
  const dir = await mkdtemp(join(deps.tempDir ?? tmpdir(), 'k8s-deploy-build-'));
  try {
    let same: boolean;
    let builtDigest: string | undefined;
    if (ctx.buildx) {
      const metadataFile = join(dir, 'metadata.json');
      await docker(
        deps,
        buildxArgs(plan, { push: false, cacheExport: false, metadataFile }),
        `build ${plan.reference}`,
      );
      const metadata = JSON.parse(await readFile(metadataFile, 'utf8')) as Record<string, unknown>;
      builtDigest = metadata['containerimage.digest'] as string | undefined;
      same = builtDigest === existingDigest;
    } else {
      const iidFile = join(dir, 'image-id');
      await docker(deps, dockerBuildArgs(plan, { iidFile }), `build ${plan.reference}`);
      builtDigest = (await readFile(iidFile, 'utf8')).trim();
      const existingConfig = await configDigest(deps.ecr, ctx.ref, ctx.repo.tag);
      same = existingConfig !== undefined && existingConfig === builtDigest;
    }
    if (!same) throw new Error(immutableConflict(ctx.repo, existingDigest, builtDigest));
    deps.logger.info(`${plan.reference} is identical to the image ECR already holds; nothing pushed.`);
    return false;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function docker(deps: Deps, args: string[], what: string): Promise<void> {
  const result = await runDocker(deps, args, what);
  if (result.exitCode !== 0) {
    throw new Error(`docker failed to ${what} (exit ${result.exitCode}): ${lastLine(result.stderr)}`);
  }
}

/** One docker command, its output streamed to the log; stopped (and said so) when the run is cancelled. */
async function runDocker(deps: Deps, args: string[], what: string) {
  throwIfCancelled(deps.signal, `about to ${what}`);
  const result = await deps.docker.run('docker', args, {
    onStdout: (chunk) => deps.logger.info(chunk.trimEnd()),
    onStderr: (chunk) => deps.logger.info(chunk.trimEnd()),
    signal: deps.signal,
  });
  if (result.cancelled) throw new Error(`The run was cancelled: docker was stopped while trying to ${what}.`);
  return result;
}
