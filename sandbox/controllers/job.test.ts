import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/contract.js';
import { isJobFinished, jobVerdict } from './job.js';
import type { Json } from './objects.js';
import { container, podsOwnedBy, type Sandbox, startSandbox } from './test-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = startSandbox();
});
afterEach(() => sandbox.stop());

function job(name: string, spec: Json, env: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: {
      ...spec,
      template: {
        spec: { restartPolicy: spec.restartPolicy ?? 'Never', containers: [container('task', { env })] },
      },
    },
  };
}

const conditionOf = (name: string, type: string) =>
  sandbox.get('Job', name)?.status?.conditions?.find((c: Json) => c.type === type && c.status === 'True');

describe('Job controller', () => {
  it('runs pods until completions succeed, then reports Complete with the counters and times', async () => {
    sandbox.apply(
      job(
        'migrate',
        { completions: 2, parallelism: 1 },
        { SANDBOX_LOG: 'Migrated: 2024_01_01_create_users' },
      ),
    );
    const complete = await sandbox.until('complete', () => conditionOf('migrate', 'Complete'));
    expect(complete.reason).toBe('CompletionsReached');
    const j = sandbox.get('Job', 'migrate');
    expect(j.status).toMatchObject({ succeeded: 2, failed: 0 });
    expect(j.status.active).toBeUndefined();
    expect(Date.parse(j.status.completionTime)).toBeGreaterThanOrEqual(Date.parse(j.status.startTime));
    const pods = podsOwnedBy(sandbox, j);
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.status.phase).toBe('Succeeded');
      expect(pod.metadata.labels).toMatchObject({
        'job-name': 'migrate',
        'batch.kubernetes.io/job-name': 'migrate',
        'controller-uid': j.metadata.uid,
        'batch.kubernetes.io/controller-uid': j.metadata.uid,
      });
      expect(sandbox.controllers.podLogs.lines('default', pod.metadata.name, 'task', false)).toEqual([
        'Migrated: 2024_01_01_create_users',
      ]);
    }
    expect(sandbox.events('migrate').map((e) => e.reason)).toEqual(
      expect.arrayContaining(['SuccessfulCreate', 'Completed']),
    );
  });

  it('fails with BackoffLimitExceeded once more pods failed than backoffLimit allows', async () => {
    sandbox.apply(job('broken', { backoffLimit: 1 }, { SANDBOX_EXIT_CODE: '1' }));
    const failed = await sandbox.until('failed', () => conditionOf('broken', 'Failed'));
    expect(failed).toMatchObject({
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
    const j = sandbox.get('Job', 'broken');
    expect(j.status.failed).toBe(2);
    expect(conditionOf('broken', 'Complete')).toBeUndefined();
    expect(
      sandbox.events('broken').some((e) => e.reason === 'BackoffLimitExceeded' && e.type === 'Warning'),
    ).toBe(true);
  });

  it('counts container restarts against backoffLimit for restartPolicy OnFailure', async () => {
    sandbox.apply(job('flaky', { backoffLimit: 2, restartPolicy: 'OnFailure' }, { SANDBOX_CRASH: '1' }));
    const failed = await sandbox.until('failed', () => conditionOf('flaky', 'Failed'));
    expect(failed.reason).toBe('BackoffLimitExceeded');
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds and stops its pods', async () => {
    sandbox.apply(job('slow', { activeDeadlineSeconds: 1 }, { SANDBOX_RUN_SECONDS: '100000' }));
    const failed = await sandbox.until('deadline', () => conditionOf('slow', 'Failed'));
    expect(failed).toMatchObject({
      reason: 'DeadlineExceeded',
      message: 'Job was active longer than specified deadline',
    });
    await sandbox.until('pods gone', () => podsOwnedBy(sandbox, sandbox.get('Job', 'slow')).length === 0);
  });

  it('deletes a finished Job after ttlSecondsAfterFinished', async () => {
    sandbox.apply(job('short', { ttlSecondsAfterFinished: 1 }));
    await sandbox.until('complete', () => conditionOf('short', 'Complete'));
    await sandbox.until('deleted', () => sandbox.get('Job', 'short') === undefined);
  });

  it('decides from counters alone (pure verdicts)', () => {
    const spec = (s: Json) => ({ spec: { ...s, template: { spec: { restartPolicy: 'Never' } } } });
    expect(jobVerdict(spec({}), { succeeded: 1, failed: 0, restarts: 0 }, 0)).toEqual({ done: 'Complete' });
    expect(
      jobVerdict(spec({ completions: 3, parallelism: 2 }), { succeeded: 2, failed: 0, restarts: 0 }, 0),
    ).toEqual({
      done: false,
      want: 1,
    });
    expect(jobVerdict(spec({ backoffLimit: 0 }), { succeeded: 0, failed: 1, restarts: 0 }, 0)).toMatchObject({
      done: 'Failed',
      reason: 'BackoffLimitExceeded',
    });
    expect(jobVerdict(spec({ suspend: true }), { succeeded: 0, failed: 0, restarts: 0 }, 0)).toEqual({
      done: false,
      want: 0,
    });
  });
});

describe('CronJob controller', () => {
  function cronJob(name: string, spec: Json): KubeObject {
    return {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name, namespace: 'default' },
      spec: {
        schedule: '* * * * *',
        ...spec,
        jobTemplate: {
          metadata: { labels: { app: 'cleaner' } },
          spec: { template: { spec: { restartPolicy: 'Never', containers: [container('clean')] } } },
        },
      },
    };
  }
  const jobsOf = (name: string) =>
    sandbox.list('Job', 'default').filter((j) => j.metadata.ownerReferences?.[0]?.name === name);

  it('creates owned Jobs on schedule (a minute is 0.6 s at timeScale 0.01) and records them', async () => {
    sandbox.apply(cronJob('cleaner', {}));
    const [first] = await sandbox.until('a job', () =>
      jobsOf('cleaner').length > 0 ? jobsOf('cleaner') : undefined,
    );
    expect(first.metadata.name).toMatch(/^cleaner-\d+$/);
    expect(first.metadata.labels.app).toBe('cleaner');
    expect(first.metadata.ownerReferences[0]).toMatchObject({ kind: 'CronJob', controller: true });
    await sandbox.until('job complete', () =>
      sandbox.get('Job', first.metadata.name)?.status?.conditions?.some((c: Json) => c.type === 'Complete'),
    );
    const cj = await sandbox.until('last success recorded', () => {
      const current = sandbox.get('CronJob', 'cleaner');
      return current.status?.lastSuccessfulTime ? current : undefined;
    });
    expect(cj.status.lastScheduleTime).toBeDefined();
    expect(sandbox.events('cleaner').map((e) => e.message)).toContain(`Created job ${first.metadata.name}`);
  });

  it('keeps exactly successfulJobsHistoryLimit finished Jobs, deleting the older ones', async () => {
    sandbox.apply(cronJob('pruned', { successfulJobsHistoryLimit: 1 }));
    await sandbox.until('pruned once', () =>
      sandbox.events('pruned').some((e) => e.reason === 'SuccessfulDelete'),
    );
    // Suspended, it starts no more Jobs; once its status lists none active, the controller has
    // seen every Job finished and pruned in that same pass, so the history has settled.
    sandbox.apply(cronJob('pruned', { successfulJobsHistoryLimit: 1, suspend: true }));
    const kept = await sandbox.until('no job active', () => {
      const current = sandbox.get('CronJob', 'pruned');
      return current.spec.suspend && !current.status?.active ? jobsOf('pruned') : undefined;
    });
    expect(kept.map(isJobFinished)).toEqual(['Complete']);
    const deleted = sandbox
      .events('pruned')
      .filter((e) => e.reason === 'SuccessfulDelete')
      .map((e) => e.message);
    expect(deleted).not.toContain(`Deleted job ${kept[0]?.metadata.name}`);
  });

  it('skips a run while the last one is active under concurrencyPolicy Forbid', async () => {
    const forbid = cronJob('single', { concurrencyPolicy: 'Forbid' });
    forbid.spec = { ...(forbid.spec as Json) };
    (forbid.spec as Json).jobTemplate.spec.template.spec.containers = [
      container('clean', { env: { SANDBOX_RUN_SECONDS: '100000' } }),
    ];
    sandbox.apply(forbid);
    const skipped = await sandbox.until('skipped', () =>
      sandbox.events('single').find((e) => e.reason === 'JobAlreadyActive'),
    );
    expect(skipped.message).toContain('concurrency policy is Forbid');
    expect(jobsOf('single')).toHaveLength(1);
  });

  it('does not schedule while suspended', async () => {
    sandbox.apply(cronJob('off', { suspend: true }));
    sandbox.apply(cronJob('on', {}));
    await sandbox.until('other cronjob ran twice', () => jobsOf('on').length >= 2);
    expect(jobsOf('off')).toHaveLength(0);
  });
});
