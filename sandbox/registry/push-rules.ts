/** A request to the registry API for one repository: /v2/<repository>/<kind>/<rest>. */
export interface RepositoryRoute {
  repository: string;
  kind: 'manifests' | 'blobs' | 'tags';
  /** The tag or digest for manifests; the rest of the path for blobs and tags. */
  reference: string;
}

export function parseRepositoryRoute(path: string): RepositoryRoute | undefined {
  const match = /^\/v2\/(.+)\/(manifests|blobs|tags)\/(.+)$/.exec(path.split('?')[0] ?? '');
  if (!match) return undefined;
  const [, repository = '', kind, reference = ''] = match;
  if (kind === 'manifests' && reference.includes('/')) return undefined;
  return { repository, kind: kind as RepositoryRoute['kind'], reference };
}

export interface RegistryErrorReply {
  status: number;
  code: string;
  message: string;
}

export interface PushFacts {
  method: string;
  route: RepositoryRoute;
  registryId: string;
  /** undefined: the simulated ECR has no such repository. */
  mutability: 'MUTABLE' | 'IMMUTABLE' | undefined;
  /** For a manifest PUT by tag: the digest the tag points to now, if any. */
  currentDigest?: string;
}

/**
 * What real ECR adds on top of a plain registry: repositories must exist before anything is pushed
 * to or pulled from them, and a tag in an IMMUTABLE repository is written once. ECR refuses even a
 * re-push of the very same image to an existing tag (aws/containers-roadmap#2179, #2380), so the
 * digest being pushed does not matter. Returns the error ECR would answer with, or undefined when
 * the registry may handle the request.
 */
export function ecrRegistryVerdict(facts: PushFacts): RegistryErrorReply | undefined {
  const { route } = facts;
  if (facts.mutability === undefined) {
    return {
      status: 404,
      code: 'NAME_UNKNOWN',
      message: `The repository with name '${route.repository}' does not exist in the registry with id '${facts.registryId}'`,
    };
  }
  const rewritesTag =
    facts.method === 'PUT' &&
    route.kind === 'manifests' &&
    !route.reference.includes(':') &&
    facts.currentDigest !== undefined;
  if (facts.mutability === 'IMMUTABLE' && rewritesTag) {
    return {
      status: 400,
      code: 'TAG_INVALID',
      message: `The image tag '${route.reference}' already exists in the '${route.repository}' repository and cannot be overwritten because the repository is immutable.`,
    };
  }
  return undefined;
}
