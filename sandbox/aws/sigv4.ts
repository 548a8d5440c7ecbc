import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsServiceError } from './errors.js';

export interface SandboxCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A request as it arrived on the wire. */
export interface ReceivedRequest {
  method: string;
  /** Path and raw query string, exactly as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

/** AWS refuses header-signed requests whose X-Amz-Date is further than this from its clock. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Parses "20240102T030405Z" (SigV4's date format); undefined when malformed. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const date = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Splits a raw query string into the decoded map the signer expects. */
export function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const existing = query[key];
    query[key] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return query;
}

/** A signer that adds nothing on its own (no x-amz-content-sha256), so it recomputes exactly what it is given. */
export function signer(credentials: SandboxCredentials, region: string, service: string): SignatureV4 {
  return new SignatureV4({
    credentials,
    region,
    service,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
}

export function sameSignature(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Checks a header-signed SigV4 request the way AWS does: the access key must be the sandbox's, the
 * date within the allowed skew, and the signature recomputed over the received method, path,
 * query, signed headers and body must match. Throws the error AWS would answer with.
 */
export async function verifySignedRequest(
  request: ReceivedRequest,
  credentials: SandboxCredentials,
  now: Date,
): Promise<{ region: string; service: string }> {
  const authorization = single(request.headers.authorization);
  if (!authorization) {
    throw new AwsServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
  }
  const match = AUTHORIZATION.exec(authorization);
  if (!match) {
    throw new AwsServiceError(
      'IncompleteSignatureException',
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters for AWS4-HMAC-SHA256. Authorization=${authorization.split(' ')[0]}`,
      403,
    );
  }
  const [, accessKeyId = '', , region = '', service = '', signedHeaderList = '', signature = ''] = match;
  if (accessKeyId !== credentials.accessKeyId) {
    throw new AwsServiceError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      403,
    );
  }
  const amzDate = single(request.headers['x-amz-date']) ?? '';
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) {
    throw new AwsServiceError(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`,
      403,
    );
  }
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new AwsServiceError(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(new Date(now.getTime() - MAX_CLOCK_SKEW_MS))} (${formatAmzDate(now)} - 5 min.)`,
      403,
    );
  }

  // The signer trusts a signed x-amz-content-sha256 header as the body's hash; AWS checks it.
  const contentHash = single(request.headers['x-amz-content-sha256']);
  if (contentHash !== undefined && contentHash !== createHash('sha256').update(request.body).digest('hex')) {
    throw new AwsServiceError(
      'InvalidSignatureException',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
      403,
    );
  }

  const signedNames = signedHeaderList.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedNames) headers[name] = single(request.headers[name]) ?? '';
  const [path = '/', rawQuery = ''] = request.url.split(/\?(.*)/s);
  const hostHeader = headers.host ?? single(request.headers.host) ?? '';
  const recomputed = await signer(credentials, region, service).sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: hostHeader.split(':')[0] ?? '',
      path, // as received: the client's signer escaped it once more, and so does ours
      query: parseQuery(rawQuery),
      headers,
      body: request.body,
    }),
    { signingDate, signingRegion: region, signingService: service, signableHeaders: new Set(signedNames) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(single(recomputed.headers.authorization) ?? '')?.[1] ?? '';
  if (!sameSignature(expected, signature)) {
    throw new AwsServiceError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      403,
    );
  }
  return { region, service };
}
