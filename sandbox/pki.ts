import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A PEM certificate and its private key, plus where they were written. */
export interface KeyPair {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

/** The names every sandbox server answers on: clients use 127.0.0.1, humans type localhost. */
const LOOPBACK_SANS = 'subjectAltName=IP:127.0.0.1,DNS:localhost';

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim()}`);
  }
}

async function readPair(certPath: string, keyPath: string): Promise<KeyPair> {
  const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  return { cert, key, certPath, keyPath };
}

/**
 * Generates a fresh certificate authority in `dir` (ca.crt, ca.key). A new CA per sandbox means
 * nothing outside the state directory is ever trusted, and nothing is left behind.
 */
export async function createCertificateAuthority(dir: string): Promise<KeyPair> {
  await mkdir(dir, { recursive: true });
  const certPath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'ca.key');
  // biome-ignore format: openssl arguments read best as flag/value pairs
  await openssl([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', '30', '-subj', '/CN=k8s-deploy-action sandbox CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return readPair(certPath, keyPath);
}

/** Issues a server certificate for 127.0.0.1 and localhost, signed by `ca`, as `dir/name.{crt,key}`. */
export async function issueServerCertificate(ca: KeyPair, dir: string, name: string): Promise<KeyPair> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  const csrPath = join(dir, `${name}.csr`);
  const extPath = join(dir, `${name}.ext`);
  // A random serial per certificate: -CAcreateserial shares one ca.srl, which parallel issues race on.
  const serial = `0x${randomBytes(16).toString('hex')}`;
  // biome-ignore format: openssl arguments read best as flag/value pairs
  await openssl([
    'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', csrPath, '-subj', `/CN=${name}`,
  ]);
  await writeFile(
    extPath,
    `${LOOPBACK_SANS}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`,
  );
  // biome-ignore format: openssl arguments read best as flag/value pairs
  await openssl([
    'x509', '-req', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-set_serial', serial,
    '-out', certPath, '-days', '30', '-extfile', extPath,
  ]);
  return readPair(certPath, keyPath);
}
