import { mkdtempSync, readFileSync } from 'node:fs';
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
import { startKubectlProxy } from './kubectl-proxy.js';
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
    const proxy = await startKubectlProxy(
      connection?.kubeconfigPath as string,
      deps(new RecordingLogger()).env,
    );
    try {
      expect(await proxy.get('/version')).toBe(200);
      await sleep(2_500); // past the 1 s lifetime, and into the next X-Amz-Date second
      expect(await proxy.get('/version')).toBe(200);
      expect(server.seen.every((s) => s.ok)).toBe(true);
      const signedAt = new Set(server.seen.map((s) => s.signedAt));
      expect(signedAt.size).toBeGreaterThanOrEqual(2);
    } finally {
      proxy.stop();
    }
  }, 30_000);
});
