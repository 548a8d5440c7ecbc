import { describe, expect, it } from '@jest/globals';
import {
  addFault,
  auditMark,
  clearFaults,
  configValue,
  deployYaml,
  mutationsAfter,
  useSandbox,
  webApp,
} from './support.js';

const ctx = useSandbox('cancel/app', { crashing: true });

/** An UNUSED env entry always, so that `env` (e.g. SANDBOX_NEVER_READY) changes only the list. */
function app(namespace: string, imageRef: string, config: string, env: Record<string, string> = {}): string {
  return webApp(namespace, imageRef, { config, env: { UNUSED: 'x', ...env } });
}

const VERIFY_STARTED = /Waiting for \d+ workload\(s\) at once/;

describe('cancellation and an unreliable API server', () => {
  it('cancelled before anything was applied: nothing is mutated', async () => {
    const ns = 'cancel-early';
    const controller = new AbortController();
    controller.abort();
    const mark = await auditMark(ctx.sandbox);
    const { outcome } = await deployYaml(
      ctx.sandbox,
      app(ns, ctx.image, 'one'),
      { releaseName: 'web' },
      {
        signal: controller.signal,
      },
    );
    expect(outcome.result).toBe('failed');
    expect(outcome.cancelled).toBe(true);
    expect(outcome.nothingChanged).toBe(true);
    expect(outcome.verdict).toMatch(/cancel/i);
    expect(await mutationsAfter(ctx.sandbox, mark)).toEqual([]);
  }, 60_000);

  it('cancelled during verify: the rollback starts at once, restores the last good release and verifies it within the seconds a cancelled run has', async () => {
    const ns = 'cancel-verify';
    const good = await deployYaml(ctx.sandbox, app(ns, ctx.image, 'good'), { releaseName: 'web' });
    expect(good.outcome.result).toBe('success');
    const controller = new AbortController();
    const { outcome, log } = await deployYaml(
      ctx.sandbox,
      app(ns, ctx.image, 'stuck', { SANDBOX_NEVER_READY: '1' }),
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
    expect(outcome.rollback?.verify?.ok).toBe(true);
    expect(outcome.rollback?.problem).toBeUndefined();
    expect(await configValue(ctx.sandbox, ns)).toBe('good');
    expect(log.join('\n')).toMatch(/Rolling back to release v1/);
  }, 90_000);

  it('pods unreadable for a while mid-verify: the outage is ridden out, the crash loop still caught and rolled back, no hang', async () => {
    const ns = 'api-fault';
    const good = await deployYaml(ctx.sandbox, app(ns, ctx.image, 'good'), { releaseName: 'web' });
    expect(good.outcome.result).toBe('success');

    let faulted: Promise<void> | undefined;
    try {
      const { outcome } = await deployYaml(
        ctx.sandbox,
        app(ns, ctx.crashing, 'bad'),
        { releaseName: 'web' },
        {
          onLine: (line) => {
            if (VERIFY_STARTED.test(line) && !faulted) {
              faulted = (async () => {
                await addFault(ctx.sandbox, { path: '/pods', status: 500, share: 1 });
                await new Promise((resolve) => setTimeout(resolve, 6000));
                await clearFaults(ctx.sandbox);
              })();
            }
          },
        },
      );
      await faulted;
      expect(outcome.result).toBe('rolled-back');
      // 6 s of 500s is well within the 30 s the watches tolerate: the verdict is the crash loop.
      expect(outcome.verdict).toMatch(/pod web-\S+ container web is crash-looping/);
      expect(await configValue(ctx.sandbox, ns)).toBe('good');
    } finally {
      await faulted?.catch(() => undefined);
      await clearFaults(ctx.sandbox);
    }
  }, 90_000);
});
