import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ActionRun } from '../../sandbox/runner.js';
import type { RunningSandbox } from '../../sandbox/testing.js';
import {
  admin,
  deployRun,
  type FaultRun,
  liveImage,
  processesOf,
  recordVersions,
  shown,
  startFaultSandbox,
} from './service-faults-support.js';

// Faults of the services around the cluster (registry, ECR/EKS, GitHub) and cancellations before
// anything is applied, each against the real action bundle (dist/) in the sandbox. Every run must
// end in one of two states, read back from the cluster: the new release verified, or nothing
// changed (the previous release still live) — and its log must say which.

let sandbox: RunningSandbox;
let v1: FaultRun;
const NS = 'svc-faults';

beforeAll(async () => {
  sandbox = await startFaultSandbox();
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

/** The run failed before the cluster changed: no mutating request, the last good release still live. */
async function expectNothingChanged(
  run: FaultRun,
  previous: { image: string; versions: number[] },
  cancelled = false,
) {
  expect(run.exitCode).toBe(1);
  expect(run.outputs.result).toBe('failed');
  expect(run.mutations).toEqual([]);
  expect(await liveImage(sandbox, NS)).toBe(previous.image);
  expect(await recordVersions(sandbox, NS)).toEqual(previous.versions);
  const errors = run.log.split('\n').filter((line) => line.startsWith('::error'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/Nothing was changed in the cluster\.$/);
  expect(run.summary).toMatch(cancelled ? /^## ⏹ .* was cancelled\b.*: nothing changed$/m : /^## ❌/);
  // Nothing left running: every process the run started carries its marker in its environment.
  expect(await processesOf(run.marker)).toEqual([]);
}

describe('registry and ECR faults while building', () => {
  it('rides out registry 500/503 on the push and ECR/EKS throttling, each retry logged, and verifies release v1', async () => {
    await admin(sandbox, 'POST', '/registry/faults', {
      method: 'PUT',
      path: '/blobs/uploads/',
      status: 500,
      times: 1,
    });
    await admin(sandbox, 'POST', '/registry/faults', {
      method: 'PUT',
      path: '/manifests/',
      status: 503,
      times: 1,
    });
    for (const operation of ['GetAuthorizationToken', 'DescribeImages', 'CreateRepository']) {
      await admin(sandbox, 'POST', '/faults', {
        service: 'ecr',
        operation,
        code: 'ThrottlingException',
        times: 2,
      });
    }
    await admin(sandbox, 'POST', '/faults', {
      service: 'eks',
      operation: 'DescribeCluster',
      code: 'ThrottlingException',
      status: 429,
      times: 1,
    });
    v1 = await deployRun(sandbox, NS, { commit: 1 });
    expect(v1.exitCode).toBe(0);
    expect(v1.outputs).toMatchObject({ result: 'success', release: '1', built: '["svc-app"]' });
    // The cluster: the new image is live and recorded as release v1.
    const image = JSON.parse(v1.outputs.images ?? '{}')['svc-app'];
    expect(await liveImage(sandbox, NS)).toBe(image);
    expect(await recordVersions(sandbox, NS)).toEqual([1]);
    expect(v1.log).toContain('Deployment svc-faults/web: rolled out');
    expect(v1.summary).toMatch(/^## ✅ Deployed/);
    // Every retry is in the log, with its bound.
    const retries = v1.log.split('\n').filter((line) => /looks temporary|the AWS SDK retries it/.test(line));
    expect(retries).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /attempt 1 of 3\) \(exit \d+\): .*500 Internal Server Error\. The registry's error looks temporary: retrying in 2 s\./,
        ),
        expect.stringMatching(
          /attempt 2 of 3\) \(exit \d+\): .*503 Service Unavailable\. .*retrying in 5 s\./,
        ),
        'ECR GetAuthorizationToken answered ThrottlingException (attempt 1 of 6); the AWS SDK retries it after a back-off.',
        'ECR GetAuthorizationToken answered ThrottlingException (attempt 2 of 6); the AWS SDK retries it after a back-off.',
        expect.stringMatching(/^ECR DescribeImages answered ThrottlingException \(attempt 2 of 6\)/),
        expect.stringMatching(/^ECR CreateRepository answered ThrottlingException \(attempt 2 of 6\)/),
        expect.stringMatching(/^EKS DescribeCluster answered ThrottlingException \(attempt 1 of 6\)/),
      ]),
    );
    const injected = (await admin(sandbox, 'GET', '/registry/faults')) as { injected: unknown[] };
    expect(injected.injected).toHaveLength(2);
  }, 180_000);

  it('a registry that keeps failing the push: 3 attempts, then one sentence; release v1 stays live', async () => {
    await admin(sandbox, 'POST', '/registry/faults', { method: 'PUT', path: '/blobs/uploads/', status: 500 });
    try {
      const run = await deployRun(sandbox, NS, { commit: 2 });
      await expectNothingChanged(run, {
        image: JSON.parse(v1.outputs.images ?? '{}')['svc-app'],
        versions: [1],
      });
      expect(run.log).toMatch(
        /::error::docker failed to push \S+\/svc-app:\S+ after 3 attempts \(exit \d+\): .*500 Internal Server Error\. Nothing was changed in the cluster\./,
      );
      expect(run.log.match(/The registry's error looks temporary/g)).toHaveLength(2);
    } finally {
      await admin(sandbox, 'DELETE', '/registry/faults');
    }
  }, 120_000);

  it('ECR throttling that outlasts the SDK retries: one sentence naming the attempts; release v1 stays live', async () => {
    await admin(sandbox, 'POST', '/faults', {
      service: 'ecr',
      operation: 'DescribeImages',
      code: 'ThrottlingException',
    });
    try {
      const run = await deployRun(sandbox, NS, { commit: 3 });
      await expectNothingChanged(run, {
        image: JSON.parse(v1.outputs.images ?? '{}')['svc-app'],
        versions: [1],
      });
      expect(run.log).toMatch(
        /^::error::AWS kept throttling ecr:DescribeImages in us-east-1 after 6 attempts \(ThrottlingException\)\. Try again later or lower the number of parallel jobs calling it\. Nothing was changed in the cluster\.$/m,
      );
      expect(
        run.log.match(/ECR DescribeImages answered ThrottlingException \(attempt \d of 6\)/g),
      ).toHaveLength(5);
    } finally {
      await admin(sandbox, 'DELETE', '/faults');
    }
  }, 120_000);
});

describe('ECR throttling on the immutable-tag check', () => {
  it('build: always on an IMMUTABLE tag: BatchGetImage and DescribeRepositories throttled, retries logged, the check still refuses before pushing', async () => {
    for (const operation of ['DescribeRepositories', 'BatchGetImage']) {
      await admin(sandbox, 'POST', '/faults', {
        service: 'ecr',
        operation,
        code: 'ThrottlingException',
        times: 2,
      });
    }
    try {
      // v1's tag again, rebuilt from other content: ECR's answer is needed to refuse the push.
      const run = await deployRun(sandbox, NS, { reuseTagOf: v1, build: 'always' });
      await expectNothingChanged(run, {
        image: JSON.parse(v1.outputs.images ?? '{}')['svc-app'],
        versions: [1],
      });
      expect(run.log).toMatch(
        /^::error::Tag '\S+' of the ECR repository 'svc-app' .* already holds sha256:\S+ .*IMMUTABLE.*Nothing was changed in the cluster\.$/m,
      );
      for (const operation of ['DescribeRepositories', 'BatchGetImage']) {
        expect(run.log).toContain(
          `ECR ${operation} answered ThrottlingException (attempt 2 of 6); the AWS SDK retries it after a back-off.`,
        );
      }
      expect(run.log).not.toMatch(/^Copying blob/m); // nothing pushed
    } finally {
      await admin(sandbox, 'DELETE', '/faults');
    }
  }, 120_000);
});

describe('the GitHub API failing', () => {
  let v2: FaultRun;

  it('503 on creating the deployment: one warning naming it, the deploy goes on and release v2 is verified', async () => {
    await admin(sandbox, 'POST', '/faults', { status: 503, path: '/deployments$', method: 'POST' }, 'github');
    try {
      v2 = await deployRun(sandbox, NS, { reuseTagOf: v1, config: 'two', environment: 'staging' });
    } finally {
      await admin(sandbox, 'DELETE', '/faults', undefined, 'github');
    }
    expect(v2.exitCode).toBe(0);
    expect(v2.outputs).toMatchObject({ result: 'success', release: '2' });
    expect(await recordVersions(sandbox, NS)).toEqual([1, 2]);
    const warnings = shown(v2)
      .split('\n')
      .filter((line) => line.startsWith('::warning'));
    expect(warnings).toEqual([
      expect.stringMatching(
        /Could not create a deployment for environment staging: the GitHub API failed \(503: .*\)\. The deploy goes on/,
      ),
    ]);
    expect(v2.outputs['deployment-id']).toBeUndefined();
    expectNoToken(v2, sandbox.env.SANDBOX_GITHUB_TOKEN ?? '');
  }, 120_000);

  it.each([500, 502])(
    '%i on posting a status: one warning, nothing more posted, release v2 found already deployed and kept',
    async (status) => {
      await admin(sandbox, 'POST', '/faults', { status, path: '/statuses$', method: 'POST' }, 'github');
      let run: FaultRun;
      try {
        // Same release again: the deployment is created, its in_progress status fails, nothing more is posted.
        run = await deployRun(sandbox, NS, { reuseTagOf: v1, config: 'two', environment: 'staging' });
      } finally {
        await admin(sandbox, 'DELETE', '/faults', undefined, 'github');
      }
      expect(run.exitCode).toBe(0);
      expect(run.outputs).toMatchObject({ result: 'success', release: '2' });
      expect(run.log).toContain('nothing to do');
      expect(run.mutations).toEqual([]);
      const warnings = shown(run)
        .split('\n')
        .filter((line) => line.startsWith('::warning'));
      expect(warnings).toEqual([
        expect.stringMatching(
          new RegExp(
            `Could not post the in_progress status for environment staging: the GitHub API failed \\(${status}: .*\\)\\. The deploy goes on`,
          ),
        ),
      ]);
      expectNoToken(run, sandbox.env.SANDBOX_GITHUB_TOKEN ?? '');
    },
    120_000,
  );

  it.each([
    [
      '401, a token GitHub does not know',
      () => `ghs_${randomUUID().replaceAll('-', '')}`,
      /the token was refused \(401: Bad credentials/,
    ],
    [
      '403, a token without deployments: write',
      () => sandbox.env.SANDBOX_GITHUB_READONLY_TOKEN ?? '',
      /deployments: write/,
    ],
  ])(
    '%s: one warning saying what to do, the deploy goes on, the token shown nowhere',
    async (_name, token, advice) => {
      const given = token();
      const run = await deployRun(sandbox, NS, {
        reuseTagOf: v1,
        config: 'two',
        environment: 'staging',
        githubToken: given,
      });
      expect(run.exitCode).toBe(0);
      expect(run.outputs).toMatchObject({ result: 'success', release: '2' });
      const warnings = shown(run)
        .split('\n')
        .filter((line) => line.startsWith('::warning'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(advice);
      expectNoToken(run, given);
    },
    120_000,
  );
});

describe('cancelled before anything was applied (SIGINT, then SIGTERM 7.5 s later)', () => {
  it.each([
    [
      'the build',
      { commit: 4, bigContext: true },
      /^Building \S+svc-app:/m,
      /The run was cancelled: docker was stopped while trying to build \S+svc-app:/,
    ],
    [
      'connecting (EKS DescribeCluster answering slowly)',
      { reuseTagOf: 'v1' as const, slowDescribeCluster: true },
      /^::group::Cluster$/m,
      /The run was cancelled during 'Cluster': eks:DescribeCluster on cluster 'sandbox' in us-east-1 was cancelled\./,
    ],
    // 400 ConfigMaps more, so that rendering lasts long enough for the signal to arrive during it.
    [
      'rendering',
      { reuseTagOf: 'v1' as const, extraConfigMaps: 400 },
      /^::group::Render manifests$/m,
      /The run was cancelled after rendering the manifests, before anything was applied\./,
    ],
  ])(
    'during %s: stops, says it was cancelled and that nothing changed, leaves no process behind',
    async (_phase, setup, when, verdict) => {
      if ('slowDescribeCluster' in setup) {
        await admin(sandbox, 'POST', '/faults', {
          service: 'eks',
          operation: 'DescribeCluster',
          delayMs: 30_000,
          times: 1,
        });
      }
      const started = Date.now();
      try {
        const run = await deployRun(sandbox, NS, {
          ...('commit' in setup ? { commit: setup.commit } : { reuseTagOf: v1 }),
          config: 'three',
          bigContext: 'bigContext' in setup,
          extraConfigMaps: 'extraConfigMaps' in setup ? setup.extraConfigMaps : 0,
          cancelWhen: when,
        });
        await expectNothingChanged(
          run,
          { image: JSON.parse(v1.outputs.images ?? '{}')['svc-app'], versions: [1, 2] },
          true,
        );
        expect(run.log).toContain('Received SIGINT: cancelling the run.');
        expect(run.log).toMatch(/^::error::The run was cancelled\b.*Nothing was changed in the cluster\.$/m);
        expect(run.log).toMatch(verdict);
        expect(run.summary).toMatch(/cancel/i);
        // It stopped at the SIGINT: neither the SIGTERM 7.5 s later nor the slow answer was waited for.
        expect(run.log).not.toContain('Received SIGTERM');
        expect(Date.now() - started).toBeLessThan(25_000);
      } finally {
        await admin(sandbox, 'DELETE', '/faults');
      }
    },
    120_000,
  );
});

function expectNoToken(run: ActionRun, token: string): void {
  expect(token.length).toBeGreaterThan(10);
  const everything = [
    shown(run),
    run.summary,
    JSON.stringify(run.outputs),
    JSON.stringify(run.state),
    ...Object.values(run.leftBehind),
  ].join('\n');
  expect(everything).not.toContain(token);
}
