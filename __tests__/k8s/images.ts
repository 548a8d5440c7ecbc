import type { Manifest } from './manifests.js';
import { podSpecSites } from './policy.js';

/**
 * The repository path of an image reference without registry, tag or digest:
 * `123.dkr.ecr.eu-west-1.amazonaws.com/team/laravel-app:abc@sha256:…` → `team/laravel-app`.
 * The first path component is a registry when it has a dot or a port, or is `localhost`.
 */
export function imageRepositoryPath(reference: string): string {
  const withoutDigest = reference.split('@')[0] ?? reference;
  const parts = withoutDigest.split('/');
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost'))
    parts.shift();
  const last = parts.pop() ?? '';
  const colon = last.indexOf(':');
  return [...parts, colon === -1 ? last : last.slice(0, colon)].join('/');
}

export interface ContainerImage {
  owner: string;
  container: string;
  image: string;
}

/** Every container and init container image in the manifests' pod specs. */
export function containerImages(docs: readonly Manifest[]): ContainerImage[] {
  return podSpecSites(docs).flatMap((site) =>
    [...(site.spec.initContainers ?? []), ...(site.spec.containers ?? [])].map((container) => ({
      owner: site.owner,
      container: container.name,
      image: (container as { image?: string }).image ?? '',
    })),
  );
}

/** The containers that `--image NAME=REF` would update: repository path equals NAME. */
export function containersMatchingImage(docs: readonly Manifest[], name: string): ContainerImage[] {
  return containerImages(docs).filter((entry) => imageRepositoryPath(entry.image) === name);
}
