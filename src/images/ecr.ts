import type { ECRClient } from '@aws-sdk/client-ecr';
import { AwsError, callAws, errorName } from '../aws/errors.js';

/*
 * The ECR questions the build phase asks. Commands are imported lazily with the SDK (see
 * aws/clients.ts); each call's errors are explained by callAws, except the "not found" answers,
 * which are results here, not failures.
 */

export interface RepositoryRef {
  repositoryName: string;
  /** The registry's account; undefined means the caller's own. */
  registryId: string | undefined;
  region: string;
}

/** What ECR holds for a tag; `registryId` is the account ECR named in its answer, if it did. */
export type TagState = (
  | { kind: 'present'; digest: string }
  | { kind: 'missing' }
  | { kind: 'no-repository' }
) & { registryId?: string };

export interface AuthorizationData {
  username: string;
  password: string;
  /** e.g. https://123456789012.dkr.ecr.eu-west-1.amazonaws.com */
  proxyEndpoint: string;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

const ecr = () => import('@aws-sdk/client-ecr');

function context(operation: string, ref?: RepositoryRef, region?: string) {
  return {
    service: 'ecr',
    operation,
    region: ref?.region ?? region,
    subject: ref ? `repository '${ref.repositoryName}'` : undefined,
  };
}

/** GetAuthorizationToken, decoded: the token is base64("AWS:password"). */
export async function getAuthorization(
  client: ECRClient,
  registryId: string | undefined,
  region: string,
): Promise<AuthorizationData> {
  const { GetAuthorizationTokenCommand } = await ecr();
  const answer = await callAws(context('GetAuthorizationToken', undefined, region), () =>
    client.send(new GetAuthorizationTokenCommand(registryId ? { registryIds: [registryId] } : {})),
  );
  const data = answer.authorizationData?.[0];
  if (!data?.authorizationToken || !data.proxyEndpoint) {
    throw new AwsError('ECR GetAuthorizationToken returned no authorization data.', 'EmptyAnswer');
  }
  const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    throw new AwsError('ECR GetAuthorizationToken returned a token that is not "user:password".', 'BadToken');
  }
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    proxyEndpoint: data.proxyEndpoint,
  };
}

/** Whether `tag` exists in the repository, and its digest when it does. */
export async function lookupTag(client: ECRClient, ref: RepositoryRef, tag: string): Promise<TagState> {
  const { DescribeImagesCommand } = await ecr();
  try {
    const answer = await client.send(
      new DescribeImagesCommand({
        repositoryName: ref.repositoryName,
        registryId: ref.registryId,
        imageIds: [{ imageTag: tag }],
      }),
    );
    const detail = answer.imageDetails?.[0];
    const registryId = detail?.registryId;
    return detail?.imageDigest
      ? { kind: 'present', digest: detail.imageDigest, registryId }
      : { kind: 'missing' };
  } catch (error) {
    const name = errorName(error);
    // ECR names the account in these messages: "... in the registry with id '123456789012'".
    const registryId = /registry with id '(\d{12})'/.exec((error as Error).message ?? '')?.[1];
    if (name === 'ImageNotFoundException') return { kind: 'missing', registryId };
    if (name === 'RepositoryNotFoundException') return { kind: 'no-repository', registryId };
    return callAws(context('DescribeImages', ref), () => Promise.reject(error));
  }
}

/** MUTABLE, IMMUTABLE (or a newer variant such as IMMUTABLE_WITH_EXCLUSION). */
export async function tagMutability(client: ECRClient, ref: RepositoryRef): Promise<string> {
  const { DescribeRepositoriesCommand } = await ecr();
  const answer = await callAws(context('DescribeRepositories', ref), () =>
    client.send(
      new DescribeRepositoriesCommand({ repositoryNames: [ref.repositoryName], registryId: ref.registryId }),
    ),
  );
  return answer.repositories?.[0]?.imageTagMutability ?? 'MUTABLE';
}

/** Creates the repository the way we recommend: immutable tags, scanned on push. */
export async function createRepository(client: ECRClient, ref: RepositoryRef): Promise<void> {
  const { CreateRepositoryCommand } = await ecr();
  try {
    await client.send(
      new CreateRepositoryCommand({
        repositoryName: ref.repositoryName,
        registryId: ref.registryId,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
      }),
    );
  } catch (error) {
    // Another job created it between our lookup and now: that is what we wanted.
    if (errorName(error) === 'RepositoryAlreadyExistsException') return;
    await callAws(context('CreateRepository', ref), () => Promise.reject(error));
  }
}

/**
 * The config digest (what `docker build --iidfile` writes) of the image behind a tag, or
 * undefined for an image index (several platforms), which has no single config.
 */
export async function configDigest(client: ECRClient, ref: RepositoryRef, tag: string) {
  const { BatchGetImageCommand } = await ecr();
  const answer = await callAws(context('BatchGetImage', ref), () =>
    client.send(
      new BatchGetImageCommand({
        repositoryName: ref.repositoryName,
        registryId: ref.registryId,
        imageIds: [{ imageTag: tag }],
        acceptedMediaTypes: MANIFEST_TYPES,
      }),
    ),
  );
  const manifest = answer.images?.[0]?.imageManifest;
  if (!manifest) return undefined;
  const parsed = JSON.parse(manifest) as { config?: { digest?: string } };
  return parsed.config?.digest;
}
