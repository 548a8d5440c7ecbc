import type { Json, RolloutPolicy, WorkloadSnapshot } from '../../../src/deploy/rollout/status.js';

/** Minimal API objects: only the fields the rollout rules read. */

export const POLICY: RolloutPolicy = {
  crashloopRestarts: 2,
  configErrorGraceMs: 10_000,
  imagePullGraceMs: 30_000,
  failedCreateGraceMs: 5_000,
  unschedulableIsFatal: false,
};

export const never = () => false;
export const atOnce = (p: { graceMs: number }) => p.graceMs === 0;

type ContainerStatus = Json & { name: string };

export function running(name = 'app', restartCount = 0, extra: Json = {}): ContainerStatus {
  return {
    name,
    ready: true,
    restartCount,
    state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
    ...extra,
  };
}

export function waiting(name: string, reason: string, message = '', extra: Json = {}): ContainerStatus {
  return { name, ready: false, restartCount: 0, state: { waiting: { reason, message } }, ...extra };
}

/** A container of a restartPolicy Always pod that crashed `restartCount + 1` times and waits to restart. */
export function crashLooping(
  name: string,
  restartCount: number,
  exitCode = 1,
  reason = 'Error',
): ContainerStatus {
  return {
    name,
    ready: false,
    restartCount,
    state: {
      waiting: { reason: 'CrashLoopBackOff', message: `back-off 20s restarting failed container=${name}` },
    },
    lastState: { terminated: { exitCode, reason } },
  };
}

export interface PodOptions {
  labels?: Record<string, string>;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  phase?: string;
  reason?: string;
  message?: string;
  containers?: ContainerStatus[];
  initContainers?: ContainerStatus[];
  conditions?: Json[];
  created?: string;
  deleting?: boolean;
}

export function pod(name: string, options: PodOptions = {}): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'upload',
      labels: options.labels ?? {},
      creationTimestamp: options.created ?? '2026-01-01T00:00:00Z',
      ...(options.deleting ? { deletionTimestamp: '2026-01-01T00:01:00Z' } : {}),
    },
    spec: { restartPolicy: options.restartPolicy ?? 'Always' },
    status: {
      phase: options.phase ?? 'Running',
      ...(options.reason ? { reason: options.reason } : {}),
      ...(options.message ? { message: options.message } : {}),
      conditions: options.conditions ?? [],
      containerStatuses: options.containers ?? [running()],
      ...(options.initContainers ? { initContainerStatuses: options.initContainers } : {}),
    },
  };
}

export function deployment(spec: Json = {}, status: Json = {}, conditions: Json[] = []): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'upload', generation: 2, uid: 'd-uid' },
    spec: { replicas: 3, progressDeadlineSeconds: 600, ...spec },
    status: {
      observedGeneration: 2,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
        ...conditions,
      ],
      ...status,
    },
  };
}

/** A Deployment's ReplicaSet as the controller names and labels it. */
export function replicaSet(hash: string, revision: number, extra: Json = {}): Json {
  return {
    metadata: {
      name: `api-${hash}`,
      namespace: 'upload',
      uid: `rs-${hash}`,
      labels: { app: 'api', 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
    },
    spec: { replicas: 3 },
    status: { replicas: 3 },
    ...extra,
  };
}

export function snapshot(
  workload: Json,
  parts: Partial<Omit<WorkloadSnapshot, 'workload'>> = {},
): WorkloadSnapshot {
  return { workload, replicaSets: [], controllerRevisions: [], pods: [], events: [], ...parts };
}

export function warning(reason: string, message: string, involvedObject: Json, lastTimestamp: string): Json {
  return { kind: 'Event', type: 'Warning', reason, message, involvedObject, lastTimestamp };
}
