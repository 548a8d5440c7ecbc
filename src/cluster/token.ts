import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { DEFAULT_TOKEN_LIFETIME_MS, type EksToken } from './exec-credential.js';

/*
 * An EKS bearer token is a presigned STS GetCallerIdentity URL: EKS calls it and learns who we
 * are. This is what `aws eks get-token` and aws-iam-authenticator produce.
 */

export { DEFAULT_TOKEN_LIFETIME_MS, type EksToken, execCredential } from './exec-credential.js';

export const TOKEN_PREFIX = 'k8s-aws-v1.';
/** The presigned URL's own expiry; EKS accepts the token for 15 minutes from signing regardless. */
const PRESIGN_EXPIRES_SECONDS = 60;

export interface TokenRequest {
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentity;
  /** The signing time. */
  now: Date;
  /** How long kubectl may use the token before asking again; capped at EKS's 15 minutes. */
  lifetimeMs?: number;
}

/** The regional STS host (China regions live under amazonaws.com.cn). */
export function stsHost(region: string): string {
  return `sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

export async function createEksToken(request: TokenRequest): Promise<EksToken> {
  const hostname = stsHost(request.region);
  const signer = new SignatureV4({
    credentials: request.credentials,
    region: request.region,
    service: 'sts',
    sha256: Sha256,
  });
  const presigned = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      // Signed (it is not an x-amz- header, so it stays a header): binds the token to one cluster.
      headers: { host: hostname, 'x-k8s-aws-id': request.clusterName },
    }),
    { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate: request.now },
  );
  const url = `https://${hostname}/?${queryString(presigned.query ?? {})}`;
  const lifetime = Math.min(request.lifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS, 15 * 60_000);
  return {
    // EKS rejects padded base64: base64url without '='.
    token: TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url'),
    expirationTimestamp: new Date(request.now.getTime() + lifetime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

function queryString(query: NonNullable<HttpRequest['query']>): string {
  return Object.keys(query)
    .sort()
    .flatMap((key) => {
      const value = query[key];
      const values = Array.isArray(value) ? value : [value];
      return values.map((v) => `${encodeRfc3986(key)}=${encodeRfc3986(v ?? '')}`);
    })
    .join('&');
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
