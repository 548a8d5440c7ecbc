import type { RegistryClient, StoredManifest } from '../registry/client.js';
import { AwsServiceError, invalidParameter } from './errors.js';
import {
  type Repository,
  type RepositoryCatalog,
  repositoryNotFound,
  type TagMutability,
  validateRepositoryName,
} from './repositories.js';

/** The ECR operations the sandbox answers, JSON 1.1 in and out. */
export interface EcrDependencies {
  catalog: RepositoryCatalog;
  registry: RegistryClient;
  /** https://HOST:PORT of the registry. */
  proxyEndpoint: string;
  /** The registry password GetAuthorizationToken hands out (user AWS). */
  registryPassword: string;
  /** When a manifest was pushed (the registry API does not say). */
  pushedAt(repository: string, digest: string): Promise<Date | undefined>;
  now(): Date;
}

type Json = Record<string, unknown>;
interface ImageId {
  imageTag?: string;
  imageDigest?: string;
}
interface Image {
  digest: string;
  tags: string[];
  manifest: StoredManifest;
}

// AWS JSON protocols carry timestamps as epoch seconds.
const epochSeconds = (date: Date): number => date.getTime() / 1000;

export function createEcrOperations(deps: EcrDependencies): Record<string, (input: Json) => Promise<Json>> {
  const { catalog, registry } = deps;

  async function repositoryFrom(input: Json): Promise<Repository> {
    const name = validateRepositoryName(input.repositoryName);
    if (input.registryId !== undefined && input.registryId !== catalog.registryId) {
      throw repositoryNotFound(name, String(input.registryId));
    }
    return catalog.get(name);
  }

  /** Every tagged image of a repository, tags grouped by the digest they point to. */
  async function taggedImages(repository: string): Promise<Image[]> {
    const byDigest = new Map<string, Image>();
    for (const tag of (await registry.tags(repository)) ?? []) {
      const manifest = await registry.manifest(repository, tag);
      if (!manifest) continue; // the tag was deleted while we listed
      const image = byDigest.get(manifest.digest) ?? { digest: manifest.digest, tags: [], manifest };
      image.tags.push(tag);
      byDigest.set(manifest.digest, image);
    }
    return [...byDigest.values()];
  }

  async function findImage(repository: string, images: Image[], id: ImageId): Promise<Image | undefined> {
    const found = images.find(
      (image) =>
        (id.imageDigest === undefined || image.digest === id.imageDigest) &&
        (id.imageTag === undefined || image.tags.includes(id.imageTag)),
    );
    if (found || id.imageDigest === undefined || id.imageTag !== undefined) return found;
    const untagged = await registry.manifest(repository, id.imageDigest); // pushed by digest only
    return untagged && { digest: untagged.digest, tags: [], manifest: untagged };
  }

  function imageIdsFrom(input: Json): ImageId[] {
    if (!Array.isArray(input.imageIds)) return [];
    return input.imageIds.map((raw: ImageId) => {
      if (!raw || (raw.imageTag === undefined && raw.imageDigest === undefined)) {
        throw invalidParameter(
          "Invalid parameter at 'imageIds': each image id needs an imageTag or an imageDigest.",
        );
      }
      return raw;
    });
  }

  async function detail(repository: Repository, image: Image): Promise<Json> {
    const pushed = (await deps.pushedAt(repository.repositoryName, image.digest)) ?? deps.now();
    const config = (JSON.parse(image.manifest.body) as { config?: { mediaType?: string } }).config;
    return {
      registryId: repository.registryId,
      repositoryName: repository.repositoryName,
      imageDigest: image.digest,
      ...(image.tags.length > 0 ? { imageTags: [...image.tags].sort() } : {}),
      imageSizeInBytes: image.manifest.sizeInBytes,
      imagePushedAt: epochSeconds(pushed),
      imageManifestMediaType: image.manifest.mediaType,
      ...(config?.mediaType ? { artifactMediaType: config.mediaType } : {}),
    };
  }

  const notFoundText = (id: ImageId, repository: Repository): string =>
    `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repository.repositoryName}' in the registry with id '${repository.registryId}'`;

  return {
    async GetAuthorizationToken(input) {
      const ids = Array.isArray(input.registryIds) ? (input.registryIds as string[]) : [catalog.registryId];
      const foreign = ids.find((id) => id !== catalog.registryId);
      if (foreign !== undefined) {
        throw invalidParameter(
          `Invalid parameter at 'registryIds': the sandbox simulates one registry, with id '${catalog.registryId}', not '${foreign}'.`,
        );
      }
      const token = Buffer.from(`AWS:${deps.registryPassword}`).toString('base64');
      const expiresAt = epochSeconds(new Date(deps.now().getTime() + 12 * 3600 * 1000));
      return {
        authorizationData: ids.map(() => ({
          authorizationToken: token,
          expiresAt,
          proxyEndpoint: deps.proxyEndpoint,
        })),
      };
    },

    async DescribeRepositories(input) {
      if (input.registryId !== undefined && input.registryId !== catalog.registryId)
        return { repositories: [] };
      if (!Array.isArray(input.repositoryNames)) return { repositories: (await catalog.list()).map(wire) };
      const repositories: Json[] = [];
      for (const name of input.repositoryNames) {
        repositories.push(wire(await catalog.get(validateRepositoryName(name))));
      }
      return { repositories };
    },

    async CreateRepository(input) {
      const name = validateRepositoryName(input.repositoryName);
      const mutability = (input.imageTagMutability ?? 'MUTABLE') as TagMutability;
      if (mutability !== 'MUTABLE' && mutability !== 'IMMUTABLE') {
        throw invalidParameter(
          `Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]' (got '${String(mutability)}').`,
        );
      }
      const scanning = input.imageScanningConfiguration as { scanOnPush?: boolean } | undefined;
      return { repository: wire(await catalog.create(name, mutability, scanning?.scanOnPush === true)) };
    },

    async DescribeImages(input) {
      const repository = await repositoryFrom(input);
      const images = await taggedImages(repository.repositoryName);
      const ids = imageIdsFrom(input);
      if (ids.length === 0) {
        // Untagged manifests cannot be listed through the registry API, so UNTAGGED finds none.
        const untaggedOnly = (input.filter as { tagStatus?: string } | undefined)?.tagStatus === 'UNTAGGED';
        const listed = untaggedOnly ? [] : images;
        return { imageDetails: await Promise.all(listed.map((i) => detail(repository, i))) };
      }
      const imageDetails: Json[] = [];
      for (const id of ids) {
        const image = await findImage(repository.repositoryName, images, id);
        if (!image) throw new AwsServiceError('ImageNotFoundException', notFoundText(id, repository));
        imageDetails.push(await detail(repository, image));
      }
      return { imageDetails };
    },

    async BatchGetImage(input) {
      const repository = await repositoryFrom(input);
      const images = await taggedImages(repository.repositoryName);
      const found: Json[] = [];
      const failures: Json[] = [];
      for (const id of imageIdsFrom(input)) {
        const image = await findImage(repository.repositoryName, images, id);
        if (!image) {
          failures.push({
            imageId: id,
            failureCode: 'ImageNotFound',
            failureReason: 'Requested image not found',
          });
          continue;
        }
        found.push({
          registryId: repository.registryId,
          repositoryName: repository.repositoryName,
          imageId: { imageDigest: image.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) },
          imageManifest: image.manifest.body,
          imageManifestMediaType: image.manifest.mediaType,
        });
      }
      return { images: found, failures };
    },
  };
}

function wire(repository: Repository): Json {
  return { ...repository, createdAt: epochSeconds(new Date(repository.createdAt)) };
}
