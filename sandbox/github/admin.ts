import {
  DEPLOYMENT_STATES,
  type DeploymentState,
  type DeploymentStore,
  GITHUB_ACTIONS_BOT,
  resolveSha,
} from './store.js';

/** One answered API call (admin routes are not recorded). Never holds the token. */
export interface GitHubCallRecord {
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Which token the call carried: the write token, the read-only one, an unknown one, or none. */
  auth: 'write' | 'read-only' | 'unknown' | 'none';
  status: number;
  /** The request body (parsed JSON when it was JSON). */
  body?: unknown;
  response: unknown;
}

const FAULT_MESSAGES: Record<number, string> = {
  500: 'Server Error',
  502: 'Server Error',
  503: 'Service Unavailable',
};

/** The next `count` calls (every one without `count`) whose method and path match answer `status`. */
export class FaultRule {
  private taken = 0;
  constructor(
    readonly status: 500 | 502 | 503,
    readonly count: number | undefined,
    readonly path: RegExp | undefined,
    readonly method: string | undefined,
  ) {}

  matches(method: string, path: string): boolean {
    return (
      !this.spent() &&
      (this.method === undefined || this.method === method.toUpperCase()) &&
      (this.path === undefined || this.path.test(path))
    );
  }

  take(): void {
    this.taken++;
  }

  spent(): boolean {
    return this.count !== undefined && this.taken >= this.count;
  }

  answer(): { status: number; body: unknown } {
    return { status: this.status, body: { message: FAULT_MESSAGES[this.status] } };
  }

  toJSON() {
    return { status: this.status, count: this.count, path: this.path?.source, method: this.method };
  }
}

export interface GitHubAdminState {
  calls: GitHubCallRecord[];
  faults: FaultRule[];
  store(): DeploymentStore;
}

interface AdminAnswer {
  status: number;
  body: unknown;
}

function parseFault(value: unknown): FaultRule {
  const rule = (value ?? {}) as Record<string, unknown>;
  if (rule.status !== 500 && rule.status !== 502 && rule.status !== 503) {
    throw new Error(`status must be 500, 502 or 503, got ${JSON.stringify(rule.status)}.`);
  }
  if (rule.count !== undefined && !(Number.isInteger(rule.count) && (rule.count as number) > 0)) {
    throw new Error(`count must be a whole number above 0, got ${JSON.stringify(rule.count)}.`);
  }
  if (rule.path !== undefined && typeof rule.path !== 'string') {
    throw new Error(`path must be a regular expression as a string, got ${JSON.stringify(rule.path)}.`);
  }
  if (rule.method !== undefined && typeof rule.method !== 'string') {
    throw new Error(`method must be a string, got ${JSON.stringify(rule.method)}.`);
  }
  let path: RegExp | undefined;
  try {
    path = rule.path === undefined ? undefined : new RegExp(rule.path);
  } catch (error) {
    throw new Error(`path is not a regular expression: ${(error as Error).message}`);
  }
  return new FaultRule(
    rule.status,
    rule.count as number | undefined,
    path,
    (rule.method as string | undefined)?.toUpperCase(),
  );
}

/**
 * What GitHub does for a job with `environment:` (without `deployment: false`): a deployment made
 * by github-actions[bot] for the run's commit, and a status for the job (`in_progress` by default).
 */
function automaticDeployment(store: DeploymentStore, value: unknown): AdminAnswer {
  const input = (value ?? {}) as Record<string, unknown>;
  for (const name of ['repository', 'sha', 'environment'] as const) {
    if (typeof input[name] !== 'string' || input[name] === '') {
      return { status: 400, body: { message: `${name} is required (a string).` } };
    }
  }
  const repository = input.repository as string;
  if (!/^[^/]+\/[^/]+$/.test(repository)) {
    return { status: 400, body: { message: `repository must be OWNER/NAME, got '${repository}'.` } };
  }
  const state = (input.state ?? 'in_progress') as DeploymentState;
  if (!DEPLOYMENT_STATES.includes(state)) {
    return { status: 400, body: { message: `state must be one of ${DEPLOYMENT_STATES.join(', ')}.` } };
  }
  const environment = input.environment as string;
  const ref = typeof input.ref === 'string' ? input.ref : 'main';
  const sha = (input.sha as string).toLowerCase();
  const deployment = store.create(
    repository,
    {
      ref,
      sha: /^[0-9a-f]{40}$/.test(sha) ? sha : resolveSha(repository, sha),
      task: 'deploy',
      payload: {},
      environment,
      description: null,
      transient_environment: false,
      production_environment: environment === 'production',
    },
    GITHUB_ACTIONS_BOT,
  );
  const status = store.addStatus(
    repository,
    deployment,
    {
      state,
      description: '',
      log_url: typeof input.log_url === 'string' ? input.log_url : '',
      environment_url: typeof input.environment_url === 'string' ? input.environment_url : '',
      auto_inactive: true,
    },
    GITHUB_ACTIONS_BOT,
  );
  return { status: 201, body: { deployment, statuses: [status] } };
}

/**
 * The stand-in's unauthenticated test controls (under SANDBOX_GITHUB_ADMIN_URL):
 *   GET /health; GET /calls; DELETE /calls; POST /faults {status, count?, path?, method?};
 *   DELETE /faults; POST /automatic-deployment {repository, sha, environment, ref?, state?,
 *   log_url?, environment_url?}; GET /deployments (all, each with its statuses, oldest first).
 */
export function answerGitHubAdmin(
  state: GitHubAdminState,
  method: string,
  path: string,
  body: string,
): AdminAnswer {
  const route = `${method} ${path}`;
  if (route === 'GET /health') return { status: 200, body: { ok: true } };
  if (route === 'GET /calls') return { status: 200, body: state.calls };
  if (route === 'DELETE /calls') {
    state.calls.length = 0;
    return { status: 200, body: {} };
  }
  if (route === 'DELETE /faults') {
    state.faults = [];
    return { status: 200, body: {} };
  }
  if (route === 'GET /deployments') {
    return {
      status: 200,
      body: state
        .store()
        .all()
        .map(({ repository, deployment, statuses }) => ({ repository, ...deployment, statuses })),
    };
  }
  if (route !== 'POST /faults' && route !== 'POST /automatic-deployment') {
    return { status: 404, body: { message: `No admin route ${route}.` } };
  }
  let value: unknown;
  try {
    value = JSON.parse(body || '{}');
  } catch {
    return { status: 400, body: { message: `The body of ${route} must be JSON.` } };
  }
  if (route === 'POST /automatic-deployment') return automaticDeployment(state.store(), value);
  try {
    const rule = parseFault(value);
    state.faults.push(rule);
    return { status: 200, body: rule.toJSON() };
  } catch (error) {
    return { status: 400, body: { message: (error as Error).message } };
  }
}
