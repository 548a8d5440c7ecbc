import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NodeProcessRunner } from '../../src/process.js';
import type { ImagePullCheck } from '../kube/contract.js';
import { type RunningSandbox, startSandbox } from '../testing.js';
import { RegistryClient } from './client.js';
import { createImagePullCheck, parseImageReference } from './image-pull.js';

describe('parseImageReference', () => {
  it('splits host with port, nested repository, tag and digest', () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    expect(parseImageReference(`127.0.0.1:5000/team/api:v1@${digest}`)).toEqual({
      host: '127.0.0.1:5000',
      repository: 'team/api',
      tag: 'v1',
      digest,
    });
    expect(parseImageReference('localhost/app')).toEqual({ host: 'localhost', repository: 'app' });
  });

  it('treats Docker Hub shorthand as having no registry host', () => {
    expect(parseImageReference('nginx:1.27')).toBeUndefined();
    expect(parseImageReference('library/nginx:1.27')).toBeUndefined();
  });
});

describe('image pull check against the real registry', () => {
  let sandbox: RunningSandbox;
  let check: ImagePullCheck;
  let host: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    sandbox = await startSandbox({ kubernetes: false });
    Object.assign(process.env, sandbox.env);
    host = sandbox.env.SANDBOX_REGISTRY ?? '';
    const ecr = new ECRClient({});
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'pulls/app' }));
    const token = await ecr.send(new GetAuthorizationTokenCommand({}));
    const password = Buffer.from(token.authorizationData?.[0]?.authorizationToken ?? '', 'base64')
      .toString()
      .slice(4);
    const ca = await readFile(sandbox.env.SANDBOX_CA_CERT ?? '', 'utf8');
    check = createImagePullCheck(host, new RegistryClient(`https://${host}`, 'AWS', password, ca));

    const runner = new NodeProcessRunner();
    const context = await mkdtemp(join(sandbox.stateDir, 'build-'));
    await writeFile(join(context, 'id'), randomUUID());
    await writeFile(
      join(context, 'Dockerfile'),
      'FROM scratch\nENV SANDBOX_LOG="from the image" PATH=/bin\nCOPY id /id\n',
    );
    for (const args of [
      ['login', '--password-stdin', '-u', 'AWS', host],
      ['build', '-t', `${host}/pulls/app:present`, context],
      ['push', `${host}/pulls/app:present`],
    ]) {
      const result = await runner.run('docker', args, { env: process.env, stdin: password });
      expect(result.exitCode).toBe(0);
    }
  }, 30_000);

  afterAll(async () => {
    process.env = savedEnv;
    await sandbox?.stop();
  });

  it("pulls a pushed tag and reports its digest and the image config's Env", async () => {
    const verdict = await check(`${host}/pulls/app:present`);
    expect(verdict).toEqual({
      ok: true,
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      env: expect.arrayContaining(['SANDBOX_LOG=from the image', 'PATH=/bin']),
    });
  });

  it('pulls by digest what it resolved by tag', async () => {
    const byTag = await check(`${host}/pulls/app:present`);
    if (!byTag.ok) throw new Error(byTag.reason);
    expect(await check(`${host}/pulls/app@${byTag.digest}`)).toEqual(byTag);
  });

  it('fails with "not found" for a tag that was never pushed', async () => {
    const verdict = await check(`${host}/pulls/app:missing`);
    expect(verdict).toEqual({
      ok: false,
      reason: expect.stringContaining(`${host}/pulls/app:missing: not found`),
    });
  });

  it('fails for registries without a mirror, as a node without internet would', async () => {
    const verdict = await check('quay.io/prometheus/node-exporter:v1.8.2');
    expect(verdict).toEqual({ ok: false, reason: expect.stringContaining('lookup quay.io: no such host') });
  });

  it('resolves Docker Hub names through the docker-hub pull-through cache repository', async () => {
    const runner = new NodeProcessRunner();
    const ecr = new ECRClient({});
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'docker-hub/library/busybox' }));
    for (const args of [
      ['tag', `${host}/pulls/app:present`, `${host}/docker-hub/library/busybox:1.36`],
      ['push', `${host}/docker-hub/library/busybox:1.36`],
    ]) {
      expect((await runner.run('docker', args, { env: process.env })).exitCode).toBe(0);
    }
    const cached = await check(`${host}/docker-hub/library/busybox:1.36`);
    expect(cached.ok).toBe(true);
    for (const name of [
      'busybox:1.36',
      'library/busybox:1.36',
      'docker.io/busybox:1.36',
      'index.docker.io/library/busybox:1.36',
    ]) {
      expect(await check(name)).toEqual(cached);
    }
    expect(await check('busybox:1.37')).toEqual({
      ok: false,
      reason: expect.stringContaining('docker.io/library/busybox:1.37: not found'),
    });
  });
});
