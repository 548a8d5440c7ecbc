import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ActionRun, runAction } from '../sandbox/runner.js';
import { type RunningSandbox, startSandbox } from '../sandbox/testing.js';
import { pushImage } from './deploy/support.js';

// The bundled action (dist/), run as a runner runs it, reporting to the sandbox's GitHub stand-in.

let sandbox: RunningSandbox;
let good: string;
let crashing: string;
let savedEnv: NodeJS.ProcessEnv;
let runs = 0;

interface Status {
  state: string;
  description?: string;
  environment_url?: string;
  log_url?: string;
}
interface Deployment {
  id: number;
  sha: string;
  task: string;
  environment: string;
  payload: Record<string, unknown>;
  production_environment: boolean;
  transient_environment: boolean;
  statuses: Status[];
}

beforeAll(async () => {
  sandbox = await startSandbox();
  savedEnv = { ...process.env };
  Object.assign(process.env, sandbox.env);
  good = await pushImage(sandbox, 'gh/web', 'v1');
  crashing = await pushImage(sandbox, 'gh/web', 'crash', { SANDBOX_CRASH: '1' });
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  await sandbox?.stop();
});

function manifests(namespace: string, image: string, config: string): string {
  return `apiVersion: v1
kind: Namespace
metadata: {name: ${namespace}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ${namespace}}
data: {value: ${config}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${namespace}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ${image}
          envFrom: [{configMapRef: {name: settings}}]
          readinessProbe: {httpGet: {path: /, port: 8080}, initialDelaySeconds: 5}
`;
}

/** The runner's output without its mask commands (a runner never shows those lines). */
const shown = (run: ActionRun) =>
  run.rawOutput
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');

/** Runs the action on manifests written into a fresh workspace, as repository acme/shop. */
async function deploy(
  namespace: string,
  image: string,
  config: string,
  inputs: Record<string, string> = {},
  options: { cancelWhen?: RegExp; sha?: string } = {},
): Promise<ActionRun & { sha: string }> {
  const { mkdtemp, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const workspace = await mkdtemp(join(sandbox.stateDir, 'workspace-'));
  await writeFile(join(workspace, 'app.yaml'), manifests(namespace, image, config));
  runs++;
  const sha = options.sha ?? `${runs.toString(16).padStart(8, '0')}${'a'.repeat(32)}`;
  const run = await runAction({
    inputs: {
      manifests: 'app.yaml',
      kubeconfig: sandbox.env.KUBECONFIG ?? '',
      'release-name': namespace,
      environment: 'staging',
      'environment-url': 'https://staging.example.com',
      'rollout-timeout': '60s',
      ...inputs,
    },
    env: {
      ...sandbox.env,
      GITHUB_SHA: sha,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: String(9000 + runs),
    },
    workspace,
    cancelWhen: options.cancelWhen,
  });
  return { ...run, sha };
}

async function deploymentsOf(sha: string): Promise<Deployment[]> {
  const response = await fetch(`${sandbox.env.SANDBOX_GITHUB_ADMIN_URL}/deployments`);
  const all = (await response.json()) as Deployment[];
  return all.filter((deployment) => deployment.sha === sha);
}

const states = (deployment: Deployment | undefined) =>
  (deployment?.statuses ?? []).map((status) => status.state);

describe('GitHub deployments from the action', () => {
  it('records one deployment per run for the environment and commit: in_progress, then success with the URL', async () => {
    const run = await deploy('gh-ok', good, 'one');
    expect(run.exitCode).toBe(0);
    const [deployment, ...others] = await deploymentsOf(run.sha);
    expect(others).toEqual([]);
    expect(deployment).toMatchObject({
      environment: 'staging',
      task: 'deploy:gh-ok',
      production_environment: false,
      transient_environment: false,
      payload: expect.objectContaining({ runUrl: 'https://github.com/acme/shop/actions/runs/9001' }),
    });
    expect(states(deployment)).toEqual(['in_progress', 'success']);
    expect(deployment?.statuses[1]).toMatchObject({
      environment_url: 'https://staging.example.com',
      log_url: 'https://github.com/acme/shop/actions/runs/9001',
    });
    expect(run.outputs['deployment-id']).toBe(String(deployment?.id));
    expect(run.summary).toMatch(/^## ✅ Deployed/);
    expect(run.summary).toContain('```mermaid');
  }, 120_000);

  it('marks a rolled-back run as a failure whose description says so, and the summary names the pod', async () => {
    expect((await deploy('gh-rb', good, 'one')).exitCode).toBe(0);
    const run = await deploy('gh-rb', crashing, 'two');
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.result).toBe('rolled-back');
    const [deployment] = await deploymentsOf(run.sha);
    expect(states(deployment)).toEqual(['in_progress', 'failure']);
    expect(deployment?.statuses[1]?.description).toMatch(/^Rolled back to v1/);
    expect(run.summary).toMatch(/rolled back to v1/i);
    expect(run.summary).toMatch(/pod web-\S+/);
    // A real run's summary reads failure first: what is live, why in the container's words, where.
    const order = [
      '**Live now**: ✅ v1',
      '### Why it failed',
      '**Where**: ',
      '### Rollout',
      '### Timeline',
    ].map((heading) => run.summary.indexOf(heading));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(run.summary).toMatch(
      /^\*\*Where\*\*: \[`app\.yaml:10`\]\(https:\/\/github\.com\/acme\/shop\/blob\/[0-9a-f]{40}\/app\.yaml#L10\)$/m,
    );
    // The failure is an error annotation on the Deployment's line in app.yaml.
    expect(run.rawOutput).toMatch(/::error file=app\.yaml,line=10::/);
  }, 180_000);

  it('marks a failed first release (nothing to roll back to) as a failure with the verdict', async () => {
    const missing = `${sandbox.env.SANDBOX_REGISTRY}/gh/web:does-not-exist`;
    const run = await deploy('gh-fail', missing, 'one');
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.result).toBe('failed');
    const [deployment] = await deploymentsOf(run.sha);
    expect(states(deployment)).toEqual(['in_progress', 'failure']);
    expect(deployment?.statuses[1]?.description).toMatch(/cannot pull its image/);
    expect(run.log).toMatch(/Nothing to roll back to: this is the first release/);
  }, 120_000);

  it('creates no deployment for a dry run', async () => {
    const run = await deploy('gh-dry', good, 'one', { 'dry-run': 'true' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.result).toBe('dry-run');
    expect(await deploymentsOf(run.sha)).toEqual([]);
    expect(run.summary).toMatch(/Dry run/);
  }, 120_000);

  it('posts to the deployment GitHub created for the job instead of making a second one', async () => {
    const sha = `${(runs + 1).toString(16).padStart(8, '0')}${'b'.repeat(32)}`;
    const seeded = await fetch(`${sandbox.env.SANDBOX_GITHUB_ADMIN_URL}/automatic-deployment`, {
      method: 'POST',
      body: JSON.stringify({ repository: 'acme/shop', sha, environment: 'staging' }),
    });
    expect(seeded.status).toBeLessThan(300);
    const run = await deploy('gh-auto', good, 'one', {}, { sha });
    expect(run.sha).toBe(sha);
    const deployments = await deploymentsOf(sha);
    expect(deployments).toHaveLength(1);
    expect(states(deployments[0])).toEqual(['in_progress', 'in_progress', 'success']);
  }, 120_000);

  it('deploys anyway with one warning when the token cannot write deployments', async () => {
    const run = await deploy('gh-ro', good, 'one', {
      'github-token': sandbox.env.SANDBOX_GITHUB_READONLY_TOKEN ?? '',
      // The app breaks built-in rules (no resources); only the token's warning is counted here.
      policy: 'off',
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.result).toBe('success');
    const warnings = run.rawOutput.split('\n').filter((line) => line.startsWith('::warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/deployments: write/);
    expect(await deploymentsOf(run.sha)).toEqual([]);
    expect(shown(run)).not.toContain(sandbox.env.SANDBOX_GITHUB_READONLY_TOKEN ?? '-');
  }, 120_000);

  it('a run cancelled during verify: the deployment ends inactive, the previous release is restored', async () => {
    expect((await deploy('gh-cancel', good, 'one')).exitCode).toBe(0);
    const run = await deploy('gh-cancel', good, 'two', {}, { cancelWhen: /Waiting for \d+ workload\(s\)/ });
    // Not ready for 5 s (readinessProbe), so the SIGINT lands during verify.
    expect(run.exitCode).not.toBe(0);
    expect(run.log).toContain('Received SIGINT');
    expect(run.log).toMatch(/Rolling back to release v1/);
    const [deployment] = await deploymentsOf(run.sha);
    expect(states(deployment).at(-1)).toBe('inactive');
    expect(run.summary).toMatch(/^## ⏹ .* was cancelled .*and was rolled back to v1/m);
    expect(Object.keys(run.leftBehind).filter((path) => path.endsWith('kubeconfig'))).toEqual([]);
  }, 120_000);

  it('never shows the GitHub token anywhere', async () => {
    const run = await deploy('gh-secret', good, 'one');
    const token = sandbox.env.SANDBOX_GITHUB_TOKEN ?? '';
    expect(token.length).toBeGreaterThan(10);
    const everything = [
      shown(run),
      run.summary,
      JSON.stringify(run.outputs),
      JSON.stringify(run.state),
      ...Object.values(run.leftBehind),
    ].join('\n');
    expect(everything).not.toContain(token);
  }, 120_000);
});
