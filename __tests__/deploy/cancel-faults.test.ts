import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RunningSandbox, startSandbox } from '../../sandbox/testing.js';
import {
  addFault,
  auditMark,
  clearFaults,
  deployYaml,
  kubectlRun,
  mutationsAfter,
  pushImage,
} from './support.js';

let sandbox: RunningSandbox;
let image: string;
let crashing: string;
let savedEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  sandbox = await startSandbox();
  savedEnv = { ...process.env };
  Object.assign(process.env, sandbox.env);
  image = await pushImage(sandbox, 'cancel/app', 'v1');
  crashing = await pushImage(sandbox, 'cancel/app', 'crash', { SANDBOX_CRASH: '1' });
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  await sandbox?.stop();
});

function app(namespace: string, imageRef: string, config: string, env: Record<string, string> = {}): string {
  const envLines = Object.entries(env)
    .map(([name, value]) => `\n            - {name: ${name}, value: "${value}"}`)
    .join('');
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
          env:
            - {name: UNUSED, value: "x"}${envLines}
`;
}

async function configValue(namespace: string): Promise<string> {
  return kubectlRun(sandbox, ['get', 'configmap/settings', '-n', namespace, '-o', 'jsonpath={.data.value}']);
}

const VERIFY_STARTED = /Waiting for \d+ workload\(s\) at once/;

describe('cancellation and an unreliable API server', () => {
  it('cancelled before anything was applied: nothing is mutated', async () => {
    const ns = 'cancel-early';
    const controller = new AbortController();
    controller.abort();
    const mark = await auditMark(sandbox);
    const { outcome } = await deployYaml(
      sandbox,
      app(ns, image, 'one'),
      { releaseName: 'web' },
      {
        signal: controller.signal,
      },
    );
    expect(outcome.result).toBe('failed');
    expect(outcome.cancelled).toBe(true);
    expect(outcome.nothingChanged).toBe(true);
    expect(outcome.verdict).toMatch(/cancel/i);
    expect(await mutationsAfter(sandbox, mark)).toEqual([]);
  }, 60_000);

  it('cancelled during verify: the rollback starts at once, restores the last good release and says it was not verified', async () => {
    const ns = 'cancel-verify';
    const good = await deployYaml(sandbox, app(ns, image, 'good'), { releaseName: 'web' });
    expect(good.outcome.result).toBe('success');
    const controller = new AbortController();
    const { outcome, log } = await deployYaml(
      sandbox,
      app(ns, image, 'stuck', { SANDBOX_NEVER_READY: '1' }),
      { releaseName: 'web' },
      {
        signal: controller.signal,
        onLine: (line) => {
          if (VERIFY_STARTED.test(line)) setTimeout(() => controller.abort(), 500);
        },
      },
    );
    expect(outcome.cancelled).toBe(true);
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.rollback?.applied).toBe(true);
    expect(outcome.rollback?.problem).toMatch(/cancelled before it could be verified/);
    expect(await configValue(ns)).toBe('good');
    expect(log.join('\n')).toMatch(/Rolling back to release v1/);
  }, 90_000);

  it('pods unreadable for a while mid-verify: the outage is ridden out, the crash loop still caught and rolled back, no hang', async () => {
    const ns = 'api-fault';
    const good = await deployYaml(sandbox, app(ns, image, 'good'), { releaseName: 'web' });
    expect(good.outcome.result).toBe('success');

    let faulted: Promise<void> | undefined;
    try {
      const { outcome } = await deployYaml(
        sandbox,
        app(ns, crashing, 'bad'),
        { releaseName: 'web' },
        {
          onLine: (line) => {
            if (VERIFY_STARTED.test(line) && !faulted) {
              faulted = (async () => {
                await addFault(sandbox, { path: '/pods', status: 500, share: 1 });
                await new Promise((resolve) => setTimeout(resolve, 6000));
                await clearFaults(sandbox);
              })();
            }
          },
        },
      );
      await faulted;
      expect(outcome.result).toBe('rolled-back');
      // 6 s of 500s is well within the 30 s the watches tolerate: the verdict is the crash loop.
      expect(outcome.verdict).toMatch(/pod web-\S+ container web is crash-looping/);
      expect(await configValue(ns)).toBe('good');
    } finally {
      await faulted?.catch(() => undefined);
      await clearFaults(sandbox);
    }
  }, 90_000);
});
