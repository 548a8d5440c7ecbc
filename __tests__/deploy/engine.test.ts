import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RunningSandbox, startSandbox } from '../../sandbox/testing.js';
import { deployYaml, pushImage } from './support.js';

let sandbox: RunningSandbox;
let image: string;
let crashing: string;
let savedEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  sandbox = await startSandbox();
  savedEnv = { ...process.env };
  Object.assign(process.env, sandbox.env);
  image = await pushImage(sandbox, 'engine/app', 'v1');
  crashing = await pushImage(sandbox, 'engine/app', 'crash', { SANDBOX_CRASH: '1' });
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  await sandbox?.stop();
});

function app(namespace: string, imageRef: string, config = 'one', extra = ''): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${namespace}
data:
  value: ${config}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ${imageRef}
          envFrom:
            - configMapRef: {name: settings}
          readinessProbe:
            httpGet: {path: /healthz, port: 8080}
            initialDelaySeconds: 5
${extra}`;
}

async function configValue(namespace: string): Promise<string> {
  const { NodeProcessRunner } = await import('../../src/process.js');
  const result = await new NodeProcessRunner().run(
    'kubectl',
    ['get', 'configmap', 'settings', '-n', namespace, '-o', 'jsonpath={.data.value}'],
    { env: { ...process.env, ...sandbox.env } },
  );
  return result.stdout;
}

describe('deploy engine against the sandbox', () => {
  it('deploys a first release, records it, and finds the same set again unchanged', async () => {
    const first = await deployYaml(sandbox, app('happy', image), { releaseName: 'happy' });
    expect(first.outcome.verdict).toBeUndefined();
    expect(first.outcome.result).toBe('success');
    expect(first.outcome.release).toBe(1);
    const again = await deployYaml(sandbox, app('happy', image), { releaseName: 'happy' });
    expect(again.outcome).toMatchObject({ result: 'success', unchanged: true, release: 1 });
  }, 120_000);

  it('rolls a crash-looping release back to the last good one, ConfigMap included', async () => {
    const good = await deployYaml(sandbox, app('crash', image, 'good'), { releaseName: 'crash' });
    expect(good.outcome.result).toBe('success');
    const started = Date.now();
    const bad = await deployYaml(sandbox, app('crash', crashing, 'bad'), { releaseName: 'crash' });
    expect(bad.outcome.result).toBe('rolled-back');
    expect(bad.outcome.verdict).toMatch(/crash/i);
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(await configValue('crash')).toBe('good');
    expect(bad.outcome.rollback?.verify?.ok).toBe(true);
  }, 120_000);

  it('rolls back a StatefulSet by replacing the pods of the failed revision, and leaves one whose template did not change alone', async () => {
    const stateful = (ns: string, dbImage: string, webImage: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: ${ns}
spec:
  serviceName: db
  replicas: 2
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: ${dbImage}
          readinessProbe:
            httpGet: {path: /, port: 5432}
            initialDelaySeconds: 5
${app(ns, webImage)
  .split('---\n')
  .slice(1)
  .map((doc) => `---\n${doc}`)
  .join('')}`;
    const good = await deployYaml(sandbox, stateful('sts', image, image), { releaseName: 'sts' });
    expect(good.outcome.verdict).toBeUndefined();

    const badDb = await deployYaml(sandbox, stateful('sts', crashing, image), { releaseName: 'sts' });
    expect(badDb.outcome.result).toBe('rolled-back');
    expect(badDb.outcome.verdict).toMatch(/StatefulSet sts\/db: pod db-\d container db is crash-looping/);
    expect(badDb.outcome.rollback?.replacedPods.length).toBeGreaterThan(0);
    expect(badDb.outcome.rollback?.verify?.ok).toBe(true);

    const badWeb = await deployYaml(sandbox, stateful('sts', image, crashing), { releaseName: 'sts' });
    expect(badWeb.outcome.result).toBe('rolled-back');
    expect(badWeb.outcome.verdict).toMatch(/Deployment sts\/web/);
    expect(badWeb.outcome.rollback?.replacedPods).toEqual([]);
  }, 180_000);
});
