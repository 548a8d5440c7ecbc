import type { KubeObject, ObjectStore, ResourceType } from '../kube/contract.js';
import { randomSuffix } from './objects.js';

export interface EventInput {
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  /** The reporting component: 'deployment-controller', 'kubelet', 'default-scheduler', ... */
  component: string;
  /** The node, for kubelet events. */
  host?: string;
  /** The field path of a container, e.g. spec.containers{app}. */
  fieldPath?: string;
}

/**
 * Writes core/v1 Events as the real components do, folding repeats of the same event on the same
 * object into one Event with a growing count (what `kubectl describe` shows as "x4 over 2m").
 */
export class EventRecorder {
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly eventType: ResourceType,
    private readonly now: () => string,
  ) {}

  record(object: KubeObject, input: EventInput): void {
    const namespace = object.metadata.namespace ?? 'default';
    const key = [
      namespace,
      object.metadata.uid,
      input.fieldPath,
      input.reason,
      input.message,
      input.component,
    ].join('|');
    const now = this.now();
    const existingName = this.seen.get(key);
    const existing = existingName ? this.store.get(this.eventType, namespace, existingName) : undefined;
    if (existing) {
      this.store.update({ ...existing, count: ((existing.count as number) ?? 1) + 1, lastTimestamp: now });
      return;
    }
    const name = `${object.metadata.name}.${Date.now().toString(16)}${randomSuffix(4)}`;
    this.store.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        namespace: object.metadata.namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
        ...(input.fieldPath ? { fieldPath: input.fieldPath } : {}),
      },
      reason: input.reason,
      message: input.message,
      type: input.type ?? 'Normal',
      source: { component: input.component, ...(input.host ? { host: input.host } : {}) },
      reportingComponent: input.component,
      reportingInstance: input.host ?? '',
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      eventTime: null,
    });
    this.seen.set(key, name);
  }
}
