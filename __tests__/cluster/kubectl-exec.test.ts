import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { connectCluster } from '../../src/cluster/connect.js';
import { NodeProcessRunner } from '../../src/process.js';
import { RecordingLogger } from '../fakes.js';
import { expectedSignature, tokenUrl } from './sigv4.js';

/*
 * The real kubectl, reading the kubeconfig connectCluster writes, runs our eks-token plugin
 * (from source, through tsx) and presents its token to a TLS server that checks it the way EKS
 * does: a presigned GetCallerIdentity for this cluster, correctly signed.
 */

const SECRET = 'test-secret-access-key/with+specials';
const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIATESTTESTTEST',
  AWS_SECRET_ACCESS_KEY: SECRET,
  AWS_SESSION_TOKEN: 'sess/tok=',
};
const fixture = fileURLToPath(new URL('./fixtures/cli-entry.ts', import.meta.url));
const eksMock = mockClient(EKSClient);
const seen: { token: string; ok: boolean }[] = [];
let server: Server;
let endpoint: string;
let caData: string;

function accepts(token: string, cluster: string): boolean {
  try {
    const url = tokenUrl(token);
    const headers = { host: url.host, 'x-k8s-aws-id': cluster };
    return (
      url.host === 'sts.eu-west-1.amazonaws.com' &&
      url.searchParams.get('Action') === 'GetCallerIdentity' &&
      url.searchParams.get('X-Amz-SignedHeaders') === 'host;x-k8s-aws-id' &&
      url.searchParams.get('X-Amz-Security-Token') === CREDENTIALS.AWS_SESSION_TOKEN &&
      url.searchParams.get('X-Amz-Signature') === expectedSignature(url, headers, SECRET)
    );
  } catch {
    return false;
  }
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  caData = Buffer.from(cert).toString('base64');
  server = createServer({ cert, key: readFileSync(join(dir, 'key.pem')) }, (req, res) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const ok = accepts(token, 'prod');
    seen.push({ token, ok });
    res.setHeader('content-type', 'application/json');
    if (!ok) {
      res.statusCode = 401;
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'Unauthorized',
          code: 401,
        }),
      );
      return;
    }
    res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0-test', platform: 'linux/amd64' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function deps(logger: RecordingLogger) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: tmpdir(), ...CREDENTIALS };
  env.RUNNER_TEMP = mkdtempSync(join(tmpdir(), 'runner-temp-'));
  return {
    kubectl: new NodeProcessRunner(),
    logger,
    env,
    eks: async (region: string) => new EKSClient({ region }),
    credentialCommand: () => ({ command: process.execPath, args: ['--import', 'tsx', fixture] }),
  };
}

describe('the written kubeconfig with the real kubectl', () => {
  it('gets a token from the eks-token plugin that the cluster accepts', async () => {
    eksMock.on(DescribeClusterCommand).resolves({
      cluster: { status: 'ACTIVE', endpoint, certificateAuthority: { data: caData } },
    });
    const logger = new RecordingLogger();
    seen.length = 0;
    const connection = await connectCluster(
      { clusterName: 'prod', awsRegion: 'eu-west-1', kubeconfig: undefined, namespace: undefined },
      deps(logger),
    );
    expect(connection?.serverVersion).toBe('v1.32.0-test');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s.ok)).toBe(true);
    const file = readFileSync(connection?.kubeconfigPath as string, 'utf8');
    for (const { token } of seen) {
      expect(file).not.toContain(token);
      expect(logger.messages().join('\n')).not.toContain(token);
    }
    expect(file).not.toContain(SECRET);
  });

  it('explains the 401 when the cluster does not accept the identity', async () => {
    eksMock.on(DescribeClusterCommand).resolves({
      cluster: {
        status: 'ACTIVE',
        endpoint,
        certificateAuthority: { data: caData },
        accessConfig: { authenticationMode: 'API' },
      },
    });
    seen.length = 0;
    // A token for 'staging' is not valid for the server, which only serves 'prod'.
    const attempt = connectCluster(
      { clusterName: 'staging', awsRegion: 'eu-west-1', kubeconfig: undefined, namespace: undefined },
      deps(new RecordingLogger()),
    );
    await expect(attempt).rejects.toThrow(
      "EKS cluster 'staging' does not accept this job's IAM role (401 Unauthorized). The cluster authenticates with access entries only",
    );
    expect(seen.length).toBeGreaterThan(0);
  });
});
