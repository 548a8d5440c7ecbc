import { seconds } from '../duration.js';
import type { Logger } from '../log.js';
import { isRecord } from '../records.js';
import { sleep } from '../sleep.js';
import { ApiError, type KubeApi, resourcePath } from './kube-api.js';
import type { Kubectl } from './kubectl.js';
import { MIGRATION_LABEL, POST_DEPLOY_LABEL } from './migration-job.js';
import {
  describeRef,
  type Json,
  labelsOf,
  metadataOf,
  namespaceOf,
  type ObjectRef,
  refOf,
  toYaml,
} from './objects.js';
import type { PlannedObject } from './plan.js';
import { conditionIs } from './rollout/objects.js';
import type { RolloutPolicy } from './rollout/status.js';
import { type VerifyResult, verifyRollout } from './verify.js';
import { ObjectCache } from './watch.js';

/** Lines of a Job's streamed log kept for a failure's details (the summary's "last log lines"). */
const LOG_TAIL_LINES = 20;

/** Finished migration Jobs kept for `kubectl logs` and post-mortems; older ones are deleted. */
export const MIGRATION_JOBS_KEPT = 3;

/** What makes migration Jobs hang or lose their logs, as warnings to act on. */
export function migrationWarnings(job: Json): string[] {
  const warnings: string[] = [];
  const spec = isRecord(job.spec) ? job.spec : {};
  const template = isRecord(spec.template) ? spec.template : {};
  const pod = isRecord(template.spec) ? template.spec : {};
  const name = String(metadataOf(job).name);
  if (pod.restartPolicy === 'OnFailure') {
    warnings.push(
      `Job ${name} has restartPolicy: OnFailure: a failing migration restarts in the same pod and its earlier logs are lost; restartPolicy: Never keeps one pod and one log per attempt.`,
    );
  }
  const containers = Array.isArray(pod.containers) ? pod.containers : [];
  const annotations =
    isRecord(template.metadata) && isRecord(template.metadata.annotations)
      ? template.metadata.annotations
      : {};
  if (containers.length > 1) {
    warnings.push(
      `Job ${name} runs ${containers.length} containers: a sidecar that never exits keeps the pod running, so the Job never completes; make it a native sidecar (an init container with restartPolicy: Always).`,
    );
  } else if (annotations['sidecar.istio.io/inject'] === 'true') {
    warnings.push(
      `Job ${name} asks for an Istio sidecar, which keeps the pod running after the migration exits; set sidecar.istio.io/inject: "false" or use native sidecars.`,
    );
  }
  if (typeof spec.ttlSecondsAfterFinished === 'number' && spec.ttlSecondsAfterFinished < 600) {
    warnings.push(
      `Job ${name} is deleted ${spec.ttlSecondsAfterFinished} s after it finishes (ttlSecondsAfterFinished), and its logs with it; keep it an hour or more for post-mortems.`,
    );
  }
  return warnings;
}

export interface MigrationResult {
  job: ObjectRef;
  /** The Job's name in the manifests (`migration-job`). */
  sourceName: string;
  status: 'complete' | 'skipped' | 'failed';
  durationMs: number;
  verdict?: string;
  verify?: VerifyResult;
  /** The Job was left running (the run was cancelled while it ran). */
  leftRunning?: boolean;
  /** The last lines its pods logged while the run followed them (the summary shows a migrate-only run's). */
  logTail?: string[];
}

export interface MigrationOptions {
  kubectl: Kubectl;
  api: KubeApi;
  logger: Logger;
  policy: RolloutPolicy;
  timeoutMs: number;
  signal: AbortSignal;
  /** A post-deploy Job (smoke test, seeder) runs the same way, under its own label and words. */
  role?: 'migration' | 'post-deploy';
}

/**
 * Runs the migration Job to completion before any workload changes: a Job that completed for
 * this tag is not run again, a failed one is recreated, a running one is waited for. Its pods'
 * logs stream into the log as they are written; a pod that can never run (pull or config
 * error: a Job never fails on those by itself) fails it at once.
 */
export async function runMigration(
  planned: PlannedObject,
  options: MigrationOptions,
): Promise<MigrationResult> {
  const { api, logger, kubectl } = options;
  const postDeploy = options.role === 'post-deploy';
  const label = postDeploy ? POST_DEPLOY_LABEL : MIGRATION_LABEL;
  const noun = postDeploy
    ? `post-deploy Job ${labelsOf(planned.object)[label] ?? planned.ref.name}`
    : 'migration';
  const started = Date.now();
  const ref = planned.ref;
  const sourceName = labelsOf(planned.object)[label] ?? ref.name;
  const namespace = namespaceOf(ref);
  const jobPath = resourcePath('Job', namespace, ref.name);
  for (const warning of migrationWarnings(planned.object)) logger.warning(warning);
  const existing = await api.get(jobPath);
  const condition = existing ? finishedCondition(existing) : undefined;
  if (condition === 'Complete') {
    logger.info(`Job ${namespace}/${ref.name} already completed for this tag; the ${noun} is not run again.`);
    return { job: ref, sourceName, status: 'skipped', durationMs: Date.now() - started };
  }
  if (condition === 'Failed') {
    logger.info(`Job ${namespace}/${ref.name} failed before; deleting it to run the ${noun} again.`);
    await deleteAndWait(api, jobPath, options.signal);
  }
  if (!existing || condition === 'Failed') {
    if (options.signal.aborted) {
      return {
        job: ref,
        sourceName,
        status: 'failed',
        durationMs: Date.now() - started,
        verdict: `The run was cancelled before the ${noun} (Job ${namespace}/${ref.name}) was created; it did not run.`,
      };
    }
    // Not cancelled halfway: a create killed in flight may or may not have started the Job,
    // and the run could not say which. Once it exists, a cancel leaves it running and says so.
    const { errors } = await kubectl.detached().apply(toYaml([planned.object]));
    if (errors.length > 0) {
      return {
        job: ref,
        sourceName,
        status: 'failed',
        durationMs: Date.now() - started,
        verdict: `The ${noun} (Job ${namespace}/${ref.name}) could not be created: ${errors.join(' | ')}`,
      };
    }
    logger.info(
      `Created Job ${namespace}/${ref.name}; waiting for it to complete (migration-timeout ${seconds(options.timeoutMs)}).`,
    );
  } else {
    logger.info(
      `Job ${namespace}/${ref.name} is already running (an earlier run started it); waiting for it.`,
    );
  }
  const streams = streamLogs(api, logger, namespace, ref.name, options.signal);
  const verify = await verifyRollout([ref], {
    api,
    logger,
    policy: options.policy,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    since: started,
  });
  await streams.stop();
  const durationMs = Date.now() - started;
  // A Job that ran and exited non-zero fails by its condition, with no pod problem to fetch logs
  // for: its own streamed lines are the last words the log and the summary show.
  const failedJob = verify.workloads.find((w) => w.state === 'failed');
  if (failedJob && !failedJob.logs?.length && streams.tail.length > 0) {
    failedJob.logs = [...streams.tail];
    failedJob.logsFrom = 'current';
  }
  const logTail = streams.tail.length > 0 ? { logTail: [...streams.tail] } : {};
  if (verify.ok) {
    logger.info(
      `${postDeploy ? 'Post-deploy' : 'Migration'} Job ${namespace}/${ref.name} completed in ${seconds(durationMs)}.`,
    );
    await cleanUpOldJobs(api, logger, namespace, label, sourceName, ref.name);
    return { job: ref, sourceName, status: 'complete', durationMs, verify, ...logTail };
  }
  if (verify.cancelled) {
    return {
      job: ref,
      sourceName,
      status: 'failed',
      durationMs,
      leftRunning: true,
      verdict: postDeploy
        ? `The run was cancelled during the ${noun}; Job ${namespace}/${ref.name} was left running.`
        : `The run was cancelled during the migration; Job ${namespace}/${ref.name} was left running (stopping a migration halfway is worse than letting it finish) and nothing else was applied.`,
      verify,
    };
  }
  const timedOut = verify.verdict?.includes('rollout-timeout') ?? false;
  const verdict = timedOut
    ? `The ${postDeploy ? 'post-deploy' : 'migration'} Job ${namespace}/${ref.name} did not complete within ${seconds(options.timeoutMs)} (migration-timeout); it stops at its activeDeadlineSeconds.`
    : `The ${noun} failed: ${verify.verdict ?? 'unknown reason'}`;
  return { job: ref, sourceName, status: 'failed', durationMs, verdict, verify, ...logTail };
}

function finishedCondition(job: Json): 'Complete' | 'Failed' | undefined {
  return (['Complete', 'Failed'] as const).find((type) => conditionIs(job, type, 'True'));
}

async function deleteAndWait(api: KubeApi, jobPath: string, signal: AbortSignal): Promise<void> {
  try {
    await api.request('DELETE', jobPath, { body: { propagationPolicy: 'Background' } });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !signal.aborted) {
    if ((await api.get(jobPath)) === undefined) return;
    await sleep(200, signal);
  }
  throw new Error(`The failed Job at ${jobPath} was not deleted within 60 s (a finalizer may hold it).`);
}

/** Follows each pod's first container log once it has started, prefixing lines with the pod. */
function streamLogs(api: KubeApi, logger: Logger, namespace: string, job: string, signal: AbortSignal) {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const following = new Map<string, Promise<void>>();
  const tail: string[] = [];
  const cache: ObjectCache = new ObjectCache(
    api,
    logger,
    [{ kind: 'Pod', namespace, query: { labelSelector: `batch.kubernetes.io/job-name=${job}` } }],
    () => {
      for (const pod of cache.objects('Pod')) {
        const name = String(metadataOf(pod).name);
        if (following.has(name) || !hasStarted(pod)) continue;
        following.set(
          name,
          api.follow(
            namespace,
            name,
            firstContainer(pod),
            (line) => {
              logger.info(`[${name}] ${line}`);
              tail.push(line);
              if (tail.length > LOG_TAIL_LINES) tail.shift();
            },
            stop.signal,
          ),
        );
      }
    },
  );
  const started = cache.start(stop.signal).catch(() => {});
  return {
    tail,
    async stop() {
      await started;
      // Let the last lines arrive: a finished container's log stream ends by itself.
      await Promise.race([Promise.all(following.values()), sleep(2000)]);
      stop.abort();
      signal.removeEventListener('abort', onAbort);
      await cache.stopped();
    },
  };
}

function hasStarted(pod: Json): boolean {
  const status = isRecord(pod.status) ? pod.status : {};
  const statuses = Array.isArray(status.containerStatuses) ? status.containerStatuses.filter(isRecord) : [];
  return statuses.some(
    (s) => isRecord(s.state) && (isRecord(s.state.running) || isRecord(s.state.terminated)),
  );
}

function firstContainer(pod: Json): string | undefined {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const containers = Array.isArray(spec.containers) ? spec.containers.filter(isRecord) : [];
  return typeof containers[0]?.name === 'string' ? containers[0].name : undefined;
}

/** Deletes finished Jobs of the same source and role beyond the newest few (their pods go with them). */
async function cleanUpOldJobs(
  api: KubeApi,
  logger: Logger,
  namespace: string,
  label: string,
  source: string,
  current: string,
) {
  try {
    const { items } = await api.list(resourcePath('Job', namespace), {
      labelSelector: `${label}=${source}`,
    });
    const finished = items
      .filter((job) => finishedCondition(job) !== undefined || metadataOf(job).name === current)
      .sort((a, b) =>
        String(metadataOf(b).creationTimestamp).localeCompare(String(metadataOf(a).creationTimestamp)),
      );
    for (const job of finished.slice(MIGRATION_JOBS_KEPT)) {
      const ref = refOf(job);
      await api.request('DELETE', resourcePath('Job', namespace, ref.name), {
        body: { propagationPolicy: 'Background' },
      });
      logger.info(`Deleted the old ${describeRef({ ...ref, kind: 'Job' })} (${label}=${source}).`);
    }
  } catch (error) {
    logger.warning(`Old Jobs of ${label}=${source} could not be cleaned up: ${(error as Error).message}`);
  }
}
