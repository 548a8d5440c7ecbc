import type { KubeObject } from '../kube/contract.js';
import { type Condition, getCondition, type Json, sameJson, setCondition } from './objects.js';
import {
  createOwnedPod,
  deletePodGracefully,
  isPodActive,
  isPodReady,
  podFromTemplate,
  podsOf,
} from './pods.js';
import type { Runtime } from './runtime.js';

const component = 'job-controller';

export function isJobFinished(job: Json): string | undefined {
  for (const type of ['Complete', 'Failed']) if (getCondition(job, type)?.status === 'True') return type;
  return undefined;
}

/** The Job back-off before re-creating a failed pod: 10 s doubling, at most 6 minutes. */
export function jobBackoffSeconds(failed: number): number {
  return failed <= 0 ? 0 : Math.min(360, 10 * 2 ** (failed - 1));
}

/** What the Job controller decides from its counters (pure, so the rules read in one place). */
export function jobVerdict(
  job: Json,
  counts: { succeeded: number; failed: number; restarts: number },
  elapsedSeconds: number,
):
  | { done: 'Complete' }
  | { done: 'Failed'; reason: string; message: string }
  | { done: false; want: number } {
  const spec = job.spec ?? {};
  const completions: number | undefined =
    spec.completions ?? (spec.parallelism === undefined ? 1 : undefined);
  const parallelism = Number(spec.parallelism ?? 1);
  const backoffLimit = Number(spec.backoffLimit ?? 6);
  if (completions !== undefined ? counts.succeeded >= completions : counts.succeeded > 0)
    return { done: 'Complete' };
  if (spec.activeDeadlineSeconds !== undefined && elapsedSeconds >= Number(spec.activeDeadlineSeconds)) {
    return {
      done: 'Failed',
      reason: 'DeadlineExceeded',
      message: 'Job was active longer than specified deadline',
    };
  }
  const onFailure = spec.template?.spec?.restartPolicy === 'OnFailure';
  const restartsExceeded =
    onFailure && (backoffLimit === 0 ? counts.restarts > 0 : counts.restarts >= backoffLimit);
  if (counts.failed > backoffLimit || restartsExceeded) {
    return {
      done: 'Failed',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    };
  }
  const want =
    completions !== undefined ? Math.min(parallelism, completions - counts.succeeded) : parallelism;
  return { done: false, want: spec.suspend ? 0 : want };
}

/** The Job controller: runs pods to completions, counts failures against backoffLimit and the deadline. */
export function startJobController(runtime: Runtime): void {
  const nextCreate = new Map<string, number>();
  runtime.register('Job', (namespace, name) => {
    const job = runtime.get(runtime.kinds.Job, namespace, name) as Json;
    if (!job || job.metadata.deletionTimestamp) return;
    syncJob(runtime, job, nextCreate);
  });
}

function syncJob(runtime: Runtime, job: Json, nextCreate: Map<string, number>): void {
  const now = runtime.now();
  const nowIso = runtime.nowIso();
  if (!job.spec?.selector && job.spec?.manualSelector !== true) {
    generateSelector(runtime, job);
    return;
  }
  const finished = isJobFinished(job);
  if (finished) {
    expireFinished(runtime, job);
    return;
  }

  const pods = podsOf(runtime, job) as Json[];
  const active = pods.filter(isPodActive);
  const succeeded = Math.max(
    Number(job.status?.succeeded ?? 0),
    pods.filter((p) => p.status?.phase === 'Succeeded').length,
  );
  const failed = Math.max(
    Number(job.status?.failed ?? 0),
    pods.filter((p) => p.status?.phase === 'Failed').length,
  );
  const restarts = active.reduce(
    (sum, pod) =>
      sum +
      [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].reduce(
        (n: number, c: Json) => n + Number(c.restartCount ?? 0),
        0,
      ),
    0,
  );
  const startTime = job.status?.startTime ?? (job.spec?.suspend ? undefined : nowIso);
  const elapsed = startTime ? (now - Date.parse(startTime)) / 1000 : 0;
  const verdict = jobVerdict(job, { succeeded, failed, restarts }, elapsed);
  let conditions: Condition[] = job.status?.conditions ?? [];
  let completionTime: string | undefined;

  if (verdict.done === 'Complete') {
    for (const pod of active) deletePodGracefully(runtime, pod);
    conditions = setCondition(
      conditions,
      {
        type: 'SuccessCriteriaMet',
        status: 'True',
        reason: 'CompletionsReached',
        message: 'Reached expected number of succeeded pods',
        lastProbeTime: nowIso,
      },
      nowIso,
    );
    conditions = setCondition(
      conditions,
      {
        type: 'Complete',
        status: 'True',
        reason: 'CompletionsReached',
        message: 'Reached expected number of succeeded pods',
        lastProbeTime: nowIso,
      },
      nowIso,
    );
    completionTime = nowIso;
    runtime.record(job, { reason: 'Completed', message: 'Job completed', component });
  } else if (verdict.done === 'Failed') {
    for (const pod of active) deletePodGracefully(runtime, pod);
    const failure = {
      status: 'True' as const,
      reason: verdict.reason,
      message: verdict.message,
      lastProbeTime: nowIso,
    };
    conditions = setCondition(conditions, { type: 'FailureTarget', ...failure }, nowIso);
    conditions = setCondition(conditions, { type: 'Failed', ...failure }, nowIso);
    runtime.record(job, { reason: verdict.reason, message: verdict.message, type: 'Warning', component });
  } else {
    const uid = job.metadata.uid;
    if (failed > Number(job.status?.failed ?? 0)) {
      nextCreate.set(uid, now + runtime.scaled(jobBackoffSeconds(failed)) * 1000);
    }
    const notBefore = nextCreate.get(uid) ?? 0;
    const missing = verdict.want - active.length;
    if (missing > 0 && now >= notBefore) {
      for (let i = 0; i < missing && createPod(runtime, job); i++);
    } else if (missing > 0) {
      runtime.enqueueAfter('Job', job.metadata.namespace, job.metadata.name, (notBefore - now) / 1000);
    } else if (missing < 0) {
      for (const pod of active.slice(verdict.want)) deletePodGracefully(runtime, pod);
    }
    if (job.spec?.activeDeadlineSeconds !== undefined && startTime) {
      const left = Number(job.spec.activeDeadlineSeconds) - elapsed;
      runtime.enqueueAfter('Job', job.metadata.namespace, job.metadata.name, Math.max(0, left) + 0.05);
    }
  }
  const stillActive = verdict.done ? 0 : (podsOf(runtime, job) as Json[]).filter(isPodActive).length;
  const status: Json = {
    ...(startTime ? { startTime } : {}),
    ...(completionTime ? { completionTime } : {}),
    active: stillActive,
    succeeded,
    failed,
    ready: verdict.done ? 0 : active.filter(isPodReady).length,
    terminating: 0,
    uncountedTerminatedPods: {},
    ...(conditions.length > 0 ? { conditions } : {}),
  };
  if (status.active === 0) delete status.active;
  const fresh = runtime.get(runtime.kinds.Job, job.metadata.namespace, job.metadata.name) as Json;
  if (fresh && !sameJson(status, fresh.status)) runtime.store.update({ ...fresh, status });
  if (verdict.done)
    expireFinished(
      runtime,
      runtime.get(runtime.kinds.Job, job.metadata.namespace, job.metadata.name) as Json,
    );
}

function jobLabels(job: Json): Record<string, string> {
  const uid = job.metadata.uid;
  return {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': job.metadata.name,
    'controller-uid': uid,
    'job-name': job.metadata.name,
  };
}

/**
 * What a real API server does when it creates a Job (unless manualSelector): select the Job's own
 * pods by its uid, which `kubectl logs job/x` and `kubectl describe job` rely on. Done here only
 * when the server did not, so the sandbox behaves the same either way.
 */
function generateSelector(runtime: Runtime, job: Json): void {
  const template = job.spec?.template ?? {};
  const labels = { ...(template.metadata?.labels ?? {}), ...jobLabels(job) };
  runtime.store.update({
    ...job,
    spec: {
      ...job.spec,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': job.metadata.uid } },
      template: { ...template, metadata: { ...(template.metadata ?? {}), labels } },
    },
  });
}

/** Returns whether the pod was created; a refusal gets a FailedCreate event and a retry. */
function createPod(runtime: Runtime, job: Json): boolean {
  const pod = podFromTemplate(
    job,
    job.spec.template,
    { generateFrom: job.metadata.name },
    jobLabels(job),
  ) as Json;
  pod.spec.restartPolicy = job.spec.template?.spec?.restartPolicy ?? 'Never';
  return createOwnedPod(runtime, job, pod as KubeObject, { kind: 'Job', component });
}

/** ttlSecondsAfterFinished: the TTL controller deletes finished Jobs (and their pods) after it. */
function expireFinished(runtime: Runtime, job: Json | undefined): void {
  if (!job || job.spec?.ttlSecondsAfterFinished === undefined) return;
  const finishedAt = Date.parse(
    job.status?.completionTime ??
      job.status?.conditions?.find((c: Condition) => c.type === 'Failed')?.lastTransitionTime ??
      runtime.nowIso(),
  );
  const left = (finishedAt + Number(job.spec.ttlSecondsAfterFinished) * 1000 - runtime.now()) / 1000;
  if (left > 0) {
    runtime.enqueueAfter('Job', job.metadata.namespace, job.metadata.name, left + 0.05);
    return;
  }
  runtime.store.delete(runtime.kinds.Job, job.metadata.namespace, job.metadata.name, 'Background');
}
