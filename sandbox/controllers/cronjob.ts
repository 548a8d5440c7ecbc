import { CronExpressionParser } from 'cron-parser';
import type { KubeObject } from '../kube/contract.js';
import { isJobFinished } from './job.js';
import { isoNow, type Json, ownerReference, sameJson } from './objects.js';
import type { Runtime } from './runtime.js';

const component = 'cronjob-controller';

interface Schedule {
  /** Real and simulated time when tracking began; simulated time runs 1/timeScale as fast. */
  anchorReal: number;
  anchorSimulated: number;
  /** The last schedule time acted on (simulated ms). */
  last: number;
  seenFinished: Set<string>;
}

/** The next time at or after `after` that matches the schedule. */
export function nextScheduleTime(schedule: string, after: number, timeZone?: string): number {
  const expression = CronExpressionParser.parse(schedule, {
    currentDate: new Date(after),
    ...(timeZone ? { tz: timeZone } : {}),
  });
  return expression.next().getTime();
}

/**
 * The CronJob controller. Schedules run on a compressed clock: with timeScale 0.05 an hourly
 * CronJob fires every 3 minutes, so tests see Jobs created on schedule in seconds.
 */
export function startCronJobController(runtime: Runtime): void {
  const schedules = new Map<string, Schedule>();
  runtime.register('CronJob', (namespace, name) => {
    const cronJob = runtime.get(runtime.kinds.CronJob, namespace, name) as Json;
    if (!cronJob || cronJob.metadata.deletionTimestamp) return;
    syncCronJob(runtime, cronJob, schedules);
  });
}

function syncCronJob(runtime: Runtime, cronJob: Json, schedules: Map<string, Schedule>): void {
  const now = runtime.now();
  let state = schedules.get(cronJob.metadata.uid);
  if (!state) {
    state = { anchorReal: now, anchorSimulated: now, last: now, seenFinished: new Set() };
    schedules.set(cronJob.metadata.uid, state);
  }
  const simulatedNow = state.anchorSimulated + (now - state.anchorReal) / runtime.timeScale;
  const jobs = () => runtime.ownedBy(cronJob, 'Job') as Json[];
  const status: Json = { ...(cronJob.status ?? {}) };
  let next: number;
  try {
    next = nextScheduleTime(cronJob.spec.schedule, state.last, cronJob.spec.timeZone);
  } catch (error) {
    const message = `unparseable schedule "${cronJob.spec?.schedule}": ${(error as Error).message}`;
    runtime.record(cronJob, { reason: 'UnparseableSchedule', message, type: 'Warning', component });
    return;
  }
  if (next <= simulatedNow && !cronJob.spec?.suspend) {
    let due = next;
    for (
      let after = nextScheduleTime(cronJob.spec.schedule, due, cronJob.spec.timeZone);
      after <= simulatedNow;
    ) {
      due = after;
      after = nextScheduleTime(cronJob.spec.schedule, due, cronJob.spec.timeZone);
    }
    state.last = due;
    if (fire(runtime, cronJob, jobs(), due)) status.lastScheduleTime = isoNow(now);
    next = nextScheduleTime(cronJob.spec.schedule, due, cronJob.spec.timeZone);
  }
  runtime.enqueueAfter(
    'CronJob',
    cronJob.metadata.namespace,
    cronJob.metadata.name,
    ((next - simulatedNow) * runtime.timeScale) / 1000 + 0.01,
  );

  const owned = jobs();
  for (const job of owned) {
    const finished = isJobFinished(job);
    if (finished && !state.seenFinished.has(job.metadata.uid)) {
      state.seenFinished.add(job.metadata.uid);
      runtime.record(cronJob, {
        reason: 'SawCompletedJob',
        message: `Saw completed job: ${job.metadata.name}, condition: ${finished}`,
        component,
      });
    }
  }
  pruneHistory(runtime, cronJob, owned);
  const active = owned.filter((job) => !isJobFinished(job));
  const successful = owned.filter((job) => isJobFinished(job) === 'Complete' && job.status?.completionTime);
  const lastSuccess = successful
    .map((job) => job.status.completionTime as string)
    .sort()
    .at(-1);
  if (active.length > 0) {
    status.active = active.map((job) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: job.metadata.name,
      namespace: job.metadata.namespace,
      uid: job.metadata.uid,
      resourceVersion: job.metadata.resourceVersion,
    }));
  } else delete status.active;
  if (lastSuccess) status.lastSuccessfulTime = lastSuccess;
  const fresh = runtime.get(runtime.kinds.CronJob, cronJob.metadata.namespace, cronJob.metadata.name) as Json;
  if (fresh && !sameJson(status, fresh.status)) runtime.store.update({ ...fresh, status });
}

/** Starts the Job for one schedule time, as the concurrency policy allows. Returns whether it did. */
function fire(runtime: Runtime, cronJob: Json, owned: Json[], scheduled: number): boolean {
  const active = owned.filter((job) => !isJobFinished(job));
  const policy = cronJob.spec?.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && active.length > 0) {
    const message = 'Not starting job because prior execution is running and concurrency policy is Forbid';
    runtime.record(cronJob, { reason: 'JobAlreadyActive', message, component });
    return false;
  }
  if (policy === 'Replace') {
    for (const job of active) {
      runtime.store.delete(runtime.kinds.Job, job.metadata.namespace, job.metadata.name, 'Background');
      runtime.record(cronJob, {
        reason: 'SuccessfulDelete',
        message: `Deleted job ${job.metadata.name}`,
        component,
      });
    }
  }
  const name = `${cronJob.metadata.name}-${Math.floor(scheduled / 60000)}`;
  if (runtime.get(runtime.kinds.Job, cronJob.metadata.namespace, name)) return false;
  const template = cronJob.spec?.jobTemplate ?? {};
  const job = runtime.store.create({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: cronJob.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      annotations: {
        ...(template.metadata?.annotations ?? {}),
        'batch.kubernetes.io/cronjob-scheduled-timestamp': new Date(scheduled)
          .toISOString()
          .replace('.000Z', 'Z'),
      },
      ownerReferences: [ownerReference(cronJob as KubeObject)],
    },
    spec: structuredClone(template.spec ?? {}),
  });
  runtime.record(cronJob, {
    reason: 'SuccessfulCreate',
    message: `Created job ${job.metadata.name}`,
    component,
  });
  return true;
}

/** successfulJobsHistoryLimit (3) and failedJobsHistoryLimit (1): the oldest finished Jobs go. */
function pruneHistory(runtime: Runtime, cronJob: Json, owned: Json[]): void {
  const limits: [string, number][] = [
    ['Complete', Number(cronJob.spec?.successfulJobsHistoryLimit ?? 3)],
    ['Failed', Number(cronJob.spec?.failedJobsHistoryLimit ?? 1)],
  ];
  for (const [outcome, limit] of limits) {
    const finished = owned
      .filter((job) => isJobFinished(job) === outcome)
      .sort((a, b) => scheduledKey(a).localeCompare(scheduledKey(b)));
    for (const job of finished.slice(0, Math.max(0, finished.length - limit))) {
      runtime.store.delete(runtime.kinds.Job, job.metadata.namespace, job.metadata.name, 'Background');
      runtime.record(cronJob, {
        reason: 'SuccessfulDelete',
        message: `Deleted job ${job.metadata.name}`,
        component,
      });
    }
  }
}

function scheduledKey(job: Json): string {
  const scheduled = job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'] ?? '';
  return `${job.metadata.creationTimestamp}|${scheduled}|${job.metadata.name}`;
}
