import { describe, expect, it } from '@jest/globals';
import { configValue, deployYaml, useSandbox, webApp } from './support.js';

// The crashing image (SANDBOX_CRASH=1) runs 1 s, exits 1, and without a readiness probe the
// sandbox's kubelet marks it Ready the moment it starts, as a real kubelet does: the one-replica
// Deployment is Available for that second every time, and again after the first restart (at once).
const ctx = useSandbox('settle/app', { crashing: true });

const app = (ns: string, image: string, config: string) =>
  webApp(ns, image, { config, configAnnotation: config, replicas: 1 });

describe('the settle window', () => {
  it('catches a 1-replica Deployment without a readiness probe whose container exits 1 s after start, and rolls it back', async () => {
    const ns = 'settle-crash';
    const good = await deployYaml(ctx.sandbox, app(ns, ctx.image, 'good'), { releaseName: 'web' });
    expect(good.outcome.result).toBe('success');

    const bad = await deployYaml(ctx.sandbox, app(ns, ctx.crashing, 'bad'), { releaseName: 'web' });
    expect(bad.outcome.result).toBe('rolled-back');
    expect(bad.outcome.verdict).toMatch(
      /Deployment settle-crash\/web: pod web-\S+ container web is crash-looping/,
    );
    expect(bad.log.some((line) => /web: settling: pod web-\S+ (has run|is not running)/.test(line))).toBe(
      true,
    );
    expect(bad.outcome.rollback?.verify?.ok).toBe(true);
    expect(await configValue(ctx.sandbox, ns)).toBe('good');
  }, 120_000);

  it('without it (rollout-settle 0) the same deploy is declared deployed: the defect it closes', async () => {
    const ns = 'settle-off';
    const good = await deployYaml(ctx.sandbox, app(ns, ctx.image, 'good'), {
      releaseName: 'web',
      rolloutSettleMs: 0,
    });
    expect(good.outcome.result).toBe('success');
    const bad = await deployYaml(ctx.sandbox, app(ns, ctx.crashing, 'bad'), {
      releaseName: 'web',
      rolloutSettleMs: 0,
    });
    expect(bad.outcome.result).toBe('success');
  }, 120_000);

  it('a healthy Deployment still succeeds, after its new pod has run for the settle time', async () => {
    const ns = 'settle-healthy';
    const first = await deployYaml(ctx.sandbox, app(ns, ctx.image, 'one'), { releaseName: 'web' });
    expect(first.outcome.result).toBe('success');
    const second = await deployYaml(ctx.sandbox, app(ns, ctx.image, 'two'), { releaseName: 'web' });
    expect(second.outcome.result).toBe('success');
    expect(await configValue(ctx.sandbox, ns)).toBe('two');
    const verify = second.outcome.phases.find((phase) => phase.name === 'Verify');
    // At least the settle time (startedAt has whole seconds: up to 1 s of it may already show),
    // and not much more.
    expect(verify?.durationMs).toBeGreaterThanOrEqual(4_000);
    expect(verify?.durationMs).toBeLessThan(15_000);
  }, 120_000);
});
