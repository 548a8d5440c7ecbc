import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RunningSandbox, startSandbox } from '../../sandbox/testing.js';
import { RETRY_SETTINGS } from '../../src/aws/clients.js';
import { type ImageInputs, type PreparedImages, prepareImages } from '../../src/images/prepare.js';
import type { ImageSpec } from '../../src/inputs.js';
import { NodeProcessRunner, type ProcessRunner, type RunOptions } from '../../src/process.js';
import { RecordingLogger } from '../fakes.js';

/*
 * The build phase against the sandbox: the real AWS SDK talking to the simulated ECR, real
 * podman behind the `docker` shim (no BuildKit: the classic build + push path), and the real
 * registry. The shim logs every invocation's arguments, which is how "nothing was built or
 * pushed" is proven.
 */

const SHA = 'c0ffee0123456789abcdef0123456789abcdef01';
let sandbox: RunningSandbox;
let ecr: ECRClient;
let docker: ProcessRunner;
let workspace: string;

/** Runs programs with the sandbox's environment (its PATH puts the docker shim first). */
class SandboxRunner implements ProcessRunner {
  private readonly inner = new NodeProcessRunner();
  run(command: string, args: readonly string[], options: RunOptions = {}) {
    return this.inner.run(command, args, {
      ...options,
      env: { ...process.env, ...sandbox.env, ...options.env },
    });
  }
}

function dockerLog(): string[][] {
  const text = readFileSync(sandbox.env.SANDBOX_DOCKER_LOG, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { argv: string[] }).argv);
}

function context(name: string, content: string): ImageSpec {
  const path = mkdtempSync(join(workspace, `${name.replace('/', '-')}-`));
  writeFileSync(
    join(path, 'Dockerfile'),
    'FROM scratch\nARG GREETING\nLABEL greeting=$GREETING\nCOPY hello.txt /hello.txt\n',
  );
  writeFileSync(join(path, 'hello.txt'), content);
  return {
    name,
    context: path,
    dockerfile: undefined,
    target: undefined,
    buildArgs: { GREETING: name },
    platforms: [],
  };
}

let images: ImageSpec[];
const inputs = (extra: Partial<ImageInputs> = {}): ImageInputs => ({
  images,
  tag: SHA,
  build: 'auto',
  createRepositories: true,
  registry: undefined,
  registryId: undefined,
  awsRegion: sandbox.env.AWS_REGION,
  ...extra,
});
const deps = (logger: RecordingLogger) => ({
  ecr,
  docker,
  logger,
  env: { GITHUB_SHA: SHA, GITHUB_REPOSITORY: 'acme/shop' },
  clock: () => new Date('2026-01-01T00:00:00Z'),
  tempDir: workspace,
});

/** The first run, which every test builds on: it builds and pushes both images. */
const first = new RecordingLogger();
let firstResult: PreparedImages;
let firstImages: Record<string, string>;
let firstDockerLog: string[][];

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'ecr-sandbox-test-'));
  sandbox = await startSandbox({ kubernetes: false });
  ecr = new ECRClient({
    region: sandbox.env.AWS_REGION,
    endpoint: sandbox.env.AWS_ENDPOINT_URL_ECR,
    credentials: {
      accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: sandbox.env.AWS_SECRET_ACCESS_KEY,
    },
    ...RETRY_SETTINGS,
  });
  docker = new SandboxRunner();
  images = [context('shop/api', 'api\n'), context('shop/worker', 'worker\n')];
  firstResult = await prepareImages(inputs(), deps(first));
  firstImages = firstResult.images;
  firstDockerLog = dockerLog();
}, 300_000);

afterAll(async () => {
  await sandbox?.stop();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

describe('prepareImages in the sandbox', () => {
  it('builds and pushes two images, creating their repositories, with digests ECR reports', () => {
    const result = firstResult;
    expect(result.built).toEqual(['shop/api', 'shop/worker']);
    const registry = sandbox.env.SANDBOX_REGISTRY;
    expect(result.images['shop/api']).toMatch(
      new RegExp(`^${registry}/shop/api:${SHA}@sha256:[0-9a-f]{64}$`),
    );
    expect(result.images['shop/worker']).toMatch(
      new RegExp(`^${registry}/shop/worker:${SHA}@sha256:[0-9a-f]{64}$`),
    );
    expect(result.images['shop/api']).not.toBe(result.images['shop/worker']);
    // The digest ECR reports is the one docker pushed (the shim prints docker's "TAG: digest: D").
    const pushed = first.messages().filter((m) => m.includes(`${SHA}: digest: sha256:`));
    expect(pushed.map((m) => m.split('digest: ')[1].trim())).toEqual(
      Object.values(result.images).map((ref) => ref.split('@')[1]),
    );
    expect(firstDockerLog.filter((argv) => argv[0] === 'build')).toHaveLength(2);
    expect(firstDockerLog.filter((argv) => argv[0] === 'push')).toHaveLength(2);
  });

  it('promotes the same SHA again without building, pushing or running docker at all', async () => {
    const before = dockerLog().length;
    const logger = new RecordingLogger();
    const result = await prepareImages(inputs(), deps(logger));
    expect(result).toEqual({ images: firstImages, built: [], loggedInTo: undefined });
    expect(dockerLog().slice(before)).toEqual([]); // not even a login: promoting needs no docker
  }, 60_000);

  it('refuses build: always over the IMMUTABLE tag before pushing the different rebuild', async () => {
    const before = dockerLog().length;
    const attempt = prepareImages(inputs({ build: 'always', images: images.slice(0, 1) }), {
      ...deps(new RecordingLogger()),
      clock: () => new Date('2030-01-01T00:00:00Z'),
    });
    await expect(attempt).rejects.toThrow(
      `Tag '${SHA}' of the ECR repository 'shop/api' in account ${sandbox.env.SANDBOX_ACCOUNT_ID}, region ${sandbox.env.AWS_REGION} already holds ${firstImages['shop/api'].split('@')[1]}`,
    );
    const since = dockerLog()
      .slice(before)
      .map((argv) => argv[0]);
    expect(since).toContain('build');
    expect(since).not.toContain('push');
  }, 120_000);

  it('accepts build: always over the IMMUTABLE tag when the rebuild is identical (layer cache), pushing nothing', async () => {
    const before = dockerLog().length;
    const logger = new RecordingLogger();
    const result = await prepareImages(inputs({ build: 'always', images: images.slice(0, 1) }), deps(logger));
    expect(result.images).toEqual({ 'shop/api': firstImages['shop/api'] });
    expect(result.built).toEqual([]);
    const since = dockerLog()
      .slice(before)
      .map((argv) => argv[0]);
    expect(since).toContain('build');
    expect(since).not.toContain('push');
    expect(logger.messages().join('\n')).toContain(
      'is identical to the image ECR already holds; nothing pushed.',
    );
  }, 120_000);

  it('with build: never, fails clearly on a tag that was never built', async () => {
    const before = dockerLog().length;
    await expect(
      prepareImages(inputs({ build: 'never', tag: 'never-built' }), deps(new RecordingLogger())),
    ).rejects.toThrow(
      `Image 'shop/api:never-built' is not in the ECR repository 'shop/api' in account ${sandbox.env.SANDBOX_ACCOUNT_ID}, region ${sandbox.env.AWS_REGION}, and build: never forbids building it.`,
    );
    expect(
      dockerLog()
        .slice(before)
        .filter((argv) => argv[0] === 'build' || argv[0] === 'push'),
    ).toEqual([]);
  }, 60_000);

  it('never shows the registry password in logs or in docker arguments', async () => {
    const answer = await ecr.send(new GetAuthorizationTokenCommand({}));
    const password = Buffer.from(answer.authorizationData?.[0]?.authorizationToken ?? '', 'base64')
      .toString()
      .split(':')[1];
    expect(password.length).toBeGreaterThan(8);
    expect(first.messages().join('\n')).not.toContain(password);
    expect(readFileSync(sandbox.env.SANDBOX_DOCKER_LOG, 'utf8')).not.toContain(password);
    expect(first.events.some((e) => e.type === 'secret' && e.value === password)).toBe(true);
  });
});
