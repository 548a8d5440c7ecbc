import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createCertificateAuthority, issueServerCertificate } from './pki.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('sandbox PKI', () => {
  it('issues certificates for 127.0.0.1 and localhost that verify against the sandbox CA, many at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-pki-'));
    dirs.push(dir);
    const ca = await createCertificateAuthority(dir);
    const leaves = await Promise.all(
      ['registry', 'apiserver', 'one', 'two', 'three'].map((name) => issueServerCertificate(ca, dir, name)),
    );
    const caCert = new X509Certificate(ca.cert);
    expect(caCert.ca).toBe(true);
    const serials = new Set<string>();
    for (const leaf of leaves) {
      const cert = new X509Certificate(leaf.cert);
      expect(cert.verify(caCert.publicKey)).toBe(true);
      expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(cert.checkHost('localhost')).toBe('localhost');
      expect(cert.ca).toBe(false);
      serials.add(cert.serialNumber);
    }
    expect(serials.size).toBe(leaves.length);
  });
});
