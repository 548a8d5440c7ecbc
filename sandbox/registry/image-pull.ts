import type { ImagePullCheck } from '../kube/contract.js';
import type { RegistryClient } from './client.js';

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

/**
 * How the simulated kubelet "pulls": it asks the real registry whether the manifest exists. Only
 * the sandbox registry is reachable (there is no internet), as a node without egress would see it.
 */
export function createImagePullCheck(registryHost: string, registry: RegistryClient): ImagePullCheck {
  return async (image) => {
    const notFound = (why: string) => ({
      ok: false as const,
      reason: `failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${why}`,
    });
    const ref = parseImageReference(image);
    if (!ref) {
      return notFound(
        `pull access denied: the sandbox has no internet; only ${registryHost} can be pulled from`,
      );
    }
    if (ref.host !== registryHost) {
      return notFound(`dial tcp: lookup ${ref.host}: no such host (the sandbox registry is ${registryHost})`);
    }
    const digest = await registry.digestOf(ref.repository, ref.digest ?? ref.tag ?? 'latest');
    return digest ? { ok: true, digest } : notFound(`${image}: not found`);
  };
}
