import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  addFault,
  auditMark,
  clearFaults,
  deployYaml,
  pushImage,
  useSandbox,
  webApp,
} from '../deploy/support.js';
import {
  clusterState,
  expectBoundedRetries,
  podsRun,
  retryLines,
  withFaults,
} from './cluster-faults-support.js';

/*
 * Issue 11, cluster side: the engine with the real kubectl against an API server that fails
 * (500, 429 with Retry-After), closes watches, or stops answering. Every run must end in one of
 * two states, read back from the cluster: the new release verified, or the previous one restored
 * and verified; every retry is bounded and named in the log.
 */

const ctx = useSandbox('faults/app', { crashing: true });
let v2 = '';

beforeAll(async () => {
  v2 = await pushImage(ctx.sandbox, 'faults/app', 'v2');
}, 60_000);

const VERIFY_STARTED = /Waiting for \d+ workload\(s\) at once/;

/**
 * The crashing image gets a readiness probe, so its pods never count as available before their
 * first crash (without one a pod is ready the moment it starts, and a rollout can finish in the
 * second before the crash, as with kubectl rollout status).
 */
function app(namespace: string, image: string, config: string): string {
  return webApp(namespace, image, { config, env: { UNUSED: 'x' }, readinessProbe: image === ctx.crashing });
}

/** Release v2 whose pods take 3 s to become ready: the rollout meets the faults set when verify starts. */
function slowApp(namespace: string): string {
  return webApp(namespace, v2, { config: 'two', env: { UNUSED: 'x', SANDBOX_READY_AFTER_SECONDS: '60' } });
}

/** Release v1 (image v1, config `one`), deployed with no fault in place. */
async function firstRelease(namespace: string): Promise<void> {
  const { outcome } = await deployYaml(ctx.sandbox, app(namespace, ctx.image, 'one'), { releaseName: 'web' });
  expect(outcome.result).toBe('success');
}

async function expectVerifiedNew(namespace: string, log: string, image = v2): Promise<void> {
  expect(await clusterState(ctx.sandbox, namespace, 'web')).toEqual({
    image,
    config: 'two',
    records: ['v2 success', 'v1 success'],
  });
  expect(await podsRun(ctx.sandbox, namespace)).toEqual([image]);
  expect(log).toMatch(/Deployment \S+\/web: rolled out/);
  expect(log).toMatch(/Recorded release web v2 \(success\)/);
}

async function expectRestored(namespace: string, log: string): Promise<void> {
  expect(await clusterState(ctx.sandbox, namespace, 'web')).toEqual({
    image: ctx.image,
    config: 'one',
    records: ['v2 rolled-back', 'v1 success'],
  });
  expect(log).toMatch(/Rollback to release v1 verified\./);
  expect(log).toMatch(/Recorded release web v2 \(rolled-back\)/);
}

/** Namespaced collection paths the engine lists and watches, for fault rules. */
function watched(namespace: string, kinds = 'pods|replicasets|deployments|events'): string {
  return `^/(api|apis/apps)/v1/namespaces/${namespace}/(${kinds})$`;
}

describe('API errors during apply', () => {
  it('500s on the apply PATCHes of a ConfigMap and a Deployment: retried, logged, and the new release verified', async () => {
    const ns = 'apply-500';
    await firstRelease(ns);
    const { outcome, log } = await withFaults(
      ctx.sandbox,
      [
        {
          path: `^/api/v1/namespaces/${ns}/configmaps/settings$`,
          methods: ['PATCH'],
          dryRun: false,
          status: 500,
          count: 1,
        },
        {
          path: `^/apis/apps/v1/namespaces/${ns}/deployments/web$`,
          methods: ['PATCH'],
          dryRun: false,
          status: 500,
          count: 2,
        },
      ],
      () => deployYaml(ctx.sandbox, app(ns, v2, 'two'), { releaseName: 'web' }),
    );
    const text = log.join('\n');
    expect(outcome.result).toBe('success');
    await expectVerifiedNew(ns, text);
    const retries = retryLines(text).filter((line) => line.includes('kubectl apply'));
    expect(retries).toHaveLength(3);
    expect(retries[0]).toMatch(/transient API error \(.*InternalError.*\); retry 1 of 3/);
    expectBoundedRetries(retries);
  }, 90_000);

  it('500s on every apply PATCH of the Deployment: bounded retries, then the previous release restored and verified', async () => {
    const ns = 'apply-500-always';
    await firstRelease(ns);
    const { outcome, log } = await withFaults(
      ctx.sandbox,
      [
        {
          path: `^/apis/apps/v1/namespaces/${ns}/deployments/web$`,
          methods: ['PATCH'],
          dryRun: false,
          status: 500,
          count: 4,
        },
      ],
      () => deployYaml(ctx.sandbox, app(ns, v2, 'two'), { releaseName: 'web' }),
    );
    const text = log.join('\n');
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.verdict).toMatch(/Applying workload and other failed: .*InternalError/);
    await expectRestored(ns, text);
    const retries = retryLines(text).filter((line) => line.includes('kubectl apply'));
    expect(retries.map((line) => /retry (\d+ of \d+)/.exec(line)?.[1])).toEqual([
      '1 of 3',
      '2 of 3',
      '3 of 3',
    ]);
  }, 90_000);

  it('429s with Retry-After on apply and its dry run: kubectl waits as told, our retry takes over past its own ten, the new release verified', async () => {
    const ns = 'apply-429';
    await firstRelease(ns);
    const mark = await auditMark(ctx.sandbox);
    const { outcome, log } = await withFaults(
      ctx.sandbox,
      [
        // the plan's dry run: two 429s, which kubectl itself rides out (client-go honours Retry-After)
        {
          path: `^/apis/apps/v1/namespaces/${ns}/deployments/web$`,
          methods: ['PATCH'],
          dryRun: true,
          status: 429,
          retryAfterSeconds: 1,
          count: 2,
        },
        // the apply: more 429s than kubectl retries (10), so the stage itself is retried
        {
          path: `^/apis/apps/v1/namespaces/${ns}/deployments/web$`,
          methods: ['PATCH'],
          dryRun: false,
          status: 429,
          retryAfterSeconds: 0,
          count: 12,
        },
      ],
      () => deployYaml(ctx.sandbox, app(ns, v2, 'two'), { releaseName: 'web' }),
    );
    const text = log.join('\n');
    expect(outcome.result).toBe('success');
    await expectVerifiedNew(ns, text);
    const retries = retryLines(text).filter((line) => line.includes('kubectl apply'));
    expect(retries).toEqual([expect.stringMatching(/TooManyRequests.*retry 1 of 3/)]);
    expect(mark).toBeGreaterThan(0);
  }, 90_000);
});

describe('API errors and closed watches mid-verify', () => {
  it('500s on half the lists and watches while every watch is closed after two events: logged, ridden out, the new release verified', async () => {
    const ns = 'verify-500';
    await firstRelease(ns);
    let faulted: Promise<void> | undefined;
    try {
      const { outcome, log } = await deployYaml(
        ctx.sandbox,
        slowApp(ns),
        { releaseName: 'web' },
        {
          onLine: (line) => {
            if (VERIFY_STARTED.test(line) && !faulted) {
              faulted = (async () => {
                await addFault(ctx.sandbox, { path: watched(ns), closeWatchAfterEvents: 2 });
                await addFault(ctx.sandbox, { path: watched(ns), methods: ['GET'], status: 500, share: 0.5 });
              })();
            }
          },
        },
      );
      await faulted;
      await clearFaults(ctx.sandbox); // before reading the cluster back
      const text = log.join('\n');
      expect(outcome.result).toBe('success');
      expect(text).toMatch(/The API server closed the watch of \w+ in verify-500/);
      expect(text).toMatch(/failed \(500.*injected fault.*\); retry \d/);
      await expectVerifiedNew(ns, text);
    } finally {
      await faulted?.catch(() => undefined);
      await clearFaults(ctx.sandbox);
    }
  }, 90_000);

  it('429s with Retry-After on the lists and watches mid-verify: ridden out, the new release verified', async () => {
    const ns = 'verify-429';
    await firstRelease(ns);
    let faulted: Promise<void> | undefined;
    try {
      const { outcome, log } = await deployYaml(
        ctx.sandbox,
        slowApp(ns),
        { releaseName: 'web' },
        {
          onLine: (line) => {
            if (VERIFY_STARTED.test(line) && !faulted) {
              faulted = (async () => {
                await addFault(ctx.sandbox, { path: watched(ns), closeWatchAfterEvents: 2 });
                await addFault(ctx.sandbox, {
                  path: watched(ns),
                  methods: ['GET'],
                  status: 429,
                  retryAfterSeconds: 1,
                  share: 0.5,
                });
              })();
            }
          },
        },
      );
      await faulted;
      await clearFaults(ctx.sandbox); // before reading the cluster back
      const text = log.join('\n');
      expect(outcome.result).toBe('success');
      expect(text).toMatch(/failed \(429.*\); retry \d/);
      await expectVerifiedNew(ns, text);
    } finally {
      await faulted?.catch(() => undefined);
      await clearFaults(ctx.sandbox);
    }
  }, 90_000);

  it('every watch closed by the server after one event: a crash loop is still followed to its verdict and rolled back', async () => {
    const ns = 'watch-closed';
    await firstRelease(ns);
    const { outcome, log } = await withFaults(
      ctx.sandbox,
      [{ path: watched(ns), closeWatchAfterEvents: 1 }],
      () => deployYaml(ctx.sandbox, app(ns, ctx.crashing, 'two'), { releaseName: 'web' }),
    );
    const text = log.join('\n');
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.verdict).toMatch(/container web is crash-looping/);
    expect(text).toMatch(
      /The API server closed the watch of \w+ in watch-closed; resuming from resourceVersion \d+/,
    );
    await expectRestored(ns, text);
  }, 90_000);
});

describe('the API server unreachable for 10 s mid-verify', () => {
  async function deployThroughOutage(namespace: string, image: string) {
    let refused: Promise<void> | undefined;
    const started = Date.now();
    const result = await deployYaml(
      ctx.sandbox,
      app(namespace, image, 'two'),
      { releaseName: 'web' },
      {
        onLine: (line) => {
          if (process.env.FAULTS_DEBUG) console.log(Date.now() - started, line);
          if (VERIFY_STARTED.test(line) && !refused) {
            refused = addFault(ctx.sandbox, { refuseConnectionsSeconds: 10 }).then(() => {
              if (process.env.FAULTS_DEBUG) console.log(Date.now() - started, 'refusing');
            });
          }
        },
      },
    );
    await refused;
    return { ...result, text: result.log.join('\n'), seconds: (Date.now() - started) / 1000 };
  }

  it('a good release: the outage is ridden out, with the retries in the log, and the new release verified', async () => {
    const ns = 'outage-good';
    await firstRelease(ns);
    const { outcome, text, seconds } = await deployThroughOutage(ns, v2);
    expect(outcome.result).toBe('success');
    expect(seconds).toBeGreaterThanOrEqual(10);
    expect(retryLines(text).length).toBeGreaterThan(0);
    expectBoundedRetries(retryLines(text));
    await expectVerifiedNew(ns, text);
  }, 90_000);

  it('a crashing release: after the outage the crash loop is caught and the previous release restored', async () => {
    const ns = 'outage-bad';
    await firstRelease(ns);
    const { outcome, text } = await deployThroughOutage(ns, ctx.crashing);
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.verdict).toMatch(/container web is crash-looping/);
    expect(retryLines(text).length).toBeGreaterThan(0);
    await expectRestored(ns, text);
  }, 90_000);
});
