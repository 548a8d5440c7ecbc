import { ECRClient } from '@aws-sdk/client-ecr';
import { EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RunningSandbox, startSandbox } from '../../sandbox/testing.js';
import { connectCluster } from '../../src/cluster/connect.js';
import { prepareImages } from '../../src/images/prepare.js';
import { RecordingLogger, RecordingRunner } from '../fakes.js';

/*
 * AWS failures as the real SDK meets them on the wire (the sandbox's ECR/EKS speak the real
 * protocols and check SigV4), turned into sentences a user can act on.
 */

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ kubernetes: false, clusterName: 'shop-prod' });
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

function credentials(secret = sandbox.env.AWS_SECRET_ACCESS_KEY) {
  return { accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID, secretAccessKey: secret };
}

const eks = async (region: string) =>
  new EKSClient({ region, endpoint: sandbox.env.AWS_ENDPOINT_URL_EKS, credentials: credentials() });

const connectInputs = (clusterName: string) => ({
  clusterName,
  awsRegion: sandbox.env.AWS_REGION,
  kubeconfig: undefined,
  namespace: undefined,
});

const connectDeps = () => ({
  kubectl: new RecordingRunner(),
  logger: new RecordingLogger(),
  env: { RUNNER_TEMP: sandbox.stateDir },
  eks,
  credentialCommand: () => ({ command: 'node', args: ['cli.js'] }),
});

async function setClusterStatus(status: string): Promise<void> {
  const answer = await fetch(`${sandbox.env.SANDBOX_AWS_ADMIN_URL}/eks/status`, {
    method: 'POST',
    body: JSON.stringify({ status }),
  });
  expect(answer.status).toBe(200);
}

describe('AWS errors through the real SDK', () => {
  it('refuses a cluster that EKS reports as CREATING, before writing or running anything', async () => {
    await setClusterStatus('CREATING');
    try {
      const deps = connectDeps();
      await expect(connectCluster(connectInputs('shop-prod'), deps)).rejects.toThrow(
        `EKS cluster 'shop-prod' in ${sandbox.env.AWS_REGION} is CREATING, not ACTIVE or UPDATING, so it cannot take a deploy.`,
      );
      expect(deps.kubectl.events).toEqual([]);
    } finally {
      await setClusterStatus('ACTIVE');
    }
  });

  it('names the cluster and region EKS does not know', async () => {
    await expect(connectCluster(connectInputs('nope'), connectDeps())).rejects.toThrow(
      `EKS cluster 'nope' was not found in region ${sandbox.env.AWS_REGION}.`,
    );
  });

  it('explains credentials AWS does not accept, naming the operation', async () => {
    const ecr = new ECRClient({
      region: sandbox.env.AWS_REGION,
      endpoint: sandbox.env.AWS_ENDPOINT_URL_ECR,
      credentials: credentials('not-the-secret'),
    });
    const images = [
      {
        name: 'shop/api',
        context: '.',
        dockerfile: undefined,
        target: undefined,
        buildArgs: {},
        platforms: [],
      },
    ];
    const attempt = prepareImages(
      {
        images,
        tag: 'abc',
        build: 'auto',
        createRepositories: false,
        registry: undefined,
        registryId: undefined,
        awsRegion: sandbox.env.AWS_REGION,
      },
      { ecr, docker: new RecordingRunner(), logger: new RecordingLogger(), env: {} },
    );
    await expect(attempt).rejects.toThrow(
      `AWS did not accept the credentials for ecr:GetAuthorizationToken in ${sandbox.env.AWS_REGION}`,
    );
  });
});
