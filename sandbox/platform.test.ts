import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import { NodeProcessRunner } from '../src/process.js';
import type { Json } from './controllers/objects.js';
import { type SeededImage, seedDockerHubImage } from './seed-images.js';
import { type RunningSandbox, startSandbox } from './testing.js';

// What a real EKS cluster with the platform's add-ons gives a workload: Docker Hub images through
// the pull-through cache, image ENV in the container, and ESO with the platform's secret store.

let sandbox: RunningSandbox;
let crashing: SeededImage;
const runner = new NodeProcessRunner();

async function kubectl(args: string[], stdin?: string): Promise<string> {
  const result = await runner.run('kubectl', args, { env: { ...process.env, ...sandbox.env }, stdin });
  if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function pod(name: string, image: string, env: Record<string, string> = {}) {
  const entries = Object.entries(env).map(([k, value]) => ({ name: k, value }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'main', image, ...(entries.length ? { env: entries } : {}) }] },
  };
}

/** Polls the pod's first container status until `probe` accepts it (kubectl get, real round trips). */
async function untilContainer(name: string, probe: (status: Json) => boolean) {
  const deadline = Date.now() + 20_000;
  let last: unknown;
  while (Date.now() < deadline) {
    const got = JSON.parse(await kubectl(['get', 'pod', name, '-o', 'json']));
    last = got.status?.containerStatuses?.[0];
    if (last && probe(last as Json)) return last as Json;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`pod ${name} never got there; last container status: ${JSON.stringify(last)}`);
}

beforeAll(async () => {
  sandbox = await startSandbox();
  await seedDockerHubImage(sandbox.env, 'nginxinc/nginx-unprivileged:1.27-alpine');
  crashing = await seedDockerHubImage(sandbox.env, 'postgres:17-alpine', { env: { SANDBOX_CRASH: '1' } });
  const pods = [
    pod('nginx', 'nginxinc/nginx-unprivileged:1.27-alpine'),
    pod('postgres', 'postgres:17-alpine'),
    pod('postgres-fixed', 'docker.io/library/postgres:17-alpine', { SANDBOX_CRASH: '0' }),
    pod('redis', 'redis:7-alpine'),
  ];
  await kubectl(['apply', '-f', '-'], pods.map((p) => stringify(p)).join('---\n'));
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
});

describe('Docker Hub images through the pull-through cache', () => {
  it('pulls a seeded image by its Docker Hub name', async () => {
    const status = await untilContainer('nginx', (s) => s.state?.running !== undefined);
    expect(status.imageID).toMatch(/@sha256:[0-9a-f]{64}$/);
  });

  it('fails with not found for an image nobody put in the cache', async () => {
    const status = await untilContainer(
      'redis',
      (s) => s.state?.waiting?.reason === 'ErrImagePull' || s.state?.waiting?.reason === 'ImagePullBackOff',
    );
    expect(status.state.waiting.message).toContain('docker.io/library/redis:7-alpine: not found');
  });
});

describe("the image's ENV in the container", () => {
  it('crash-loops a container whose image declares SANDBOX_CRASH', async () => {
    const status = await untilContainer('postgres', (s) => s.state?.waiting?.reason === 'CrashLoopBackOff');
    expect(status.imageID).toContain(crashing.digest);
    expect(status.lastState.terminated.exitCode).toBe(1);
  });

  it("lets the pod's env override the image's", async () => {
    const status = await untilContainer('postgres-fixed', (s) => s.state?.running !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 500)); // longer than a crashing run lasts
    const again = await untilContainer('postgres-fixed', () => true);
    expect(again.restartCount).toBe(0);
    expect(again.state.running).toEqual(status.state.running);
  });
});

describe('External Secrets with the platform store', () => {
  it('syncs a secret seeded through the admin route into the target Secret', async () => {
    const admin = sandbox.env.SANDBOX_AWS_ADMIN_URL;
    const put = await fetch(`${admin}/secretsmanager/secrets/team/app`, {
      method: 'PUT',
      body: '{"TOKEN":"t1"}',
    });
    expect(put.status).toBe(200);
    const store = JSON.parse(
      await kubectl(['get', 'clustersecretstore', 'aws-secrets-manager', '-o', 'json']),
    );
    expect(store.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'True' });
    await kubectl(
      ['apply', '-f', '-'],
      stringify({
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: 'app', namespace: 'default' },
        spec: {
          secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' },
          target: { name: 'app' },
          dataFrom: [{ extract: { key: 'team/app' } }],
        },
      }),
    );
    const token = async () => {
      const out = await kubectl(['get', 'secret', 'app', '-o', 'jsonpath={.data.TOKEN}']).catch(() => '');
      return Buffer.from(out, 'base64').toString();
    };
    for (let i = 0; i < 100 && (await token()) !== 't1'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await token()).toBe('t1');
    await fetch(`${admin}/secretsmanager/secrets/team/app`, { method: 'PUT', body: '{"TOKEN":"t2"}' });
    for (let i = 0; i < 100 && (await token()) !== 't2'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await token()).toBe('t2');
  });

  it("comes seeded with the reference deployment's remote secrets", async () => {
    const admin = sandbox.env.SANDBOX_AWS_ADMIN_URL;
    const list = (await (await fetch(`${admin}/secretsmanager/secrets`)).json()) as { names: string[] };
    expect(list.names).toEqual(
      expect.arrayContaining(['laravel-upload', 'laravel-upload/staging', 'laravel-upload/production']),
    );
    const staging = (await (
      await fetch(`${admin}/secretsmanager/secrets/laravel-upload/staging`)
    ).json()) as {
      SecretString: string;
    };
    expect(Object.keys(JSON.parse(staging.SecretString)).sort()).toEqual([
      'APP_KEY',
      'DB_PASSWORD',
      'DB_USERNAME',
      'REDIS_PASSWORD',
    ]);
  });
});
