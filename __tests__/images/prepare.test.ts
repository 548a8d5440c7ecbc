import { writeFileSync } from 'node:fs';
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  ImageNotFoundException,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { type ImageInputs, prepareImages } from '../../src/images/prepare.js';
import type { ImageSpec } from '../../src/inputs.js';
import { type Event, RecordingLogger, RecordingRunner } from '../fakes.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const PASSWORD = 'ecr-password-that-must-stay-secret';
const OLD = `sha256:${'a'.repeat(64)}`;
const NEW = `sha256:${'b'.repeat(64)}`;
const ecrMock = mockClient(ECRClient);

function spec(name: string, extra: Partial<ImageSpec> = {}): ImageSpec {
  return {
    name,
    context: '.',
    dockerfile: undefined,
    target: undefined,
    buildArgs: {},
    platforms: [],
    ...extra,
  };
}

function inputs(extra: Partial<ImageInputs> = {}): ImageInputs {
  return {
    images: [spec('api')],
    tag: SHA,
    build: 'auto',
    createRepositories: false,
    registry: undefined,
    registryId: undefined,
    awsRegion: 'eu-west-1',
    ...extra,
  };
}

const notFound = () => new ImageNotFoundException({ message: 'not found', $metadata: {} });
const noRepo = () => new RepositoryNotFoundException({ message: 'no repo', $metadata: {} });

function setUp(buildx = false, driver = 'docker-container') {
  const events: Event[] = [];
  const docker = new RecordingRunner(events)
    .on(['docker', 'buildx', 'version'], { exitCode: buildx ? 0 : 1 })
    .on(['docker', 'buildx', 'inspect'], { stdout: `Name: builder\nDriver: ${driver}\n` });
  const logger = new RecordingLogger(events);
  const deps = {
    ecr: new ECRClient({ region: 'eu-west-1' }),
    docker,
    logger,
    env: { GITHUB_SHA: SHA, GITHUB_REPOSITORY: 'acme/shop', GITHUB_SERVER_URL: 'https://github.com' },
    clock: () => new Date('2026-01-02T03:04:05.000Z'),
  };
  return { events, docker, logger, deps };
}

beforeEach(() => {
  ecrMock.reset();
  ecrMock.on(GetAuthorizationTokenCommand).resolves({
    authorizationData: [
      {
        authorizationToken: Buffer.from(`AWS:${PASSWORD}`).toString('base64'),
        proxyEndpoint: `https://${HOST}`,
      },
    ],
  });
});

const pushes = (docker: RecordingRunner) =>
  docker.calls().filter((a) => a[0] === 'push' || a.includes('--push'));
const builds = (docker: RecordingRunner) => docker.calls().filter((a) => a.includes('build'));

describe('prepareImages', () => {
  it('reuses an image whose tag ECR already has without running docker at all, digest from ECR', async () => {
    ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: OLD }] });
    const { docker, deps } = setUp();
    const result = await prepareImages(inputs(), deps);
    expect(result).toEqual({
      images: { api: `${HOST}/api:${SHA}@${OLD}` },
      built: [],
      loggedInTo: undefined,
    });
    expect(docker.calls()).toEqual([]);
  });

  it('builds and pushes a missing tag with docker build + docker push, then reads the digest from ECR', async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .rejectsOnce(notFound())
      .resolves({ imageDetails: [{ imageDigest: NEW }] });
    const { docker, deps } = setUp(false);
    const result = await prepareImages(inputs(), deps);
    const ref = `${HOST}/api:${SHA}`;
    expect(docker.calls().slice(2)).toEqual([
      [
        'build',
        '--tag',
        ref,
        '--label',
        `org.opencontainers.image.revision=${SHA}`,
        '--label',
        'org.opencontainers.image.source=https://github.com/acme/shop',
        '--label',
        'org.opencontainers.image.created=2026-01-02T03:04:05.000Z',
        '.',
      ],
      ['push', ref],
      ['logout', HOST],
    ]);
    expect(result).toEqual({ images: { api: `${ref}@${NEW}` }, built: ['api'], loggedInTo: HOST });
  });

  it('labels the image with the commit time from git, so a rebuild of the commit is the same image', async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .rejectsOnce(notFound())
      .resolves({ imageDetails: [{ imageDigest: NEW }] });
    const { docker, deps } = setUp(false);
    docker.on(['git', 'show', '-s', '--format=%cI', SHA], { stdout: '2025-12-24T10:00:00+01:00\n' });
    await prepareImages(inputs(), deps);
    expect(builds(docker)[0]).toContain('org.opencontainers.image.created=2025-12-24T09:00:00.000Z');
  });

  it('prefers SOURCE_DATE_EPOCH for the created label', async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .rejectsOnce(notFound())
      .resolves({ imageDetails: [{ imageDigest: NEW }] });
    const { docker, deps } = setUp(false);
    await prepareImages(inputs(), { ...deps, env: { ...deps.env, SOURCE_DATE_EPOCH: '1700000000' } });
    expect(builds(docker)[0]).toContain('org.opencontainers.image.created=2023-11-14T22:13:20.000Z');
  });

  it('builds several images one after another, each with its own context, Dockerfile, target and args', async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .rejects(notFound())
      .on(DescribeImagesCommand, { repositoryName: 'api' }, false)
      .rejectsOnce(notFound())
      .resolves({ imageDetails: [{ imageDigest: NEW }] })
      .on(DescribeImagesCommand, { repositoryName: 'web' }, false)
      .rejectsOnce(notFound())
      .resolves({ imageDetails: [{ imageDigest: OLD }] });
    const { docker, deps } = setUp(true);
    const images = [
      spec('api', {
        context: 'api',
        dockerfile: 'api/Dockerfile.prod',
        target: 'fpm',
        buildArgs: { PHP: '8.3' },
      }),
      spec('web', { context: 'web', platforms: ['linux/amd64', 'linux/arm64'] }),
    ];
    const result = await prepareImages(inputs({ images }), deps);
    const [api, web] = builds(docker);
    expect(api).toContain('--cache-to');
    expect(api).toEqual(expect.arrayContaining(['--file', 'api/Dockerfile.prod', '--target', 'fpm']));
    expect(api).toEqual(expect.arrayContaining(['--build-arg', 'PHP=8.3']));
    expect(api[api.length - 1]).toBe('api');
    expect(web).toEqual(expect.arrayContaining(['--platform', 'linux/amd64,linux/arm64']));
    expect(web[web.length - 1]).toBe('web');
    expect(result.built).toEqual(['api', 'web']);
    expect(result.images).toEqual({ api: `${HOST}/api:${SHA}@${NEW}`, web: `${HOST}/web:${SHA}@${OLD}` });
  });

  it('logs in with the password on standard input only, registered as a secret before docker sees it', async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .rejectsOnce(notFound())
      .resolves({ imageDetails: [{ imageDigest: NEW }] });
    const { events, docker, deps } = setUp();
    await prepareImages(inputs(), deps);
    const login = docker.events.findIndex((e) => e.type === 'run' && e.args[0] === 'login');
    const secret = events.findIndex((e) => e.type === 'secret' && e.value === PASSWORD);
    expect(secret).toBeGreaterThanOrEqual(0);
    expect(secret).toBeLessThan(login);
    const call = events[login] as Extract<Event, { type: 'run' }>;
    expect(call.args).toEqual(['login', '--username', 'AWS', '--password-stdin', HOST]);
    expect(call.options.stdin).toBe(PASSWORD);
    for (const e of events) {
      if (e.type === 'run') expect(JSON.stringify([e.args, e.options.env ?? {}])).not.toContain(PASSWORD);
      if (e.type === 'log') expect(e.message).not.toContain(PASSWORD);
    }
  });

  it('asks for the registry-id account and names images by the registry input when given', async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .rejectsOnce(notFound())
      .resolves({ imageDetails: [{ imageDigest: OLD }] });
    const { docker, deps } = setUp();
    const result = await prepareImages(
      inputs({ registryId: '210987654321', registry: 'localhost:5000' }),
      deps,
    );
    expect(ecrMock.commandCalls(GetAuthorizationTokenCommand)[0].args[0].input).toEqual({
      registryIds: ['210987654321'],
    });
    expect(ecrMock.commandCalls(DescribeImagesCommand)[0].args[0].input).toMatchObject({
      registryId: '210987654321',
      repositoryName: 'api',
      imageIds: [{ imageTag: SHA }],
    });
    expect(docker.calls()).toContainEqual([
      'login',
      '--username',
      'AWS',
      '--password-stdin',
      'localhost:5000',
    ]);
    expect(result.images.api).toBe(`localhost:5000/api:${SHA}@${OLD}`);
  });

  it('fails on a missing repository naming it, the account and the region, before building anything', async () => {
    ecrMock.on(DescribeImagesCommand).rejects(noRepo());
    const { docker, deps } = setUp();
    await expect(prepareImages(inputs(), deps)).rejects.toThrow(
      "The ECR repository 'api' in account 123456789012, region eu-west-1 does not exist. Create it (immutable tags, scan on push), or set create-repositories: true to let this action create it.",
    );
    expect(builds(docker)).toEqual([]);
  });

  it("names the account from ECR's answer when the registry host does not show it", async () => {
    ecrMock.on(DescribeImagesCommand).rejects(
      new RepositoryNotFoundException({
        message: "The repository with name 'api' does not exist in the registry with id '555555555555'",
        $metadata: {},
      }),
    );
    const { deps } = setUp();
    await expect(prepareImages(inputs({ registry: 'localhost:5000' }), deps)).rejects.toThrow(
      "The ECR repository 'api' in account 555555555555, region eu-west-1 does not exist.",
    );
  });

  it('creates a missing repository with immutable tags and scan on push when create-repositories is true', async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .rejectsOnce(noRepo())
      .resolves({ imageDetails: [{ imageDigest: NEW }] });
    ecrMock.on(CreateRepositoryCommand).resolves({});
    const { docker, deps } = setUp();
    const result = await prepareImages(inputs({ createRepositories: true }), deps);
    expect(ecrMock.commandCalls(CreateRepositoryCommand)[0].args[0].input).toEqual({
      repositoryName: 'api',
      registryId: undefined,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
    });
    expect(pushes(docker)).toHaveLength(1);
    expect(result.built).toEqual(['api']);
  });

  it('with build: never, fails clearly on a missing tag and builds nothing', async () => {
    ecrMock.on(DescribeImagesCommand).rejects(notFound());
    const { docker, deps } = setUp();
    await expect(prepareImages(inputs({ build: 'never' }), deps)).rejects.toThrow(
      `Image 'api:${SHA}' is not in the ECR repository 'api' in account 123456789012, region eu-west-1, and build: never forbids building it.`,
    );
    expect(builds(docker)).toEqual([]);
  });

  it('with build: always, rebuilds and pushes over an existing tag of a MUTABLE repository', async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .resolvesOnce({ imageDetails: [{ imageDigest: OLD }] })
      .resolves({ imageDetails: [{ imageDigest: NEW }] });
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [{ imageTagMutability: 'MUTABLE' }] });
    const { docker, deps } = setUp();
    const result = await prepareImages(inputs({ build: 'always' }), deps);
    expect(pushes(docker)).toHaveLength(1);
    expect(result.images.api).toBe(`${HOST}/api:${SHA}@${NEW}`);
  });

  it('with build: always on an IMMUTABLE tag holding another image, refuses before pushing', async () => {
    ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: OLD }] });
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [{ imageTagMutability: 'IMMUTABLE' }] });
    ecrMock.on(BatchGetImageCommand).resolves({
      images: [{ imageManifest: JSON.stringify({ config: { digest: `sha256:${'c'.repeat(64)}` } }) }],
    });
    const { docker, deps } = setUp(false);
    docker.on(['docker', 'build'], (args) => {
      writeFileSync(args[args.indexOf('--iidfile') + 1], `sha256:${'d'.repeat(64)}`);
      return {};
    });
    await expect(prepareImages(inputs({ build: 'always' }), deps)).rejects.toThrow(
      `Tag '${SHA}' of the ECR repository 'api' in account 123456789012, region eu-west-1 already holds ${OLD}`,
    );
    expect(builds(docker)).toHaveLength(1);
    expect(pushes(docker)).toEqual([]);
  });

  it('with build: always on an IMMUTABLE tag holding the identical image (BuildKit digest), pushes nothing and succeeds', async () => {
    ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: OLD }] });
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [{ imageTagMutability: 'IMMUTABLE' }] });
    const { docker, deps } = setUp(true);
    docker.on(['docker', 'buildx', 'build'], (args) => {
      writeFileSync(
        args[args.indexOf('--metadata-file') + 1],
        JSON.stringify({ 'containerimage.digest': OLD }),
      );
      return {};
    });
    const result = await prepareImages(inputs({ build: 'always' }), deps);
    expect(builds(docker)[0]).toContain(`type=image,name=${HOST}/api:${SHA},push=false`);
    expect(pushes(docker)).toEqual([]);
    expect(result).toMatchObject({ images: { api: `${HOST}/api:${SHA}@${OLD}` }, built: [] });
  });

  it("only reads the registry cache on BuildKit's docker driver, and says how to get the cache written", async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .rejectsOnce(notFound())
      .resolves({ imageDetails: [{ imageDigest: NEW }] });
    const { docker, logger, deps } = setUp(true, 'docker');
    await prepareImages(inputs(), deps);
    const [build] = builds(docker);
    expect(build).toContain('--push');
    expect(build).toContain('--cache-from');
    expect(build).not.toContain('--cache-to');
    expect(logger.messages().join('\n')).toContain('docker/setup-buildx-action');
  });

  it('refuses several platforms without BuildKit before building anything', async () => {
    ecrMock.on(DescribeImagesCommand).rejects(notFound());
    const { docker, deps } = setUp(false);
    const images = [spec('api', { platforms: ['linux/amd64', 'linux/arm64'] })];
    await expect(prepareImages(inputs({ images }), deps)).rejects.toThrow(
      "Image 'api' (linux/amd64, linux/arm64) needs several platforms, which only BuildKit can build",
    );
    expect(builds(docker)).toEqual([]);
  });

  it('explains AccessDenied with the missing IAM action and the principal', async () => {
    const denied = Object.assign(
      new Error(
        'User: arn:aws:sts::123456789012:assumed-role/deploy/gha is not authorized to perform: ecr:DescribeImages on resource: arn:aws:ecr:eu-west-1:123456789012:repository/api',
      ),
      { name: 'AccessDeniedException' },
    );
    ecrMock.on(DescribeImagesCommand).rejects(denied);
    const { deps } = setUp();
    await expect(prepareImages(inputs(), deps)).rejects.toThrow(
      "Access denied: arn:aws:sts::123456789012:assumed-role/deploy/gha is not allowed to call ecr:DescribeImages on repository 'api' in eu-west-1. Grant ecr:DescribeImages to that role",
    );
  });

  it('fails clearly when docker cannot build, naming the image', async () => {
    ecrMock.on(DescribeImagesCommand).rejects(notFound());
    const { docker, deps } = setUp(false);
    docker.on(['docker', 'build'], { exitCode: 1, stderr: 'step 3/7\nERROR: COPY failed: no such file\n' });
    await expect(prepareImages(inputs(), deps)).rejects.toThrow(
      `docker failed to build ${HOST}/api:${SHA} (exit 1): ERROR: COPY failed: no such file`,
    );
  });

  it('logs docker out right after the pushes, so no later step finds the ECR password in its config', async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .rejectsOnce(notFound())
      .resolves({ imageDetails: [{ imageDigest: NEW }] });
    const { docker, deps } = setUp(false);
    await prepareImages(inputs(), deps);
    const commands = docker.calls().map((args) => args[0]);
    expect(commands.slice(commands.indexOf('login'))).toEqual(['login', 'build', 'push', 'logout']);
  });

  it('logs docker out when a build fails too', async () => {
    ecrMock.on(DescribeImagesCommand).rejects(notFound());
    const { docker, deps } = setUp(false);
    docker.on(['docker', 'build'], { exitCode: 1, stderr: 'ERROR: COPY failed\n' });
    await expect(prepareImages(inputs(), deps)).rejects.toThrow('docker failed to build');
    expect(docker.calls().slice(-1)).toEqual([['logout', HOST]]);
  });

  it('does nothing at all when no image is configured', async () => {
    const { events, deps } = setUp();
    expect(await prepareImages(inputs({ images: [] }), deps)).toEqual({
      images: {},
      built: [],
      loggedInTo: undefined,
    });
    expect(events).toEqual([]);
    expect(ecrMock.calls()).toHaveLength(0);
  });
});

describe('a registry that fails the push', () => {
  const SERVER_ERROR =
    'Error: writing blob: uploading layer to https://host/v2/api/blobs/uploads/x: received unexpected HTTP status: 500 Internal Server Error\n';
  const logs = (events: Event[]) => events.flatMap((e) => (e.type === 'log' ? [e.message] : []));

  function failingPushes(times: number, stderr = SERVER_ERROR) {
    ecrMock.on(DescribeImagesCommand).rejects(notFound());
    const { docker, deps, events } = setUp(false);
    let failures = 0;
    docker.on(['docker', 'push'], () => (failures++ < times ? { exitCode: 125, stderr } : {}));
    const waits: number[] = [];
    return { docker, events, waits, deps: { ...deps, sleep: async (ms: number) => void waits.push(ms) } };
  }

  it('retries a push that got a temporary registry error, saying so, and goes on', async () => {
    const { docker, deps, events, waits } = failingPushes(2);
    ecrMock
      .on(DescribeImagesCommand)
      .rejectsOnce(notFound()) // the plan
      .rejectsOnce(notFound()) // after the first failure: not there
      .rejectsOnce(notFound()) // after the second
      .resolves({ imageDetails: [{ imageDigest: NEW }] });
    const result = await prepareImages(inputs(), deps);
    expect(result.images.api).toBe(`${HOST}/api:${SHA}@${NEW}`);
    expect(pushes(docker)).toHaveLength(3);
    expect(waits).toEqual([2000, 5000]);
    const retries = logs(events).filter((line) => line.includes('looks temporary'));
    expect(retries).toEqual([
      expect.stringMatching(
        /^docker failed to push .*\(attempt 1 of 3\) \(exit 125\): .*500 Internal Server Error\. The registry's error looks temporary: retrying in 2 s\.$/,
      ),
      expect.stringMatching(/\(attempt 2 of 3\).*retrying in 5 s\.$/),
    ]);
  });

  it('gives up after 3 attempts with one sentence naming the image and the attempts', async () => {
    const { docker, deps } = failingPushes(5);
    await expect(prepareImages(inputs(), deps)).rejects.toThrow(
      `docker failed to push ${HOST}/api:${SHA} after 3 attempts (exit 125): Error: writing blob`,
    );
    expect(pushes(docker)).toHaveLength(3);
  });

  it('does not retry an error that another attempt cannot fix (denied, unknown repository)', async () => {
    const { docker, deps } = failingPushes(
      5,
      'Error: denied: User is not authorized to perform ecr:PutImage\n',
    );
    await expect(prepareImages(inputs(), deps)).rejects.toThrow(
      /docker failed to push .* \(exit 125\): Error: denied/,
    );
    expect(pushes(docker)).toHaveLength(1);
  });

  it('stops retrying when ECR lists the tag after a failed push (the answer was what got lost)', async () => {
    const { docker, deps, events } = failingPushes(5);
    ecrMock
      .on(DescribeImagesCommand)
      .rejectsOnce(notFound())
      .resolves({ imageDetails: [{ imageDigest: NEW }] });
    const result = await prepareImages(inputs(), deps);
    expect(result.images.api).toBe(`${HOST}/api:${SHA}@${NEW}`);
    expect(pushes(docker)).toHaveLength(1);
    expect(logs(events)).toContain(`ECR lists tag '${SHA}' now (${NEW}): the push got through.`);
  });

  it('builds nothing once the run is cancelled, and says so', async () => {
    ecrMock.on(DescribeImagesCommand).rejects(notFound());
    const { docker, deps } = setUp(false);
    const cancel = new AbortController();
    docker.on(['docker', 'login'], () => {
      cancel.abort();
      return {};
    });
    await expect(prepareImages(inputs(), { ...deps, signal: cancel.signal })).rejects.toThrow(
      /^The run was cancelled while building the images\.$/,
    );
    expect(builds(docker)).toEqual([]);
  });
});
