import { createHash, createHmac } from 'node:crypto';

/** RFC 3986 encoding as SigV4 wants it. */
const enc = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The SigV4 signature of a presigned GET URL, recomputed from the AWS specification with
 * node:crypto only — independent of @smithy/signature-v4, so it can check our tokens.
 */
export function expectedSignature(url: URL, headers: Record<string, string>, secret: string): string {
  const query = [...url.searchParams]
    .filter(([key]) => key !== 'X-Amz-Signature')
    .map(([key, value]) => `${enc(key)}=${enc(value)}`)
    .sort()
    .join('&');
  const names = Object.keys(headers).sort();
  const canonical = [
    'GET',
    url.pathname,
    query,
    ...names.map((name) => `${name}:${headers[name]}`),
    '',
    names.join(';'),
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const date = url.searchParams.get('X-Amz-Date') ?? '';
  const scope = (url.searchParams.get('X-Amz-Credential') ?? '').split('/').slice(1).join('/');
  const toSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join(
    '\n',
  );
  const [day, region, service] = scope.split('/');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex');
}

/** Decodes `k8s-aws-v1.<base64url>` back to the presigned URL. */
export function tokenUrl(token: string): URL {
  return new URL(Buffer.from(token.replace(/^k8s-aws-v1\./, ''), 'base64url').toString('utf8'));
}
