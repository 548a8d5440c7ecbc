import { getOctokit } from '@actions/github';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GitHubCallRecord } from './admin.js';
import { type GitHubServiceHandle, startGitHubService } from './server.js';

const SHA = 'a'.repeat(40);
const repo = { owner: 'acme', repo: 'upload-platform' };

let github: GitHubServiceHandle;
let octokit: ReturnType<typeof getOctokit>;
let readOnly: ReturnType<typeof getOctokit>;

beforeAll(async () => {
  github = await startGitHubService();
  octokit = getOctokit(github.token, { baseUrl: github.url });
  readOnly = getOctokit(github.readOnlyToken, { baseUrl: github.url });
});
afterAll(() => github.close());

/** A request's HTTP failure as octokit reports it: status and GitHub's JSON body. */
async function failure(request: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    await request;
  } catch (error) {
    const { status, response } = error as { status: number; response?: { data: unknown } };
    return { status, data: response?.data };
  }
  throw new Error('The request succeeded.');
}

/** A route octokit does not type-check, to send what its types forbid (a missing ref, a bad state). */
const route = (text: string): string => text;

async function admin(path: string, init?: RequestInit): Promise<unknown> {
  const response = await fetch(`${github.adminUrl}${path}`, init);
  return response.json();
}

describe('GitHub stand-in: deployments', () => {
  it('creates a deployment with GitHub shapes and defaults; a sha ref is its own sha; created by github-actions[bot]', async () => {
    const { status, data } = await octokit.rest.repos.createDeployment({ ...repo, ref: SHA });
    expect(status).toBe(201);
    expect(data).toMatchObject({
      id: expect.any(Number),
      node_id: expect.any(String),
      sha: SHA,
      ref: SHA,
      task: 'deploy',
      payload: {},
      environment: 'production',
      original_environment: 'production',
      transient_environment: false,
      production_environment: true,
      description: null,
      creator: { login: 'github-actions[bot]', type: 'Bot' },
    });
    if (!('id' in data)) throw new Error('no deployment');
    expect(data.url).toBe(`${github.url}/repos/acme/upload-platform/deployments/${data.id}`);
    expect(data.statuses_url).toBe(`${data.url}/statuses`);
    expect(data.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('answers 202 "Auto-merged" without a deployment for a branch ref when auto_merge is left at its default (true)', async () => {
    const { status, data } = await octokit.rest.repos.createDeployment({ ...repo, ref: 'feature/x' });
    expect(status).toBe(202);
    expect(data).toEqual({ message: 'Auto-merged main into feature/x on deployment.' });
  });

  it('gives a branch ref a stable sha, takes a JSON-string payload as an object, and production_environment follows the environment name', async () => {
    const create = () =>
      octokit.rest.repos.createDeployment({
        ...repo,
        ref: 'main',
        auto_merge: false,
        environment: 'staging',
        payload: JSON.stringify({ image: 'app@sha256:1' }),
      });
    const [first, second] = [(await create()).data, (await create()).data];
    if (!('id' in first) || !('id' in second)) throw new Error('no deployment');
    expect(first.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(second.sha).toBe(first.sha);
    expect(first.payload).toEqual({ image: 'app@sha256:1' });
    expect(first.production_environment).toBe(false);
  });

  it('rejects a deployment without ref (422 Invalid request.) and one with a required context that has no status (409)', async () => {
    const noRef = await failure(
      octokit.request(route('POST /repos/{owner}/{repo}/deployments'), { ...repo }),
    );
    expect(noRef.status).toBe(422);
    expect((noRef.data as { message: string }).message).toMatch(
      /^Invalid request\.\n\n"ref" wasn't supplied\.$/,
    );
    const contexts = await failure(
      octokit.rest.repos.createDeployment({ ...repo, ref: SHA, required_contexts: ['ci/test'] }),
    );
    expect(contexts.status).toBe(409);
  });

  it('lists newest first, filters by sha, ref, task and environment, and pages with Link headers octokit follows', async () => {
    const own = { owner: 'acme', repo: 'listing' };
    const ids: number[] = [];
    for (const [environment, task] of [
      ['staging', 'deploy'],
      ['staging', 'deploy:web'],
      ['production', 'deploy'],
    ]) {
      const { data } = await octokit.rest.repos.createDeployment({ ...own, ref: SHA, environment, task });
      if ('id' in data) ids.push(data.id);
    }
    const all = await octokit.rest.repos.listDeployments({ ...own });
    expect(all.data.map((d) => d.id)).toEqual([...ids].reverse());
    const staging = await octokit.rest.repos.listDeployments({ ...own, sha: SHA, environment: 'staging' });
    expect(staging.data.map((d) => d.id)).toEqual([ids[1], ids[0]]);
    const web = await octokit.rest.repos.listDeployments({ ...own, task: 'deploy:web', ref: SHA });
    expect(web.data.map((d) => d.id)).toEqual([ids[1]]);
    const paged = await octokit.paginate(octokit.rest.repos.listDeployments, { ...own, per_page: 1 });
    expect(paged.map((d) => d.id)).toEqual([...ids].reverse());
    const other = await octokit.rest.repos.listDeployments({ ...own, environment: 'qa' });
    expect(other.data).toEqual([]);
  });

  it('answers 404 Not Found for an unknown deployment id', async () => {
    const missing = await failure(octokit.rest.repos.getDeployment({ ...repo, deployment_id: 1 }));
    expect(missing.status).toBe(404);
    expect(missing.data).toMatchObject({ message: 'Not Found' });
  });
});

describe('GitHub stand-in: deployment statuses', () => {
  async function deployment(own: { owner: string; repo: string }, extra: Record<string, unknown> = {}) {
    const { data } = await octokit.rest.repos.createDeployment({
      ...own,
      ref: SHA,
      environment: 'staging',
      ...extra,
    });
    if (!('id' in data)) throw new Error('no deployment');
    return data.id;
  }

  it('records a status sequence and lists it newest first, with log_url, environment_url and description', async () => {
    const deployment_id = await deployment(repo);
    for (const state of ['queued', 'in_progress', 'failure'] as const) {
      const { status, data } = await octokit.rest.repos.createDeploymentStatus({
        ...repo,
        deployment_id,
        state,
        log_url: 'https://github.com/acme/upload-platform/actions/runs/1/job/2',
        environment_url: 'https://staging.example.com',
        description: `${state}: rolled back`,
      });
      expect(status).toBe(201);
      expect(data).toMatchObject({
        state,
        environment: 'staging',
        log_url: 'https://github.com/acme/upload-platform/actions/runs/1/job/2',
        target_url: 'https://github.com/acme/upload-platform/actions/runs/1/job/2',
        environment_url: 'https://staging.example.com',
        creator: { login: 'github-actions[bot]', type: 'Bot' },
        deployment_url: `${github.url}/repos/acme/upload-platform/deployments/${deployment_id}`,
      });
    }
    const { data } = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id });
    expect(data.map((s) => s.state)).toEqual(['failure', 'in_progress', 'queued']);
  });

  it('rejects an unknown state (422 Invalid request.) and a description over 140 characters (422 Validation Failed), accepts 140', async () => {
    const deployment_id = await deployment(repo);
    const badState = await failure(
      octokit.request(route('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses'), {
        ...repo,
        deployment_id,
        state: 'cancelled',
      }),
    );
    expect(badState.status).toBe(422);
    expect((badState.data as { message: string }).message).toMatch(/^Invalid request\./);
    const tooLong = await failure(
      octokit.rest.repos.createDeploymentStatus({
        ...repo,
        deployment_id,
        state: 'failure',
        description: 'x'.repeat(141),
      }),
    );
    expect(tooLong).toEqual({
      status: 422,
      data: expect.objectContaining({
        message: 'Validation Failed',
        errors: [
          {
            resource: 'DeploymentStatus',
            code: 'custom',
            field: 'description',
            message: 'description is too long (maximum is 140 characters)',
          },
        ],
      }),
    });
    const ok = await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id,
      state: 'failure',
      description: 'x'.repeat(140),
    });
    expect(ok.status).toBe(201);
    const unknown = await failure(
      octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: 7, state: 'success' }),
    );
    expect(unknown.status).toBe(404);
  });

  it('on success makes earlier successful non-transient, non-production deployments of the same environment inactive (auto_inactive)', async () => {
    const own = { owner: 'acme', repo: 'inactive' };
    const older = await deployment(own);
    const transient = await deployment(own, { transient_environment: true });
    // Same environment, but marked as one end users use: GitHub leaves it alone.
    const production = await deployment(own, { production_environment: true });
    const failed = await deployment(own);
    const other = await deployment(own, { environment: 'qa' });
    for (const id of [older, transient, production, other]) {
      await octokit.rest.repos.createDeploymentStatus({ ...own, deployment_id: id, state: 'success' });
    }
    await octokit.rest.repos.createDeploymentStatus({ ...own, deployment_id: failed, state: 'failure' });
    const newest = await deployment(own);
    await octokit.rest.repos.createDeploymentStatus({ ...own, deployment_id: newest, state: 'success' });
    const latest = async (id: number) =>
      (await octokit.rest.repos.listDeploymentStatuses({ ...own, deployment_id: id })).data[0]?.state;
    expect({
      older: await latest(older),
      transient: await latest(transient),
      production: await latest(production),
      failed: await latest(failed),
      other: await latest(other),
      newest: await latest(newest),
    }).toEqual({
      older: 'inactive',
      transient: 'success',
      production: 'success',
      failed: 'failure',
      other: 'success',
      newest: 'success',
    });
    const kept = await deployment(own);
    await octokit.rest.repos.createDeploymentStatus({
      ...own,
      deployment_id: kept,
      state: 'success',
      auto_inactive: false,
    });
    expect(await latest(newest)).toBe('success');
  });
});

describe('GitHub stand-in: tokens', () => {
  it('answers 401 Bad credentials without a token or with an unknown one, and accepts "Bearer"', async () => {
    const bad = {
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    };
    const anonymous = await fetch(`${github.url}/repos/acme/upload-platform/deployments`);
    expect({ status: anonymous.status, body: await anonymous.json() }).toEqual({ status: 401, body: bad });
    const unknown = await failure(
      getOctokit('ghs_unknown', { baseUrl: github.url }).rest.repos.listDeployments(repo),
    );
    expect(unknown).toEqual({ status: 401, data: bad });
    const bearer = await fetch(`${github.url}/repos/acme/upload-platform/deployments`, {
      headers: { authorization: `Bearer ${github.token}` },
    });
    expect(bearer.status).toBe(200);
  });

  it('lets the read-only token read but answers 403 "Resource not accessible by integration" to its writes', async () => {
    expect((await readOnly.rest.repos.listDeployments(repo)).status).toBe(200);
    const denied = await failure(
      readOnly.rest.repos.createDeployment({ ...repo, ref: SHA, auto_merge: false }),
    );
    expect(denied).toEqual({
      status: 403,
      data: expect.objectContaining({ message: 'Resource not accessible by integration', status: '403' }),
    });
    const { data } = await octokit.rest.repos.createDeployment({ ...repo, ref: SHA });
    if (!('id' in data)) throw new Error('no deployment');
    const status = await failure(
      readOnly.rest.repos.createDeploymentStatus({ ...repo, deployment_id: data.id, state: 'success' }),
    );
    expect(status.status).toBe(403);
  });
});

describe('GitHub stand-in: admin routes', () => {
  it('records every call with method, path, query, status, body and which token — never the token', async () => {
    await admin('/calls', { method: 'DELETE' });
    await octokit.rest.repos.listDeployments({ ...repo, environment: 'staging' });
    await failure(readOnly.rest.repos.createDeployment({ ...repo, ref: SHA, auto_merge: false }));
    const calls = (await admin('/calls')) as GitHubCallRecord[];
    expect(calls).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/repos/acme/upload-platform/deployments',
        query: { environment: 'staging' },
        status: 200,
        auth: 'write',
      }),
      expect.objectContaining({
        method: 'POST',
        status: 403,
        auth: 'read-only',
        body: { ref: SHA, auto_merge: false },
      }),
    ]);
    const text = JSON.stringify(calls);
    expect(text).not.toContain(github.token);
    expect(text).not.toContain(github.readOnlyToken);
  });

  it('answers the next matching calls with a 5xx fault, then normally again; DELETE /faults clears', async () => {
    await admin('/faults', {
      method: 'POST',
      body: JSON.stringify({ status: 503, count: 1, path: '/statuses$' }),
    });
    const { data } = await octokit.rest.repos.createDeployment({ ...repo, ref: SHA, auto_merge: false });
    if (!('id' in data)) throw new Error('no deployment');
    const first = await failure(
      octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: data.id, state: 'in_progress' }),
    );
    expect(first).toEqual({ status: 503, data: { message: 'Service Unavailable' } });
    const second = await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: data.id,
      state: 'in_progress',
    });
    expect(second.status).toBe(201);
    await admin('/faults', { method: 'POST', body: JSON.stringify({ status: 500 }) });
    expect((await failure(octokit.rest.repos.listDeployments(repo))).status).toBe(500);
    await admin('/faults', { method: 'DELETE' });
    expect((await octokit.rest.repos.listDeployments(repo)).status).toBe(200);
    expect(await admin('/faults', { method: 'POST', body: JSON.stringify({ status: 404 }) })).toEqual({
      message: 'status must be 500, 502 or 503, got 404.',
    });
  });

  it('creates the deployment GitHub makes for an environment job: found by sha and environment, by github-actions[bot], in_progress', async () => {
    const own = { owner: 'acme', repo: 'automatic' };
    const sha = 'b'.repeat(40);
    const created = (await admin('/automatic-deployment', {
      method: 'POST',
      body: JSON.stringify({
        repository: 'acme/automatic',
        sha,
        ref: 'main',
        environment: 'staging',
        log_url: 'https://github.com/acme/automatic/actions/runs/9/job/10',
      }),
    })) as { deployment: { id: number } };
    const { data } = await octokit.rest.repos.listDeployments({ ...own, sha, environment: 'staging' });
    expect(data).toEqual([
      expect.objectContaining({
        id: created.deployment.id,
        ref: 'main',
        task: 'deploy',
        creator: expect.objectContaining({ login: 'github-actions[bot]', type: 'Bot' }),
      }),
    ]);
    const statuses = await octokit.rest.repos.listDeploymentStatuses({
      ...own,
      deployment_id: created.deployment.id,
    });
    expect(statuses.data.map((s) => [s.state, s.log_url])).toEqual([
      ['in_progress', 'https://github.com/acme/automatic/actions/runs/9/job/10'],
    ]);
    const all = (await admin('/deployments')) as { id: number; repository: string; statuses: unknown[] }[];
    expect(all.find((d) => d.id === created.deployment.id)).toMatchObject({
      repository: 'acme/automatic',
      statuses: [expect.objectContaining({ state: 'in_progress' })],
    });
  });
});
