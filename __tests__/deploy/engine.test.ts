import { describe, expect, it } from '@jest/globals';
import { configValue, deployYaml, useSandbox, webApp } from './support.js';

const ctx = useSandbox('engine/app', { crashing: true });

/** The readiness probe keeps new pods unready for 5 s, so a crash loop shows before they are ready. */
function app(namespace: string, imageRef: string, config = 'one'): string {
  return webApp(namespace, imageRef, { config, readinessProbe: true });
}

describe('deploy engine against the sandbox', () => {
  it('deploys a first release, records it, and finds the same set again unchanged', async () => {
    const first = await deployYaml(ctx.sandbox, app('happy', ctx.image), { releaseName: 'happy' });
    expect(first.outcome.verdict).toBeUndefined();
    expect(first.outcome.result).toBe('success');
    expect(first.outcome.release).toBe(1);
    const again = await deployYaml(ctx.sandbox, app('happy', ctx.image), { releaseName: 'happy' });
    expect(again.outcome).toMatchObject({ result: 'success', unchanged: true, release: 1 });
  }, 120_000);

  it('rolls a crash-looping release back to the last good one, ConfigMap included', async () => {
    const good = await deployYaml(ctx.sandbox, app('crash', ctx.image, 'good'), { releaseName: 'crash' });
    expect(good.outcome.result).toBe('success');
    const started = Date.now();
    const bad = await deployYaml(ctx.sandbox, app('crash', ctx.crashing, 'bad'), { releaseName: 'crash' });
    expect(bad.outcome.result).toBe('rolled-back');
    expect(bad.outcome.verdict).toMatch(/crash/i);
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(await configValue(ctx.sandbox, 'crash')).toBe('good');
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
    const good = await deployYaml(ctx.sandbox, stateful('sts', ctx.image, ctx.image), { releaseName: 'sts' });
    expect(good.outcome.verdict).toBeUndefined();

    const badDb = await deployYaml(ctx.sandbox, stateful('sts', ctx.crashing, ctx.image), {
      releaseName: 'sts',
    });
    expect(badDb.outcome.result).toBe('rolled-back');
    expect(badDb.outcome.verdict).toMatch(/StatefulSet sts\/db: pod db-\d container db is crash-looping/);
    expect(badDb.outcome.rollback?.replacedPods.length).toBeGreaterThan(0);
    expect(badDb.outcome.rollback?.verify?.ok).toBe(true);

    const badWeb = await deployYaml(ctx.sandbox, stateful('sts', ctx.image, ctx.crashing), {
      releaseName: 'sts',
    });
    expect(badWeb.outcome.result).toBe('rolled-back');
    expect(badWeb.outcome.verdict).toMatch(/Deployment sts\/web/);
    expect(badWeb.outcome.rollback?.replacedPods).toEqual([]);
  }, 180_000);
});
