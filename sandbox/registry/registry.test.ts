import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { freePort, startRegistry } from './registry.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'registry-test-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A port some other process holds, as when a parallel test took the "free" port first. */
async function occupiedPort(): Promise<number> {
  // It accepts connections and never answers, as a busy port's owner may.
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  );
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the probe server has no port');
  return address.port;
}

describe('startRegistry', () => {
  it('starts again on another port when another process took the one it was given', async () => {
    const taken = await occupiedPort();
    const free = await freePort();
    const ports = [taken, free];
    const registry = await startRegistry({
      dir: await stateDir(),
      user: 'AWS',
      password: 'registry-test-password',
      pickPort: async () => ports.shift() ?? freePort(),
    });
    cleanups.push(registry.close);
    expect(registry.backendUrl).toBe(`http://127.0.0.1:${free}`);
    const answer = await fetch(`${registry.backendUrl}/v2/`, {
      headers: { authorization: `Basic ${Buffer.from('AWS:registry-test-password').toString('base64')}` },
    });
    expect(answer.status).toBe(200);
  });

  it('gives up with a sentence pointing at registry.log when the registry cannot start', async () => {
    const taken = await occupiedPort();
    await expect(
      startRegistry({
        dir: await stateDir(),
        user: 'AWS',
        password: 'registry-test-password',
        pickPort: async () => taken,
      }),
    ).rejects.toThrow(/^docker-registry did not start: exited with code 1 \(see registry\.log\)\.$/);
  });
});
