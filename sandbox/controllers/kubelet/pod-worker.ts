import { randomBytes } from 'node:crypto';
import type { ImagePullCheck, KubeObject } from '../../kube/contract.js';
import type { EventInput } from '../events.js';
import type { Json } from '../objects.js';
import { releasePod, withKubeletFinalizer } from '../pods.js';
import type { Runtime } from '../runtime.js';
import {
  type Behaviour,
  type ContainerRole,
  containerBehaviour,
  imageIdOf,
  probeFailureMessage,
  pullBackoffSeconds,
  pullPolicyOf,
  restartBackoffSeconds,
  restartsAfterExit,
  stopOutcome,
} from './behaviour.js';
import { type ConfigLookup, containerConfigError, containerEnv, volumeMountError } from './config-check.js';
import type { ContainerLogs } from './logs.js';
import { type ContainerRecord, newRecord, type PodNetwork, type PodView, podStatus } from './pod-status.js';

/** What the kubelet lends each pod worker. */
export interface WorkerContext {
  runtime: Runtime;
  logs: ContainerLogs;
  imagePullCheck: ImagePullCheck;
  /** Images already on each node: `${node}|${image}` → digest and the image config's Env. */
  imageCache: Map<string, PulledImage>;
  lookup(namespace: string): ConfigLookup;
}

export interface PulledImage {
  digest: string;
  env: string[];
}

class Cancelled extends Error {}

/** A Go-style duration, as the kubelet prints back-offs ("10s", "2m40s", "5m0s"). */
export function goDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m${Math.round(seconds % 60)}s` : `${Math.round(seconds)}s`;
}

/** Runs one pod on its node: volumes, init containers in order, then the containers side by side. */
export class PodWorker {
  private cancelled = false;
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; reject: (e: Error) => void }>();
  private readonly wakers = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly view: PodView;
  private readonly namespace: string;
  private readonly name: string;
  private readonly node: string;
  private readonly restartPolicy: string;
  private terminating = false;
  /** Each container's image Env, known once pulled: the base its SANDBOX_* behaviour is read from. */
  private readonly imageEnvs = new Map<string, string[]>();
  /** Each container's environment as resolved at its last start (envFrom, valueFrom). */
  private readonly podEnvs = new Map<string, Record<string, string>>();

  constructor(
    private readonly ctx: WorkerContext,
    private readonly pod: Json,
    private readonly network: PodNetwork,
  ) {
    this.namespace = pod.metadata.namespace ?? 'default';
    this.name = pod.metadata.name;
    this.node = pod.spec.nodeName;
    this.restartPolicy = pod.spec.restartPolicy ?? 'Always';
    const init: Json[] = pod.spec.initContainers ?? [];
    this.view = {
      init: init.map((c) => newRecord(c, 'PodInitializing')),
      main: (pod.spec.containers ?? []).map((c: Json) =>
        newRecord(c, init.length > 0 ? 'PodInitializing' : 'ContainerCreating'),
      ),
      initialized: init.length === 0,
      initFailed: false,
      restartPolicy: this.restartPolicy,
    };
  }

  get uid(): string {
    return this.pod.metadata.uid;
  }

  start(): void {
    this.run().catch((error) => {
      if (!(error instanceof Cancelled)) process.stderr.write(`sandbox kubelet: ${this.name}: ${error}\n`);
    });
  }

  /** Stops everything at once (the pod object is gone). */
  cancel(): void {
    this.cancelled = true;
    for (const sleep of this.sleeps) {
      clearTimeout(sleep.timer);
      sleep.reject(new Cancelled());
    }
    this.sleeps.clear();
    for (const timer of this.timers) this.ctx.runtime.clear(timer);
    this.timers.clear();
  }

  /** A ConfigMap or Secret appeared or changed: re-check the waits that depend on them now. */
  wake(): void {
    for (const wake of [...this.wakers]) wake();
  }

  /** Graceful deletion: stop the containers, then remove the pod object as the kubelet does. */
  terminate(gracePeriodSeconds: number): void {
    if (this.terminating) return;
    this.terminating = true;
    const running = this.view.main.filter((c) => c.state.running);
    for (const record of running) {
      this.event({ reason: 'Killing', message: `Stopping container ${record.name}` }, record.name);
    }
    this.cancel();
    const specs: Json[] = this.pod.spec.containers ?? [];
    const stopSeconds = (name: string) => {
      const spec = specs.find((c) => c.name === name);
      try {
        return containerBehaviour(
          spec,
          'main',
          this.restartPolicy,
          this.imageEnvs.get(name),
          this.podEnvs.get(name),
        ).stopSeconds;
      } catch {
        return 1;
      }
    };
    const outcomes = new Map(
      running.map((r) => [r.name, stopOutcome(stopSeconds(r.name), gracePeriodSeconds)]),
    );
    const slowest = Math.max(0, ...[...outcomes.values()].map((o) => o.seconds));
    this.ctx.runtime.after(this.ctx.runtime.scaled(slowest), () => {
      const now = this.ctx.runtime.nowIso();
      for (const record of running) {
        const exitCode = outcomes.get(record.name)?.exitCode ?? 0;
        const reason = exitCode === 0 ? 'Completed' : 'Error';
        record.lastState = {};
        record.state = { terminated: { exitCode, reason, finishedAt: now, containerID: record.containerID } };
        record.ready = false;
        this.ctx.logs.endRun(this.namespace, this.name, record.name);
      }
      this.writeStatus();
      releasePod(this.ctx.runtime, this.namespace, this.name, this.uid);
    });
  }

  private async run(): Promise<void> {
    await this.sleep(0.2);
    this.publish();
    await this.mountVolumes();
    const initSpecs: Json[] = this.pod.spec.initContainers ?? [];
    for (let i = 0; i < initSpecs.length; i++) {
      const succeeded = await this.runContainer(initSpecs[i], this.view.init[i], 'init');
      if (!succeeded) {
        this.view.initFailed = true;
        this.publish();
        return;
      }
    }
    this.view.initialized = true;
    for (const record of this.view.main) record.state = { waiting: { reason: 'ContainerCreating' } };
    this.publish();
    await Promise.all(
      this.pod.spec.containers.map((c: Json, i: number) => this.runContainer(c, this.view.main[i], 'main')),
    );
  }

  private async mountVolumes(): Promise<void> {
    for (;;) {
      const error = volumeMountError(this.pod, this.ctx.lookup(this.namespace));
      if (!error) return;
      this.event({ reason: 'FailedMount', message: error, type: 'Warning' });
      await this.sleepOrWake(10);
    }
  }

  /** One container's life, restarts included. Resolves true when it finished with exit code 0. */
  private async runContainer(spec: Json, record: ContainerRecord, role: ContainerRole): Promise<boolean> {
    const policy = role === 'init' && this.restartPolicy === 'Always' ? 'OnFailure' : this.restartPolicy;
    for (let exits = 0; ; ) {
      const image = await this.pull(spec, record);
      this.imageEnvs.set(spec.name, image.env);
      // Resolved at every start, as the kubelet does: a ConfigMap changed since the last run counts.
      const podEnv = await this.checkConfig(spec, record);
      this.podEnvs.set(spec.name, podEnv);
      let behaviour: Behaviour;
      try {
        behaviour = containerBehaviour(spec, role, this.restartPolicy, image.env, podEnv);
      } catch (error) {
        const message = (error as Error).message;
        record.state = { waiting: { reason: 'CreateContainerConfigError', message } };
        this.event({ reason: 'Failed', message: `Error: ${message}`, type: 'Warning' }, spec.name);
        this.publish();
        return new Promise(() => {});
      }
      this.startRun(spec, record, behaviour, exits);
      if (!behaviour.exits) return new Promise(() => {});
      await this.sleep(behaviour.runSeconds);
      exits++;
      const code = behaviour.exitCode;
      const terminated = {
        exitCode: code,
        reason: code === 0 ? 'Completed' : 'Error',
        startedAt: record.state.running?.startedAt,
        finishedAt: this.ctx.runtime.nowIso(),
        containerID: record.containerID,
      };
      if (behaviour.logLines.length === 0) this.log(record, `sandbox: exiting with code ${code}`);
      this.ctx.logs.endRun(this.namespace, this.name, record.name);
      record.state = { terminated };
      record.ready = false;
      record.started = false;
      if (!restartsAfterExit(policy, code)) {
        record.done = true;
        this.publish();
        return code === 0;
      }
      this.publish();
      const backoff = restartBackoffSeconds(exits);
      record.lastState = { terminated };
      if (backoff > 0) {
        const pod = `${this.name}_${this.namespace}(${this.uid})`;
        record.state = {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${goDuration(backoff)} restarting failed container=${record.name} pod=${pod}`,
          },
        };
        const message = `Back-off restarting failed container ${record.name} in pod ${pod}`;
        this.event({ reason: 'BackOff', message, type: 'Warning' }, record.name);
        this.publish();
      }
      await this.sleep(Math.max(backoff, 0.1));
    }
  }

  private startRun(spec: Json, record: ContainerRecord, behaviour: Behaviour, restarts: number): void {
    const now = this.ctx.runtime.nowIso();
    record.restartCount = restarts;
    record.containerID = `containerd://${randomBytes(32).toString('hex')}`;
    record.state = { running: { startedAt: now } };
    record.started = true;
    record.ready = !behaviour.neverReady && behaviour.readyAfterSeconds === 0;
    this.ctx.logs.startRun(this.namespace, this.name, record.name);
    const lines = behaviour.logLines.length > 0 ? behaviour.logLines : [`sandbox: started ${spec.image}`];
    for (const line of lines) this.log(record, line);
    this.event({ reason: 'Created', message: `Created container: ${record.name}` }, record.name);
    this.event({ reason: 'Started', message: `Started container ${record.name}` }, record.name);
    const containerID = record.containerID;
    const stillThisRun = () => record.containerID === containerID && record.state.running !== undefined;
    if (behaviour.neverReady) {
      const period = Number(spec.readinessProbe?.periodSeconds ?? 10) || 10;
      const probe = () => {
        if (!stillThisRun()) return;
        const message = probeFailureMessage(spec.readinessProbe, this.network.podIP, behaviour.probeOutput);
        this.event({ reason: 'Unhealthy', message, type: 'Warning' }, record.name);
        this.timer(period, probe);
      };
      this.timer(Math.max(behaviour.readyAfterSeconds, 1), probe);
    } else if (!record.ready) {
      this.timer(behaviour.readyAfterSeconds, () => {
        if (!stillThisRun()) return;
        record.ready = true;
        this.publish();
      });
    }
    this.publish();
  }

  private async pull(spec: Json, record: ContainerRecord): Promise<PulledImage> {
    const image: string = spec.image;
    const cacheKey = `${this.node}|${image}`;
    const cached = this.ctx.imageCache.get(cacheKey);
    if (cached && pullPolicyOf(spec) !== 'Always') {
      this.event(
        { reason: 'Pulled', message: `Container image "${image}" already present on machine` },
        spec.name,
      );
      record.imageID = imageIdOf(image, cached.digest);
      return cached;
    }
    for (let failures = 0; ; ) {
      this.event({ reason: 'Pulling', message: `Pulling image "${image}"` }, spec.name);
      const started = Date.now();
      const result = await this.ctx.imagePullCheck(image).catch((error: Error) => ({
        ok: false as const,
        reason: error.message,
      }));
      await this.sleep(0.5);
      if (result.ok) {
        const took = `${Date.now() - started}ms`;
        const pulled = { digest: result.digest, env: result.env ?? [] };
        this.ctx.imageCache.set(cacheKey, pulled);
        record.imageID = imageIdOf(image, result.digest);
        const message = `Successfully pulled image "${image}" in ${took} (${took} including waiting)`;
        this.event({ reason: 'Pulled', message }, spec.name);
        return pulled;
      }
      failures++;
      const error = `failed to pull and unpack image "${image}": ${result.reason}`;
      record.state = { waiting: { reason: 'ErrImagePull', message: error } };
      this.event(
        { reason: 'Failed', message: `Failed to pull image "${image}": ${error}`, type: 'Warning' },
        spec.name,
      );
      this.event({ reason: 'Failed', message: 'Error: ErrImagePull', type: 'Warning' }, spec.name);
      this.publish();
      await this.sleep(1);
      record.state = {
        waiting: {
          reason: 'ImagePullBackOff',
          message: `Back-off pulling image "${image}": ErrImagePull: ${error}`,
        },
      };
      this.event({ reason: 'BackOff', message: `Back-off pulling image "${image}"` }, spec.name);
      this.event({ reason: 'Failed', message: 'Error: ImagePullBackOff', type: 'Warning' }, spec.name);
      this.publish();
      await this.sleep(pullBackoffSeconds(failures));
    }
  }

  /** Waits until the container's references resolve (CreateContainerConfigError meanwhile); its env. */
  private async checkConfig(spec: Json, record: ContainerRecord): Promise<Record<string, string>> {
    for (;;) {
      const lookup = this.ctx.lookup(this.namespace);
      const error = containerConfigError(spec, this.namespace, lookup);
      if (!error) return containerEnv(spec, lookup);
      record.state = { waiting: { reason: 'CreateContainerConfigError', message: error } };
      this.event({ reason: 'Failed', message: `Error: ${error}`, type: 'Warning' }, spec.name);
      this.publish();
      await this.sleepOrWake(10);
    }
  }

  private log(record: ContainerRecord, line: string): void {
    this.ctx.logs.append(this.namespace, this.name, record.name, line);
  }

  private event(input: Omit<EventInput, 'component'>, container?: string): void {
    const current = this.current();
    if (!current || this.cancelled) return;
    const index = this.pod.spec.initContainers?.some((c: Json) => c.name === container)
      ? 'initContainers'
      : 'containers';
    const fieldPath = container ? `spec.${index}{${container}}` : undefined;
    this.ctx.runtime.record(current, { ...input, component: 'kubelet', host: this.node, fieldPath });
  }

  private current(): KubeObject | undefined {
    const pod = this.ctx.runtime.get(this.ctx.runtime.kinds.Pod, this.namespace, this.name);
    return pod?.metadata.uid === this.uid ? pod : undefined;
  }

  private publish(): void {
    if (!this.cancelled) this.writeStatus();
  }

  private writeStatus(): void {
    const pod = this.current();
    if (!pod) {
      this.cancel();
      return;
    }
    const status = podStatus(pod, this.view, this.network, this.ctx.runtime.nowIso());
    this.ctx.runtime.store.update({ ...pod, metadata: withKubeletFinalizer(pod.metadata), status });
  }

  private timer(simulatedSeconds: number, fn: () => void): void {
    const timer = this.ctx.runtime.after(this.ctx.runtime.scaled(simulatedSeconds), () => {
      this.timers.delete(timer);
      if (!this.cancelled) fn();
    });
    this.timers.add(timer);
  }

  /** Waits a simulated duration; rejects with Cancelled when the pod goes away. */
  private sleep(simulatedSeconds: number): Promise<void> {
    if (this.cancelled) return Promise.reject(new Cancelled());
    return new Promise((resolve, reject) => {
      const entry = {
        reject,
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          if (this.cancelled || this.ctx.runtime.isStopped) reject(new Cancelled());
          else resolve();
        }, this.ctx.runtime.scaled(simulatedSeconds) * 1000),
      };
      this.sleeps.add(entry);
    });
  }

  private async sleepOrWake(simulatedSeconds: number): Promise<void> {
    let wake = () => {};
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
      this.wakers.add(resolve);
    });
    try {
      await Promise.race([this.sleep(simulatedSeconds), woken]);
    } finally {
      this.wakers.delete(wake);
    }
    if (this.cancelled) throw new Cancelled();
  }
}
