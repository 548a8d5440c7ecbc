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
});
