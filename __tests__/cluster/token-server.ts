import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectedSignature, tokenUrl } from './sigv4.js';

/** Fixed test credentials; the server verifies signatures with the same secret. */
export const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIATESTTESTTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret-access-key/with+specials',
  AWS_SESSION_TOKEN: 'sess/tok=',
};

export interface SeenRequest {
  path: string;
  token: string;
  ok: boolean;
  /** X-Amz-Date of the token: when it was signed. */
  signedAt: string | undefined;
}

export interface TokenServer {
  endpoint: string;
  /** Base64 PEM of the server's self-signed certificate, for certificate-authority-data. */
  caData: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** Whether a bearer token is a correctly signed presigned GetCallerIdentity for `cluster`. */
export function acceptsToken(token: string, cluster: string): boolean {
  try {
    const url = tokenUrl(token);
    const headers = { host: url.host, 'x-k8s-aws-id': cluster };
    return (
      url.host === 'sts.eu-west-1.amazonaws.com' &&
      url.searchParams.get('Action') === 'GetCallerIdentity' &&
      url.searchParams.get('X-Amz-SignedHeaders') === 'host;x-k8s-aws-id' &&
      url.searchParams.get('X-Amz-Security-Token') === CREDENTIALS.AWS_SESSION_TOKEN &&
      url.searchParams.get('X-Amz-Signature') ===
        expectedSignature(url, headers, CREDENTIALS.AWS_SECRET_ACCESS_KEY)
    );
  } catch {
    return false;
  }
}

/**
 * A TLS server standing in for an EKS API server's authentication: it answers /version to
 * requests whose bearer token is a valid EKS token for `cluster`, and 401 to anything else.
 */
export async function startTokenServer(cluster: string): Promise<TokenServer> {
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
  const key = readFileSync(join(dir, 'key.pem'));
  rmSync(dir, { recursive: true, force: true }); // the server holds both in memory from here
  const seen: SeenRequest[] = [];
  const server = createServer({ cert, key }, (req, res) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const ok = acceptsToken(token, cluster);
    let signedAt: string | undefined;
    try {
      signedAt = tokenUrl(token).searchParams.get('X-Amz-Date') ?? undefined;
    } catch {}
    seen.push({ path: req.url ?? '', token, ok, signedAt });
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
  return {
    endpoint: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caData: Buffer.from(cert).toString('base64'),
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
