import { createHash } from 'node:crypto';

/**
 * Deployments and deployment statuses as GitHub keeps them, per repository, in memory.
 * Field names and shapes follow GitHub's REST schema (`deployment`, `deployment-status`).
 */

export const DEPLOYMENT_STATES = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

/** Who made a record: the job tokens act as the GitHub Actions app's bot user. */
export interface GitHubActor {
  login: string;
  id: number;
  node_id: string;
  avatar_url: string;
  gravatar_id: string;
  url: string;
  html_url: string;
  type: 'Bot' | 'User';
  site_admin: boolean;
}

export const GITHUB_ACTIONS_BOT: GitHubActor = {
  login: 'github-actions[bot]',
  id: 41898282,
  node_id: 'MDM6Qm90NDE4OTgyODI=',
  avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
  gravatar_id: '',
  url: 'https://api.github.com/users/github-actions%5Bbot%5D',
  html_url: 'https://github.com/apps/github-actions',
  type: 'Bot',
  site_admin: false,
};

/** GitHub's `performed_via_github_app` for records a job token made (trimmed to the identifying fields). */
export const GITHUB_ACTIONS_APP = {
  id: 15368,
  slug: 'github-actions',
  node_id: 'MDM6QXBwMTUzNjg=',
  name: 'GitHub Actions',
  owner: { login: 'github', id: 9919, type: 'Organization' },
  html_url: 'https://github.com/apps/github-actions',
};

export interface Deployment {
  url: string;
  id: number;
  node_id: string;
  sha: string;
  ref: string;
  task: string;
  payload: Record<string, unknown> | string;
  original_environment: string;
  environment: string;
  description: string | null;
  creator: GitHubActor;
  created_at: string;
  updated_at: string;
  statuses_url: string;
  repository_url: string;
  transient_environment: boolean;
  production_environment: boolean;
  performed_via_github_app: typeof GITHUB_ACTIONS_APP | null;
}

export interface DeploymentStatus {
  url: string;
  id: number;
  node_id: string;
  state: DeploymentState;
  creator: GitHubActor;
  description: string;
  environment: string;
  target_url: string;
  created_at: string;
  updated_at: string;
  deployment_url: string;
  repository_url: string;
  environment_url: string;
  log_url: string;
  performed_via_github_app: typeof GITHUB_ACTIONS_APP | null;
}

export interface NewDeployment {
  ref: string;
  sha: string;
  task: string;
  payload: Record<string, unknown> | string;
  environment: string;
  description: string | null;
  transient_environment: boolean;
  production_environment: boolean;
}

export interface NewStatus {
  state: DeploymentState;
  description: string;
  log_url: string;
  environment_url: string;
  environment?: string;
  auto_inactive: boolean;
}

export interface DeploymentFilter {
  sha?: string;
  ref?: string;
  task?: string;
  environment?: string;
}

interface RepositoryRecords {
  deployments: Deployment[];
  statuses: Map<number, DeploymentStatus[]>;
}

/** The sha a ref names: a full 40-hex sha is itself; any other ref gets a stable made-up sha. */
export function resolveSha(repository: string, ref: string): string {
  if (/^[0-9a-f]{40}$/i.test(ref)) return ref.toLowerCase();
  return createHash('sha1').update(`${repository.toLowerCase()}:${ref}`).digest('hex');
}

function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`sandbox:${id}`).toString('base64url')}`;
}

export class DeploymentStore {
  private readonly repositories = new Map<string, RepositoryRecords>();
  // GitHub's ids are global and large; two counters keep deployment and status ids apart.
  private nextDeploymentId = 1_000_000_001;
  private nextStatusId = 2_000_000_001;

  /** `apiUrl` is GITHUB_API_URL: the `url` fields point back at this stand-in. */
  constructor(
    private readonly apiUrl: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private records(repository: string): RepositoryRecords {
    const key = repository.toLowerCase(); // owner and name are case-insensitive on GitHub
    let records = this.repositories.get(key);
    if (!records) {
      records = { deployments: [], statuses: new Map() };
      this.repositories.set(key, records);
    }
    return records;
  }

  private repositoryUrl(repository: string): string {
    return `${this.apiUrl}/repos/${repository}`;
  }

  create(repository: string, input: NewDeployment, creator: GitHubActor): Deployment {
    const id = this.nextDeploymentId++;
    const time = this.now().toISOString();
    const url = `${this.repositoryUrl(repository)}/deployments/${id}`;
    const deployment: Deployment = {
      url,
      id,
      node_id: nodeId('DE', id),
      sha: input.sha,
      ref: input.ref,
      task: input.task,
      payload: input.payload,
      original_environment: input.environment,
      environment: input.environment,
      description: input.description,
      creator,
      created_at: time,
      updated_at: time,
      statuses_url: `${url}/statuses`,
      repository_url: this.repositoryUrl(repository),
      transient_environment: input.transient_environment,
      production_environment: input.production_environment,
      performed_via_github_app: creator.type === 'Bot' ? GITHUB_ACTIONS_APP : null,
    };
    const records = this.records(repository);
    records.deployments.push(deployment);
    records.statuses.set(id, []);
    return deployment;
  }

  /** Newest first, as GitHub lists them. */
  list(repository: string, filter: DeploymentFilter = {}): Deployment[] {
    return this.records(repository)
      .deployments.filter(
        (deployment) =>
          (filter.sha === undefined || deployment.sha === filter.sha) &&
          (filter.ref === undefined || deployment.ref === filter.ref) &&
          (filter.task === undefined || deployment.task === filter.task) &&
          (filter.environment === undefined || deployment.environment === filter.environment),
      )
      .reverse();
  }

  get(repository: string, id: number): Deployment | undefined {
    return this.records(repository).deployments.find((deployment) => deployment.id === id);
  }

  /** Newest first. */
  statuses(repository: string, id: number): DeploymentStatus[] {
    return [...(this.records(repository).statuses.get(id) ?? [])].reverse();
  }

  /**
   * Adds a status. With `auto_inactive` (GitHub's default), a `success` status adds an `inactive`
   * status to every earlier deployment of the same repository and environment that is neither
   * transient nor production and whose newest status is `success` — the rule as GitHub documents it.
   */
  addStatus(
    repository: string,
    deployment: Deployment,
    input: NewStatus,
    creator: GitHubActor,
  ): DeploymentStatus {
    const records = this.records(repository);
    const history = records.statuses.get(deployment.id) ?? [];
    // GitHub: "If not defined, the environment of the previous status on the deployment will be
    // used, if it exists. Otherwise, the environment of the deployment will be used."
    const environment = input.environment ?? history.at(-1)?.environment ?? deployment.environment;
    const status = this.appendStatus(repository, deployment, { ...input, environment }, creator);
    if (input.state === 'success' && input.auto_inactive) {
      for (const earlier of records.deployments) {
        if (earlier.id >= deployment.id || earlier.environment !== environment) continue;
        if (earlier.transient_environment || earlier.production_environment) continue;
        if (records.statuses.get(earlier.id)?.at(-1)?.state !== 'success') continue;
        this.appendStatus(
          repository,
          earlier,
          { state: 'inactive', description: '', log_url: '', environment_url: '', environment },
          creator,
        );
      }
    }
    return status;
  }

  private appendStatus(
    repository: string,
    deployment: Deployment,
    input: Omit<NewStatus, 'auto_inactive'> & { environment: string },
    creator: GitHubActor,
  ): DeploymentStatus {
    const id = this.nextStatusId++;
    const time = this.now().toISOString();
    const status: DeploymentStatus = {
      url: `${deployment.url}/statuses/${id}`,
      id,
      node_id: nodeId('DES', id),
      state: input.state,
      creator,
      description: input.description,
      environment: input.environment,
      target_url: input.log_url,
      created_at: time,
      updated_at: time,
      deployment_url: deployment.url,
      repository_url: this.repositoryUrl(repository),
      environment_url: input.environment_url,
      log_url: input.log_url,
      performed_via_github_app: creator.type === 'Bot' ? GITHUB_ACTIONS_APP : null,
    };
    this.records(repository).statuses.get(deployment.id)?.push(status);
    deployment.updated_at = time;
    deployment.environment = input.environment;
    return status;
  }

  /** Every repository's deployments, oldest first, each with its statuses (oldest first): for tests. */
  all(): { repository: string; deployment: Deployment; statuses: DeploymentStatus[] }[] {
    return [...this.repositories.entries()]
      .flatMap(([repository, records]) =>
        records.deployments.map((deployment) => ({
          repository,
          deployment,
          statuses: [...(records.statuses.get(deployment.id) ?? [])],
        })),
      )
      .sort((a, b) => a.deployment.id - b.deployment.id);
  }
}
