import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import {
  addFault,
  auditMark,
  clearFaults,
  configValue,
  deployYaml,
  kubectlRun,
  mutationsAfter,
  useSandbox,
  webApp,
} from './support.js';

const ctx = useSandbox('failures/app');

function app(namespace: string, imageRef: string, config: string, selector = 'web'): string {
  return webApp(namespace, imageRef, { config, selector });
}

describe('writes whose answer is lost', () => {
  it('a release record the server stored but answered 504 for is sent again and counted once', async () => {
    const ns = 'lost-answer';
    await addFault(ctx.sandbox, {
      path: `/namespaces/${ns}/secrets$`,
      methods: ['POST'],
      status: 504,
      afterServing: true,
      count: 1,
    });
    const run = await deployYaml(ctx.sandbox, app(ns, ctx.image, 'good'), { releaseName: 'web' });
    await clearFaults(ctx.sandbox);
    expect(run.outcome.result).toBe('success');
    expect(run.outcome.release).toBe(1);
    expect(run.log.join('\n')).not.toMatch(/record could not be written/);
    const records = await kubectlRun(ctx.sandbox, [
      'get',
      'secrets',
      '-n',
      ns,
      '-l',
      'k8s-deploy-action/release=web',
      '-o',
      'name',
    ]);
    expect(records.trim().split('\n')).toEqual(['secret/k8s-deploy.web.v1']);
  }, 90_000);
});

describe('deploys that must fail, and what they leave behind', () => {
  it('a Deployment whose image does not exist fails within seconds, is rolled back, and the next deploy succeeds', async () => {
    const ns = 'missing-image';
    const good = await deployYaml(ctx.sandbox, app(ns, ctx.image, 'good'), { releaseName: 'web' });
    expect(good.outcome.result).toBe('success');

    const missing = `${ctx.sandbox.env.SANDBOX_REGISTRY}/failures/missing:nope`;
    const started = Date.now();
    const bad = await deployYaml(ctx.sandbox, app(ns, missing, 'bad'), { releaseName: 'web' });
    expect(bad.outcome.result).toBe('rolled-back');
    expect(bad.outcome.verdict).toMatch(
      /pod web-\S+ container web cannot pull its image: .*failures\/missing:nope.*not found/,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(bad.outcome.rollback?.verify?.ok).toBe(true);
    expect(await configValue(ctx.sandbox, ns)).toBe('good');
    const liveImage = await kubectlRun(ctx.sandbox, [
      'get',
      'deployment/web',
      '-n',
      ns,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(liveImage).toBe(ctx.image);

    const next = await deployYaml(ctx.sandbox, app(ns, ctx.image, 'next'), { releaseName: 'web' });
    expect(next.outcome.verdict).toBeUndefined();
    expect(next.outcome.result).toBe('success');
    expect(next.outcome.release).toBe(3);
    expect(await configValue(ctx.sandbox, ns)).toBe('next');
  }, 120_000);

  it('a Deployment selector change fails in the plan, naming the immutable field, with nothing mutated', async () => {
    const ns = 'selector';
    const good = await deployYaml(ctx.sandbox, app(ns, ctx.image, 'good'), { releaseName: 'web' });
    expect(good.outcome.result).toBe('success');

    const mark = await auditMark(ctx.sandbox);
    const bad = await deployYaml(ctx.sandbox, app(ns, ctx.image, 'changed', 'web-v2'), {
      releaseName: 'web',
    });
    expect(bad.outcome.result).toBe('failed');
    expect(bad.outcome.nothingChanged).toBe(true);
    expect(bad.outcome.verdict).toMatch(/selector/);
    expect(bad.outcome.verdict).toMatch(/immutable/);
    // The refused object's place, as a field the reports read (the error carries it).
    expect(bad.outcome.failedAt).toMatchObject({ source: 'test.yaml' });
    expect(bad.outcome.phases.map((p) => p.name)).toEqual(['Plan']);
    expect(await mutationsAfter(ctx.sandbox, mark)).toEqual([]);
    expect(await configValue(ctx.sandbox, ns)).toBe('good');
  }, 90_000);

  it('dryRun mutates nothing and its diff shows the changed value', async () => {
    const ns = 'dry';
    const good = await deployYaml(ctx.sandbox, app(ns, ctx.image, 'before-value'), { releaseName: 'web' });
    expect(good.outcome.result).toBe('success');

    const mark = await auditMark(ctx.sandbox);
    const dry = await deployYaml(ctx.sandbox, app(ns, ctx.image, 'after-value'), {
      releaseName: 'web',
      dryRun: true,
    });
    expect(dry.outcome.verdict).toBeUndefined();
    expect(dry.outcome.result).toBe('dry-run');
    expect(dry.outcome.diff).toMatch(/^-\s+value: before-value$/m);
    expect(dry.outcome.diff).toMatch(/^\+\s+value: after-value$/m);
    expect(await readFile(dry.outcome.diffPath ?? '', 'utf8')).toBe(dry.outcome.diff);
    expect(await mutationsAfter(ctx.sandbox, mark)).toEqual([]);
    expect(await configValue(ctx.sandbox, ns)).toBe('before-value');
  }, 90_000);

  it('hides Secret values, old and new, from the dry run diff, its file and the log', async () => {
    const ns = 'dry-secret';
    const secret = (value: string) => `apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: ${ns}}
stringData:
  password: ${value}
`;
    const first = await deployYaml(
      ctx.sandbox,
      webApp(ns, ctx.image, { config: 'one', after: [secret('Old-Secret-P4ss-1')] }),
      {
        releaseName: 'web',
      },
    );
    expect(first.outcome.result).toBe('success');
    const dry = await deployYaml(
      ctx.sandbox,
      webApp(ns, ctx.image, { config: 'one', after: [secret('New-Secret-P4ss-2')] }),
      {
        releaseName: 'web',
        dryRun: true,
      },
    );
    expect(dry.outcome.result).toBe('dry-run');
    expect(dry.outcome.diff).toContain('kind: Secret');
    const everything = [
      dry.outcome.diff ?? '',
      await readFile(dry.outcome.diffPath ?? '', 'utf8'),
      ...dry.log,
    ].join('\n');
    for (const value of ['Old-Secret-P4ss-1', 'New-Secret-P4ss-2']) {
      expect(everything).not.toContain(value);
      expect(everything).not.toContain(Buffer.from(value).toString('base64'));
    }
  }, 90_000);

  it('applies a CRD and its custom resources in one set: the resources wait for the CRD to be Established', async () => {
    const ns = 'crd-set';
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.test.example.com}
spec:
  group: test.example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`;
    const widget = `apiVersion: test.example.com/v1
kind: Widget
metadata: {name: blue, namespace: ${ns}}
spec: {size: 3}
`;
    const { outcome, log } = await deployYaml(
      ctx.sandbox,
      webApp(ns, ctx.image, { config: 'one', before: [crd], after: [widget] }),
      { releaseName: 'web' },
    );
    expect(outcome.verdict).toBeUndefined();
    expect(outcome.result).toBe('success');
    expect(log.join('\n')).toMatch(/dry-run right after the definitions are applied/);
    expect(
      await kubectlRun(ctx.sandbox, ['get', 'widget/blue', '-n', ns, '-o', 'jsonpath={.spec.size}']),
    ).toBe('3');
  }, 90_000);

  it('an apply the cluster refuses after the first write is rolled back like a failed verify', async () => {
    const ns = 'apply-fault';
    const good = await deployYaml(ctx.sandbox, app(ns, ctx.image, 'good'), { releaseName: 'web' });
    expect(good.outcome.result).toBe('success');
    // The Deployment's next write is refused once (403: not a transient error, so not retried),
    // armed while the configuration stage is applied: after the plan's dry run, before the
    // workloads' apply (the rollback's write then passes). Transient 500s are retried: see
    // __tests__/hardening/cluster-faults.test.ts.
    let armed: Promise<void> | undefined;
    try {
      const bad = await deployYaml(
        ctx.sandbox,
        app(ns, ctx.image, 'bad'),
        { releaseName: 'web' },
        {
          onLine: (line) => {
            if (line === '== Apply configuration' && !armed) {
              armed = addFault(ctx.sandbox, {
                path: `/namespaces/${ns}/deployments/web$`,
                methods: ['PATCH'],
                status: 403,
                count: 1,
              });
            }
          },
        },
      );
      await armed;
      expect(bad.outcome.result).toBe('rolled-back');
      expect(bad.outcome.verdict).toMatch(/Applying workload and other failed/);
      expect(await configValue(ctx.sandbox, ns)).toBe('good');
    } finally {
      await armed?.catch(() => undefined);
      await clearFaults(ctx.sandbox);
    }
  }, 90_000);
});
