import { Sha256 } from '@aws-crypto/sha256-js';
import { describe, expect, it } from '@jest/globals';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createTokenAuthenticator } from './eks-token.js';

const credentials = {
  accessKeyId: 'AKIASANDBOXTEST00001',
  secretAccessKey: 'sandbox/secret/key/for/tests/only/0000000',
};
const signedAt = new Date('2026-03-01T10:00:00Z');
const minutes = (n: number) => new Date(signedAt.getTime() + n * 60_000);

interface TokenSpec {
  clusterName?: string;
  region?: string;
  host?: string;
  expiresIn?: number;
  secretAccessKey?: string;
  sessionToken?: string;
  extraQuery?: Record<string, string>;
  signClusterHeader?: boolean;
  signHost?: boolean;
  padded?: boolean;
}

/** Builds an EKS token the way the action does: presign STS GetCallerIdentity, base64url, prefix. */
async function eksToken(spec: TokenSpec = {}): Promise<string> {
  const region = spec.region ?? 'us-east-1';
  const host = spec.host ?? `sts.${region}.amazonaws.com`;
  const signer = new SignatureV4({
    credentials: {
      ...credentials,
      secretAccessKey: spec.secretAccessKey ?? credentials.secretAccessKey,
      ...(spec.sessionToken ? { sessionToken: spec.sessionToken } : {}),
    },
    region,
    service: 'sts',
    sha256: Sha256,
  });
  const headers: Record<string, string> = { host };
  if (spec.signClusterHeader !== false) headers['x-k8s-aws-id'] = spec.clusterName ?? 'sandbox';
  const presigned = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: 'https:',
      hostname: host,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15', ...spec.extraQuery },
      headers,
    }),
    {
      expiresIn: spec.expiresIn ?? 60,
      signingDate: signedAt,
      ...(spec.signHost === false ? { unsignableHeaders: new Set(['host']) } : {}),
    },
  );
  const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
  const url = `https://${host}/?${query}`;
  const encoded = spec.padded
    ? Buffer.from(url).toString('base64').replaceAll('+', '-').replaceAll('/', '_')
    : Buffer.from(url).toString('base64url');
  return `k8s-aws-v1.${encoded}`;
}

function authenticatorAt(now: Date) {
  return createTokenAuthenticator({
    clusterName: 'sandbox',
    accountId: '123456789012',
    credentials,
    staticToken: 'static-test-token',
    now: () => now,
  });
}

async function reasonFor(token: string, now = minutes(1)): Promise<string> {
  const verdict = await authenticatorAt(now)(token);
  if (verdict.ok) throw new Error('expected the token to be rejected');
  return verdict.reason;
}

describe('EKS token authenticator', () => {
  it('accepts a token presigned for this cluster with the sandbox credentials', async () => {
    const verdict = await authenticatorAt(minutes(1))(await eksToken());
    expect(verdict).toEqual({
      ok: true,
      user: 'arn:aws:iam::123456789012:user/sandbox-deployer',
      issuedAt: signedAt,
    });
  });

  it('accepts a token signed against the global STS endpoint', async () => {
    const verdict = await authenticatorAt(minutes(1))(await eksToken({ host: 'sts.amazonaws.com' }));
    expect(verdict.ok).toBe(true);
  });

  it('accepts a token signed with temporary credentials (X-Amz-Security-Token in the URL)', async () => {
    const token = await eksToken({ sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE/session+token=' });
    expect(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString()).toContain(
      'X-Amz-Security-Token=',
    );
    expect((await authenticatorAt(minutes(1))(token)).ok).toBe(true);
  });

  it('accepts the static token of the sandbox kubeconfig', async () => {
    expect(await authenticatorAt(minutes(1))('static-test-token')).toEqual({
      ok: true,
      user: 'sandbox-admin',
    });
  });

  it('accepts a token up to 15 minutes after it was signed and rejects it after', async () => {
    const token = await eksToken();
    expect((await authenticatorAt(minutes(14.9))(token)).ok).toBe(true);
    expect(await reasonFor(token, minutes(15.1))).toMatch(
      /X-Amz-Date parameter is expired \(15 minute expiration\)/,
    );
  });

  it('rejects a token whose base64 carries padding', async () => {
    // Find a request whose URL length needs padding (base64 pads unless the length divides by 3).
    let expiresIn = 60;
    let token = await eksToken({ padded: true, expiresIn });
    while (!token.endsWith('=')) token = await eksToken({ padded: true, expiresIn: ++expiresIn });
    expect(await reasonFor(token)).toMatch(/padding "=" is not allowed/);
  });

  it('rejects a token made for another cluster', async () => {
    expect(await reasonFor(await eksToken({ clusterName: 'other-cluster' }))).toMatch(
      /SignatureDoesNotMatch/,
    );
  });

  it('rejects a token whose URL points at a host other than STS', async () => {
    expect(await reasonFor(await eksToken({ host: 'sts.attacker.example' }))).toMatch(
      /unexpected hostname "sts.attacker.example"/,
    );
  });

  it('rejects a token with a query key aws-iam-authenticator does not allow', async () => {
    expect(await reasonFor(await eksToken({ extraQuery: { DurationSeconds: '3600' } }))).toMatch(
      /non-whitelisted query parameter "DurationSeconds"/,
    );
  });

  it('rejects a token signed with another secret key', async () => {
    const token = await eksToken({ secretAccessKey: 'not-the-sandbox-secret-key-0000000000000' });
    expect(await reasonFor(token)).toMatch(/SignatureDoesNotMatch/);
  });

  it('rejects a token that does not sign the x-k8s-aws-id header', async () => {
    expect(await reasonFor(await eksToken({ signClusterHeader: false }))).toMatch(
      /did not sign the x-k8s-aws-id header/,
    );
  });

  it('rejects a token that does not sign the host header', async () => {
    const token = await eksToken({ signHost: false });
    expect(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString()).toContain(
      'X-Amz-SignedHeaders=x-k8s-aws-id&',
    );
    expect(await reasonFor(token)).toBe(
      'sts getCallerIdentity failed: IncompleteSignature: the host header must be among X-Amz-SignedHeaders',
    );
  });

  it('rejects X-Amz-Expires above 900 seconds', async () => {
    expect(await reasonFor(await eksToken({ expiresIn: 901 }))).toMatch(
      /invalid X-Amz-Expires parameter.*901/,
    );
  });

  it('rejects a bearer token without the k8s-aws-v1. prefix', async () => {
    expect(await reasonFor('some-other-token')).toMatch(/missing expected "k8s-aws-v1." prefix/);
  });
});
