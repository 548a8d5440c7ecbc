import { describe, expect, it } from '@jest/globals';
import { auditMark, deployYaml, kubectlRun, mutationsAfter, useSandbox, webApp } from './support.js';

const ctx = useSandbox('migration/app');

/** Job `migrate` (exits with `exitCode` after `runSeconds`), then one web pod whose template carries `config`. */
function app(
  namespace: string,
  options: { exitCode: string; migrationImage?: string; config: string; runSeconds?: string },
): string {
  return webApp(namespace, ctx.image, {
    config: options.config,
    envFrom: false,
    configAnnotation: options.config,
    replicas: 1,
    before: [
      `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: ${namespace}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: ${options.migrationImage ?? ctx.image}
          env:
            - {name: SANDBOX_EXIT_CODE, value: "${options.exitCode}"}
            - {name: SANDBOX_RUN_SECONDS, value: "${options.runSeconds ?? '1'}"}
`,
    ],
  });
}

describe('migrations', () => {
  it('a failing migration fails the deploy without writing to any Deployment; the fixed migration then runs', async () => {
    const ns = 'mig-fail';
    const good = await deployYaml(ctx.sandbox, app(ns, { exitCode: '0', config: 'one' }), {
      releaseName: 'mig',
      migrationJob: 'migrate',
      tag: 'v1',
    });
    expect(good.outcome.verdict).toBeUndefined();
    expect(good.outcome.result).toBe('success');
    expect(good.outcome.migration?.status).toBe('complete');

    const mark = await auditMark(ctx.sandbox);
    const bad = await deployYaml(ctx.sandbox, app(ns, { exitCode: '1', config: 'two' }), {
      releaseName: 'mig',
      migrationJob: 'migrate',
      tag: 'v2',
    });
    expect(bad.outcome.result).not.toBe('success');
    expect(bad.outcome.migration?.status).toBe('failed');
    expect(bad.outcome.verdict).toMatch(/migrat/i);
    const writes = await mutationsAfter(ctx.sandbox, mark);
    expect(writes.filter((w) => w.path.includes('/deployments'))).toEqual([]);
    const annotation = await kubectlRun(ctx.sandbox, [
      'get',
      'deployment/web',
      '-n',
      ns,
      '-o',
      'jsonpath={.spec.template.metadata.annotations.config}',
    ]);
    expect(annotation).toBe('one');

    const fixed = await deployYaml(ctx.sandbox, app(ns, { exitCode: '0', config: 'two' }), {
      releaseName: 'mig',
      migrationJob: 'migrate',
      tag: 'v2',
    });
    expect(fixed.outcome.verdict).toBeUndefined();
    expect(fixed.outcome.result).toBe('success');
    expect(fixed.outcome.migration?.status).toBe('complete');
    const succeeded = await kubectlRun(ctx.sandbox, [
      'get',
      'job',
      '-n',
      ns,
      '-l',
      'k8s-deploy-action/migration=migrate',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name}={.status.succeeded}{"\\n"}{end}',
    ]);
    expect(succeeded.trim().split('\n').sort()).toEqual(['migrate-v1=1', 'migrate-v2=1']);
  }, 120_000);

  it('a migration whose image does not exist fails fast, naming the pull error', async () => {
    const ns = 'mig-pull';
    const missing = `${ctx.sandbox.env.SANDBOX_REGISTRY}/migration/missing:nope`;
    const started = Date.now();
    const { outcome } = await deployYaml(
      ctx.sandbox,
      app(ns, { exitCode: '0', migrationImage: missing, config: 'one' }),
      { releaseName: 'pull', migrationJob: 'migrate', tag: 'v1', migrationTimeoutMs: 60_000 },
    );
    expect(outcome.result).toBe('failed');
    expect(outcome.migration?.status).toBe('failed');
    expect(outcome.verdict).toMatch(
      /migration failed: .*pod migrate-v1-\S+ container migrate cannot pull its image: .*migration\/missing:nope.*not found/,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 90_000);

  it('cancelled during the migration: the Job is left running, said so, and no workload is written', async () => {
    const ns = 'mig-cancel';
    const controller = new AbortController();
    const mark = await auditMark(ctx.sandbox);
    const { outcome } = await deployYaml(
      ctx.sandbox,
      // 400 simulated seconds: 20 s at the sandbox's time scale, far longer than the test waits.
      app(ns, { exitCode: '0', config: 'one', runSeconds: '400' }),
      { releaseName: 'cancel', migrationJob: 'migrate', tag: 'v1' },
      {
        signal: controller.signal,
        onLine: (line) => {
          if (line.startsWith('Created Job')) setTimeout(() => controller.abort(), 300);
        },
      },
    );
    expect(outcome.cancelled).toBe(true);
    expect(outcome.result).toBe('failed');
    expect(outcome.migration).toMatchObject({ status: 'failed', leftRunning: true });
    expect(outcome.verdict).toMatch(
      /cancelled during the migration; Job mig-cancel\/migrate-v1 was left running/,
    );
    const writes = await mutationsAfter(ctx.sandbox, mark);
    expect(writes.filter((w) => w.path.includes('/deployments'))).toEqual([]);
    const active = await kubectlRun(ctx.sandbox, [
      'get',
      'job/migrate-v1',
      '-n',
      ns,
      '-o',
      'jsonpath={.status.active}',
    ]);
    expect(active).toBe('1');
  }, 90_000);
});
