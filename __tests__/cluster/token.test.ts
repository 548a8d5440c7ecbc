import { describe, expect, it } from '@jest/globals';
import { createEksToken, execCredential, stsHost, TOKEN_PREFIX } from '../../src/cluster/token.js';
import { expectedSignature } from './sigv4.js';

const now = new Date('2026-03-04T05:06:07.000Z');
const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const sessionToken = 'FQoGZXIvYXdzE//session+token/with=specials';

function decode(token: string): URL {
  return new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
}

describe('createEksToken', () => {
  it('is k8s-aws-v1. followed by unpadded base64url', async () => {
    const { token } = await createEksToken({ clusterName: 'prod', region: 'eu-west-1', credentials, now });
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(token.slice(TOKEN_PREFIX.length)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('decodes to a GetCallerIdentity URL on the regional STS endpoint, presigned for 60 s with x-k8s-aws-id signed', async () => {
    const { token } = await createEksToken({ clusterName: 'prod', region: 'eu-west-1', credentials, now });
    const url = decode(token);
    expect(url.origin).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    const q = url.searchParams;
    expect(q.get('Action')).toBe('GetCallerIdentity');
    expect(q.get('Version')).toBe('2011-06-15');
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20260304/eu-west-1/sts/aws4_request');
    expect(q.get('X-Amz-Date')).toBe('20260304T050607Z');
    expect(q.get('X-Amz-Expires')).toBe('60');
    expect(q.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(q.has('X-Amz-Security-Token')).toBe(false);
  });

  it('carries the session token of temporary credentials in the query', async () => {
    const { token } = await createEksToken({
      clusterName: 'prod',
      region: 'eu-west-1',
      credentials: { ...credentials, sessionToken },
      now,
    });
    expect(decode(token).searchParams.get('X-Amz-Security-Token')).toBe(sessionToken);
  });

  it('binds the signature to the cluster name: another cluster gives another signature', async () => {
    const sign = async (clusterName: string) =>
      decode(
        (await createEksToken({ clusterName, region: 'eu-west-1', credentials, now })).token,
      ).searchParams.get('X-Amz-Signature');
    expect(await sign('prod')).not.toBe(await sign('staging'));
    expect(await sign('prod')).toBe(await sign('prod'));
  });

  it('expires for kubectl 14 minutes after signing by default, or after the given lifetime', async () => {
    const base = { clusterName: 'prod', region: 'eu-west-1', credentials, now };
    expect((await createEksToken(base)).expirationTimestamp).toBe('2026-03-04T05:20:07Z');
    expect((await createEksToken({ ...base, lifetimeMs: 5_000 })).expirationTimestamp).toBe(
      '2026-03-04T05:06:12Z',
    );
    expect((await createEksToken({ ...base, lifetimeMs: 3_600_000 })).expirationTimestamp).toBe(
      '2026-03-04T05:21:07Z',
    );
  });
});

describe('token signature', () => {
  it('matches SigV4 computed independently over host and x-k8s-aws-id, session token included', async () => {
    const { token } = await createEksToken({
      clusterName: 'prod',
      region: 'eu-west-1',
      credentials: { ...credentials, sessionToken },
      now,
    });
    const url = decode(token);
    const headers = { host: 'sts.eu-west-1.amazonaws.com', 'x-k8s-aws-id': 'prod' };
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(url, headers, credentials.secretAccessKey),
    );
    expect(url.searchParams.get('X-Amz-Signature')).not.toBe(
      expectedSignature(url, { ...headers, 'x-k8s-aws-id': 'staging' }, credentials.secretAccessKey),
    );
  });
});

describe('stsHost', () => {
  it('uses the amazonaws.com.cn partition for China regions', () => {
    expect(stsHost('cn-north-1')).toBe('sts.cn-north-1.amazonaws.com.cn');
    expect(stsHost('us-gov-west-1')).toBe('sts.us-gov-west-1.amazonaws.com');
  });
});

describe('execCredential', () => {
  it('is the v1beta1 ExecCredential kubectl expects', () => {
    expect(execCredential({ token: 'k8s-aws-v1.abc', expirationTimestamp: '2026-03-04T05:20:07Z' })).toEqual({
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      spec: {},
      status: { token: 'k8s-aws-v1.abc', expirationTimestamp: '2026-03-04T05:20:07Z' },
    });
  });
});
