import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { stringify } from 'yaml';
import { NodeProcessRunner, type RunResult } from '../src/process.js';
import { type RunningSandbox, startSandbox } from './testing.js';

let sandbox: RunningSandbox;
const savedEnv = { ...process.env };
const runner = new NodeProcessRunner();
const run = (command: string, args: string[], stdin?: string): Promise<RunResult> =>
  runner.run(command, args, { env: { ...process.env, ...sandbox.env }, stdin });

/** An EKS token presigned with the sandbox credentials, as the action makes one. */
async function eksToken(clusterName: string): Promise<string> {
  const region = sandbox.env.AWS_REGION ?? '';
  const host = `sts.${region}.amazonaws.com`;
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: sandbox.env.AWS_SECRET_ACCESS_KEY ?? '',
    },
    region,
    service: 'sts',
    sha256: Sha256,
  });
  const presigned = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: 'https:',
      hostname: host,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host, 'x-k8s-aws-id': clusterName },
    }),
    { expiresIn: 60 },
  );
  const url = `https://${host}/?${new URLSearchParams(presigned.query as Record<string, string>)}`;
  return `k8s-aws-v1.${Buffer.from(url).toString('base64url')}`;
}

/** A kubeconfig built only from DescribeCluster, the way the action connects, with a bearer token. */
async function kubeconfigFromEks(token: string): Promise<string> {
  const { cluster } = await new EKSClient({}).send(
    new DescribeClusterCommand({ name: sandbox.env.SANDBOX_CLUSTER_NAME }),
  );
  const path = join(sandbox.stateDir, `kubeconfig-${randomUUID()}`);
  await writeFile(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'eks',
          cluster: {
            server: cluster?.endpoint,
            'certificate-authority-data': cluster?.certificateAuthority?.data,
          },
        },
      ],
      users: [{ name: 'eks', user: { token } }],
      contexts: [{ name: 'eks', context: { cluster: 'eks', user: 'eks' } }],
      'current-context': 'eks',
    }),
  );
  return path;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  Object.assign(process.env, {
    AWS_REGION: sandbox.env.AWS_REGION,
    AWS_ACCESS_KEY_ID: sandbox.env.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: sandbox.env.AWS_SECRET_ACCESS_KEY,
    AWS_ENDPOINT_URL_ECR: sandbox.env.AWS_ENDPOINT_URL_ECR,
    AWS_ENDPOINT_URL_EKS: sandbox.env.AWS_ENDPOINT_URL_EKS,
  });
}, 30_000);

afterAll(async () => {
  process.env = savedEnv;
  await sandbox?.stop();
});

describe('the simulated cluster behind the sandbox', () => {
  it('answers kubectl with the static token of KUBECONFIG', async () => {
    const result = await run('kubectl', ['get', 'namespaces', '-o', 'name']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('namespace/default');
  });

  it('lets kubectl in with an EKS token and a kubeconfig made from DescribeCluster', async () => {
    const kubeconfig = await kubeconfigFromEks(await eksToken(sandbox.env.SANDBOX_CLUSTER_NAME ?? ''));
    const result = await run('kubectl', ['--kubeconfig', kubeconfig, 'get', 'namespaces', '-o', 'name']);
    expect(result).toMatchObject({ exitCode: 0, stdout: expect.stringContaining('namespace/default') });
  });

  it('turns away an EKS token made for another cluster', async () => {
    const kubeconfig = await kubeconfigFromEks(await eksToken('another-cluster'));
    const result = await run('kubectl', ['--kubeconfig', kubeconfig, 'get', 'namespaces']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('Unauthorized');
  });

  it('runs pods whose image was pushed, and reports ImagePullBackOff for a tag that was not', async () => {
    const ecr = new ECRClient({});
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'cluster/web' }));
    const token = await ecr.send(new GetAuthorizationTokenCommand({}));
    const password = Buffer.from(token.authorizationData?.[0]?.authorizationToken ?? '', 'base64')
      .toString()
      .slice('AWS:'.length);
    const registry = sandbox.env.SANDBOX_REGISTRY ?? '';
    const context = await mkdtemp(join(sandbox.stateDir, 'build-'));
    await writeFile(join(context, 'id'), randomUUID());
    await writeFile(join(context, 'Dockerfile'), 'FROM scratch\nCOPY id /id\n');
    for (const args of [
      ['login', '--password-stdin', '-u', 'AWS', registry],
      ['build', '-t', `${registry}/cluster/web:v1`, context],
      ['push', `${registry}/cluster/web:v1`],
    ]) {
      // The whole result, so a failure shows docker's stderr.
      expect(await run('docker', args, password)).toMatchObject({ exitCode: 0 });
    }
    const deployment = (name: string, tag: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'web', image: `${registry}/cluster/web:${tag}` }] },
        },
      },
    });
    const manifest = join(sandbox.stateDir, 'deployments.yaml');
    await writeFile(
      manifest,
      `${stringify(deployment('present', 'v1'))}---\n${stringify(deployment('absent', 'v2'))}`,
    );
    expect(await run('kubectl', ['apply', '--server-side', '-f', manifest])).toMatchObject({ exitCode: 0 });

    const rollout = await run('kubectl', ['rollout', 'status', 'deployment/present', '--timeout=20s']);
    expect(rollout).toMatchObject({ stdout: expect.stringContaining('successfully rolled out') });
    const waiting = await run('kubectl', [
      'wait',
      'pods',
      '-l',
      'app=absent',
      '--for=jsonpath={.status.containerStatuses[0].state.waiting.reason}=ImagePullBackOff',
      '--timeout=20s',
    ]);
    expect(waiting).toMatchObject({ exitCode: 0 });
    const events = await run('kubectl', ['get', 'events', '-o', 'json']);
    expect(events.stdout).toContain(`${registry}/cluster/web:v2: not found`);
  });
});
