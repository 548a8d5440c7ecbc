import { isRecord } from '../records.js';
import { ManifestError } from './errors.js';
import { isRepositoryPath, parseImageReference } from './image-reference.js';
import { CONTAINER_LISTS, podSpecPath } from './kinds.js';
import type { ManifestDocument } from './parse.js';

/** Image repository path (e.g. `team/api`) → the full reference to put in its place. */
export type ImageReplacements = ReadonlyMap<string, string>;

/** One container whose image was replaced, for the log and the report. */
export interface ImageChange {
  workload: string;
  container: string;
  from: string;
  to: string;
}

/**
 * Validates NAME → REF pairs: NAME is a repository path without registry, tag or digest;
 * REF is a well-formed image reference.
 */
export function imageReplacements(pairs: Iterable<readonly [string, string]>): ImageReplacements {
  const replacements = new Map<string, string>();
  for (const [name, reference] of pairs) {
    if (!isRepositoryPath(name)) {
      throw new ManifestError(
        `Invalid image name ${JSON.stringify(name)}; expected a repository path such as api or team/api, without registry, tag or digest.`,
      );
    }
    if (parseImageReference(reference) === undefined) {
      throw new ManifestError(
        `Invalid image reference ${JSON.stringify(reference)} for ${name}; expected [registry/]path[:tag][@sha256:digest], such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}:v1.`,
      );
    }
    if (replacements.has(name)) {
      throw new ManifestError(`Image ${name} is given twice; expected each image name once.`);
    }
    replacements.set(name, reference);
  }
  return replacements;
}

/**
 * Replaces the whole image reference of every container (including init and ephemeral
 * containers) whose repository path, without registry host, equals a replacement's name.
 * Throws when a replacement matches no container in any document: a typo would otherwise
 * deploy the old image and report success.
 */
export function replaceImages(
  documents: readonly ManifestDocument[],
  replacements: ImageReplacements,
): ImageChange[] {
  const changes: ImageChange[] = [];
  const matched = new Set<string>();
  /** Every image repository the manifests name, for the error that says none matched. */
  const seen = new Set<string>();
  for (const manifest of documents) {
    const path = podSpecPath(manifest.key);
    if (path === undefined) continue;
    const podSpec = getPath(manifest.object, path);
    if (!isRecord(podSpec)) continue;
    for (const list of CONTAINER_LISTS) {
      const containers = podSpec[list];
      if (!Array.isArray(containers)) continue;
      containers.forEach((container, index) => {
        if (!isRecord(container) || typeof container.image !== 'string') return;
        const reference = parseImageReference(container.image);
        if (reference === undefined) {
          // The kubelet would refuse it (InvalidImageName) only after the apply.
          throw new ManifestError(
            `${manifest.kind} ${manifest.name}: the image ${JSON.stringify(container.image)} of ${list}[${index}] is not an image reference; expected [registry/]path[:tag][@sha256:digest], such as nginx:1.27 or 123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:v1.`,
            manifest.location,
          );
        }
        seen.add(reference.path);
        const replacement = replacements.get(reference.path);
        if (replacement === undefined) return;
        matched.add(reference.path);
        if (replacement === container.image) return;
        setScalar(manifest, [...path, list, index, 'image'], replacement);
        changes.push({
          workload: `${manifest.kind}/${manifest.name}`,
          container: String(container.name ?? `${list}[${index}]`),
          from: container.image,
          to: replacement,
        });
      });
    }
  }
  const unmatched = [...replacements.keys()].filter((name) => !matched.has(name));
  if (unmatched.length > 0) {
    throw new ManifestError(
      `Image ${unmatched.join(', ')} matches no container in the manifests; expected a container, init container or ephemeral container whose image repository (without registry) is ${unmatched.length === 1 ? 'that name' : 'one of those names'} (the manifests' images: ${[...seen].sort().join(', ') || 'none'}).`,
    );
  }
  return changes;
}

export function getPath(object: unknown, path: readonly (string | number)[]): unknown {
  let value = object;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** Records setting a value; serializeManifest applies it, keeping the source's formatting. */
export function setScalar(
  manifest: ManifestDocument,
  path: readonly (string | number)[],
  value: string,
): void {
  manifest.edits.push({ op: 'set', path, value });
}
