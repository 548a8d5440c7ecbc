import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Logger } from '../../src/log.js';
import {
  DeploymentReporter,
  type DeploymentTarget,
  finalStatus,
  isProductionEnvironment,
  statusDescription,
} from '../../src/report/deployments.js';

const TOKEN = 'ghs_t0pSecretT0ken';
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const RUN_URL = 'https://github.com/acme/shop/actions/runs/42/job/7';

interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
}

interface Deployment {
  id: number;
  sha: string;
  environment: string;
  created_at: string;
  creator: { login: string };
  statuses: { state: string; log_url?: string }[];
}

/** Answers like GitHub's REST API for the deployment endpoints the reporter uses, and records every call. */
class FakeGitHub {
  readonly requests: Recorded[] = [];
  readonly deployments: Deployment[] = [];
  /** `METHOD path-pattern` → status and body to answer instead. */
  readonly failures = new Map<string, { status: number; body?: unknown }>();
  hang = false;
  private nextId = 1000;
  private server = http.createServer((req, res) => void this.handle(req, res));
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** GitHub's own deployment for an `environment:` job. */
  automatic(overrides: Partial<Deployment> = {}): Deployment {
    const deployment: Deployment = {
      id: this.nextId++,
      sha: SHA,
      environment: 'production',
      created_at: new Date().toISOString(),
      creator: { login: 'github-actions[bot]' },
      statuses: [{ state: 'in_progress', log_url: RUN_URL }],
      ...overrides,
    };
    this.deployments.push(deployment);
    return deployment;
  }

  posted(): Recorded[] {
    return this.requests.filter((r) => r.method === 'POST');
  }
  statesOf(id: number): unknown[] {
    return this.requests
      .filter((r) => r.method === 'POST' && r.path.endsWith(`/deployments/${id}/statuses`))
      .map((r) => r.body?.state);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += chunk;
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    this.requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      body: text ? JSON.parse(text) : undefined,
    });
    if (this.hang) return;
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `token ${TOKEN}`) return answer(401, { message: 'Bad credentials' });
    const route = `${method} ${url.pathname.replace(/\/\d+\//, '/:id/')}`;
    const failure = this.failures.get(route);
    if (failure)
      return answer(failure.status, failure.body ?? { message: 'Resource not accessible by integration' });
    const list = url.pathname.match(/^\/repos\/acme\/shop\/deployments$/);
    const statuses = url.pathname.match(/^\/repos\/acme\/shop\/deployments\/(\d+)\/statuses$/);
    if (list && method === 'GET') {
      const sha = url.searchParams.get('sha');
      const environment = url.searchParams.get('environment');
      return answer(
        200,
        this.deployments
          .filter((d) => (!sha || d.sha === sha) && (!environment || d.environment === environment))
          .map(({ statuses: _, ...d }) => d)
          .reverse(),
      );
    }
    if (list && method === 'POST') {
      const body = JSON.parse(text);
      const deployment = {
        id: this.nextId++,
        sha: body.ref,
        environment: body.environment,
        created_at: new Date().toISOString(),
        creator: { login: 'someone' },
        statuses: [],
      };
      this.deployments.push(deployment);
      return answer(201, deployment);
    }
    const deployment = statuses && this.deployments.find((d) => d.id === Number(statuses[1]));
    if (!deployment) return answer(404, { message: 'Not Found' });
    if (method === 'GET') return answer(200, [...deployment.statuses].reverse());
    deployment.statuses.push(JSON.parse(text));
    return answer(201, { id: this.nextId++, ...JSON.parse(text) });
  }
}

/** Records every message as given: the token must never reach the logger, masked or not. */
class RawLogger implements Logger {
  readonly lines: string[] = [];
  readonly secrets: string[] = [];
  info(message: string) {
    this.lines.push(`info: ${message}`);
  }
  warning(message: string) {
    this.lines.push(`warning: ${message}`);
  }
  debug(message: string) {
    this.lines.push(`debug: ${message}`);
  }
  setSecret(value: string) {
    this.secrets.push(value);
  }
  async group<T>(_title: string, work: () => Promise<T>): Promise<T> {
    return work();
  }
  warnings(): string[] {
    return this.lines.filter((l) => l.startsWith('warning: '));
  }
}

let github: FakeGitHub;
let logger: RawLogger;
beforeEach(async () => {
  github = new FakeGitHub();
  await github.start();
  logger = new RawLogger();
});
afterEach(async () => {
  expect(logger.lines.join('\n')).not.toContain(TOKEN);
  await github.stop();
});

function target(overrides: Partial<DeploymentTarget> = {}): DeploymentTarget {
  return {
    token: TOKEN,
    apiUrl: github.url,
    repository: 'acme/shop',
    sha: SHA,
    ref: 'refs/heads/main',
    environment: 'production',
    environmentUrl: 'https://shop.example.com',
    runUrl: RUN_URL,
    releaseName: 'shop',
    images: { web: '1.dkr.ecr.eu-west-1.amazonaws.com/web:a1b2c3d@sha256:abc' },
    previousRelease: 11,
    startedAt: new Date(),
    logger,
    timeoutMs: 2000,
    ...overrides,
  };
}

describe('a run that creates its own deployment', () => {
  it('creates one deployment that merges nothing and waits for no checks, then in_progress and success', async () => {
    const reporter = await DeploymentReporter.start(target());
    await reporter.finish({ result: 'success', release: 12 });

    expect(reporter.id).toBeDefined();
    expect(reporter.reused).toBe(false);
    const [list] = github.requests;
    expect(list.method).toBe('GET');
    expect(Object.fromEntries(list.query)).toMatchObject({ sha: SHA, environment: 'production' });
    const [create, inProgress, success] = github.posted();
    expect(create.path).toBe('/repos/acme/shop/deployments');
    expect(create.body).toMatchObject({
      ref: SHA,
      task: 'deploy:shop',
      environment: 'production',
      auto_merge: false,
      required_contexts: [],
      production_environment: true,
      transient_environment: false,
      payload: { images: target().images, previousRelease: 11, runUrl: RUN_URL, release: 'shop' },
    });
    expect(inProgress.body).toMatchObject({
      state: 'in_progress',
      log_url: RUN_URL,
      environment_url: 'https://shop.example.com',
    });
    expect(success.body).toEqual({
      state: 'success',
      log_url: RUN_URL,
      environment_url: 'https://shop.example.com',
      description: 'Release v12 deployed',
      auto_inactive: true,
    });
    expect(github.statesOf(reporter.id as number)).toEqual(['in_progress', 'success']);
    expect(logger.secrets).toContain(TOKEN);
    expect(logger.warnings()).toEqual([]);
  });

  it('names the task "deploy" without a release name and marks a staging environment non-production', async () => {
    await DeploymentReporter.start(target({ releaseName: undefined, environment: 'staging' }));
    expect(github.posted()[0].body).toMatchObject({ task: 'deploy', production_environment: false });
  });

  it('takes production_environment from the target when given', async () => {
    await DeploymentReporter.start(target({ environment: 'staging', productionEnvironment: true }));
    expect(github.posted()[0].body).toMatchObject({ production_environment: true });
  });

  it('reports a failed run as failure with the first line of the verdict, cut at 140 characters', async () => {
    const reporter = await DeploymentReporter.start(target());
    const verdict = `Deployment/web did not become ready: ${'x'.repeat(200)}\nDetails: pod web-1 CrashLoopBackOff`;
    await reporter.finish({ result: 'failed', verdict });

    const final = github.posted().at(-1)?.body as Record<string, string>;
    expect(final.state).toBe('failure');
    expect(Array.from(final.description)).toHaveLength(140);
    expect(final.description).toMatch(/^Deployment\/web did not become ready: x+…$/);
    expect(final).not.toHaveProperty('environment_url');
    expect(final.log_url).toBe(RUN_URL);
  });

  it('reports a rolled-back run as failure naming the release it went back to and why', async () => {
    const reporter = await DeploymentReporter.start(target());
    await reporter.finish({
      result: 'rolled-back',
      rolledBackTo: 11,
      verdict: 'web: CrashLoopBackOff in web-7f9',
    });
    expect(github.posted().at(-1)?.body).toMatchObject({
      state: 'failure',
      description: 'Rolled back to v11: web: CrashLoopBackOff in web-7f9',
    });
  });

  it('reports a run cancelled before anything changed as inactive, and one cancelled part-way as error', async () => {
    const clean = await DeploymentReporter.start(target());
    await clean.finish({ result: 'failed', cancelled: true, nothingChanged: true, verdict: 'Cancelled.' });
    const partial = await DeploymentReporter.start(target());
    await partial.finish({
      result: 'failed',
      cancelled: true,
      verdict: 'Cancelled during the migration; the Job is left running.',
    });

    expect(github.statesOf(clean.id as number)).toEqual(['in_progress', 'inactive']);
    expect(github.statesOf(partial.id as number)).toEqual(['in_progress', 'error']);
    expect(github.posted().at(-1)?.body?.description).toBe(
      'Cancelled part-way: Cancelled during the migration; the Job is left running.',
    );
  });
});

describe("GitHub's own deployment for an environment: job", () => {
  it('is reused: no second deployment, statuses go to it', async () => {
    const own = github.automatic();
    const reporter = await DeploymentReporter.start(target());
    await reporter.finish({ result: 'success', release: 3 });

    expect(reporter.id).toBe(own.id);
    expect(reporter.reused).toBe(true);
    expect(github.posted().map((r) => r.path)).toEqual([
      `/repos/acme/shop/deployments/${own.id}/statuses`,
      `/repos/acme/shop/deployments/${own.id}/statuses`,
    ]);
    expect(github.statesOf(own.id)).toEqual(['in_progress', 'success']);
  });

  it('is not confused with a finished one, one by a person, or an unfinished one from before this run', async () => {
    const startedAt = new Date();
    const old = new Date(startedAt.getTime() - 60 * 60_000).toISOString();
    github.automatic({ statuses: [{ state: 'success' }] });
    github.automatic({ creator: { login: 'octocat' } });
    github.automatic({
      created_at: old,
      statuses: [{ state: 'in_progress', log_url: 'https://github.com/acme/shop/actions/runs/420/job/1' }],
    });
    const reporter = await DeploymentReporter.start(target({ startedAt }));

    expect(reporter.reused).toBe(false);
    expect(github.posted()[0].path).toBe('/repos/acme/shop/deployments');
  });

  it('is found even when created long before startedAt if its status links to this run', async () => {
    const own = github.automatic({ created_at: new Date(Date.now() - 30 * 60_000).toISOString() });
    const reporter = await DeploymentReporter.start(target());
    expect(reporter.id).toBe(own.id);
  });
});

describe('a dry run', () => {
  it('creates no deployment and posts nothing', async () => {
    const reporter = await DeploymentReporter.start(target({ dryRun: true }));
    await reporter.finish({ result: 'dry-run' });
    expect(reporter.id).toBeUndefined();
    expect(github.posted()).toEqual([]);
  });

  it("sets GitHub's own deployment for the job inactive", async () => {
    const own = github.automatic();
    const reporter = await DeploymentReporter.start(target({ dryRun: true }));
    await reporter.finish({ result: 'dry-run' });
    expect(github.statesOf(own.id)).toEqual(['in_progress', 'inactive']);
    expect(github.posted().at(-1)?.body?.description).toBe('Dry run: nothing was changed');
  });
});

describe('when GitHub refuses or fails', () => {
  it.each([
    ['POST /repos/acme/shop/deployments', 403, /add `permissions: deployments: write` to the job.*fork/],
    ['POST /repos/acme/shop/deployments', 404, /permissions: deployments: write/],
    ['POST /repos/acme/shop/deployments', 422, /422.*must be pushed to acme\/shop/],
    ['GET /repos/acme/shop/deployments', 503, /the GitHub API failed \(503/],
    ['POST /repos/acme/shop/deployments/:id/statuses', 500, /post the in_progress status.*500/],
  ])(
    '%s answering %i gives one warning, no throw, and nothing more is sent',
    async (route, status, advice) => {
      github.failures.set(route, { status });
      const reporter = await DeploymentReporter.start(target());
      const sent = github.requests.length;
      await reporter.finish({ result: 'success' });

      expect(reporter.id).toBeUndefined();
      expect(logger.warnings()).toHaveLength(1);
      expect(logger.warnings()[0]).toMatch(advice);
      expect(logger.warnings()[0]).toMatch(/The deploy goes on/);
      expect(github.requests).toHaveLength(sent);
    },
  );

  it('says to check github-token when the token is refused', async () => {
    await DeploymentReporter.start(target({ token: 'ghs_wrong' }));
    expect(logger.warnings()).toEqual([expect.stringMatching(/401: Bad credentials.*`github-token`/)]);
  });

  it('never prints the token, even when GitHub echoes it in its message', async () => {
    github.failures.set('POST /repos/acme/shop/deployments', {
      status: 422,
      body: { message: `bad ref ${TOKEN}` },
    });
    await DeploymentReporter.start(target());
    expect(logger.warnings()).toEqual([expect.stringContaining('bad ref ***')]);
  });

  it('warns once when the API cannot be reached', async () => {
    const port = Number(new URL(github.url).port);
    await github.stop();
    github = new FakeGitHub();
    await github.start();
    const reporter = await DeploymentReporter.start(target({ apiUrl: `http://127.0.0.1:${port}` }));
    expect(reporter.id).toBeUndefined();
    expect(logger.warnings()).toEqual([expect.stringMatching(/could not be reached/)]);
  });

  it('warns once, within the timeout, when the API does not answer', async () => {
    github.hang = true;
    const started = Date.now();
    const reporter = await DeploymentReporter.start(target({ timeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(reporter.id).toBeUndefined();
    expect(logger.warnings()).toEqual([expect.stringMatching(/did not answer within 0.3 s/)]);
  });

  it('warns when a created deployment comes back without an id (an auto-merge answer)', async () => {
    github.failures.set('POST /repos/acme/shop/deployments', {
      status: 202,
      body: { message: 'Auto-merged main into topic' },
    });
    const reporter = await DeploymentReporter.start(target());
    expect(reporter.id).toBeUndefined();
    expect(logger.warnings()).toEqual([
      expect.stringMatching(/202 without a deployment id \("Auto-merged main/),
    ]);
  });

  it('turns a failed final status into one warning, without throwing', async () => {
    const reporter = await DeploymentReporter.start(target());
    github.failures.set('POST /repos/acme/shop/deployments/:id/statuses', { status: 502 });
    await expect(reporter.finish({ result: 'failed', verdict: 'boom' })).resolves.toBeUndefined();
    expect(logger.warnings()).toEqual([expect.stringMatching(/post the failure status.*502/)]);
  });
});

describe('the rules', () => {
  it.each([
    ['production', true],
    ['prod', true],
    ['prod-eu', true],
    ['eu-west-1-production', true],
    ['Production', true],
    ['preprod', false],
    ['pre-prod', false],
    ['non-prod', false],
    ['staging', false],
    ['production2', false],
  ])('environment %s is production: %s', (name, expected) => {
    expect(isProductionEnvironment(name)).toBe(expected);
  });

  it('maps every outcome to one final state', () => {
    expect(finalStatus({ result: 'success', release: 4, unchanged: true })).toEqual({
      state: 'success',
      description: 'Release v4 unchanged: already deployed',
    });
    expect(finalStatus({ result: 'failed' })).toEqual({ state: 'failure', description: 'Deploy failed' });
    expect(finalStatus({ result: 'rolled-back', cancelled: true, rolledBackTo: 2 })).toEqual({
      state: 'inactive',
      description: 'Cancelled; rolled back to v2',
    });
    expect(finalStatus({ result: 'dry-run' }).state).toBe('inactive');
  });

  it('leaves a release waiting for promotion in progress: promote or reject ends it', () => {
    expect(finalStatus({ result: 'waiting-for-promotion', release: 7 })).toEqual({
      state: 'in_progress',
      description: 'Release v7 waiting for promotion',
    });
  });

  it('keeps a short description as it is and never cuts inside a character', () => {
    expect(statusDescription('  two\n lines ')).toBe('two lines');
    const cut = statusDescription('🚀'.repeat(200));
    expect(Array.from(cut)).toHaveLength(140);
    expect(cut.endsWith('🚀…')).toBe(true);
  });
});
