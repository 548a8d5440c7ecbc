import { readFile, writeFile } from 'node:fs/promises';
import type { RegistryClient } from '../registry/client.js';
import { AwsServiceError, invalidParameter } from './errors.js';

export type TagMutability = 'MUTABLE' | 'IMMUTABLE';

export interface Repository {
  repositoryName: string;
  repositoryArn: string;
  registryId: string;
  repositoryUri: string;
  createdAt: string;
  imageTagMutability: TagMutability;
  imageScanningConfiguration: { scanOnPush: boolean };
  encryptionConfiguration: { encryptionType: 'AES256' };
}

export interface AccountInfo {
  accountId: string;
  region: string;
  /** host:port of the registry as clients reach it. */
  registryHost: string;
}

// ECR's own rule for repository names (lower-case path components separated by '/').
const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export function validateRepositoryName(name: unknown): string {
  if (typeof name !== 'string' || name.length < 2 || name.length > 256 || !REPOSITORY_NAME.test(name)) {
    throw invalidParameter(
      `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '${REPOSITORY_NAME.source}'' (got '${String(name)}').`,
    );
  }
  return name;
}

export function repositoryNotFound(name: string, registryId: string): AwsServiceError {
  return new AwsServiceError(
    'RepositoryNotFoundException',
    `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
  );
}

/**
 * The simulated ECR's repositories. A repository exists when CreateRepository made it, or when the
 * real registry already holds it (e.g. from an earlier run on the same state directory): such a
 * repository is adopted as MUTABLE. Created repositories persist in a JSON file in the state dir.
 */
export class RepositoryCatalog {
  private constructor(
    private readonly file: string,
    private readonly account: AccountInfo,
    private readonly registry: RegistryClient,
    private readonly known: Map<string, Repository>,
    private readonly now: () => Date,
  ) {}

  static async open(
    file: string,
    account: AccountInfo,
    registry: RegistryClient,
    now: () => Date = () => new Date(),
  ): Promise<RepositoryCatalog> {
    const saved = await readFile(file, 'utf8').then(
      (text) => JSON.parse(text) as Repository[],
      () => [] as Repository[],
    );
    return new RepositoryCatalog(
      file,
      account,
      registry,
      new Map(saved.map((r) => [r.repositoryName, r])),
      now,
    );
  }

  get registryId(): string {
    return this.account.accountId;
  }

  async find(name: string): Promise<Repository | undefined> {
    const known = this.known.get(name);
    if (known) return known;
    if ((await this.registry.tags(name)) === undefined) return undefined;
    return this.remember(this.describe(name, 'MUTABLE', false));
  }

  async get(name: string): Promise<Repository> {
    const found = await this.find(name);
    if (!found) throw repositoryNotFound(name, this.registryId);
    return found;
  }

  async list(): Promise<Repository[]> {
    for (const name of await this.registry.repositories()) await this.find(name);
    return [...this.known.values()].sort((a, b) => a.repositoryName.localeCompare(b.repositoryName));
  }

  async create(name: string, mutability: TagMutability, scanOnPush: boolean): Promise<Repository> {
    if (await this.find(name)) {
      throw new AwsServiceError(
        'RepositoryAlreadyExistsException',
        `The repository with name '${name}' already exists in the registry with id '${this.registryId}'`,
      );
    }
    return this.remember(this.describe(name, mutability, scanOnPush));
  }

  private describe(name: string, mutability: TagMutability, scanOnPush: boolean): Repository {
    const { accountId, region, registryHost } = this.account;
    return {
      repositoryName: name,
      repositoryArn: `arn:aws:ecr:${region}:${accountId}:repository/${name}`,
      registryId: accountId,
      repositoryUri: `${registryHost}/${name}`,
      createdAt: this.now().toISOString(),
      imageTagMutability: mutability,
      imageScanningConfiguration: { scanOnPush },
      encryptionConfiguration: { encryptionType: 'AES256' },
    };
  }

  private async remember(repository: Repository): Promise<Repository> {
    this.known.set(repository.repositoryName, repository);
    await writeFile(this.file, `${JSON.stringify([...this.known.values()], null, 2)}\n`);
    return repository;
  }
}
