import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NodeProcessRunner, type RunResult } from '../../src/process.js';
import { type RunningSandbox, startSandbox } from '../testing.js';

let sandbox: RunningSandbox;
let password: string;
const savedEnv = { ...process.env };
const runner = new NodeProcessRunner();

function docker(args: string[], stdin?: string, env: Record<string, string> = {}): Promise<RunResult> {
  return runner.run('docker', args, { env: { ...process.env, ...sandbox.env, ...env }, stdin });
}

/** Builds a FROM-scratch image whose content is unique, so every build has its own digest. */
async function buildImage(reference: string): Promise<void> {
  const context = await mkdtemp(join(sandbox.stateDir, 'build-'));
  await writeFile(join(context, 'content.txt'), randomUUID());
  await writeFile(join(context, 'Dockerfile'), 'FROM scratch\nCOPY content.txt /content.txt\n');
  const built = await docker(['build', '-t', reference, '--label', 'test=sandbox', context]);
  expect(built.stderr).not.toMatch(/Error/);
  expect(built.exitCode).toBe(0);
}

/** The digest the real registry holds for repository:tag, asked over TLS with the sandbox CA. */
async function registryDigest(repository: string, tag: string): Promise<string | undefined> {
  const ca = await readFile(sandbox.env.SANDBOX_CA_CERT ?? '', 'utf8');
  return new Promise((resolve, reject) => {
    const req = request(
      `https://${sandbox.env.SANDBOX_REGISTRY}/v2/${repository}/manifests/${tag}`,
      {
        method: 'HEAD',
        ca,
        auth: `AWS:${password}`,
        headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200 ? String(res.headers['docker-content-digest']) : undefined);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const ecr = () => new ECRClient({});

beforeAll(async () => {
  sandbox = await startSandbox({ kubernetes: false });
  // Exactly what a runner has: region, credentials and the endpoint variables, nothing else.
  for (const name of [
    'AWS_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_ENDPOINT_URL_ECR',
    'AWS_ENDPOINT_URL_EKS',
  ]) {
    process.env[name] = sandbox.env[name];
  }
  const token = await ecr().send(new GetAuthorizationTokenCommand({}));
  const decoded = Buffer.from(token.authorizationData?.[0]?.authorizationToken ?? '', 'base64').toString();
  password = decoded.slice('AWS:'.length);
  const login = await docker(
    ['login', '--password-stdin', '-u', 'AWS', sandbox.env.SANDBOX_REGISTRY ?? ''],
    password,
  );
  expect(login.exitCode).toBe(0);
}, 30_000);

afterAll(async () => {
  process.env = savedEnv;
  await sandbox?.stop();
});

describe('ECR through the real AWS SDK', () => {
  it('hands out a registry login for user AWS whose endpoint is the sandbox registry', async () => {
    const { authorizationData } = await ecr().send(new GetAuthorizationTokenCommand({}));
    const data = authorizationData?.[0];
    expect(Buffer.from(data?.authorizationToken ?? '', 'base64').toString()).toMatch(/^AWS:.{20,}$/);
    expect(data?.proxyEndpoint).toBe(`https://${sandbox.env.SANDBOX_REGISTRY}`);
    expect(data?.expiresAt?.getTime()).toBeGreaterThan(Date.now());
  });

  it('creates repositories, describes them by name and refuses to create one twice', async () => {
    const created = await ecr().send(
      new CreateRepositoryCommand({
        repositoryName: 'team/api',
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
      }),
    );
    expect(created.repository?.repositoryUri).toBe(`${sandbox.env.SANDBOX_REGISTRY}/team/api`);
    const described = await ecr().send(new DescribeRepositoriesCommand({ repositoryNames: ['team/api'] }));
    expect(described.repositories?.map((r) => [r.repositoryName, r.imageTagMutability])).toEqual([
      ['team/api', 'IMMUTABLE'],
    ]);
    expect(described.repositories?.[0]?.createdAt).toBeInstanceOf(Date);
    const all = await ecr().send(new DescribeRepositoriesCommand({}));
    expect(all.repositories?.map((r) => r.repositoryName)).toContain('team/api');
    await expect(
      ecr().send(new CreateRepositoryCommand({ repositoryName: 'team/api' })),
    ).rejects.toMatchObject({
      name: 'RepositoryAlreadyExistsException',
    });
  });

  it('answers RepositoryNotFoundException with the real message for an unknown repository', async () => {
    await expect(
      ecr().send(new DescribeRepositoriesCommand({ repositoryNames: ['does-not-exist'] })),
    ).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
      message:
        "The repository with name 'does-not-exist' does not exist in the registry with id '123456789012'",
    });
  });

  it('shows an image pushed with the docker shim through DescribeImages and BatchGetImage, with the registry digest', async () => {
    await ecr().send(new CreateRepositoryCommand({ repositoryName: 'shop/web' }));
    const image = `${sandbox.env.SANDBOX_REGISTRY}/shop/web:abc123`;
    await buildImage(image);
    const pushed = await docker(['push', image]);
    expect(pushed.exitCode).toBe(0);
    const registry = await registryDigest('shop/web', 'abc123');
    expect(registry).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pushed.stdout).toContain(`abc123: digest: ${registry}`);

    const { imageDetails } = await ecr().send(
      new DescribeImagesCommand({ repositoryName: 'shop/web', imageIds: [{ imageTag: 'abc123' }] }),
    );
    expect(imageDetails?.[0]).toMatchObject({
      repositoryName: 'shop/web',
      imageDigest: registry,
      imageTags: ['abc123'],
      imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    });
    expect(imageDetails?.[0]?.imageSizeInBytes).toBeGreaterThan(0);
    expect(imageDetails?.[0]?.imagePushedAt).toBeInstanceOf(Date);
    const byDigest = await ecr().send(
      new DescribeImagesCommand({ repositoryName: 'shop/web', imageIds: [{ imageDigest: registry }] }),
    );
    expect(byDigest.imageDetails?.map((d) => d.imageTags)).toEqual([['abc123']]);

    const batch = await ecr().send(
      new BatchGetImageCommand({
        repositoryName: 'shop/web',
        imageIds: [{ imageTag: 'abc123' }, { imageTag: 'missing' }],
      }),
    );
    const manifest = batch.images?.[0]?.imageManifest ?? '';
    expect(`sha256:${createHash('sha256').update(manifest).digest('hex')}`).toBe(registry);
    expect(batch.failures).toEqual([
      {
        imageId: { imageTag: 'missing' },
        failureCode: 'ImageNotFound',
        failureReason: 'Requested image not found',
      },
    ]);
  });

  it('answers ImageNotFoundException for a tag that was never pushed', async () => {
    await ecr().send(new CreateRepositoryCommand({ repositoryName: 'shop/empty' }));
    await expect(
      ecr().send(new DescribeImagesCommand({ repositoryName: 'shop/empty', imageIds: [{ imageTag: 'v9' }] })),
    ).rejects.toMatchObject({
      name: 'ImageNotFoundException',
      message:
        "The image with imageId {imageDigest:'null', imageTag:'v9'} does not exist within the repository with name 'shop/empty' in the registry with id '123456789012'",
    });
  });

  it('rejects any re-push of a tag in an IMMUTABLE repository, even of the same image, and keeps the first', async () => {
    await ecr().send(
      new CreateRepositoryCommand({ repositoryName: 'locked', imageTagMutability: 'IMMUTABLE' }),
    );
    const image = `${sandbox.env.SANDBOX_REGISTRY}/locked:v1`;
    await buildImage(image);
    expect((await docker(['push', image])).exitCode).toBe(0);
    const first = await registryDigest('locked', 'v1');

    await buildImage(image); // different content, same tag
    const second = await docker(['push', image]);
    expect(second.exitCode).not.toBe(0);
    expect(second.stderr).toContain(
      "tag invalid: The image tag 'v1' already exists in the 'locked' repository and cannot be overwritten because the repository is immutable.",
    );
    expect(await registryDigest('locked', 'v1')).toBe(first);

    await buildImage(`${sandbox.env.SANDBOX_REGISTRY}/locked:v2`);
    expect((await docker(['push', `${sandbox.env.SANDBOX_REGISTRY}/locked:v2`])).exitCode).toBe(0);
    const again = await docker(['push', `${sandbox.env.SANDBOX_REGISTRY}/locked:v2`]); // the very same image
    expect(again.exitCode).not.toBe(0);
    expect(again.stderr).toContain(
      "tag invalid: The image tag 'v2' already exists in the 'locked' repository",
    );
  });

  it('rejects a push to a repository ECR does not know, as real ECR does', async () => {
    const image = `${sandbox.env.SANDBOX_REGISTRY}/never-created:v1`;
    await buildImage(image);
    const pushed = await docker(['push', image]);
    expect(pushed.exitCode).not.toBe(0);
    expect(pushed.stderr).toContain(
      "name unknown: The repository with name 'never-created' does not exist in the registry with id '123456789012'",
    );
  });
});

describe('request signing', () => {
  it('rejects a request signed with the wrong secret key with InvalidSignatureException', async () => {
    const client = new ECRClient({
      maxAttempts: 1,
      credentials: { accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: 'wrong-secret' },
    });
    await expect(client.send(new DescribeRepositoriesCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('rejects an unknown access key with UnrecognizedClientException', async () => {
    const client = new EKSClient({
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'whatever' },
    });
    await expect(client.send(new DescribeClusterCommand({ name: 'sandbox' }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
  });
});

describe('EKS through the real AWS SDK', () => {
  it('describes the cluster with its CA, status and authentication mode', async () => {
    const { cluster } = await new EKSClient({}).send(new DescribeClusterCommand({ name: 'sandbox' }));
    const ca = await readFile(sandbox.env.SANDBOX_CA_CERT ?? '', 'utf8');
    expect(Buffer.from(cluster?.certificateAuthority?.data ?? '', 'base64').toString()).toBe(ca);
    expect(cluster?.status).toBe('ACTIVE');
    expect(cluster?.arn).toBe('arn:aws:eks:us-east-1:123456789012:cluster/sandbox');
    expect(cluster?.accessConfig?.authenticationMode).toBe('API_AND_CONFIG_MAP');
  });

  it('reports the status an admin sets, e.g. CREATING', async () => {
    const set = await fetch(`${sandbox.env.SANDBOX_AWS_ADMIN_URL}/eks/status`, {
      method: 'POST',
      body: JSON.stringify({ status: 'CREATING' }),
    });
    expect(set.status).toBe(200);
    const { cluster } = await new EKSClient({}).send(new DescribeClusterCommand({ name: 'sandbox' }));
    expect(cluster?.status).toBe('CREATING');
    await fetch(`${sandbox.env.SANDBOX_AWS_ADMIN_URL}/eks/status`, {
      method: 'POST',
      body: JSON.stringify({ status: 'ACTIVE' }),
    });
  });

  it('answers ResourceNotFoundException for another cluster name', async () => {
    await expect(new EKSClient({}).send(new DescribeClusterCommand({ name: 'prod' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'No cluster found for name: prod.',
    });
  });
});

describe('injected control-plane faults', () => {
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${sandbox.env.SANDBOX_AWS_ADMIN_URL}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('throttles the next call of an operation; the SDK retries it and the call log shows both', async () => {
    await admin('DELETE', '/calls');
    const set = await admin('POST', '/faults', {
      operation: 'DescribeRepositories',
      code: 'ThrottlingException',
      times: 1,
    });
    expect(set.status).toBe(200);
    const { repositories } = await ecr().send(new DescribeRepositoriesCommand({}));
    expect(repositories).toBeDefined();
    const calls = (await (await admin('GET', '/calls')).json()) as {
      operation: string;
      status: number;
      error?: string;
    }[];
    expect(calls.map((c) => [c.operation, c.status, c.error])).toEqual([
      ['DescribeRepositories', 400, 'ThrottlingException'],
      ['DescribeRepositories', 200, undefined],
    ]);
  });

  it('fails every call with a fault that has no count, with the injected code, until reset', async () => {
    await admin('POST', '/faults', { service: 'eks', code: 'ServiceUnavailableException', status: 503 });
    try {
      await expect(
        new EKSClient({ maxAttempts: 1 }).send(new DescribeClusterCommand({ name: 'sandbox' })),
      ).rejects.toMatchObject({ name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } });
    } finally {
      await admin('DELETE', '/faults');
    }
    const { cluster } = await new EKSClient({}).send(new DescribeClusterCommand({ name: 'sandbox' }));
    expect(cluster?.name).toBe('sandbox');
  });
});

describe('docker shim', () => {
  it('keeps credentials where DOCKER_CONFIG says, and cannot push after docker logout', async () => {
    await ecr().send(new CreateRepositoryCommand({ repositoryName: 'auth/check' }));
    const registry = sandbox.env.SANDBOX_REGISTRY ?? '';
    const image = `${registry}/auth/check:v1`;
    await buildImage(image);
    const config = { DOCKER_CONFIG: await mkdtemp(join(sandbox.stateDir, 'docker-config-')) };
    expect(
      (await docker(['login', '--password-stdin', '-u', 'AWS', registry], password, config)).exitCode,
    ).toBe(0);
    const stored = JSON.parse(await readFile(join(config.DOCKER_CONFIG, 'config.json'), 'utf8'));
    expect(Object.keys(stored.auths)).toEqual([registry]);

    expect((await docker(['logout', registry], undefined, config)).exitCode).toBe(0);
    const pushed = await docker(['push', image], undefined, config);
    expect(pushed.exitCode).not.toBe(0);
    expect(pushed.stderr).toMatch(/authentication required|unauthorized/);
    // As docker: logging out again is no error.
    const again = await docker(['logout', registry], undefined, config);
    expect({ exitCode: again.exitCode, stdout: again.stdout.trim() }).toEqual({
      exitCode: 0,
      stdout: `Not logged in to ${registry}`,
    });
  });

  it('builds with -f, --target, --build-arg, --label and --platform, and image inspect shows the result', async () => {
    const context = await mkdtemp(join(sandbox.stateDir, 'build-'));
    await writeFile(join(context, 'a.txt'), 'a');
    await writeFile(
      join(context, 'Build.dockerfile'),
      'FROM scratch AS app\nARG VERSION\nLABEL stage=app version=$VERSION\nCOPY a.txt /a.txt\n' +
        'FROM scratch AS other\nLABEL stage=other\n',
    );
    const image = 'sandbox-local/flags:1';
    const built = await docker([
      'build',
      '-f',
      join(context, 'Build.dockerfile'),
      '--target',
      'app',
      '--build-arg',
      'VERSION=1.2.3',
      '--label',
      'org.opencontainers.image.revision=abc',
      '--platform',
      'linux/amd64',
      '-t',
      image,
      context,
    ]);
    expect(built.exitCode).toBe(0);
    const inspected = await docker(['image', 'inspect', '--format', '{{json .Config.Labels}}', image]);
    expect(JSON.parse(inspected.stdout)).toEqual({
      stage: 'app',
      version: '1.2.3',
      'org.opencontainers.image.revision': 'abc',
    });
  });

  it('answers "docker buildx version" like a runner without BuildKit and logs every invocation', async () => {
    const buildx = await docker(['buildx', 'version']);
    expect(buildx.exitCode).toBe(1);
    expect(buildx.stderr).toContain("'buildx' is not a docker command");
    const log = (await readFile(sandbox.env.SANDBOX_DOCKER_LOG ?? '', 'utf8')).trim().split('\n');
    const argvs = log.map((line) => (JSON.parse(line) as { argv: string[] }).argv);
    expect(argvs).toContainEqual(['buildx', 'version']);
    expect(argvs).toContainEqual(['login', '--password-stdin', '-u', 'AWS', sandbox.env.SANDBOX_REGISTRY]);
    expect(log.join('\n')).not.toContain(password);
  });
});
