import { timingSafeEqual } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import type { TokenAuthenticator } from '../kube/contract.js';
import { parseAmzDate, parseQuery, type SandboxCredentials, sameSignature, signer } from './sigv4.js';

export interface TokenAuthenticatorOptions {
  clusterName: string;
  accountId: string;
  credentials: SandboxCredentials;
  /** The token of the sandbox's own kubeconfig (tests use it; the action uses EKS tokens). */
  staticToken: string;
  now?: () => Date;
}

const PREFIX = 'k8s-aws-v1.';
const MAX_TOKEN_BYTES = 4096;
/** Presigned STS URLs (and so EKS tokens) are valid this long after X-Amz-Date, whatever X-Amz-Expires says. */
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;
const ALLOWED_QUERY_KEYS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);
const CLUSTER_ID_HEADER = 'x-k8s-aws-id';

/** `issuedAt`: when an EKS token was signed (the API server's admin may shorten its window). */
type Verdict = { ok: true; user: string; issuedAt?: Date } | { ok: false; reason: string };
const reject = (reason: string): Verdict => ({ ok: false, reason });
const malformed = (reason: string): Verdict => reject(`input token was not properly formatted: ${reason}`);

/** The STS region a host belongs to: sts.amazonaws.com is the global endpoint (us-east-1). */
function stsRegion(host: string): string | undefined {
  if (host === 'sts.amazonaws.com') return 'us-east-1';
  return /^sts\.([a-z]{2}(?:-[a-z]+)+-\d)\.(?:amazonaws\.com|api\.aws)$/.exec(host)?.[1];
}

/** Base64url without padding, as Go's base64.RawURLEncoding insists (padding is an error). */
function decodeRawBase64Url(text: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64url').toString('utf8');
}

/**
 * Accepts the sandbox's static token, or an EKS token that passes the checks aws-iam-authenticator
 * makes before it calls STS, and whose presigned GetCallerIdentity signature verifies against the
 * sandbox's credentials (what STS would check) for a request carrying this cluster's name.
 */
export function createTokenAuthenticator(options: TokenAuthenticatorOptions): TokenAuthenticator {
  const now = options.now ?? (() => new Date());
  const staticToken = Buffer.from(options.staticToken);

  async function verifyEksToken(token: string): Promise<Verdict> {
    if (token.length > MAX_TOKEN_BYTES) return malformed('token is too large');
    if (!token.startsWith(PREFIX)) return malformed(`token is missing expected "${PREFIX}" prefix`);
    const decoded = decodeRawBase64Url(token.slice(PREFIX.length));
    if (decoded === undefined) {
      return malformed('the token is not unpadded base64url (RawURLEncoding); padding "=" is not allowed');
    }
    let url: URL;
    try {
      url = new URL(decoded);
    } catch {
      return malformed('the token does not hold a URL');
    }
    if (url.protocol !== 'https:')
      return malformed(`unexpected scheme "${url.protocol.slice(0, -1)}" in pre-signed URL`);
    const region = stsRegion(url.host);
    if (!region) return malformed(`unexpected hostname "${url.host}" in pre-signed URL`);
    if (url.pathname !== '/') return malformed('unexpected path in pre-signed URL');

    const params = new Map<string, string>();
    for (const [key, value] of url.searchParams) {
      const lower = key.toLowerCase();
      if (params.has(lower)) return malformed(`duplicate query parameter found: "${key}"`);
      if (!ALLOWED_QUERY_KEYS.has(lower)) return malformed(`non-whitelisted query parameter "${key}"`);
      params.set(lower, value);
    }
    if (params.get('action') !== 'GetCallerIdentity')
      return malformed('unexpected action parameter in pre-signed URL');
    const signedHeaders = (params.get('x-amz-signedheaders') ?? '').split(';');
    if (!signedHeaders.some((h) => h.toLowerCase() === CLUSTER_ID_HEADER)) {
      return malformed(`client did not sign the ${CLUSTER_ID_HEADER} header in the pre-signed URL`);
    }
    const expiresText = params.get('x-amz-expires') ?? '';
    const expires = /^\d+$/.test(expiresText) ? Number(expiresText) : Number.NaN;
    if (!(expires >= 0 && expires <= 900)) {
      return malformed(
        `invalid X-Amz-Expires parameter in pre-signed URL: ${expiresText} (expected 0 to 900)`,
      );
    }
    const dateText = params.get('x-amz-date') ?? '';
    const signedAt = parseAmzDate(dateText);
    if (!signedAt)
      return malformed(`error parsing X-Amz-Date parameter "${dateText}" (expected 20060102T150405Z)`);
    if (now().getTime() > signedAt.getTime() + TOKEN_LIFETIME_MS) {
      return malformed(`X-Amz-Date parameter is expired (15 minute expiration) ${signedAt.toISOString()}`);
    }
    return verifyStsSignature(url, params, signedHeaders, region, signedAt, expires);
  }

  /** What STS would answer: is this presigned request signed by the sandbox's key, for this cluster? */
  async function verifyStsSignature(
    url: URL,
    params: Map<string, string>,
    signedHeaders: string[],
    hostRegion: string,
    signingDate: Date,
    expiresIn: number,
  ): Promise<Verdict> {
    const stsFailed = (why: string) => reject(`sts getCallerIdentity failed: ${why}`);
    const [accessKeyId, , scopeRegion, scopeService] = (params.get('x-amz-credential') ?? '').split('/');
    if (accessKeyId !== options.credentials.accessKeyId) {
      return stsFailed('InvalidClientTokenId: the security token included in the request is invalid');
    }
    if (scopeRegion !== hostRegion || scopeService !== 'sts') {
      return stsFailed(
        `SignatureDoesNotMatch: credential should be scoped to region '${hostRegion}' and service 'sts'`,
      );
    }
    // STS insists on a signed host: without it a signature could be replayed against another host.
    if (!signedHeaders.includes('host')) {
      return stsFailed('IncompleteSignature: the host header must be among X-Amz-SignedHeaders');
    }
    const unknown = signedHeaders.find((h) => h !== 'host' && h !== CLUSTER_ID_HEADER);
    if (unknown)
      return stsFailed(`SignatureDoesNotMatch: the signed header "${unknown}" was not sent with the request`);
    // The authenticator replays the URL with its own cluster name in x-k8s-aws-id: a token made
    // for another cluster fails here, exactly as it does at STS.
    const query = parseQuery(url.search.slice(1));
    for (const key of Object.keys(query)) if (key.toLowerCase().startsWith('x-amz-')) delete query[key];
    // Temporary credentials sign their session token into the URL; STS would check it belongs to
    // the key. The sandbox has one static key, so any session token is taken as issued for it.
    const sessionToken = params.get('x-amz-security-token');
    const credentials = { ...options.credentials, ...(sessionToken ? { sessionToken } : {}) };
    const expected = await signer(credentials, hostRegion, 'sts').presign(
      new HttpRequest({
        method: 'GET',
        protocol: 'https:',
        hostname: url.hostname,
        path: '/',
        query,
        headers: { host: url.host, [CLUSTER_ID_HEADER]: options.clusterName },
      }),
      { signingDate, expiresIn },
    );
    const signature = String(expected.query?.['X-Amz-Signature'] ?? '');
    if (!sameSignature(signature, params.get('x-amz-signature') ?? '')) {
      return stsFailed(
        'SignatureDoesNotMatch: the request signature does not match (wrong secret key, or a token for another cluster)',
      );
    }
    return {
      ok: true,
      user: `arn:aws:iam::${options.accountId}:user/sandbox-deployer`,
      issuedAt: signingDate,
    };
  }

  return async (token) => {
    const given = Buffer.from(token);
    if (given.length === staticToken.length && timingSafeEqual(given, staticToken)) {
      return { ok: true, user: 'sandbox-admin' };
    }
    return verifyEksToken(token);
  };
}
