import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getOctokit } from '@actions/github';
import { describe, expect, it } from '@jest/globals';
import { parseSandboxArgs } from './args.js';
import { envFile } from './sandbox.js';
import { parseEnvFile, startSandbox } from './testing.js';

/** Every running process whose command line mentions `text` (e.g. the state directory). */
async function processesMentioning(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ')}`);
  }
  return found;
}

describe('sandbox orchestrator', () => {
  it('writes a sourceable env file when ready, and leaves no process behind when stopped', async () => {
    const sandbox = await startSandbox();
    const { env, stateDir } = sandbox;
    try {
      for (const name of [
        'KUBECONFIG',
        'SANDBOX_ADMIN_URL',
        'AWS_REGION',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_ENDPOINT_URL_ECR',
        'AWS_ENDPOINT_URL_EKS',
        'SANDBOX_CLUSTER_NAME',
        'SANDBOX_REGISTRY',
        'SANDBOX_AUDIT_LOG',
        'SANDBOX_DOCKER_LOG',
        'GITHUB_API_URL',
        'SANDBOX_GITHUB_TOKEN',
        'SANDBOX_GITHUB_READONLY_TOKEN',
        'SANDBOX_GITHUB_ADMIN_URL',
      ]) {
        expect(env[name]).toBeTruthy();
      }
      expect(env.PATH?.split(':')[0]).toMatch(/sandbox\/bin$/);
      expect(((await stat(join(stateDir, 'env'))).mode & 0o077).toString(8)).toBe('0');
      const { stdout } = await promisify(execFile)('bash', [
        '-c',
        `. '${join(stateDir, 'env')}' && command -v docker && echo "$SANDBOX_REGISTRY"`,
      ]);
      expect(stdout.trim().split('\n')).toEqual([
        expect.stringMatching(/sandbox\/bin\/docker$/),
        env.SANDBOX_REGISTRY,
      ]);
      expect(await processesMentioning(stateDir)).not.toEqual([]);
    } finally {
      await sandbox.stop();
    }
    expect(await processesMentioning(stateDir)).toEqual([]);
  });

  it('stops every part on SIGINT (Ctrl-C) and exits 0, leaving no process and no podman runroot', async () => {
    const sandbox = await startSandbox();
    const runroot = sandbox.env.SANDBOX_PODMAN_RUNROOT ?? '';
    expect(runroot.length).toBeLessThanOrEqual(50);
    expect((await stat(runroot)).isDirectory()).toBe(true);
    expect((await processesMentioning(sandbox.stateDir)).join('\n')).toContain('docker-registry');
    process.kill(sandbox.pid, 'SIGINT');
    const code = await sandbox.exited;
    const left = await processesMentioning(sandbox.stateDir);
    const runrootLeft = await stat(runroot).then(
      () => true,
      () => false,
    );
    await sandbox.stop();
    expect({ code, left, runrootLeft }).toEqual({ code: 0, left: [], runrootLeft: false });
  });

  it('stops the registry even when the sandbox process is killed outright', async () => {
    const sandbox = await startSandbox({ kubernetes: false });
    expect((await processesMentioning(sandbox.stateDir)).join('\n')).toContain('docker-registry');
    process.kill(sandbox.pid, 'SIGKILL');
    let left = await processesMentioning(sandbox.stateDir);
    for (let attempt = 0; attempt < 100 && left.length > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      left = await processesMentioning(sandbox.stateDir);
    }
    await sandbox.stop();
    expect(left).toEqual([]);
  });

  it('serves the GitHub stand-in at GITHUB_API_URL to a real client with the job token, even without Kubernetes', async () => {
    const sandbox = await startSandbox({ kubernetes: false });
    try {
      const { env } = sandbox;
      const octokit = getOctokit(env.SANDBOX_GITHUB_TOKEN ?? '', { baseUrl: env.GITHUB_API_URL });
      const created = await octokit.rest.repos.createDeployment({
        owner: 'acme',
        repo: 'app',
        ref: 'c'.repeat(40),
        environment: 'staging',
      });
      expect(created.status).toBe(201);
      const calls = (await (await fetch(`${env.SANDBOX_GITHUB_ADMIN_URL}/calls`)).json()) as unknown[];
      expect(calls).toEqual([expect.objectContaining({ method: 'POST', status: 201, auth: 'write' })]);
    } finally {
      await sandbox.stop();
    }
  });

  it('serves extra EKS clusters, each its own API server and state, in the same account', async () => {
    const sandbox = await startSandbox({ extraClusters: ['second'] });
    try {
      const { env } = sandbox;
      const clusters = JSON.parse(env.SANDBOX_CLUSTERS ?? '[]') as { name: string; kubeconfig: string }[];
      expect(clusters.map((cluster) => cluster.name)).toEqual(['sandbox', 'second']);
      const { EKSClient, DescribeClusterCommand } = await import('@aws-sdk/client-eks');
      const eks = new EKSClient({
        region: env.AWS_REGION,
        endpoint: env.AWS_ENDPOINT_URL_EKS,
        credentials: {
          accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
        },
      });
      const endpoints = await Promise.all(
        ['sandbox', 'second'].map(
          async (name) => (await eks.send(new DescribeClusterCommand({ name }))).cluster?.endpoint,
        ),
      );
      eks.destroy();
      expect(endpoints[0]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoints[1]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoints[0]).not.toBe(endpoints[1]);
      const kubectl = (kubeconfig: string, args: string[]) =>
        promisify(execFile)('kubectl', args, { env: { ...process.env, ...env, KUBECONFIG: kubeconfig } });
      const [main, second] = clusters.map((cluster) => cluster.kubeconfig) as [string, string];
      await kubectl(second, ['create', 'configmap', 'only-here', '-n', 'default']);
      expect(
        (await kubectl(second, ['get', 'configmap', 'only-here', '-n', 'default', '-o', 'name'])).stdout,
      ).toBe('configmap/only-here\n');
      await expect(kubectl(main, ['get', 'configmap', 'only-here', '-n', 'default'])).rejects.toThrow(
        /NotFound|not found/,
      );
    } finally {
      await sandbox.stop();
    }
  });

  it('round-trips values with quotes through the env file', () => {
    const env = { A: "it's", B: 'x=y z', C: '' };
    expect(parseEnvFile(envFile(env))).toEqual(env);
  });

  it('rejects a bad time scale with a sentence naming the flag', () => {
    expect(() => parseSandboxArgs(['--state-dir', '/tmp/x', '--time-scale', 'fast'])).toThrow(
      "--time-scale must be a number above 0 and at most 1, got 'fast'.",
    );
    expect(() => parseSandboxArgs([])).toThrow('--state-dir is required.');
    expect(() => parseSandboxArgs(['--state-dir', '/tmp/x', '--extra-cluster', 'sandbox'])).toThrow(
      'Cluster names must differ, got sandbox, sandbox.',
    );
  });
});
