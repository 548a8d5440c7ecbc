import { plural } from '../../text.js';
import { argoRolloutVerdict } from './argo.js';
import { condition, conditionIs, field, num, records, str } from './objects.js';
import { generationObserved } from './revisions.js';
import type { Json } from './types.js';

/*
 * "Is the workload done?" from the workload object alone: kstatus' rules per kind
 * (cli-utils pkg/kstatus/status/core.go), with these corrections:
 *
 * | Kind        | Current when                                             | Failed when                       |
 * | ----------- | -------------------------------------------------------- | --------------------------------- |
 * | any         | not being deleted, observedGeneration >= generation      | -                                 |
 * | Deployment  | replicas, updated, ready >= spec; replicas <= spec (no   | Progressing reason                |
 * |             | old pods left); available >= updated; Progressing        |   ProgressDeadlineExceeded        |
 * |             | NewReplicaSetAvailable (if a deadline is set and it is   |                                   |
 * |             | not paused); Available                                   |                                   |
 * | StatefulSet | replicas, ready >= spec, replicas <= spec; then          | never by itself (pods decide)     |
 * |             | OnDelete: updated >= spec (kstatus: at once);            |                                   |
 * |             | partition set: updated >= spec - partition; else         |                                   |
 * |             | current >= spec and currentRevision == updateRevision    |                                   |
 * | DaemonSet   | observedGeneration present; desiredNumberScheduled <=    | never by itself (pods decide)     |
 * |             | current, updated, available, ready (OnDelete too)        |                                   |
 * | Job         | Complete=True only (kstatus: any started Job)            | Failed=True or FailureTarget=True |
 * | Rollout     | phase Healthy (argo.ts; Paused: waiting for promotion)    | Degraded, or status.abort         |
 * | other       | kstatus' generic rules (conditionsVerdict below)         | Stalled=True                      |
 *
 * A paused Deployment is judged by these counts only once its template is the one that runs
 * (paused.ts decides before): its Progressing condition says DeploymentPaused for as long as it
 * is paused. OnDelete workloads wait for every pod to be on the new revision: verify replaces the
 * old pods itself (on-delete.ts), and an OnDelete StatefulSet's currentRevision never moves.
 */

export type KindVerdict =
  | { state: 'current'; summary: string }
  | { state: 'in-progress'; summary: string }
  /** Neither done nor failed: a person decides (an Argo Rollout paused at a step or before promotion). */
  | { state: 'waiting'; summary: string }
  | { state: 'failed'; reason: string; message: string };

const current = (summary: string): KindVerdict => ({ state: 'current', summary });
const progress = (summary: string): KindVerdict => ({ state: 'in-progress', summary });
const MAX_INT32 = 2147483647;

const RULES: Record<string, (workload: Json) => KindVerdict> = {
  Deployment: deployment,
  StatefulSet: statefulSet,
  DaemonSet: daemonSet,
  Job: job,
  Rollout: argoRolloutVerdict,
};

export function workloadVerdict(workload: Json): KindVerdict {
  if (field(workload, 'metadata', 'deletionTimestamp') != null) return progress('being deleted');
  if (!generationObserved(workload)) {
    return progress(
      `waiting for the controller to see generation ${num(workload, 'metadata', 'generation')}`,
    );
  }
  return (RULES[str(workload, 'kind') ?? ''] ?? generic)(workload);
}

function deployment(d: Json): KindVerdict {
  const progressing = condition(d, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      state: 'failed',
      reason: 'ProgressDeadlineExceeded',
      message: `progress deadline exceeded (${progressing.message ?? ''})`,
    };
  }
  const spec = num(d, 'spec', 'replicas') ?? 1;
  const [replicas, updated, ready, available] = [
    'replicas',
    'updatedReplicas',
    'readyReplicas',
    'availableReplicas',
  ].map((key) => num(d, 'status', key) ?? 0);
  const counts = `${updated}/${spec} updated, ${ready}/${spec} ready`;
  if (spec > replicas || spec > updated) return progress(counts);
  if (replicas > spec) return progress(waitingForExtra(replicas - spec, replicas - updated));
  if (updated > available) return progress(`${updated}/${spec} updated, ${available}/${spec} available`);
  if (spec > ready) return progress(counts);
  const deadline = num(d, 'spec', 'progressDeadlineSeconds');
  const paused = field(d, 'spec', 'paused') === true;
  if (
    !paused &&
    deadline !== undefined &&
    deadline !== MAX_INT32 &&
    progressing?.reason !== 'NewReplicaSetAvailable'
  ) {
    return progress('waiting for the new ReplicaSet to be reported available');
  }
  if (!conditionIs(d, 'Available', 'True')) return progress('waiting for minimum availability');
  return current(`${plural(spec, 'replica')} updated and available`);
}

function statefulSet(s: Json): KindVerdict {
  const spec = num(s, 'spec', 'replicas') ?? 1;
  const [replicas, ready, updated, currentCount] = [
    'replicas',
    'readyReplicas',
    'updatedReplicas',
    'currentReplicas',
  ].map((key) => num(s, 'status', key) ?? 0);
  const counts = `${updated}/${spec} updated, ${ready}/${spec} ready`;
  if (spec > replicas || spec > ready) return progress(counts);
  if (replicas > spec) return progress(waitingForExtra(replicas - spec, replicas - updated));
  if (str(s, 'spec', 'updateStrategy', 'type') === 'OnDelete') {
    if (updated < spec)
      return progress(`${updated}/${spec} on the new revision (OnDelete), ${ready}/${spec} ready`);
    return current(`${plural(spec, 'replica')} updated and ready (OnDelete)`);
  }
  const partition = num(s, 'spec', 'updateStrategy', 'rollingUpdate', 'partition');
  if (partition !== undefined) {
    const wanted = Math.max(0, spec - partition);
    if (updated < wanted)
      return progress(`${updated}/${wanted} updated (partition ${partition}), ${ready}/${spec} ready`);
    return current(
      `${plural(spec, 'replica')} ready, ${updated} updated${partition > 0 ? ` (partition ${partition})` : ''}`,
    );
  }
  if (currentCount < spec || str(s, 'status', 'currentRevision') !== str(s, 'status', 'updateRevision')) {
    return progress(counts);
  }
  return current(`${plural(spec, 'replica')} updated and ready`);
}

function daemonSet(d: Json): KindVerdict {
  // kstatus: a DaemonSet without observedGeneration has not been seen by its controller at all.
  if (num(d, 'status', 'observedGeneration') === undefined) return progress('waiting for the controller');
  const desired = num(d, 'status', 'desiredNumberScheduled');
  if (desired === undefined) return progress('waiting for the controller to count the nodes');
  const [scheduled, updated, available, ready] = [
    'currentNumberScheduled',
    'updatedNumberScheduled',
    'numberAvailable',
    'numberReady',
  ].map((key) => num(d, 'status', key) ?? 0);
  const onDelete = str(d, 'spec', 'updateStrategy', 'type') === 'OnDelete' ? ' (OnDelete)' : '';
  if (desired > scheduled || desired > updated || desired > ready) {
    return progress(`${updated}/${desired} updated${onDelete}, ${ready}/${desired} ready`);
  }
  if (desired > available) return progress(`${available}/${desired} available`);
  return current(`${plural(desired, 'node')} updated and available${onDelete}`);
}

function job(j: Json): KindVerdict {
  // FailureTarget comes first (while the pods stop), Failed follows with the same reason.
  const failure = [condition(j, 'Failed'), condition(j, 'FailureTarget')].find((c) => c?.status === 'True');
  if (failure) {
    const reason = typeof failure.reason === 'string' ? failure.reason : 'Failed';
    return {
      state: 'failed',
      reason,
      message: `failed with ${reason}${failure.message ? `: ${failure.message}` : ''}`,
    };
  }
  const succeeded = num(j, 'status', 'succeeded') ?? 0;
  if (conditionIs(j, 'Complete', 'True')) return current(`job complete (${succeeded} succeeded)`);
  if (conditionIs(j, 'SuccessCriteriaMet', 'True'))
    return progress('job succeeded, waiting for its pods to stop');
  if (field(j, 'spec', 'suspend') === true) return progress('job suspended');
  if (str(j, 'status', 'startTime') === undefined) return progress('job not started');
  const completions = num(j, 'spec', 'completions');
  const failed = num(j, 'status', 'failed') ?? 0;
  const parts = [`${num(j, 'status', 'active') ?? 0} active`];
  if (succeeded > 0 || (completions ?? 1) > 1) parts.push(`${succeeded}/${completions ?? 1} succeeded`);
  if (failed > 0) parts.push(`${failed} failed`);
  return progress(`job running (${parts.join(', ')})`);
}

/** Kinds without rules of their own and without status conventions: kstatus calls them current. */
function generic(o: Json): KindVerdict {
  return conditionsVerdict(o) ?? current('resource is current');
}

/** The conditions kstatus reads on any kind (cli-utils pkg/kstatus/status/generic.go, status.go). */
const STATUS_CONDITIONS = ['Ready', 'Reconciling', 'Stalled'];

/**
 * kstatus' generic rules, for kinds without rules of their own (custom resources mainly), in
 * kstatus' order:
 *
 * | status                                                      | verdict                         |
 * | ----------------------------------------------------------- | ------------------------------- |
 * | metadata.deletionTimestamp set                              | in progress (being deleted)     |
 * | status.observedGeneration present and < metadata.generation | in progress (status not read)   |
 * | the first Reconciling=True or Stalled=True condition        | in progress / failed, message   |
 * | Ready True                                                  | current                         |
 * | Ready False or Unknown                                      | in progress, reason and message |
 * | Reconciling or Stalled present, none True, no Ready         | current                         |
 * | none of Ready, Reconciling, Stalled                         | undefined: no status to verify  |
 *
 * Two departures, both towards "not verified" rather than a false "current": kstatus calls an
 * object without any of these conditions current ("Resource is current") — the controller may
 * not have written a status yet, or never will — and this answers undefined, for the caller to
 * report it as applied, not verifiable. And a condition that carries its own observedGeneration
 * (metav1.Condition) older than metadata.generation is about an earlier spec: not read either.
 */
export function conditionsVerdict(o: Json): KindVerdict | undefined {
  if (field(o, 'metadata', 'deletionTimestamp') != null) return progress('being deleted');
  const generation = num(o, 'metadata', 'generation');
  const waiting = progress(`waiting for the controller to see generation ${generation}`);
  if (!generationObserved(o)) return waiting;
  const conditions = records(o, 'status', 'conditions').filter((c) =>
    STATUS_CONDITIONS.includes(String(c.type)),
  );
  if (conditions.length === 0) return undefined;
  const stale = conditions.some((c) => {
    const seen = num(c, 'observedGeneration');
    return generation !== undefined && seen !== undefined && seen < generation;
  });
  if (stale) return waiting;
  for (const c of conditions) {
    if (c.status !== 'True') continue;
    if (c.type === 'Reconciling') return progress(`reconciling${said(c)}`);
    if (c.type === 'Stalled') {
      const reason = typeof c.reason === 'string' && c.reason !== '' ? c.reason : 'Stalled';
      return { state: 'failed', reason, message: `stalled${said(c)}` };
    }
  }
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return current(`ready${said(ready)}`);
  if (ready) return progress(`not ready${said(ready)}`);
  return current('reconciled (neither Reconciling nor Stalled)');
}

/**
 * Whether the object says which generation its status is about (status.observedGeneration, or an
 * observedGeneration on its Ready, Reconciling or Stalled condition). Without it, a Ready=True
 * read right after a change may still be the previous spec's (External Secrets, for one, sets
 * none): the caller gives the controller a moment before it believes it.
 */
export function reportsGeneration(o: Json): boolean {
  if (num(o, 'status', 'observedGeneration') !== undefined) return true;
  return records(o, 'status', 'conditions').some(
    (c) => STATUS_CONDITIONS.includes(String(c.type)) && num(c, 'observedGeneration') !== undefined,
  );
}

/** " (Reason: message)" of a condition, or "" when it gives neither. */
function said(c: Json): string {
  const parts = [c.reason, c.message].filter((part) => typeof part === 'string' && part !== '');
  return parts.length > 0 ? ` (${parts.join(': ')})` : '';
}

function waitingForExtra(extra: number, old: number): string {
  return old > 0
    ? `waiting for ${plural(old, 'old pod')} to terminate`
    : `waiting for ${plural(extra, 'extra pod')} to terminate`;
}
