import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RunningSandbox, startSandbox } from '../../sandbox/testing.js';
import { auditMark, deployYaml, kubectlRun, mutationsAfter, pushImage } from './support.js';

let sandbox: RunningSandbox;
let image: string;
let savedEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  sandbox = await startSandbox();
  savedEnv = { ...process.env };
  Object.assign(process.env, sandbox.env);
  image = await pushImage(sandbox, 'failures/app', 'v1');
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  await sandbox?.stop();
});

function app(namespace: string, imageRef: string, config: string, selector = 'web'): string {
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
    matchLabels: {app: ${selector}}
  template:
    metadata:
      labels: {app: ${selector}}
    spec:
      containers:
        - name: web
          image: ${imageRef}
          envFrom:
            - configMapRef: {name: settings}
`;
}

async function configValue(namespace: string): Promise<string> {
  return kubectlRun(sandbox, ['get', 'configmap/settings', '-n', namespace, '-o', 'jsonpath={.data.value}']);
}

describe('deploys that must fail, and what they leave behind', () => {
  it('a Deployment whose image does not exist fails within seconds, is rolled back, and the next deploy succeeds', async () => {
    const ns = 'missing-image';
    const good = await deployYaml(sandbox, app(ns, image, 'good'), { releaseName: 'web' });
    expect(good.outcome.result).toBe('success');

    const missing = `${sandbox.env.SANDBOX_REGISTRY}/failures/missing:nope`;
    const started = Date.now();
    const bad = await deployYaml(sandbox, app(ns, missing, 'bad'), { releaseName: 'web' });
    expect(bad.outcome.result).toBe('rolled-back');
    expect(bad.outcome.verdict).toMatch(
      /pod web-\S+ container web cannot pull its image: .*failures\/missing:nope.*not found/,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(bad.outcome.rollback?.verify?.ok).toBe(true);
    expect(await configValue(ns)).toBe('good');
    const liveImage = await kubectlRun(sandbox, [
      'get',
      'deployment/web',
      '-n',
      ns,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(liveImage).toBe(image);

    const next = await deployYaml(sandbox, app(ns, image, 'next'), { releaseName: 'web' });
    expect(next.outcome.verdict).toBeUndefined();
    expect(next.outcome.result).toBe('success');
    expect(next.outcome.release).toBe(3);
    expect(await configValue(ns)).toBe('next');
  }, 120_000);

  it('a Deployment selector change fails in the plan, naming the immutable field, with nothing mutated', async () => {
    const ns = 'selector';
    const good = await deployYaml(sandbox, app(ns, image, 'good'), { releaseName: 'web' });
    expect(good.outcome.result).toBe('success');

    const mark = await auditMark(sandbox);
    const bad = await deployYaml(sandbox, app(ns, image, 'changed', 'web-v2'), { releaseName: 'web' });
    expect(bad.outcome.result).toBe('failed');
    expect(bad.outcome.nothingChanged).toBe(true);
    expect(bad.outcome.verdict).toMatch(/selector/);
    expect(bad.outcome.verdict).toMatch(/immutable/);
    expect(bad.outcome.phases.map((p) => p.name)).toEqual(['Plan']);
    expect(await mutationsAfter(sandbox, mark)).toEqual([]);
    expect(await configValue(ns)).toBe('good');
  }, 90_000);

  it('dryRun mutates nothing and its diff shows the changed value', async () => {
    const ns = 'dry';
    const good = await deployYaml(sandbox, app(ns, image, 'before-value'), { releaseName: 'web' });
    expect(good.outcome.result).toBe('success');

    const mark = await auditMark(sandbox);
    const dry = await deployYaml(sandbox, app(ns, image, 'after-value'), {
      releaseName: 'web',
      dryRun: true,
    });
    expect(dry.outcome.verdict).toBeUndefined();
    expect(dry.outcome.result).toBe('dry-run');
    expect(dry.outcome.diff).toMatch(/^-\s+value: before-value$/m);
    expect(dry.outcome.diff).toMatch(/^\+\s+value: after-value$/m);
    expect(await readFile(dry.outcome.diffPath ?? '', 'utf8')).toBe(dry.outcome.diff);
    expect(await mutationsAfter(sandbox, mark)).toEqual([]);
    expect(await configValue(ns)).toBe('before-value');
  }, 90_000);
});
