/** Docker Hub as the distribution reference grammar names it once normalised. */
export const DOCKER_HUB = 'docker.io';

/**
 * The repository prefix of the platform's ECR pull-through cache rule for Docker Hub (upstream
 * registry-1.docker.io), which the nodes' containerd uses as the docker.io mirror.
 */
export const DOCKER_HUB_CACHE_PREFIX = 'docker-hub';

export interface NormalizedReference {
  /** The registry host: `docker.io` for Docker Hub shorthand. */
  domain: string;
  /** The repository path in that registry: `library/postgres`, `nginxinc/nginx-unprivileged`. */
  path: string;
  tag?: string;
  digest?: string;
  /** The full normalised name: `docker.io/library/postgres:17-alpine`. */
  name: string;
}

/**
 * Normalises an image reference as containerd does (distribution's ParseDockerRef): the first
 * component is a registry only when it has a `.` or `:`, is `localhost`, or has upper-case letters;
 * otherwise the image is on Docker Hub, whose one-component names live under `library/`; a
 * reference with neither tag nor digest means `:latest`.
 */
export function normalizeReference(image: string): NormalizedReference {
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const slash = named.indexOf('/');
  const first = slash >= 0 ? named.slice(0, slash) : '';
  const hasDomain =
    slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  let domain = hasDomain ? first : DOCKER_HUB;
  let remainder = hasDomain ? named.slice(slash + 1) : named;
  if (domain === 'index.docker.io') domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && !remainder.includes('/')) remainder = `library/${remainder}`;
  const colon = remainder.lastIndexOf(':');
  const hasTag = colon > remainder.lastIndexOf('/');
  const path = hasTag ? remainder.slice(0, colon) : remainder;
  const tag = hasTag ? remainder.slice(colon + 1) : digest ? undefined : 'latest';
  const name = `${domain}/${path}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
  return { domain, path, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}), name };
}

/**
 * The sandbox registry repository a Docker Hub image is pulled from: the pull-through cache's
 * `docker-hub/<path>`, or undefined for images on other registries.
 */
export function dockerHubCacheRepository(image: string): string | undefined {
  const ref = normalizeReference(image);
  return ref.domain === DOCKER_HUB ? `${DOCKER_HUB_CACHE_PREFIX}/${ref.path}` : undefined;
}
