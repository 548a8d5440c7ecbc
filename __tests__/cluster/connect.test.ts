import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DescribeClusterCommand, EKSClient, ResourceNotFoundException } from '@aws-sdk/client-eks';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { parse } from 'yaml';
import {
  type ConnectInputs,
  connectCluster,
  explainUnauthorized,
  requireCluster,
} from '../../src/cluster/connect.js';
import { RecordingLogger, RecordingRunner } from '../fakes.js';

const eksMock = mockClient(EKSClient);
const VERSION_JSON = JSON.stringify({ serverVersion: { gitVersion: 'v1.32.3-eks-4096722' } });
const root = mkdtempSync(join(tmpdir(), 'connect-test-'));
const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');

function cluster(status: string, authenticationMode = 'API_AND_CONFIG_MAP') {
  return {
    cluster: {
      name: 'prod',
      status,
      endpoint: 'https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
      certificateAuthority: { data: CA },
      accessConfig: { authenticationMode },
    },
  } as never;
}

function setUp(
  versionAnswer: { exitCode?: number; stdout?: string; stderr?: string } = { stdout: VERSION_JSON },
) {
  const runnerTemp = mkdtempSync(join(root, 'runner-temp-'));
  const kubectl = new RecordingRunner().on(['kubectl', 'version'], versionAnswer);
  const logger = new RecordingLogger();
  const deps = {
    kubectl,
    logger,
    env: { RUNNER_TEMP: runnerTemp, PATH: '/usr/bin' },
    eks: async (region: string) => new EKSClient({ region }),
    credentialCommand: () => ({
      command: '/opt/node/bin/node',
      args: ['/actions/k8s-deploy/dist/cli/index.js'],
    }),
  };
  return { runnerTemp, kubectl, logger, deps };
}

const eksInputs: ConnectInputs = {
  clusterName: 'prod',
  kubeconfig: undefined,
  awsRegion: 'eu-west-1',
  namespace: undefined,
};

beforeEach(() => {
  eksMock.reset();
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('connectCluster with cluster-name', () => {
  it('writes a private kubeconfig under RUNNER_TEMP whose user runs the bundled eks-token plugin', async () => {
    eksMock.on(DescribeClusterCommand, { name: 'prod' }).resolves(cluster('ACTIVE'));
    const { runnerTemp, deps } = setUp();
    const connection = await connectCluster({ ...eksInputs, namespace: 'shop' }, deps);
    expect(connection).toMatchObject({ source: 'eks', written: true, serverVersion: 'v1.32.3-eks-4096722' });
    const path = connection?.kubeconfigPath as string;
    expect(path.startsWith(runnerTemp)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const config = parse(readFileSync(path, 'utf8'));
    expect(config.clusters[0].cluster).toEqual({
      server: 'https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
      'certificate-authority-data': CA,
    });
    expect(config.users[0].user.exec).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: '/opt/node/bin/node',
      args: [
        '/actions/k8s-deploy/dist/cli/index.js',
        'eks-token',
        '--cluster-name',
        'prod',
        '--region',
        'eu-west-1',
      ],
      interactiveMode: 'Never',
      provideClusterInfo: false,
    });
    expect(config.contexts[0].context).toMatchObject({ namespace: 'shop' });
    expect(config['current-context']).toBe(config.contexts[0].name);
  });

  it('with tokenCache (the action), has the plugin keep its token beside the kubeconfig, in its private folder', async () => {
    eksMock.on(DescribeClusterCommand, { name: 'prod' }).resolves(cluster('ACTIVE'));
    const { deps } = setUp();
    const connection = await connectCluster(eksInputs, { ...deps, tokenCache: true });
    const path = connection?.kubeconfigPath as string;
    const { args } = parse(readFileSync(path, 'utf8')).users[0].user.exec;
    expect(args.slice(-2)).toEqual(['--token-cache', join(dirname(path), 'eks-tokens')]);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
  });

  it('proves the connection with one read-only kubectl call using the written kubeconfig', async () => {
    eksMock.on(DescribeClusterCommand).resolves(cluster('UPDATING'));
    const { kubectl, deps } = setUp();
    const connection = await connectCluster(eksInputs, deps);
    const runs = kubectl.events.filter((e) => e.type === 'run');
    expect(runs).toHaveLength(1);
    const [run] = runs as Extract<(typeof runs)[number], { type: 'run' }>[];
    expect(run.args).toEqual(['version', '--output=json', '--request-timeout=30s']);
    expect(run.options.env?.KUBECONFIG).toBe(connection?.kubeconfigPath);
  });

  it.each(['CREATING', 'DELETING', 'FAILED', 'PENDING'])(
    'refuses a cluster that is %s, naming the status',
    async (status) => {
      eksMock.on(DescribeClusterCommand).resolves(cluster(status));
      const { kubectl, deps } = setUp();
      await expect(connectCluster(eksInputs, deps)).rejects.toThrow(
        `EKS cluster 'prod' in eu-west-1 is ${status}, not ACTIVE or UPDATING, so it cannot take a deploy.`,
      );
      expect(kubectl.events).toEqual([]);
    },
  );

  it('says which cluster and region were not found', async () => {
    eksMock
      .on(DescribeClusterCommand)
      .rejects(new ResourceNotFoundException({ message: 'No cluster', $metadata: {} }));
    const { deps } = setUp();
    await expect(connectCluster(eksInputs, deps)).rejects.toThrow(
      "EKS cluster 'prod' was not found in region eu-west-1. Check cluster-name and aws-region",
    );
  });

  it('names eks:DescribeCluster when access is denied', async () => {
    eksMock
      .on(DescribeClusterCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const { deps } = setUp();
    await expect(connectCluster(eksInputs, deps)).rejects.toThrow('Grant eks:DescribeCluster to that role');
  });

  it.each([
    ['API', 'authenticates with access entries only: create an EKS access entry'],
    ['API_AND_CONFIG_MAP', 'accepts access entries and the aws-auth ConfigMap'],
    ['CONFIG_MAP', 'authenticates through the aws-auth ConfigMap only'],
  ])('explains a 401 on a cluster in %s mode', async (mode, explanation) => {
    eksMock.on(DescribeClusterCommand).resolves(cluster('ACTIVE', mode));
    const { deps } = setUp({
      exitCode: 1,
      stderr:
        'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
    });
    const attempt = connectCluster(eksInputs, deps);
    await expect(attempt).rejects.toThrow(
      "EKS cluster 'prod' does not accept this job's IAM role (401 Unauthorized).",
    );
    await expect(attempt).rejects.toThrow(explanation);
  });

  it('reports other kubectl failures with its last words', async () => {
    eksMock.on(DescribeClusterCommand).resolves(cluster('ACTIVE'));
    const { deps } = setUp({
      exitCode: 1,
      stderr: 'Unable to connect to the server: dial tcp: i/o timeout\n',
    });
    await expect(connectCluster(eksInputs, deps)).rejects.toThrow(
      'kubectl could not reach the cluster (exit 1): Unable to connect to the server: dial tcp: i/o timeout',
    );
  });
});

describe('connectCluster without cluster-name', () => {
  const plain: ConnectInputs = {
    clusterName: undefined,
    kubeconfig: undefined,
    awsRegion: undefined,
    namespace: undefined,
  };

  it('uses the kubeconfig input as it is, without writing anything or calling EKS', async () => {
    const { runnerTemp, kubectl, deps } = setUp();
    const path = join(runnerTemp, 'given-kubeconfig');
    writeFileSync(path, 'apiVersion: v1\nkind: Config\n');
    const connection = await connectCluster({ ...plain, kubeconfig: path }, deps);
    expect(connection).toMatchObject({ kubeconfigPath: path, source: 'input', written: false });
    expect(kubectl.calls('kubectl')).toHaveLength(1);
    expect(eksMock.calls()).toHaveLength(0);
  });

  it('uses KUBECONFIG from the environment when no input is given', async () => {
    const { deps } = setUp();
    const connection = await connectCluster(plain, {
      ...deps,
      env: { ...deps.env, KUBECONFIG: '/home/me/.kube/config' },
    });
    expect(connection).toMatchObject({ kubeconfigPath: '/home/me/.kube/config', source: 'environment' });
  });

  it('refuses a kubeconfig input that does not exist', async () => {
    const { deps } = setUp();
    await expect(connectCluster({ ...plain, kubeconfig: '/nope/config' }, deps)).rejects.toThrow(
      "Input 'kubeconfig' names /nope/config, which does not exist. Expected the path of a kubeconfig file.",
    );
  });

  it("names the kubeconfig input when kubectl cannot load it, with kubectl's reason", async () => {
    const { runnerTemp, deps } = setUp({
      exitCode: 1,
      stderr: `error: error loading config file "/tmp/x": yaml: line 1: did not find expected ',' or ']'\n`,
    });
    const path = join(runnerTemp, 'x');
    writeFileSync(path, '{not: [a kubeconfig');
    await expect(connectCluster({ ...plain, kubeconfig: path }, deps)).rejects.toThrow(
      `Input 'kubeconfig' names ${path}, which kubectl cannot load (yaml: line 1: did not find expected ',' or ']'). Expected a kubeconfig file (clusters, users and contexts).`,
    );
  });

  it('explains a 401 with a plain kubeconfig without mentioning EKS', async () => {
    const { deps } = setUp({
      exitCode: 1,
      stderr: 'error: You must be logged in to the server (Unauthorized)',
    });
    const attempt = connectCluster(plain, { ...deps, env: { KUBECONFIG: '/k' } });
    await expect(attempt).rejects.toThrow(
      'The cluster refused the credentials in the kubeconfig (401 Unauthorized).',
    );
  });

  it('connects to nothing, and fails only when a phase needs the cluster', async () => {
    const { kubectl, logger, deps } = setUp();
    const connection = await connectCluster(plain, deps);
    expect(connection).toBeUndefined();
    expect(kubectl.events).toEqual([]);
    expect(logger.messages()).toContain('No cluster-name or kubeconfig given: not connecting to a cluster.');
    expect(() => requireCluster(connection, 'apply')).toThrow(
      'The apply phase needs a cluster. Set cluster-name (an EKS cluster) or kubeconfig (any cluster).',
    );
  });
});

describe('explainUnauthorized', () => {
  it('treats an unknown authentication mode as the aws-auth ConfigMap (clusters older than access entries)', () => {
    expect(explainUnauthorized(undefined, 'old')).toContain('through the aws-auth ConfigMap only');
  });
});
