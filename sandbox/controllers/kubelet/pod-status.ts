import { type Condition, type Json, setCondition } from '../objects.js';

/** The kubelet's record of one container, from which containerStatuses are written. */
export interface ContainerRecord {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  state: Json;
  lastState: Json;
  ready: boolean;
  started: boolean;
  restartCount: number;
  /** Terminated and never to be started again. */
  done: boolean;
}

export function newRecord(container: Json, reason: string): ContainerRecord {
  return {
    name: container.name,
    image: container.image,
    imageID: '',
    state: { waiting: { reason } },
    lastState: {},
    ready: false,
    started: false,
    restartCount: 0,
    done: false,
  };
}

export interface PodView {
  init: ContainerRecord[];
  main: ContainerRecord[];
  initialized: boolean;
  /** An init container failed for good (restartPolicy Never). */
  initFailed: boolean;
  restartPolicy: string;
}

/** The pod phase from its containers, following the kubelet's getPhase. */
export function podPhase(view: PodView): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  if (view.initFailed) return 'Failed';
  if (!view.initialized) return 'Pending';
  const neverStarted = view.main.filter(
    (c) => c.state.waiting && c.restartCount === 0 && !c.lastState.terminated,
  );
  if (neverStarted.length > 0) return 'Pending';
  if (view.main.some((c) => !c.done)) return 'Running';
  return view.main.every((c) => c.state.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
}

function listed(names: string[]): string {
  return `[${names.join(' ')}]`;
}

/** The pod conditions kubectl describe and `kubectl wait --for=condition=Ready` read. */
export function podConditions(view: PodView, phase: string, previous: Condition[], now: string): Condition[] {
  let conditions = [...previous];
  const set = (condition: Condition) => {
    conditions = setCondition(conditions, { ...condition, lastProbeTime: null }, now);
  };
  set({ type: 'PodReadyToStartContainers', status: 'True' });
  const pendingInit = view.init
    .filter((c) => !(c.done && c.state.terminated?.exitCode === 0))
    .map((c) => c.name);
  set(
    view.initialized
      ? { type: 'Initialized', status: 'True' }
      : {
          type: 'Initialized',
          status: 'False',
          reason: 'ContainersNotInitialized',
          message: `containers with incomplete status: ${listed(pendingInit)}`,
        },
  );
  const unready = view.main.filter((c) => !c.ready).map((c) => c.name);
  const finished = phase === 'Succeeded' || phase === 'Failed';
  const readiness: Omit<Condition, 'type'> =
    unready.length === 0 && !finished
      ? { status: 'True' }
      : finished
        ? { status: 'False', reason: 'PodCompleted' }
        : {
            status: 'False',
            reason: 'ContainersNotReady',
            message: `containers with unready status: ${listed(unready)}`,
          };
  set({ type: 'ContainersReady', ...readiness });
  set({ type: 'Ready', ...readiness });
  const order = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
  return conditions.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}

function statusOf(record: ContainerRecord): Json {
  return {
    name: record.name,
    image: record.image,
    imageID: record.imageID,
    ...(record.containerID ? { containerID: record.containerID } : {}),
    ready: record.ready,
    started: record.started,
    restartCount: record.restartCount,
    state: record.state,
    lastState: record.lastState,
  };
}

export function qosClass(pod: Json): string {
  const containers: Json[] = pod.spec?.containers ?? [];
  const resources = containers.map((c) => c.resources ?? {});
  const any = resources.some(
    (r) => Object.keys(r.requests ?? {}).length + Object.keys(r.limits ?? {}).length > 0,
  );
  if (!any) return 'BestEffort';
  const guaranteed = resources.every(
    (r) =>
      r.limits?.cpu &&
      r.limits?.memory &&
      (r.requests?.cpu ?? r.limits.cpu) === r.limits.cpu &&
      (r.requests?.memory ?? r.limits.memory) === r.limits.memory,
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export interface PodNetwork {
  hostIP: string;
  podIP: string;
  startTime: string;
}

/** The whole pod status the kubelet writes. */
export function podStatus(pod: Json, view: PodView, network: PodNetwork, now: string): Json {
  const phase = podPhase(view);
  const status: Json = {
    phase,
    conditions: podConditions(view, phase, pod.status?.conditions ?? [], now),
    hostIP: network.hostIP,
    hostIPs: [{ ip: network.hostIP }],
    podIP: network.podIP,
    podIPs: [{ ip: network.podIP }],
    startTime: network.startTime,
    containerStatuses: view.main.map(statusOf),
    qosClass: qosClass(pod),
  };
  if (view.init.length > 0) status.initContainerStatuses = view.init.map(statusOf);
  return status;
}
