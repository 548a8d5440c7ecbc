import type { ImagePullCheck } from '../kube/contract.js';
import type { RegistryClient, StoredManifest } from './client.js';
import { DOCKER_HUB, DOCKER_HUB_CACHE_PREFIX, normalizeReference } from './reference.js';

export interface ImageReference {
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits HOST[:PORT]/REPO[:TAG][@sha256:DIGEST]; undefined when there is no registry host. */
export function parseImageReference(image: string): ImageReference | undefined {
  const [named = '', digest] = image.split('@');
  const slash = named.indexOf('/');
  if (slash <= 0) return undefined;
  const host = named.slice(0, slash);
  if (!host.includes('.') && !host.includes(':') && host !== 'localhost') return undefined; // docker.io shorthand
  const path = named.slice(slash + 1);
  const colon = path.lastIndexOf(':');
  const hasTag = colon > path.lastIndexOf('/');
  return {
    host,
    repository: hasTag ? path.slice(0, colon) : path,
    ...(hasTag ? { tag: path.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** An image config's `Env`, read through an index to the linux/amd64 image a node would run. */
async function imageEnv(
  registry: RegistryClient,
  repository: string,
  manifest: StoredManifest,
): Promise<string[]> {
  let body = JSON.parse(manifest.body) as ManifestJson;
  if (body.manifests) {
    const entry =
      body.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ??
      body.manifests[0];
    const image = entry?.digest ? await registry.manifest(repository, entry.digest) : undefined;
    if (!image) return [];
    body = JSON.parse(image.body) as ManifestJson;
  }
  const config = body.config?.digest ? await registry.blob(repository, body.config.digest) : undefined;
  if (!config) return [];
  const env = (JSON.parse(config) as { config?: { Env?: unknown } }).config?.Env;
  return Array.isArray(env) ? env.filter((entry): entry is string => typeof entry === 'string') : [];
}

interface ManifestJson {
  config?: { digest?: string };
  manifests?: { digest?: string; platform?: { os?: string; architecture?: string } }[];
}

/**
 * How the simulated kubelet "pulls": it reads the manifest (and, once per digest, the image
 * config for its `Env`) from the real registry. Only the sandbox registry is reachable, as on a
 * node without egress; Docker Hub images come through the containerd mirror the platform sets up
 * for docker.io, an ECR pull-through cache under `docker-hub/` in the same registry.
 */
export function createImagePullCheck(registryHost: string, registry: RegistryClient): ImagePullCheck {
  const envByDigest = new Map<string, string[]>();
  return async (image) => {
    const ref = normalizeReference(image);
    const notFound = (why: string) => ({
      ok: false as const,
      reason: `failed to resolve reference "${ref.name}": ${why}`,
    });
    const repository =
      ref.domain === registryHost
        ? ref.path
        : ref.domain === DOCKER_HUB
          ? `${DOCKER_HUB_CACHE_PREFIX}/${ref.path}`
          : undefined;
    if (!repository) {
      return notFound(
        `dial tcp: lookup ${ref.domain}: no such host (the sandbox registry is ${registryHost})`,
      );
    }
    const manifest = await registry.manifest(repository, ref.digest ?? ref.tag ?? 'latest');
    if (!manifest) return notFound(`${ref.name}: not found`);
    let env = envByDigest.get(manifest.digest);
    if (!env) {
      env = await imageEnv(registry, repository, manifest);
      envByDigest.set(manifest.digest, env);
    }
    return { ok: true, digest: manifest.digest, env };
  };
}
