import type { KubeObject, ObjectStore, ResourceType, StoreEvent } from '../kube/contract.js';
import { type EventInput, EventRecorder } from './events.js';
import { type Kinds, resolveKinds } from './kinds.js';
import { controllerOf, isoNow } from './objects.js';

/** A reconcile function for one kind: given namespace and name, converge the world one step. */
export type Reconcile = (namespace: string | undefined, name: string) => void;

/**
 * What every controller shares: the store, the resolved kinds, a clock, timers that stop() clears,
 * a de-duplicating work queue, and the event recorder.
 */
export class Runtime {
  readonly kinds: Kinds;
  readonly events: EventRecorder;
  private readonly reconcilers = new Map<string, Reconcile>();
  private readonly pending = new Map<string, { kind: string; namespace?: string; name: string }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  /** Informer-style index: the objects each owner controls, kept current from store events. */
  private readonly owned = new Map<string, Map<string, KubeObject>>();
  private readonly ownerOfKey = new Map<string, string>();
  /** Consecutive failed reconciles per object, for the retry back-off. */
  private readonly failures = new Map<string, number>();
  /** Consecutive refused pod creations per owner, for the refusal back-off. */
  private readonly refusals = new Map<string, number>();
  private flushScheduled = false;
  private stopped = false;

  constructor(
    readonly store: ObjectStore,
    /** Multiplies simulated delays: the kubelet's and the back-offs, not deadlines in specs. */
    readonly timeScale: number,
    readonly now: () => number = Date.now,
  ) {
    this.kinds = resolveKinds(store);
    this.events = new EventRecorder(store, this.kinds.Event, () => isoNow(this.now()));
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  nowIso(): string {
    return isoNow(this.now());
  }

  register(kind: string, reconcile: Reconcile): void {
    this.reconcilers.set(kind, reconcile);
  }

  /** Queues a reconcile of kind/namespace/name; many requests before the next turn become one. */
  enqueue(kind: string, namespace: string | undefined, name: string): void {
    if (this.stopped || !this.reconcilers.has(kind)) return;
    this.pending.set(`${kind}/${namespace ?? ''}/${name}`, { kind, namespace, name });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Queues a reconcile after `seconds` of real time; keeps only the earliest request per object. */
  enqueueAfter(kind: string, namespace: string | undefined, name: string, seconds: number): void {
    if (this.stopped) return;
    const key = `${kind}/${namespace ?? ''}/${name}`;
    const at = this.now() + Math.max(0, seconds) * 1000;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    if (existing) this.clear(existing.timer);
    const timer = this.after(Math.max(0, seconds), () => {
      this.delayed.delete(key);
      this.enqueue(kind, namespace, name);
    });
    this.delayed.set(key, { at, timer });
  }

  /** Runs fn after `seconds` of real time (callers scale simulated durations themselves). */
  after(seconds: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (!this.stopped) fn();
      },
      Math.max(0, seconds * 1000),
    );
    this.timers.add(timer);
    return timer;
  }

  clear(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** A simulated duration in real seconds. */
  scaled(seconds: number): number {
    return seconds * this.timeScale;
  }

  /**
   * The API refused a create (admission): reconcile again after a back-off that doubles from 1 s
   * to 5 min of simulated time, as a real controller's rate-limited work queue retries, so the
   * pod appears once the cause is fixed (a ServiceAccount created, a quota raised).
   */
  retryRefused(kind: string, namespace: string | undefined, name: string): void {
    const key = `${kind}/${namespace ?? ''}/${name}`;
    const refusals = (this.refusals.get(key) ?? 0) + 1;
    this.refusals.set(key, refusals);
    this.enqueueAfter(kind, namespace, name, this.scaled(Math.min(300, 2 ** (refusals - 1))));
  }

  /** A create went through: the next refusal starts the back-off afresh. */
  clearRefused(kind: string, namespace: string | undefined, name: string): void {
    this.refusals.delete(`${kind}/${namespace ?? ''}/${name}`);
  }

  record(object: KubeObject, input: EventInput): void {
    if (!this.stopped) this.events.record(object, input);
  }

  /** Reads an object, or undefined if it is gone. */
  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(type, namespace, name);
  }

  /** Feeds the owner index; called for every store event before anything is queued. */
  observe(event: StoreEvent): void {
    const meta = event.object.metadata;
    const key = `${event.resource.kind}/${meta.namespace ?? ''}/${meta.name}`;
    const previous = this.ownerOfKey.get(key);
    const owner = event.type === 'DELETED' ? undefined : controllerOf(event.object)?.uid;
    if (previous && previous !== owner) {
      this.owned.get(previous)?.delete(key);
      if (this.owned.get(previous)?.size === 0) this.owned.delete(previous);
      this.ownerOfKey.delete(key);
    }
    if (!owner) return;
    let objects = this.owned.get(owner);
    if (!objects) {
      objects = new Map();
      this.owned.set(owner, objects);
    }
    objects.set(key, event.object);
    this.ownerOfKey.set(key, owner);
  }

  /** The objects of a kind that `owner` controls (from the index, not a list of the store). */
  ownedBy(owner: KubeObject, kind: string): KubeObject[] {
    const objects = this.owned.get(owner.metadata.uid ?? '');
    if (!objects) return [];
    const prefix = `${kind}/`;
    return [...objects].filter(([key]) => key.startsWith(prefix)).map(([, object]) => object);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.delayed.clear();
    this.pending.clear();
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = [...this.pending.values()];
    this.pending.clear();
    for (const item of batch) {
      if (this.stopped) return;
      const reconcile = this.reconcilers.get(item.kind);
      try {
        reconcile?.(item.namespace, item.name);
        this.failures.delete(`${item.kind}/${item.namespace ?? ''}/${item.name}`);
      } catch (error) {
        // Another writer won a race (object deleted or changed underneath): try again shortly.
        const key = `${item.kind}/${item.namespace ?? ''}/${item.name}`;
        const failures = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, failures);
        reportOnce(`${key}: ${(error as Error).message}`);
        this.enqueueAfter(item.kind, item.namespace, item.name, Math.min(5, 0.05 * 2 ** (failures - 1)));
      }
    }
  }
}

const reported = new Set<string>();
function reportOnce(message: string): void {
  if (reported.has(message) || process.env.SANDBOX_CONTROLLERS_QUIET === '1') return;
  reported.add(message);
  process.stderr.write(`sandbox controllers: ${message}\n`);
}
