import type { ImagePullCheck, KubeObject, StoreEvent } from '../../kube/contract.js';
import { simulatedNodes } from '../nodes.js';
import type { Json } from '../objects.js';
import { releasePod } from '../pods.js';
import type { Runtime } from '../runtime.js';
import { lookupFrom } from './config-check.js';
import { ContainerLogs } from './logs.js';
import { PodWorker, type WorkerContext } from './pod-worker.js';
import { Scheduler } from './scheduler.js';

function finished(pod: Json): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** The nodes' kubelets (and the scheduler in front of them): turns pod objects into running pods. */
export class Kubelets {
  readonly logs = new ContainerLogs();
  private readonly workers = new Map<string, PodWorker>();
  private readonly scheduler: Scheduler;
  private readonly context: WorkerContext;
  private readonly ipCounters = new Map<string, number>();

  constructor(
    private readonly runtime: Runtime,
    imagePullCheck: ImagePullCheck,
  ) {
    this.scheduler = new Scheduler(runtime);
    this.context = {
      runtime,
      logs: this.logs,
      imagePullCheck,
      imageCache: new Map(),
      lookup: (namespace) => lookupFrom((kind, name) => runtime.get(runtime.kinds[kind], namespace, name)),
    };
    runtime.register('Pod', (namespace, name) => this.reconcile(namespace ?? 'default', name));
  }

  /** Reacts to changes that the queue cannot see by name: deletions and config appearing. */
  observe(event: StoreEvent): void {
    const { kind } = event.resource;
    const meta = event.object.metadata;
    if (kind === 'Pod' && event.type === 'DELETED') {
      const key = `${meta.namespace}/${meta.name}`;
      const worker = this.workers.get(key);
      if (worker && worker.uid === meta.uid) {
        worker.cancel();
        this.workers.delete(key);
        this.scheduler.released(String((event.object.spec as Json)?.nodeName ?? ''));
      }
      this.logs.removePod(meta.namespace ?? 'default', meta.name);
    }
    if ((kind === 'ConfigMap' || kind === 'Secret') && event.type !== 'DELETED') {
      for (const [key, worker] of this.workers) if (key.startsWith(`${meta.namespace}/`)) worker.wake();
    }
  }

  stop(): void {
    for (const worker of this.workers.values()) worker.cancel();
    this.workers.clear();
    this.logs.endAll();
  }

  private reconcile(namespace: string, name: string): void {
    const pod = this.runtime.get(this.runtime.kinds.Pod, namespace, name) as Json;
    const key = `${namespace}/${name}`;
    let worker = this.workers.get(key);
    if (worker && worker.uid !== pod?.metadata.uid) {
      worker.cancel();
      this.workers.delete(key);
      worker = undefined;
    }
    if (!pod) return;
    if (pod.metadata.deletionTimestamp) {
      const grace = Number(
        pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30,
      );
      if (worker) worker.terminate(grace);
      else releasePod(this.runtime, namespace, name, pod.metadata.uid);
      return;
    }
    if (!pod.spec.nodeName) {
      this.scheduler.schedule(pod as KubeObject);
      return;
    }
    if (!worker && !finished(pod)) {
      worker = new PodWorker(this.context, pod, this.network(pod.spec.nodeName, pod.status?.startTime));
      this.workers.set(key, worker);
      worker.start();
    }
  }

  private network(nodeName: string, startTime: string | undefined) {
    const node = simulatedNodes.find((n) => n.name === nodeName) ?? simulatedNodes[0];
    const next = (this.ipCounters.get(node.name) ?? 1) + 1;
    this.ipCounters.set(node.name, next > 254 ? 2 : next);
    return {
      hostIP: node.internalIP,
      podIP: `${node.podPrefix}.${next}`,
      startTime: startTime ?? this.runtime.nowIso(),
    };
  }
}
