import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { type ConnectDeps, connectCluster } from '../../src/cluster/connect.js';
import { NodeProcessRunner } from '../../src/process.js';
import { RecordingLogger } from '../fakes.js';
import { CREDENTIALS, startTokenServer, type TokenServer } from './token-server.js';

/*
 * The real kubectl, reading the kubeconfig connectCluster writes, runs our eks-token plugin
 * (from source, through tsx) and presents its token to a TLS server that checks it the way EKS
 * does: a presigned GetCallerIdentity for this cluster, correctly signed.
 */

const fixture = fileURLToPath(new URL('./fixtures/cli-entry.ts', import.meta.url));
const eksMock = mockClient(EKSClient);
let server: TokenServer;

beforeAll(async () => {
  server = await startTokenServer('prod');
});

afterAll(async () => {
  await server.close();
});

function deps(logger: RecordingLogger, pluginEnv?: Record<string, string>): ConnectDeps {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: tmpdir(), ...CREDENTIALS };
  env.RUNNER_TEMP = mkdtempSync(join(tmpdir(), 'runner-temp-'));
  return {
    kubectl: new NodeProcessRunner(),
    logger,
    env,
    eks: async (region: string) => new EKSClient({ region }),
    credentialCommand: () => ({ command: process.execPath, args: ['--import', 'tsx', fixture] }),
    pluginEnv,
  };
}

function activeCluster(authenticationMode: 'API' | 'API_AND_CONFIG_MAP' | 'CONFIG_MAP' = 'API') {
  eksMock.on(DescribeClusterCommand).resolves({
    cluster: {
      status: 'ACTIVE',
      endpoint: server.endpoint,
      certificateAuthority: { data: server.caData },
      accessConfig: { authenticationMode },
    },
  });
}

const inputs = (clusterName: string) => ({
  clusterName,
  awsRegion: 'eu-west-1',
  kubeconfig: undefined,
  namespace: undefined,
});

describe('the written kubeconfig with the real kubectl', () => {
  it('gets a token from the eks-token plugin that the cluster accepts', async () => {
    activeCluster();
    const logger = new RecordingLogger();
    server.seen.length = 0;
    const connection = await connectCluster(inputs('prod'), deps(logger));
    expect(connection?.serverVersion).toBe('v1.32.0-test');
    expect(server.seen.length).toBeGreaterThan(0);
    expect(server.seen.every((s) => s.ok)).toBe(true);
    const file = readFileSync(connection?.kubeconfigPath as string, 'utf8');
    for (const { token } of server.seen) {
      expect(file).not.toContain(token);
      expect(logger.messages().join('\n')).not.toContain(token);
    }
    expect(file).not.toContain(CREDENTIALS.AWS_SECRET_ACCESS_KEY);
  });

  it('explains the 401 when the cluster does not accept the identity', async () => {
    activeCluster('API');
    server.seen.length = 0;
    // A token for 'staging' is not valid for the server, which only serves 'prod'.
    const attempt = connectCluster(inputs('staging'), deps(new RecordingLogger()));
    await expect(attempt).rejects.toThrow(
      "EKS cluster 'staging' does not accept this job's IAM role (401 Unauthorized). The cluster authenticates with access entries only",
    );
    expect(server.seen.length).toBeGreaterThan(0);
  });

  it('lets one long-running kubectl renew its token when the lifetime runs out', async () => {
    activeCluster();
    const lifetime = { K8S_DEPLOY_TOKEN_LIFETIME: '1s' };
    const connection = await connectCluster(inputs('prod'), deps(new RecordingLogger(), lifetime));
    server.seen.length = 0;
    // kubectl proxy keeps one client (and its cached credential) for all requests it forwards.
    const proxy = spawn('kubectl', ['proxy', '--port=0', `--kubeconfig=${connection?.kubeconfigPath}`], {
      env: deps(new RecordingLogger()).env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const port = await listeningPort(proxy);
      expect(await getVersion(port)).toBe(200);
      await sleep(2_500); // past the 1 s lifetime, and into the next X-Amz-Date second
      expect(await getVersion(port)).toBe(200);
      expect(server.seen.every((s) => s.ok)).toBe(true);
      const signedAt = new Set(server.seen.map((s) => s.signedAt));
      expect(signedAt.size).toBeGreaterThanOrEqual(2);
    } finally {
      proxy.kill('SIGTERM');
    }
  }, 30_000);
});

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`kubectl proxy exited (${code}): ${output}`)));
  });
}

function getVersion(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    get(`http://127.0.0.1:${port}/version`, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}
