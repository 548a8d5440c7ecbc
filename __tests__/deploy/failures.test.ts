import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import {
  auditMark,
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
});
