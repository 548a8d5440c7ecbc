import type { BuildMode } from '../inputs.js';
import type { TagState } from './ecr.js';

/** What to do with one image, decided from the build mode and what ECR holds. */
export type ImageDecision =
  | { action: 'reuse'; digest: string }
  /**
   * Build and push. `createRepository`: create it first. `existingDigest`: the tag exists already
   * (build: always), so an IMMUTABLE repository must be checked before pushing.
   */
  | { action: 'build'; createRepository: boolean; existingDigest?: string }
  | { action: 'fail'; message: string };

/** Names the repository the way a user finds it in the console: name, account, region. */
export interface RepositoryDescription {
  name: string;
  account: string | undefined;
  region: string;
  tag: string;
}

function where(repo: RepositoryDescription): string {
  const account = repo.account ? `account ${repo.account}` : "the registry's account";
  return `ECR repository '${repo.name}' in ${account}, region ${repo.region}`;
}

/** The build phase's decision table; pure, so every row is tested with plain data. */
export function decideImage(
  mode: BuildMode,
  state: TagState,
  createRepositories: boolean,
  repo: RepositoryDescription,
): ImageDecision {
  if (state.kind === 'no-repository') {
    if (mode === 'never') {
      return {
        action: 'fail',
        message: `Image '${repo.name}:${repo.tag}' cannot be reused with build: never: the ${where(repo)} does not exist.`,
      };
    }
    if (createRepositories) return { action: 'build', createRepository: true };
    return {
      action: 'fail',
      message: `The ${where(repo)} does not exist. Create it (immutable tags, scan on push), or set create-repositories: true to let this action create it.`,
    };
  }
  if (state.kind === 'present') {
    if (mode === 'always') return { action: 'build', createRepository: false, existingDigest: state.digest };
    return { action: 'reuse', digest: state.digest };
  }
  if (mode === 'never') {
    return {
      action: 'fail',
      message: `Image '${repo.name}:${repo.tag}' is not in the ${where(repo)}, and build: never forbids building it. Build and push it first (e.g. in the staging job), or use build: auto.`,
    };
  }
  return { action: 'build', createRepository: false };
}

/** The error for `build: always` on an IMMUTABLE repository whose tag holds another image. */
export function immutableConflict(repo: RepositoryDescription, existing: string, built?: string): string {
  const builtPart = built ? ` (this build is ${built})` : '';
  return `Tag '${repo.tag}' of the ${where(repo)} already holds ${existing}${builtPart}, and the repository's tags are IMMUTABLE, so ECR would refuse the push. Use build: auto to reuse that image, or push under a new tag.`;
}

/** The account of an ECR registry host or endpoint: 123456789012.dkr.ecr.REGION.amazonaws.com. */
export function accountOfRegistry(hostOrUrl: string): string | undefined {
  const host = hostOrUrl.replace(/^https?:\/\//, '');
  return /^(\d{12})\.dkr\.ecr[.-]/.exec(host)?.[1];
}

/** `https://host:port/` → `host:port`, the form docker and image references use. */
export function registryHost(proxyEndpoint: string): string {
  return proxyEndpoint.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}
