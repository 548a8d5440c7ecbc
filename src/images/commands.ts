import type { ImageSpec } from '../inputs.js';

/*
 * The exact docker command lines of the build phase, as pure functions of what to build.
 * Two paths: BuildKit (`docker buildx build --push`) when `docker buildx version` works, and
 * the classic `docker build` + `docker push` otherwise.
 */

/** Everything one build needs, resolved: where it goes, what it is made of, how it is labelled. */
export interface BuildPlan {
  spec: ImageSpec;
  /** registry/repository:tag */
  reference: string;
  /** registry/repository — the cache lives here under CACHE_TAG. */
  repository: string;
  labels: Record<string, string>;
}

/** The registry cache's own tag, apart from the SHA tags, so it never shadows an image. */
export const CACHE_TAG = 'buildcache';

/** OCI labels that tie an image to its commit, repository and build time. */
export function ociLabels(env: NodeJS.ProcessEnv, created: Date): Record<string, string> {
  const labels: Record<string, string> = {};
  if (env.GITHUB_SHA) labels['org.opencontainers.image.revision'] = env.GITHUB_SHA;
  if (env.GITHUB_REPOSITORY) {
    const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
    labels['org.opencontainers.image.source'] = `${server}/${env.GITHUB_REPOSITORY}`;
  }
  labels['org.opencontainers.image.created'] = created.toISOString();
  return labels;
}

/** Flags both paths share: Dockerfile, target, build args, labels. */
function commonFlags(plan: BuildPlan): string[] {
  const { spec } = plan;
  const flags: string[] = [];
  if (spec.dockerfile) flags.push('--file', spec.dockerfile);
  if (spec.target) flags.push('--target', spec.target);
  for (const [key, value] of Object.entries(spec.buildArgs)) flags.push('--build-arg', `${key}=${value}`);
  for (const [key, value] of Object.entries(plan.labels)) flags.push('--label', `${key}=${value}`);
  return flags;
}

/**
 * `docker buildx build` arguments. With `push`, the image goes straight to ECR; without it, the
 * image is only built and its would-be digest written to `metadataFile` (used to compare against
 * an immutable tag before anything is pushed).
 *
 * Provenance is off because BuildKit's attestations turn every image into an index, which some
 * consumers (and ECR's console and scanning) handle poorly. The registry cache uses the
 * image-manifest layout ECR accepts; `ignore-error` keeps a cache that cannot be written (an
 * IMMUTABLE repository without an exclusion for the cache tag) from failing the deploy.
 * `cacheExport` is false on BuildKit's `docker` driver, which refuses to export a cache (unless
 * the daemon uses the containerd image store); the cache is then only read.
 */
export function buildxArgs(
  plan: BuildPlan,
  options: { push: boolean; cacheExport: boolean; metadataFile?: string },
): string[] {
  const cache = `${plan.repository}:${CACHE_TAG}`;
  const args = ['buildx', 'build', '--provenance=false'];
  if (options.push) args.push('--push');
  else args.push('--output', `type=image,name=${plan.reference},push=false`);
  if (options.metadataFile) args.push('--metadata-file', options.metadataFile);
  args.push('--tag', plan.reference);
  if (plan.spec.platforms.length > 0) args.push('--platform', plan.spec.platforms.join(','));
  args.push(...commonFlags(plan));
  args.push('--cache-from', `type=registry,ref=${cache}`);
  if (options.push && options.cacheExport) {
    args.push(
      '--cache-to',
      `type=registry,ref=${cache},mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`,
    );
  }
  args.push(plan.spec.context);
  return args;
}

/**
 * Classic `docker build` arguments. Without BuildKit an image has at most one platform
 * (`--platform`); several platforms need buildx and are refused before anything is built.
 */
export function dockerBuildArgs(plan: BuildPlan, options: { iidFile?: string } = {}): string[] {
  const args = ['build', '--tag', plan.reference];
  if (options.iidFile) args.push('--iidfile', options.iidFile);
  if (plan.spec.platforms.length === 1) args.push('--platform', plan.spec.platforms[0]);
  args.push(...commonFlags(plan));
  args.push(plan.spec.context);
  return args;
}

export function dockerPushArgs(plan: BuildPlan): string[] {
  return ['push', plan.reference];
}

/** The BuildKit driver `docker buildx inspect` names ("docker", "docker-container", ...). */
export function buildxDriver(inspectOutput: string): string | undefined {
  return /^Driver:\s+(\S+)/m.exec(inspectOutput)?.[1];
}

/** The images that ask for more platforms than classic `docker build` can make. */
export function needingBuildx(specs: readonly ImageSpec[]): ImageSpec[] {
  return specs.filter((spec) => spec.platforms.length > 1);
}
