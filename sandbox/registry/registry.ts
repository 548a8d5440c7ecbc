import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { stringify } from 'yaml';

export interface RegistryOptions {
  /** Holds config.yml, htpasswd, the image data and registry.log. */
  dir: string;
  user: string;
  password: string;
  /** Where the next port to try comes from; default: a free loopback port. */
  pickPort?: () => Promise<number>;
}

export interface RegistryHandle {
  /** http://127.0.0.1:PORT, loopback only; the public face is the TLS proxy. */
  backendUrl: string;
  close(): Promise<void>;
}

/**
 * Runs docker-registry so that it stops when its stdin pipe from the sandbox closes: on a normal
 * stop (we close it), and also when the sandbox process is killed outright and cannot clean up.
 * (A background job's stdin is /dev/null in sh, hence the pipe is handed over as fd 3.)
 */
const SUPERVISOR = `
exec 3<&0
docker-registry serve "$1" </dev/null 3<&- &
registry=$!
(read -r _ <&3; kill -TERM "$registry" 2>/dev/null) &
trap 'kill -TERM "$registry" 2>/dev/null' TERM INT
wait "$registry"
wait "$registry"
`;

/** A free loopback port, for programs that cannot be told to pick one themselves. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export function registryConfig(options: { dataDir: string; htpasswdPath: string; port: number }): string {
  return stringify({
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: options.dataDir }, delete: { enabled: true } },
    http: {
      addr: `127.0.0.1:${options.port}`,
      // Clients reach the registry through the TLS proxy, so upload locations must be relative.
      relativeurls: true,
      secret: randomBytes(16).toString('hex'),
    },
    auth: { htpasswd: { realm: 'sandbox-registry', path: options.htpasswdPath } },
  });
}

/** Tries this many ports before giving up: another process can take a free port before we bind it. */
const START_ATTEMPTS = 5;

/**
 * Runs Debian's docker-registry (the real distribution registry) on loopback, with basic auth
 * from an htpasswd file holding the one bcrypt-hashed user. docker-registry cannot be told to pick
 * a port itself, so it gets a free one; if another process takes that port first, it starts again
 * on another.
 */
export async function startRegistry(options: RegistryOptions): Promise<RegistryHandle> {
  await mkdir(join(options.dir, 'data'), { recursive: true });
  const htpasswdPath = join(options.dir, 'htpasswd');
  await writeFile(htpasswdPath, `${options.user}:${bcrypt.hashSync(options.password, 8)}\n`, { mode: 0o600 });
  const configPath = join(options.dir, 'config.yml');
  const authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
  for (let attempt = 1; ; attempt++) {
    const port = await (options.pickPort ?? freePort)();
    await writeFile(configPath, registryConfig({ dataDir: join(options.dir, 'data'), htpasswdPath, port }), {
      mode: 0o600,
    });
    const log = createWriteStream(join(options.dir, 'registry.log'), { flags: 'a' });
    const child = spawn('sh', ['-c', SUPERVISOR, 'sandbox-registry', configPath], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // 'close' comes once every writer of the pipes is gone, so all of the output has been read.
    const closed = new Promise((resolve) => child.once('close', resolve));
    let output = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        output = `${output}${chunk.toString()}`.slice(-4096);
      });
      stream?.pipe(log);
    }
    const backendUrl = `http://127.0.0.1:${port}`;
    try {
      await waitUntilAnswering(child, `${backendUrl}/v2/`, authorization);
      return { backendUrl, close: () => stopChild(child) };
    } catch (error) {
      await stopChild(child);
      await closed;
      if (attempt >= START_ATTEMPTS || !output.includes('address already in use')) throw error;
    }
  }
}

/** Waits until our registry answers: a 200 to our credentials (another registry would say 401). */
async function waitUntilAnswering(child: ChildProcess, url: string, authorization: string): Promise<void> {
  let exited: string | undefined;
  child.once('error', (error) => {
    exited = error.message;
  });
  child.once('exit', (code) => {
    exited = `exited with code ${code}`;
  });
  for (let attempt = 0; attempt < 200; attempt++) {
    if (exited) throw new Error(`docker-registry did not start: ${exited} (see registry.log).`);
    // A time limit: whatever else holds the port may accept the connection and never answer.
    const answered = await fetch(url, { headers: { authorization }, signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await stopChild(child);
  throw new Error(`docker-registry did not answer on ${url} within 5 s (see registry.log).`);
}

/** Closes the supervisor's stdin (it stops the registry), SIGKILL after 2 s; resolves on exit. */
export function stopChild(child: ChildProcess): Promise<void> {
  child.stdin?.end();
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
  });
}
