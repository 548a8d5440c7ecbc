import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RunningSandbox, startSandbox } from '../../sandbox/testing.js';
import { RETRY_SETTINGS } from '../../src/aws/clients.js';
import { type ConnectDeps, connectCluster } from '../../src/cluster/connect.js';
import { NodeProcessRunner } from '../../src/process.js';
import { RecordingLogger } from '../fakes.js';
import { pluginRuns, startKubectlProxy } from './kubectl-proxy.js';

/*
 * The connect phase against the whole sandbox: the real SDK asks the simulated EKS for the
 * cluster, the real kubectl runs our eks-token plugin, and the simulated API server accepts the
 * token only if it verifies as EKS would.
 */

const fixture = fileURLToPath(new URL('./fixtures/cli-entry.ts', import.meta.url));
const CLUSTER = 'shop-prod';

describe('the connect phase in the sandbox', () => {
  let sandbox: RunningSandbox;
  // Everything this file writes, HOME included: kubectl's discovery cache (~/.kube/cache) is keyed
  // by host and port, so a shared HOME could serve another run's answers for a reused port.
  const root = mkdtempSync(join(tmpdir(), 'eks-sandbox-test-'));
  const home = join(root, 'home');

  beforeAll(async () => {
    mkdirSync(home);
    sandbox = await startSandbox({ clusterName: CLUSTER });
  }, 60_000);

  afterAll(async () => {
    await sandbox?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  function deps(logger: RecordingLogger, pluginEnv?: Record<string, string>): ConnectDeps {
    const env: NodeJS.ProcessEnv = { ...process.env, ...sandbox.env, HOME: home };
    delete env.KUBECONFIG; // the sandbox's own static-token kubeconfig must play no part
    env.RUNNER_TEMP = mkdtempSync(join(root, 'runner-temp-'));
    return {
      kubectl: new NodeProcessRunner(),
      logger,
      env,
      eks: async (region) =>
        new EKSClient({
          region,
          endpoint: sandbox.env.AWS_ENDPOINT_URL_EKS,
          credentials: {
            accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID,
            secretAccessKey: sandbox.env.AWS_SECRET_ACCESS_KEY,
          },
          ...RETRY_SETTINGS,
        }),
      credentialCommand: () => ({ command: process.execPath, args: ['--import', 'tsx', fixture] }),
      pluginEnv,
    };
  }

  const inputs = () => ({
    clusterName: CLUSTER,
    awsRegion: sandbox.env.AWS_REGION,
    kubeconfig: undefined,
    namespace: undefined,
  });

  it('writes a kubeconfig whose exec-plugin tokens the cluster accepts', async () => {
    const logger = new RecordingLogger();
    const connection = await connectCluster(inputs(), deps(logger));
    expect(connection).toMatchObject({
      source: 'eks',
      written: true,
      serverVersion: expect.stringMatching(/^v1\.32/),
    });
    const run = await new NodeProcessRunner().run('kubectl', ['get', 'namespaces', '-o', 'name'], {
      env: { ...deps(logger).env, KUBECONFIG: connection?.kubeconfigPath },
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('namespace/default');
  }, 60_000);

  it('keeps one long-running kubectl working past the token lifetime by fetching new tokens', async () => {
    const pluginLog = join(root, 'plugin-runs');
    writeFileSync(pluginLog, '');
    const env = { K8S_DEPLOY_TOKEN_LIFETIME: '1s', TEST_PLUGIN_LOG: pluginLog };
    const d = deps(new RecordingLogger(), env);
    const connection = await connectCluster(inputs(), d);
    const proxy = await startKubectlProxy(connection?.kubeconfigPath as string, d.env);
    try {
      expect(await proxy.get('/api/v1/namespaces')).toBe(200);
      // Fails unless kubectl fetches a new token once the 1 s lifetime of the one it holds is over;
      // every request on the way, the one that triggered the fetch included, must succeed.
      const statuses = await proxy.getUntilPluginRuns('/api/v1/namespaces', pluginLog, pluginRuns(pluginLog));
      expect(statuses.length).toBeGreaterThan(0);
      expect(statuses.every((status) => status === 200)).toBe(true);
    } finally {
      proxy.stop();
    }
  }, 60_000);
});
