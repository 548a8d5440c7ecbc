import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runAction } from '../runner.js';
import { type GitHubServiceHandle, startGitHubService } from './server.js';

const ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/report-token.mjs');

let github: GitHubServiceHandle;
let env: Record<string, string>;

beforeAll(async () => {
  github = await startGitHubService();
  env = {
    GITHUB_API_URL: github.url,
    SANDBOX_GITHUB_TOKEN: github.token,
    SANDBOX_GITHUB_READONLY_TOKEN: github.readOnlyToken,
    SANDBOX_GITHUB_ADMIN_URL: github.adminUrl,
  };
});
afterAll(() => github.close());

describe('runner stand-in and the GitHub token', () => {
  it('gives the action the job token as its github-token input and GITHUB_API_URL, masks the token, and keeps the sandbox variables from it', async () => {
    const run = await runAction({ inputs: {}, env, entry: ENTRY });
    expect(run.exitCode).toBe(0);
    expect(run.rawOutput).toContain(`token input: ${github.token}`);
    expect(run.log).toContain('token input: ***');
    expect(run.log).not.toContain(github.token);
    expect(run.log).toContain(`api url: ${github.url}`);
    expect(run.log).toContain('sandbox token variables: none');
    expect(run.log).toContain('list deployments: 200');
  });

  it('passes a token the test gives instead (a fork run’s read-only token), masked too', async () => {
    const run = await runAction({ inputs: { 'github-token': github.readOnlyToken }, env, entry: ENTRY });
    expect(run.rawOutput).toContain(`token input: ${github.readOnlyToken}`);
    expect(run.log).toContain('token input: ***');
    expect(run.log).not.toContain(github.readOnlyToken);
  });
});
