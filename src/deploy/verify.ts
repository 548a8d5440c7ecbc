import { seconds } from '../duration.js';
import type { Logger } from '../log.js';
import { isRecord } from '../records.js';
import { asSentence } from '../verdict.js';
import { ApiError, type KubeApi, resourcePath } from './kube-api.js';
import {
  controllerUid,
  describeRef,
  type Json,
  metadataOf,
  namespaceOf,
  type ObjectRef,
  uidOf,
} from './objects.js';
import { isArgoRollout, workloadRefName } from './rollout/argo.js';
import { conditionsVerdict, reportsGeneration } from './rollout/done.js';
import { FailFastTracker } from './rollout/fail-fast.js';
import { eventTime } from './rollout/objects.js';
import { nextPodToReplace, replacesPods } from './rollout/on-delete.js';
import { problemFamily } from './rollout/pod-problems.js';
import {
  describeProblem,
  type PodProblem,
  type RolloutPolicy,
  type RolloutStatus,
  rolloutStatus,
  type WorkloadSnapshot,
} from './rollout/status.js';
import { isRolloutTarget, ROLLOUT_KINDS } from './verifiable.js';
import { ObjectCache, type WatchSpec } from './watch.js';

/** Kinds whose rollout the verify phase waits for; any other target is judged by its conditions. */
export const VERIFIED_KINDS = ROLLOUT_KINDS;

/** An object the run applied and did not verify, and why (verifiable.ts, or what verify saw). */
export interface NotVerified {
  ref: ObjectRef;
  why: string;
}

/**
 * How long verify looks for a status on a custom resource that reports none (no Ready,
 * Reconciling or Stalled condition) — its operator may not have written one yet — before it
 * is reported as applied, not verifiable. Verify never ends sooner for it, and waits no longer
 * for it than for the rest.
 */
export const NO_STATUS_WAIT_MS = 5000;
const NO_STATUS = 'reports no Ready, Reconciling or Stalled condition';

export interface WorkloadResult {
  ref: ObjectRef;
  /** `waiting`: waiting for promotion (an Argo Rollout paused at a step or before promotion). */
  state: 'current' | 'failed' | 'in-progress' | 'waiting';
  summary: string;
  /** From the start of verify until it was done or failed. */
  durationMs?: number;
  problem?: PodProblem;
  /** The failing pod's recent events and last log lines. */
  events?: string[];
  logs?: string[];
  logsFrom?: 'current' | 'previous';
  /**
   * Passed verify without its pods running its template: a paused Deployment with allow-paused,
   * an OnDelete workload annotated replace-pods "false".
   */
  notRolledOut?: boolean;
  /** Ready pods of the desired count, from the workload's status when last seen (not for Jobs). */
  ready?: number;
  desired?: number;
  /** (OnDelete StatefulSet or DaemonSet) the old pods verify deleted so that the new revision runs. */
  replacedPods?: string[];
}

export interface VerifyResult {
  ok: boolean;
  /** One sentence (plus details) when not ok. */
  verdict?: string;
  workloads: WorkloadResult[];
  cancelled?: boolean;
  /** The new revision of each StatefulSet when verify ended (rollback replaces its pods). */
  updateRevisions: Map<string, string>;
  /** Custom resources that gave verify no status to judge (none reported, or not readable). */
  notVerified?: NotVerified[];
}

export interface VerifyOptions {
  api: KubeApi;
  logger: Logger;
  policy: RolloutPolicy;
  timeoutMs: number;
  signal: AbortSignal;
  /** Events before this time (ms) belong to earlier deploys. */
  since: number;
  progressIntervalMs?: number;
  now?: () => number;
  /**
   * The API path of an object (Identities.pathOf): how a custom resource's kind is listed and
   * watched. Without it, or when it has no answer, such a target is reported as not verified.
   */
  pathOf?: (ref: ObjectRef) => string | undefined;
}

const WATCHED = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ControllerRevision', 'Job', 'Pod'];

/**
 * Watches every target at once under one deadline and decides from kstatus' rules with the
 * corrections in src/deploy/rollout (Jobs done only when Complete, pods of the new revision
 * checked for states that never heal, a paused Deployment's template not rolled out). The first
 * fatal state ends verification at once. StatefulSets and DaemonSets with OnDelete get their old
 * pods replaced here, one at a time (rollout/on-delete.ts), since their controller never does.
 * Targets of other kinds (custom resources) are judged by kstatus' generic rules on their
 * conditions (rollout/done.ts conditionsVerdict): Stalled fails at once, Ready True is done; one
 * that reports no such condition is answered in `notVerified`, never as verified.
 */
export async function verifyRollout(
  targets: readonly ObjectRef[],
  options: VerifyOptions,
): Promise<VerifyResult> {
  const { api, logger, policy, signal } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const results = new Map<string, WorkloadResult>(
    targets.map((ref) => [
      describeRef(ref),
      { ref, state: 'in-progress', summary: 'waiting for the controller' },
    ]),
  );
  const updateRevisions = new Map<string, string>();
  const notVerified: NotVerified[] = [];
  // A custom resource is listed and watched through its kind's list path (from discovery).
  const collections = new Map<string, string>();
  for (const ref of targets) {
    if (isRolloutTarget(ref) && !isArgoRollout(ref)) continue;
    const path = options.pathOf?.(ref);
    const suffix = `/${encodeURIComponent(ref.name)}`;
    if (path?.endsWith(suffix)) collections.set(describeRef(ref), path.slice(0, -suffix.length));
    else {
      results.delete(describeRef(ref));
      notVerified.push({ ref, why: 'its kind is not served by the cluster' });
    }
  }
  if (results.size === 0) return { ok: true, workloads: [], updateRevisions, notVerified };
  const verified = [...results.values()].map((result) => result.ref);
  const workloadNamespaces = [...new Set(verified.filter(isRolloutTarget).map(namespaceOf))];
  const eventNamespaces = [
    ...new Set(verified.filter((ref) => ref.namespace !== undefined).map(namespaceOf)),
  ];
  const specs: WatchSpec[] = [
    ...workloadNamespaces.flatMap((namespace) => WATCHED.map((kind) => ({ kind, namespace }))),
    ...eventNamespaces.map((namespace) => ({
      kind: 'Event',
      namespace,
      query: { fieldSelector: 'type=Warning' },
    })),
    // One list and watch per custom kind and namespace (cluster-wide for a cluster-scoped kind).
    ...new Map(
      verified.flatMap((ref) => {
        const path = collections.get(describeRef(ref));
        return path === undefined
          ? []
          : // A Rollout is a workload: not being able to list it fails verify, as for a Deployment.
            [
              [
                path,
                { kind: ref.kind, namespace: ref.namespace ?? '', path, optional: !isArgoRollout(ref) },
              ] as const,
            ];
      }),
    ).values(),
  ];
  /** Custom resources that showed no status conventions at the last look. */
  const noStatus = new Set<string>();
  const tracker = new FailFastTracker(now);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let settle: (result: Omit<VerifyResult, 'workloads' | 'updateRevisions'>) => void = () => {};
  let ended = false;
  const finished = new Promise<Omit<VerifyResult, 'workloads' | 'updateRevisions'>>((resolve) => {
    settle = (result) => {
      ended = true;
      resolve(result);
    };
  });
  /** The first fatal status: the verdict, with the other workloads showing the same problem. */
  let failedStatus: Extract<RolloutStatus, { state: 'failed' }> | undefined;
  let scheduled = false;
  const cache = new ObjectCache(api, logger, specs, () => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      evaluate();
    }, 20);
  });

  function snapshotOf(ref: ObjectRef): WorkloadSnapshot | undefined {
    const namespace = namespaceOf(ref);
    // An Argo Rollout is listed through its kind's path, like any custom resource.
    const collection = collections.get(describeRef(ref));
    const workload = (
      collection === undefined ? cache.objects(ref.kind, namespace) : cache.objectsAt(collection)
    ).find((o) => metadataOf(o).name === ref.name && metadataOf(o).namespace === namespace);
    if (!workload) return undefined;
    const uid = uidOf(workload);
    const replicaSets = cache.objects('ReplicaSet', namespace).filter((rs) => controllerUid(rs) === uid);
    const owners = new Set([uid, ...replicaSets.map(uidOf)]);
    const pods = cache.objects('Pod', namespace).filter((pod) => owners.has(controllerUid(pod)));
    const involved = new Set([...owners, ...pods.map(uidOf)]);
    const events = cache
      .objects('Event', namespace)
      .filter((event) => isRecord(event.involvedObject) && involved.has(event.involvedObject.uid as string))
      .filter((event) => (eventTime(event) ?? 0) >= options.since - 1000);
    const controllerRevisions = cache
      .objects('ControllerRevision', namespace)
      .filter((revision) => controllerUid(revision) === uid);
    const refName = workloadRefName(workload);
    const workloadRef =
      refName === undefined
        ? undefined
        : cache.objects('Deployment', namespace).find((d) => metadataOf(d).name === refName);
    return {
      workload,
      replicaSets,
      controllerRevisions,
      pods,
      events,
      ...(workloadRef ? { workloadRef } : {}),
    };
  }

  // OnDelete workloads: the pod verify asked to delete, until the cache shows it gone.
  const replacing = new Map<string, string | undefined>();

  /** Deletes the next old pod of an OnDelete workload (rollout/on-delete.ts says which and when). */
  function replaceNextPod(result: WorkloadResult, snapshot: WorkloadSnapshot): void {
    // Once there is a verdict nothing more is deleted: a rollback may be about to start.
    if (ended) return;
    const key = describeRef(result.ref);
    const pending = replacing.get(key);
    if (pending !== undefined && snapshot.pods.some((pod) => uidOf(pod) === pending)) return;
    const pod = nextPodToReplace(snapshot, policy.settleMs ?? 0, now());
    if (!pod) return;
    const name = String(metadataOf(pod).name);
    const uid = uidOf(pod);
    replacing.set(key, uid);
    result.replacedPods = [...(result.replacedPods ?? []), name];
    logger.info(`${key} (OnDelete): replacing pod ${name} with one of the new revision.`);
    const namespace = namespaceOf(result.ref);
    // The uid precondition: never a pod of the same name that the controller made meanwhile.
    api
      .request('DELETE', resourcePath('Pod', namespace, name), {
        body: uid ? { preconditions: { uid } } : {},
        // With the uid precondition a repeat deletes nothing else: retried after a 5xx or a lost
        // answer, and a 404 then (the first attempt did it) is success below.
        idempotent: uid !== undefined,
      })
      .catch((error: Error) => {
        if (error instanceof ApiError && (error.status === 404 || error.status === 409)) return;
        settle({
          ok: false,
          verdict: `${key} uses updateStrategy OnDelete and its pod ${name} could not be deleted to run the new revision: ${error.message}`,
        });
      });
  }

  function evaluate(): void {
    // Once there is a verdict nothing more is judged or said: the failure's details are being
    // read, and a line about another workload would land under the verdict.
    if (ended) return;
    if (cache.failure) {
      settle({ ok: false, verdict: cache.failure.message });
      return;
    }
    const present = new Set<string>();
    for (const result of results.values()) {
      // Waiting for promotion is looked at again while others roll out: its canary may crash yet.
      if (result.state !== 'in-progress' && result.state !== 'waiting') continue;
      if (!isRolloutTarget(result.ref)) {
        if (judgeResource(result)) return;
        continue;
      }
      const snapshot = snapshotOf(result.ref);
      if (!snapshot) {
        result.summary = 'not found yet';
        continue;
      }
      // The settle window counts to when the pods are known, not to now: after the pod watch
      // broke, a pod seen running is known to have run only until then (it may have crashed since).
      const status: RolloutStatus = rolloutStatus(
        snapshot,
        policy,
        (problem) => {
          present.add(problem.key);
          return tracker.isFatal(problem);
        },
        cache.syncedAt('Pod', namespaceOf(result.ref), now()),
      );
      if (result.ref.kind === 'StatefulSet') {
        const revision = isRecord(snapshot.workload.status)
          ? snapshot.workload.status.updateRevision
          : undefined;
        if (typeof revision === 'string') updateRevisions.set(describeRef(result.ref), revision);
      }
      result.summary = status.summary;
      Object.assign(result, readiness(snapshot.workload));
      if (status.state === 'current') {
        result.state = 'current';
        if (status.notRolledOut) result.notRolledOut = true;
        result.durationMs = now() - started;
        logger.info(
          `${describeRef(result.ref)}: ${result.ref.kind === 'Job' ? 'complete' : status.notRolledOut ? 'applied, not rolled out' : 'rolled out'} (${status.summary}) in ${seconds(result.durationMs)}.`,
        );
      } else if (status.state === 'failed') {
        result.state = 'failed';
        result.durationMs = now() - started;
        result.problem = status.problem;
        logger.info(`${describeRef(result.ref)}: failed after ${seconds(result.durationMs)}.`);
        failedStatus = status;
        settle({ ok: false, verdict: status.summary });
        return;
      } else if (status.state === 'waiting') {
        if (result.state !== 'waiting') {
          result.durationMs = now() - started;
          logger.info(
            `${describeRef(result.ref)}: waiting for promotion (${status.summary}) after ${seconds(result.durationMs)}.`,
          );
        }
        result.state = 'waiting';
      } else {
        result.state = 'in-progress';
        for (const problem of status.problems) present.add(problem.key);
        if (replacesPods(snapshot.workload)) replaceNextPod(result, snapshot);
      }
    }
    tracker.forget(present);
    const looked = now() - started >= NO_STATUS_WAIT_MS;
    const done = (result: WorkloadResult) =>
      result.state === 'current' ||
      result.state === 'waiting' ||
      (looked && noStatus.has(describeRef(result.ref)));
    if ([...results.values()].every(done)) settle({ ok: true });
  }

  /** The last Warning event about an object, newer than the deploy: "; last warning: Reason: message". */
  function lastWarning(object: Json, namespace: string | undefined): string {
    if (namespace === undefined) return '';
    const uid = uidOf(object);
    const event = cache
      .objects('Event', namespace)
      .filter((e) => isRecord(e.involvedObject) && e.involvedObject.uid === uid)
      .filter((e) => (eventTime(e) ?? 0) >= options.since - 1000)
      .sort((a, b) => (eventTime(a) ?? 0) - (eventTime(b) ?? 0))
      .at(-1);
    return event ? `; last warning: ${event.reason ?? ''}: ${event.message ?? ''}` : '';
  }

  /** A custom resource by kstatus' generic rules; true when it failed (the verdict is given). */
  function judgeResource(result: WorkloadResult): boolean {
    const key = describeRef(result.ref);
    const path = collections.get(key) ?? '';
    const unreadable = cache.unavailable.get(path);
    if (unreadable !== undefined) {
      results.delete(key);
      notVerified.push({ ref: result.ref, why: `verify cannot list it: ${unreadable}` });
      logger.info(`${key}: applied, not verified (verify cannot list it: ${unreadable}).`);
      return false;
    }
    const object = cache
      .objectsAt(path)
      .find(
        (o) =>
          metadataOf(o).name === result.ref.name &&
          (result.ref.namespace === undefined || metadataOf(o).namespace === result.ref.namespace),
      );
    if (!object) {
      result.summary = 'not found yet';
      return false;
    }
    const verdict = conditionsVerdict(object);
    if (!verdict) {
      noStatus.add(key);
      result.summary = NO_STATUS;
      return false;
    }
    noStatus.delete(key);
    if (verdict.state === 'failed') {
      result.state = 'failed';
      result.durationMs = now() - started;
      result.summary = `${verdict.message}${lastWarning(object, result.ref.namespace)}`;
      logger.info(`${key}: failed after ${seconds(result.durationMs)}.`);
      settle({ ok: false, verdict: `${key}: ${result.summary}` });
      return true;
    }
    if (verdict.state === 'in-progress') {
      result.summary = `${verdict.summary}${lastWarning(object, result.ref.namespace)}`;
      return false;
    }
    // Its own watch broken: the Ready seen may have changed since; wait for a fresh list.
    if (cache.syncedAt(result.ref.kind, result.ref.namespace ?? '', now()) < now()) {
      result.summary = `waiting for the API server: the watch of ${result.ref.kind} failed and is being retried`;
      return false;
    }
    const settleMs = policy.settleMs ?? 0;
    if (!reportsGeneration(object) && now() - started < settleMs) {
      // Its status may be the previous spec's: a controller that rejects the change says so within the window.
      result.summary = `${verdict.summary}; settling: it reports no observedGeneration, so this status may predate the change (${seconds(now() - started)} of ${seconds(settleMs)})`;
      return false;
    }
    result.state = 'current';
    result.summary = verdict.summary;
    result.durationMs = now() - started;
    logger.info(`${key}: ${verdict.summary} in ${seconds(result.durationMs)}.`);
    return false;
  }

  /** The custom resources still without a status at the end: applied, not verifiable. */
  function takeNoStatus(): void {
    for (const key of noStatus) {
      const result = results.get(key);
      if (result?.state !== 'in-progress') continue;
      results.delete(key);
      notVerified.push({ ref: result.ref, why: NO_STATUS });
      logger.info(`${key}: applied, not verifiable (${NO_STATUS}).`);
    }
  }

  /**
   * The verdict names the first workload to fail; the others that show the same problem (one
   * missing image, one broken Secret) are counted, so nobody fixes one and meets the next.
   */
  function withOthers(status: Extract<RolloutStatus, { state: 'failed' }>, failed: WorkloadResult): string {
    const reason = status.problem?.reason ?? status.reason;
    const family = problemFamily(reason);
    const same = [...results.values()].filter((other) => {
      if (other === failed || other.state !== 'in-progress') return false;
      const snapshot = snapshotOf(other.ref);
      if (!snapshot) return false;
      // Looked at, not tracked: their grace periods are not started by this look.
      const seen = rolloutStatus(snapshot, policy, () => false, now());
      return seen.state === 'failed'
        ? problemFamily(seen.problem?.reason ?? seen.reason) === family
        : seen.state === 'in-progress' &&
            seen.problems.some((problem) => problemFamily(problem.reason) === family);
    });
    if (same.length === 0) return status.summary;
    const names = same.map((other) => describeRef(other.ref));
    return `${asSentence(status.summary)} ${same.length} more workload(s) show ${family === 'ImagePull' ? 'the same image pull error' : reason} too: ${names.slice(0, 5).join(', ')}${names.length > 5 ? `, and ${names.length - 5} more` : ''}.`;
  }

  // A progress line per unfinished workload when its state changed, at most one per interval.
  const interval = options.progressIntervalMs ?? 5000;
  const printed = new Map<string, { summary: string; at: number }>();
  const progress = setInterval(
    () => {
      evaluate(); // grace periods run out with time, not only with events
      if (ended) return;
      for (const [name, result] of results) {
        const last = printed.get(name);
        if (result.state !== 'in-progress' || last?.summary === result.summary) continue;
        if (last && now() - last.at < interval) continue;
        printed.set(name, { summary: result.summary, at: now() });
        logger.info(`${name}: ${result.summary}`);
      }
    },
    Math.min(interval, 1000),
  );
  const deadline = setTimeout(() => {
    const unfinished = [...results.values()].filter((result) => result.state === 'in-progress');
    // What reports no status is not why the rollout did not finish (unless it is all there is).
    const waiting = unfinished.some((result) => !noStatus.has(describeRef(result.ref)))
      ? unfinished.filter((result) => !noStatus.has(describeRef(result.ref)))
      : unfinished;
    settle({
      ok: false,
      verdict: `The rollout did not finish within ${seconds(options.timeoutMs)} (rollout-timeout): ${waiting
        .map((result) => `${describeRef(result.ref)} ${result.summary}`)
        .join('; ')}.`,
    });
  }, options.timeoutMs);
  const cancelled = () => settle({ ok: false, cancelled: true, verdict: 'Verification was cancelled.' });
  signal.addEventListener('abort', cancelled, { once: true });
  // An abort before this point fires no event: without this, a run cancelled between two
  // phases would wait out the whole timeout.
  if (signal.aborted) {
    cancelled();
    stop.abort();
  }
  try {
    if (!stop.signal.aborted) await cache.start(stop.signal);
    evaluate();
    const outcome = await finished;
    takeNoStatus();
    const workloads = [...results.values()];
    const failed = workloads.find((result) => result.state === 'failed');
    if (failed?.problem) await addDetails(failed, api);
    // Counted last, once the details are read: the watches kept the others' pods current meanwhile.
    if (failed && failedStatus) outcome.verdict = withOthers(failedStatus, failed);
    return { ...outcome, workloads, updateRevisions, notVerified };
  } catch (error) {
    return {
      ok: false,
      verdict: `Verification could not read the cluster: ${(error as Error).message}`,
      workloads: [...results.values()],
      updateRevisions,
      notVerified,
    };
  } finally {
    clearInterval(progress);
    clearTimeout(deadline);
    signal.removeEventListener('abort', onAbort);
    stop.abort();
    await cache.stopped();
  }
}

/** Ready of desired, as the workload's status counts them: "0/3" for a crash-looping Deployment. */
function readiness(workload: Json): { ready?: number; desired?: number } {
  const status = isRecord(workload.status) ? workload.status : {};
  const spec = isRecord(workload.spec) ? workload.spec : {};
  const count = (value: unknown) => (typeof value === 'number' ? value : 0);
  switch (workload.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'Rollout':
      return {
        ready: count(status.readyReplicas),
        desired: typeof spec.replicas === 'number' ? spec.replicas : 1,
      };
    case 'DaemonSet':
      return { ready: count(status.numberReady), desired: count(status.desiredNumberScheduled) };
    default:
      return {};
  }
}

/** The failing pod's recent events and the last 20 lines of its log (the previous run's for a crash). */
async function addDetails(result: WorkloadResult, api: KubeApi): Promise<void> {
  const problem = result.problem;
  if (!problem?.pod) return;
  const namespace = namespaceOf(result.ref);
  try {
    const { items } = await api.list(`/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, {
      fieldSelector: `involvedObject.name=${problem.pod}`,
    });
    result.events = items
      .sort((a, b) => (eventTime(a) ?? 0) - (eventTime(b) ?? 0))
      .slice(-8)
      .map((event) => `${event.type ?? ''} ${event.reason ?? ''}: ${event.message ?? ''}`.trim());
  } catch {
    result.events = [];
  }
  const previous = (problem.restarts ?? 0) > 0;
  result.logsFrom = previous ? 'previous' : 'current';
  const text = await api.logs(namespace, problem.pod, {
    container: problem.container,
    tailLines: 20,
    previous,
  });
  result.logs = text
    .split('\n')
    .filter((line) => line !== '')
    .slice(-20);
}

/** The failing pod's events and log lines, printed under the verdict for whoever reads the log. */
export function logFailureDetails(result: VerifyResult | undefined, logger: Logger): void {
  const failed = result?.workloads.find((workload) => workload.state === 'failed');
  const problem = failed?.problem;
  if (!failed || !problem?.pod) return;
  if (failed.events?.length) {
    logger.info(
      `Recent events of pod ${problem.pod}:\n${failed.events.map((line) => `  ${line}`).join('\n')}`,
    );
  }
  if (failed.logs?.length) {
    const which = failed.logsFrom === 'previous' ? ' (the run before the last restart)' : '';
    logger.info(
      `Last ${failed.logs.length} log line(s) of ${problem.pod}${problem.container ? ` container ${problem.container}` : ''}${which}:\n${failed.logs
        .map((line) => `  ${line}`)
        .join('\n')}`,
    );
  }
}

export { describeProblem };
