import { firstLine, plural } from '../../text.js';
import { field, nameOf, records, str } from './objects.js';
import type { Json, PodProblem, RolloutPolicy } from './types.js';

/*
 * Which pod states fail a rollout, and how fast (graceMs: 0 = at once, Infinity = shown, never fatal).
 * Only pods of the new revision are classified; init containers like containers.
 *
 * | State                              | Reason / message                                         | Grace              |
 * | ---------------------------------- | -------------------------------------------------------- | ------------------ |
 * | waiting                            | ErrImagePull, ImagePullBackOff: not found, manifest/name | 0                  |
 * |                                    |   unknown, unauthorized, denied, forbidden, no such host |                    |
 * | waiting                            | ErrImagePull, ImagePullBackOff: anything else (timeouts, | imagePullGraceMs   |
 * |                                    |   429s, "Back-off pulling image" without the cause)      |                    |
 * | waiting                            | InvalidImageName, ErrImageNeverPull                      | 0                  |
 * | waiting                            | CreateContainerConfigError (also "failed to sync ...     | configErrorGraceMs |
 * |                                    |   cache": the kubelet has not seen the object yet)       |                    |
 * | waiting                            | CreateContainerError: name reserved / deadline exceeded  | configErrorGraceMs |
 * | waiting                            | CreateContainerError (other), RunContainerError          | 0                  |
 * | terminated (state or lastState)    | ContainerCannotRun, exit code != 128                     | 0                  |
 * | terminated (state or lastState)    | StartError: executable not found, no such file, denied,  | 0                  |
 * |                                    |   exec format error (containerd's ContainerCannotRun)    |                    |
 * | restartPolicy Always: crashed      | restarts >= crashloopRestarts, or restarts > it while up | 0                  |
 * |   (CrashLoopBackOff or terminated) | fewer restarts                                           | Infinity           |
 * | restartPolicy Always: phase Failed | any reason but a node's (Evicted, Preempting, Shutdown,  | 0                  |
 * |                                    |   NodeShutdown, Terminated, NodeAffinity, OutOf*)        |                    |
 * | PodScheduled=False                 | Unschedulable (autoscalers add nodes on exactly this)    | Infinity           |
 *
 * One problem per container: waiting reasons first, then a start failure, then the crash loop.
 * Job pods (restartPolicy Never/OnFailure) skip the last two rows that are about exits: the Job's
 * backoffLimit decides, and its Failed condition says so. The rows about pulling, configuring and
 * starting still apply, because a Job never counts those and would wait forever.
 * "crashloopRestarts: 2" lets a container restart twice: it fails on the third crash (waiting with
 * restartCount 2), or once it has restarted a third time even if it is running now.
 */

const PERMANENT_PULL =
  /not found|manifest unknown|name unknown|unauthorized|denied|forbidden|no such host|does not exist/i;
const TRANSIENT_CREATE = /is reserved for|already in use|deadline exceeded/i;
const EXEC_FAILURE =
  /executable file not found|no such file or directory|permission denied|exec format error/i;
const NODE_FAILURES = new Set([
  'Evicted',
  'Preempting',
  'Shutdown',
  'NodeShutdown',
  'Terminated',
  'NodeAffinity',
]);

const pullGrace = (message: string, policy: RolloutPolicy) =>
  PERMANENT_PULL.test(message) ? 0 : policy.imagePullGraceMs;

/** Waiting reasons that are problems, and their grace given the message. */
const WAITING: Record<string, (message: string, policy: RolloutPolicy) => number> = {
  ErrImagePull: pullGrace,
  ImagePullBackOff: pullGrace,
  InvalidImageName: () => 0,
  ErrImageNeverPull: () => 0,
  CreateContainerConfigError: (message, policy) => configErrorGrace(message, policy),
  CreateContainerError: (message, policy) => (TRANSIENT_CREATE.test(message) ? policy.configErrorGraceMs : 0),
  RunContainerError: () => 0,
};

/** Reasons that alternate for one cause share a key, so the grace runs from the first of them. */
const FAMILY: Record<string, string> = { ErrImagePull: 'ImagePull', ImagePullBackOff: 'ImagePull' };

/** Reasons that are one problem seen at different moments (ErrImagePull, then ImagePullBackOff). */
export function problemFamily(reason: string): string {
  return FAMILY[reason] ?? reason;
}

type Finding = Pick<PodProblem, 'reason' | 'message' | 'graceMs' | 'restarts' | 'exitCode'>;

export function classifyPod(pod: Json, policy: RolloutPolicy): PodProblem[] {
  // A pod being deleted (scale-down, replaced) no longer decides anything.
  if (field(pod, 'metadata', 'deletionTimestamp') != null) return [];
  const name = nameOf(pod);
  const restartsAlways = (str(pod, 'spec', 'restartPolicy') ?? 'Always') === 'Always';
  const problems: PodProblem[] = [];
  const scheduled = records(pod, 'status', 'conditions').find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const message = typeof scheduled.message === 'string' ? scheduled.message : '';
    problems.push({
      pod: name,
      init: false,
      reason: 'Unschedulable',
      message,
      graceMs: Infinity,
      key: `${name}//Unschedulable`,
    });
  }
  if (restartsAlways && str(pod, 'status', 'phase') === 'Failed') {
    const reason = str(pod, 'status', 'reason') ?? '';
    if (!NODE_FAILURES.has(reason) && !reason.startsWith('OutOf')) {
      const message = [reason, str(pod, 'status', 'message')].filter(Boolean).join(': ');
      problems.push({
        pod: name,
        init: false,
        reason: 'Failed',
        message,
        graceMs: 0,
        key: `${name}//Failed`,
      });
    }
  }
  for (const [list, init] of [
    ['initContainerStatuses', true],
    ['containerStatuses', false],
  ] as const) {
    for (const status of records(pod, 'status', list)) {
      const finding = classifyContainer(status, restartsAlways, policy);
      if (!finding) continue;
      const container = str(status, 'name') ?? '';
      const family = problemFamily(finding.reason);
      problems.push({ pod: name, container, init, ...finding, key: `${name}/${container}/${family}` });
    }
  }
  return problems;
}

function classifyContainer(
  status: Json,
  restartsAlways: boolean,
  policy: RolloutPolicy,
): Finding | undefined {
  const waiting = field(status, 'state', 'waiting');
  const waitingReason = str(waiting, 'reason') ?? '';
  const grace = WAITING[waitingReason];
  if (grace) {
    const message = str(waiting, 'message') ?? '';
    return { reason: waitingReason, message, graceMs: grace(message, policy) };
  }
  const terminated = field(status, 'state', 'terminated') ?? field(status, 'lastState', 'terminated');
  const startFailure = cannotRun(terminated);
  if (startFailure) return startFailure;
  if (restartsAlways) return crashLoop(status, policy);
  return undefined;
}

function cannotRun(terminated: unknown): Finding | undefined {
  const reason = str(terminated, 'reason');
  const message = str(terminated, 'message') ?? '';
  const exitCode = exitCodeOf(terminated);
  // Exit code 128 from ContainerCannotRun is the runtime's own trouble on that node (krane's rule).
  const fatal =
    (reason === 'ContainerCannotRun' && exitCode !== 128) ||
    (reason === 'StartError' && EXEC_FAILURE.test(message));
  return fatal && reason ? { reason, message, exitCode, graceMs: 0 } : undefined;
}

function crashLoop(status: Json, policy: RolloutPolicy): Finding | undefined {
  const restarts = typeof status.restartCount === 'number' ? status.restartCount : 0;
  const crashed =
    str(status, 'state', 'waiting', 'reason') === 'CrashLoopBackOff' ||
    field(status, 'state', 'terminated') != null;
  const tolerated = policy.crashloopRestarts;
  if (!crashed && restarts <= tolerated) return undefined;
  const last = field(status, 'state', 'terminated') ?? field(status, 'lastState', 'terminated');
  const lastReason = str(last, 'reason');
  // "Error" says nothing beyond the exit code; OOMKilled or a termination message does.
  const message = [
    lastReason === 'Error' ? undefined : lastReason,
    firstLine(str(last, 'message'), 201) || undefined,
  ]
    .filter(Boolean)
    .join(': ');
  const graceMs = (crashed && restarts >= tolerated) || restarts > tolerated ? 0 : Infinity;
  return { reason: 'CrashLoopBackOff', message, restarts, exitCode: exitCodeOf(last), graceMs };
}

function exitCodeOf(terminated: unknown): number | undefined {
  const code = field(terminated, 'exitCode');
  return typeof code === 'number' ? code : undefined;
}

const PHRASES: Record<string, (p: PodProblem) => string> = {
  CrashLoopBackOff: (p) =>
    `is crash-looping (restarted ${plural(p.restarts ?? 0, 'time')}` +
    `${p.exitCode === undefined ? '' : `, last exit code ${p.exitCode}`}${p.message ? `, ${p.message}` : ''})`,
  NotReady: () => 'is not ready',
  ErrImagePull: (p) => `cannot pull its image: ${p.message}`,
  ImagePullBackOff: (p) => `cannot pull its image: ${p.message}`,
  InvalidImageName: (p) => `has an invalid image name: ${p.message}`,
  ErrImageNeverPull: (p) => `has no image on the node and imagePullPolicy Never: ${p.message}`,
  CreateContainerConfigError: (p) => `has a configuration error: ${p.message}`,
  CreateContainerError: (p) => `cannot be created: ${p.message}`,
  RunContainerError: (p) => `cannot start: ${p.message}`,
  ContainerCannotRun: (p) => `cannot run (exit code ${p.exitCode}): ${p.message}`,
  StartError: (p) => `cannot start: ${p.message}`,
  Failed: (p) => `has failed: ${p.message}`,
  Unschedulable: (p) => `cannot be scheduled: ${p.message}`,
  FailedCreate: (p) => `cannot create pods: ${p.message}`,
};

/** One line naming the pod (or owner), the container and what is wrong with it. */
export function describeProblem(p: PodProblem): string {
  const subject = p.owner
    ? p.owner.replace('/', ' ')
    : `pod ${p.pod}${p.container ? ` ${p.init ? 'init container' : 'container'} ${p.container}` : ''}`;
  const phrase = PHRASES[p.reason]?.(p) ?? `is ${p.reason}: ${p.message}`;
  return `${subject} ${phrase}`.replace(/: $/, '');
}

/** `secret "x" not found` / `configmap "x" not found` about an object an operator will create waits longer. */
function configErrorGrace(message: string, policy: RolloutPolicy): number {
  const missing = /\b(secret|configmap) "([^"]+)" not found/i.exec(message);
  const key = missing ? `${missing[1]?.toLowerCase()}/${missing[2]}` : undefined;
  if (key !== undefined && policy.producedByOperators?.has(key)) {
    return policy.operatorGraceMs ?? policy.configErrorGraceMs;
  }
  return policy.configErrorGraceMs;
}
