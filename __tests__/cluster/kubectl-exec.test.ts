import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { type ConnectDeps, connectCluster } from '../../src/cluster/connect.js';
import { NodeProcessRunner } from '../../src/process.js';
import { RecordingLogger } from '../fakes.js';
import { pluginRuns, startKubectlProxy } from './kubectl-proxy.js';
import { CREDENTIALS, startTokenServer, type TokenServer } from './token-server.js';

/*
 * The real kubectl, reading the kubeconfig connectCluster writes, runs our eks-token plugin
 * (from source, through tsx) and presents its token to a TLS server that checks it the way EKS
 * does: a presigned GetCallerIdentity for this cluster, correctly signed.
 */

const fixture = fileURLToPath(new URL('./fixtures/cli-entry.ts', import.meta.url));
const eksMock = mockClient(EKSClient);
let server: TokenServer;
// Everything this file writes, HOME included: kubectl's discovery cache (~/.kube/cache) is keyed
// by host and port, so a shared HOME could serve another run's answers for a reused port.
const root = mkdtempSync(join(tmpdir(), 'kubectl-exec-test-'));
const home = join(root, 'home');

beforeAll(async () => {
  mkdirSync(home);
  server = await startTokenServer('prod');
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

function deps(logger: RecordingLogger, pluginEnv?: Record<string, string>): ConnectDeps {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, ...CREDENTIALS };
  env.RUNNER_TEMP = mkdtempSync(join(root, 'runner-temp-'));
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
    const pluginLog = join(root, 'plugin-runs');
    writeFileSync(pluginLog, '');
    const pluginEnv = { K8S_DEPLOY_TOKEN_LIFETIME: '1s', TEST_PLUGIN_LOG: pluginLog };
    const connection = await connectCluster(inputs('prod'), deps(new RecordingLogger(), pluginEnv));
    server.seen.length = 0;
    const proxy = await startKubectlProxy(
      connection?.kubeconfigPath as string,
      deps(new RecordingLogger()).env,
    );
    try {
      expect(await proxy.get('/version')).toBe(200);
      // The token expires 1 s after it was signed, so the plugin's next run signs in a later second.
      const statuses = await proxy.getUntilPluginRuns('/version', pluginLog, pluginRuns(pluginLog));
      expect(statuses.every((status) => status === 200)).toBe(true);
      expect(server.seen.every((s) => s.ok)).toBe(true);
      const signedAt = new Set(server.seen.map((s) => s.signedAt));
      expect(signedAt.size).toBeGreaterThanOrEqual(2);
    } finally {
      proxy.stop();
    }
  }, 30_000);
});
