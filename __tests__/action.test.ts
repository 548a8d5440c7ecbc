import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ActionRun, runAction } from '../sandbox/runner.js';
import { seedDockerHubImage } from '../sandbox/seed-images.js';
import { type RunningSandbox, startSandbox } from '../sandbox/testing.js';

// The bundled action (dist/), run as a GitHub runner runs it, against the sandbox: real podman,
// registry and kubectl; the real AWS SDK against the simulated ECR/EKS.

let sandbox: RunningSandbox;
let env: Record<string, string>;
let ecrPassword: string;
let first: ActionRun;
let second: ActionRun;
const commit = `${Date.now().toString(16)}${'0'.repeat(40)}`.slice(0, 40);

const inputs = {
  images: 'laravel-app:\n  context: sandbox/demo/laravel-app\nfrontend:\n  context: sandbox/demo/frontend',
  'create-repositories': 'true',
  manifests: 'k8s/overlays/staging',
  'migration-job': 'migrate',
  'post-deploy-jobs': 'smoke-test',
};

function dockerCalls(): string[][] {
  const log = sandbox.env.SANDBOX_DOCKER_LOG;
  if (!log || !existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { argv: string[] }).argv);
}

function auditEntries(): { path: string; mutating?: boolean; user?: string }[] {
  const audit = sandbox.env.SANDBOX_AUDIT_LOG;
  if (!audit || !existsSync(audit)) return [];
  return readFileSync(audit, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

// The release lock's writes (a Lease taken and cleared around every deploy) change nothing deployed.
const mutatingRequests = () =>
  auditEntries().filter((entry) => entry.mutating && !entry.path.startsWith('/apis/coordination.k8s.io/'));
let mutatingAfterFirst: number;

beforeAll(async () => {
  sandbox = await startSandbox();
  env = { ...sandbox.env, GITHUB_SHA: commit, GITHUB_REPOSITORY: 'acme/upload-platform' };
  delete env.KUBECONFIG;
  const { ECRClient, GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr');
  const ecr = new ECRClient({
    region: env.AWS_REGION,
    endpoint: env.AWS_ENDPOINT_URL_ECR,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    },
  });
  const auth = await ecr.send(new GetAuthorizationTokenCommand({}));
  ecrPassword = Buffer.from(auth.authorizationData?.[0]?.authorizationToken ?? '', 'base64')
    .toString()
    .replace(/^AWS:/, '');
  ecr.destroy();
  // The platform's Docker Hub images, where the nodes' pull-through cache would hold them.
  for (const image of ['nginxinc/nginx-unprivileged:1.27-alpine', 'postgres:17-alpine']) {
    await seedDockerHubImage(sandbox.env, image);
  }
  const withCluster = { ...inputs, 'cluster-name': env.SANDBOX_CLUSTER_NAME ?? '' };
  first = await runAction({ inputs: withCluster, env });
  mutatingAfterFirst = mutatingRequests().length;
  second = await runAction({ inputs: withCluster, env });
}, 240_000);

afterAll(async () => {
  await sandbox?.stop();
});

describe('the action in the sandbox', () => {
  it('builds and pushes both images on the first run and patches their digests into the manifests', () => {
    expect(first.exitCode).toBe(0);
    expect(JSON.parse(first.outputs.built ?? '')).toEqual(['laravel-app', 'frontend']);
    const images = JSON.parse(first.outputs.images ?? '{}') as Record<string, string>;
    expect(Object.keys(images)).toEqual(['laravel-app', 'frontend']);
    const rendered = first.leftBehind[first.outputs.manifests ?? ''] ?? '';
    expect(rendered).toContain('kind: Deployment');
    for (const reference of Object.values(images)) {
      expect(reference).toMatch(
        new RegExp(`^${env.SANDBOX_REGISTRY}/[a-z-]+:${commit}@sha256:[0-9a-f]{64}$`),
      );
      expect(rendered).toContain(`image: ${reference}`);
    }
  });

  it('promotes the same commit on the second run without building or pushing anything', () => {
    expect(second.exitCode).toBe(0);
    expect(JSON.parse(second.outputs.built ?? '')).toEqual([]);
    expect(second.outputs.images).toBe(first.outputs.images);
    // The action's own images: the Docker Hub stand-ins seeded before the runs are not counted.
    const ours = (argv: string[]) => argv.some((arg) => /\/(laravel-app|frontend):/.test(arg));
    const builds = dockerCalls().filter((argv) => (argv[0] === 'build' || argv[0] === 'push') && ours(argv));
    // Two builds and two pushes, all from the first run.
    expect(builds.map((argv) => argv[0]).sort()).toEqual(['build', 'build', 'push', 'push']);
    expect(second.log).toContain('reusing it, nothing built');
  });

  it('connects through the exec-plugin kubeconfig, migrates, applies and verifies the staging overlay, and records release 1', () => {
    expect(first.log).toMatch(/Connected: the cluster runs Kubernetes v1\.32/);
    // kubectl reached the API server with an EKS token from the plugin, not the sandbox's static one.
    const calls = auditEntries().filter((entry) => entry.path === '/version' || entry.mutating);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call.user).toMatch(/^arn:aws:iam::\d{12}:/);
    expect(first.outputs).toMatchObject({ result: 'success', release: '1' });
    expect(first.log).toMatch(/Migration Job upload-staging\/migrate-[0-9a-f]{8} completed/);
    // The staging overlay's smoke test, after verify (post-deploy-jobs).
    expect(first.log).toMatch(/Post-deploy Job upload-staging\/smoke-test-[0-9a-f]{8} completed/);
    for (const workload of [
      'Deployment upload-staging/api',
      'Deployment upload-staging/frontend',
      'StatefulSet upload-staging/postgres',
    ]) {
      expect(first.log).toContain(`${workload}: rolled out`);
    }
    expect(first.summary).toMatch(/^## ✅ Deployed/);
    expect(first.summary).not.toContain('Nothing was applied');
  });

  it('finds the same commit already deployed on the second run and changes nothing in the cluster', () => {
    expect(second.outputs).toMatchObject({ result: 'success', release: '1' });
    expect(second.log).toContain('nothing to do');
    expect(mutatingRequests()).toHaveLength(mutatingAfterFirst);
  });

  it('passes every built-in policy rule: no policy warning by default, and policy enforce deploys the same commit', async () => {
    expect(first.log).toContain('Policy (warn): 0 finding(s) of the built-in rules; every rule passes.');
    const enforced = await runAction({
      inputs: { ...inputs, 'cluster-name': env.SANDBOX_CLUSTER_NAME ?? '', policy: 'enforce' },
      env,
    });
    expect(enforced.exitCode).toBe(0);
    expect(enforced.log).toContain(
      'Policy (enforce): 0 finding(s) of the built-in rules; every rule passes.',
    );
    expect(enforced.outputs).toMatchObject({ result: 'success', release: '1' });
  }, 120_000);

  it('logs docker out after its pushes, again in the post step, and removes the kubeconfig it wrote there', () => {
    expect(first.postExitCode).toBe(0);
    expect(first.state.kubeconfig).toBeDefined();
    expect(Object.keys(first.leftBehind)).not.toContain(first.state.kubeconfig);
    expect(Object.keys(first.leftBehind).filter((path) => path.endsWith('/kubeconfig'))).toEqual([]);
    // Once right after the pushes, once in the post step (in case the main step never got there).
    expect(dockerCalls().filter((argv) => argv[0] === 'logout')).toEqual([
      ['logout', first.state.registry],
      ['logout', first.state.registry],
    ]);
    expect(first.log).toContain(`Not logged in to ${first.state.registry}.`);
  });

  it('never shows the ECR password or an EKS token, except in the runner mask commands', () => {
    expect(ecrPassword.length).toBeGreaterThan(8);
    for (const run of [first, second]) {
      expect(run.masked).toContain(ecrPassword);
      const unmaskedLines = run.rawOutput.split('\n').filter((line) => !line.startsWith('::add-mask::'));
      // The raw output, not the runner's masked log: masking must not be what hides a leak.
      const everything = [
        ...unmaskedLines,
        run.summary,
        JSON.stringify(run.outputs),
        JSON.stringify(run.state),
        ...Object.values(run.leftBehind),
        readFileSync(sandbox.env.SANDBOX_DOCKER_LOG ?? '', 'utf8'),
      ].join('\n');
      expect(everything).not.toContain(ecrPassword);
      expect(everything).not.toContain(Buffer.from(`AWS:${ecrPassword}`).toString('base64'));
      expect(everything).not.toMatch(/k8s-aws-v1\.[A-Za-z0-9_-]{20,}/);
    }
  });
});

describe('the action with a bad input', () => {
  it('fails with one sentence naming the input, and touches neither the registry nor the cluster', async () => {
    const before = { docker: dockerCalls().length, mutating: mutatingRequests().length };
    const run = await runAction({
      inputs: { ...inputs, 'cluster-name': env.SANDBOX_CLUSTER_NAME ?? '', 'rollout-timeout': 'ten minutes' },
      env,
    });
    expect(run.exitCode).toBe(1);
    const errors = run.log.split('\n').filter((line) => line.startsWith('::error::'));
    expect(errors).toEqual([
      `::error::Invalid value "ten minutes" for input 'rollout-timeout'. Expected a duration such as 90s, 10m or 1h.`,
    ]);
    expect({ docker: dockerCalls().length, mutating: mutatingRequests().length }).toEqual(before);
    expect(run.outputs).toEqual({ result: 'failed' });
    expect(run.summary).toContain(`Invalid value "ten minutes" for input 'rollout-timeout'.`);
  });

  it('fails on an image no container uses before building or pushing anything', async () => {
    const before = { docker: dockerCalls().length, mutating: mutatingRequests().length };
    const run = await runAction({
      inputs: {
        ...inputs,
        images: `${inputs.images}\nghost:\n  context: sandbox/demo/frontend`,
        'cluster-name': env.SANDBOX_CLUSTER_NAME ?? '',
      },
      env: { ...env, GITHUB_SHA: `${commit.slice(0, 30)}0123456789` },
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/^::error::.*ghost.*matches no container/m);
    expect(run.outputs.result).toBe('failed');
    expect({ docker: dockerCalls().length, mutating: mutatingRequests().length }).toEqual(before);
  });
});
