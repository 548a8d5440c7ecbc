/**
 * The in-memory object store: what etcd plus the registry layer of a real API server do —
 * uid, resourceVersion, generation, finalizers, garbage collection by ownerReferences, and a
 * change stream with enough history that a watch can resume from a list's resourceVersion.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject, ObjectStore, ResourceType, StoreEvent } from '../kube/contract.js';
import { generateJobSelector, randomSuffix } from './create-rules.js';
import { sameValue } from './fieldpath.js';
import { preinstalledCrds } from './preinstalled-crds.js';
import { type TypeInfo, TypeRegistry, typesFromCrd } from './types.js';

export type StoreErrorReason = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'Gone';

const CODES: Record<StoreErrorReason, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Invalid: 422,
  Gone: 410,
};

/** A failed store operation; the API server turns it into a Status with `reason` and `code`. */
export class StoreError extends Error {
  readonly code: number;
  constructor(
    readonly reason: StoreErrorReason,
    message: string,
  ) {
    super(message);
    this.code = CODES[reason];
  }
}

/** A change with the resourceVersion it produced, so watches can resume after a list. */
export interface VersionedEvent extends StoreEvent {
  resourceVersion: number;
}

export interface WriteOptions {
  /** Compute and return the result without storing it or telling subscribers. */
  dryRun?: boolean;
}

export type Propagation = 'Background' | 'Foreground' | 'Orphan';

const HISTORY = 5000;
const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function typeKey(type: ResourceType): string {
  return `${type.group}/${type.resource}`;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Everything except metadata and status: what `generation` counts changes of. */
function specPart(object: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = object;
  return rest;
}

export class MemoryStore implements ObjectStore {
  readonly types = new TypeRegistry();
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private readonly history: VersionedEvent[] = [];
  private readonly pending: StoreEvent[] = [];
  private dispatching = false;
  private version = 0;
  private readonly removingNamespaces = new Set<string>();

  /** @param namespaceCleanupMs how long a deleted namespace stays Terminating before it is emptied. */
  constructor(private readonly namespaceCleanupMs = 1000) {
    for (const name of DEFAULT_NAMESPACES) {
      this.create({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
    }
    for (const crd of preinstalledCrds()) this.create(crd);
  }

  /** The resourceVersion of the latest change (what a list reports). */
  get resourceVersion(): number {
    return this.version;
  }

  typeOf(apiVersion: string, kind: string): TypeInfo | undefined {
    return this.types.byKind(apiVersion, kind);
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.bucket(type).get(keyOf(type.namespaced ? namespace : undefined, name));
    return found && this.present(type, found);
  }

  list(type: ResourceType, namespace?: string): KubeObject[] {
    const all = [...this.bucket(type).values()].filter(
      (o) => namespace === undefined || !type.namespaced || o.metadata.namespace === namespace,
    );
    return all
      .sort((a, b) =>
        keyOf(a.metadata.namespace, a.metadata.name).localeCompare(
          keyOf(b.metadata.namespace, b.metadata.name),
        ),
      )
      .map((o) => this.present(type, o));
  }

  create(object: KubeObject, options: WriteOptions = {}): KubeObject {
    const type = this.requireType(object);
    const meta = object.metadata ?? ({} as KubeObject['metadata']);
    let name = meta.name;
    if (!name && typeof meta.generateName === 'string') name = meta.generateName + randomSuffix();
    if (!name)
      throw new StoreError('Invalid', `${object.kind}: metadata.name or metadata.generateName is required.`);
    const namespace = type.namespaced ? meta.namespace || 'default' : undefined;
    const key = keyOf(namespace, name);
    if (this.bucket(type).has(key)) {
      throw new StoreError('AlreadyExists', `${type.resource}${groupSuffix(type)} "${name}" already exists`);
    }
    if (type.resource === 'customresourcedefinitions') this.checkCrd(object);
    const stored: KubeObject = clone(object);
    stored.metadata = {
      ...clone(meta),
      name,
      ...(namespace === undefined ? {} : { namespace }),
      uid: randomUUID(),
      resourceVersion: String(this.version + 1),
      creationTimestamp: now(),
    };
    if (namespace === undefined) delete stored.metadata.namespace;
    delete stored.metadata.deletionTimestamp;
    if (stored.kind === 'Job') generateJobSelector(stored);
    writeOnlyFields(type, stored);
    // Leases have a spec but no generation (their strategy never sets one), as on a real server.
    if ('spec' in stored && type.kind !== 'Lease') stored.metadata.generation = 1;
    else delete stored.metadata.generation;
    if (options.dryRun) {
      // A dry run is never stored, so it gets no resourceVersion of its own (as on a real server).
      delete stored.metadata.resourceVersion;
      return this.present(type, stored);
    }
    this.version++;
    this.bucket(type).set(key, stored);
    if (type.resource === 'customresourcedefinitions') this.registerCrd(stored);
    this.emit({ type: 'ADDED', resource: type, object: stored });
    return this.present(type, stored);
  }

  update(object: KubeObject, options: WriteOptions = {}): KubeObject {
    const type = this.requireType(object);
    const namespace = type.namespaced ? object.metadata.namespace || 'default' : undefined;
    const key = keyOf(namespace, object.metadata.name);
    const current = this.bucket(type).get(key);
    if (!current) throw notFound(type, object.metadata.name);
    const wanted = object.metadata.resourceVersion;
    if (wanted && wanted !== current.metadata.resourceVersion) {
      throw new StoreError(
        'Conflict',
        `Operation cannot be fulfilled on ${type.resource}${groupSuffix(type)} "${object.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    if (type.resource === 'customresourcedefinitions') this.checkCrd(object);
    const stored: KubeObject = clone(object);
    stored.metadata = {
      ...clone(object.metadata),
      name: current.metadata.name,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      resourceVersion: String(this.version + 1),
    };
    if (namespace === undefined) delete stored.metadata.namespace;
    else stored.metadata.namespace = namespace;
    writeOnlyFields(type, stored, current);
    if (object.metadata.managedFields === undefined && current.metadata.managedFields !== undefined) {
      stored.metadata.managedFields = clone(current.metadata.managedFields);
    }
    // Once deletion started it cannot be undone; it completes when the last finalizer is gone.
    if (current.metadata.deletionTimestamp)
      stored.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
    const generation = current.metadata.generation;
    if (generation === undefined) delete stored.metadata.generation;
    else
      stored.metadata.generation = sameValue(specPart(stored), specPart(current))
        ? generation
        : generation + 1;
    if (
      sameValue(
        { ...stored, metadata: { ...stored.metadata, resourceVersion: '' } },
        { ...current, metadata: { ...current.metadata, resourceVersion: '' } },
      )
    ) {
      // A no-op write does not produce a new resourceVersion, as on a real server.
      return this.present(type, current);
    }
    if (options.dryRun) {
      stored.metadata.resourceVersion = current.metadata.resourceVersion;
      return this.present(type, stored);
    }
    this.version++;
    const finished =
      stored.metadata.deletionTimestamp &&
      (stored.metadata.finalizers ?? []).length === 0 &&
      type.resource !== 'namespaces';
    if (finished) {
      this.bucket(type).delete(key);
      this.afterRemoval(type, stored);
      this.emit({ type: 'DELETED', resource: type, object: stored });
      return this.present(type, stored);
    }
    this.bucket(type).set(key, stored);
    if (type.resource === 'customresourcedefinitions') this.registerCrd(stored);
    this.emit({ type: 'MODIFIED', resource: type, object: stored });
    return this.present(type, stored);
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    propagation: Propagation = 'Background',
    options: WriteOptions = {},
  ): KubeObject | undefined {
    const ns = type.namespaced ? namespace || 'default' : undefined;
    const current = this.bucket(type).get(keyOf(ns, name));
    if (!current) return undefined;
    if (options.dryRun) return this.present(type, current);
    if (type.resource === 'namespaces' && !this.removingNamespaces.has(name))
      return this.terminate(type, current);
    if (propagation === 'Foreground') this.deleteDependents(current, propagation);
    if ((current.metadata.finalizers ?? []).length > 0) {
      if (current.metadata.deletionTimestamp) return this.present(type, current);
      return this.update({ ...current, metadata: { ...current.metadata, deletionTimestamp: now() } });
    }
    this.version++;
    const removed: KubeObject = clone(current);
    removed.metadata.resourceVersion = String(this.version);
    this.bucket(type).delete(keyOf(ns, name));
    this.emit({ type: 'DELETED', resource: type, object: removed });
    if (propagation === 'Orphan') this.orphanDependents(current);
    else this.afterRemoval(type, current);
    return this.present(type, removed);
  }

  /**
   * Namespaces go Terminating first and are emptied a moment later, as the namespace
   * controller does: `kubectl delete -f` can still delete what follows the namespace in a file.
   */
  private terminate(type: ResourceType, namespace: KubeObject): KubeObject {
    if (namespace.metadata.deletionTimestamp) return this.present(type, namespace);
    const name = namespace.metadata.name;
    const marked = this.update({
      ...namespace,
      metadata: { ...namespace.metadata, deletionTimestamp: now() },
      status: { ...(namespace.status as object), phase: 'Terminating' },
    });
    const timer = setTimeout(() => {
      this.removingNamespaces.add(name);
      try {
        this.delete(type, undefined, name);
      } finally {
        this.removingNamespaces.delete(name);
      }
    }, this.namespaceCleanupMs);
    timer.unref();
    return marked;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The changes after `resourceVersion`, oldest first; throws Gone when they are no longer
   * all kept (the client must list again, as with a real server's "too old resource version").
   */
  changesSince(resourceVersion: number): VersionedEvent[] {
    const oldest = this.history[0]?.resourceVersion ?? this.version + 1;
    if (resourceVersion < oldest - 1 && resourceVersion < this.version) {
      throw new StoreError('Gone', `too old resource version: ${resourceVersion} (${oldest - 1})`);
    }
    return this.history.filter((e) => e.resourceVersion > resourceVersion);
  }

  private bucket(type: ResourceType): Map<string, KubeObject> {
    const key = typeKey(type);
    let bucket = this.objects.get(key);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(key, bucket);
    }
    return bucket;
  }

  private requireType(object: KubeObject): TypeInfo {
    if (!object || typeof object !== 'object' || !object.metadata || typeof object.metadata !== 'object') {
      throw new StoreError('Invalid', 'An object needs apiVersion, kind and metadata.');
    }
    const type = this.typeOf(object.apiVersion, object.kind);
    if (!type) {
      throw new StoreError(
        'NotFound',
        `no matches for kind "${object.kind}" in version "${object.apiVersion}"`,
      );
    }
    return type;
  }

  /** A stored object as served: the same group-version the caller asked about. */
  private present(type: ResourceType, object: KubeObject): KubeObject {
    const copy = clone(object);
    copy.apiVersion = type.group === '' ? type.version : `${type.group}/${type.version}`;
    return copy;
  }

  private emit(event: StoreEvent): void {
    const versioned: VersionedEvent = {
      ...event,
      object: clone(event.object),
      resourceVersion: this.version,
    };
    this.history.push(versioned);
    if (this.history.length > HISTORY) this.history.shift();
    this.pending.push(versioned);
    // Listeners that write back (controllers) must not reorder what other listeners see.
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        for (const listener of [...this.listeners]) {
          listener({ type: next.type, resource: next.resource, object: clone(next.object) });
        }
      }
    } finally {
      this.dispatching = false;
      this.pending.length = 0;
    }
  }

  private dependentsOf(owner: KubeObject): Array<{ type: TypeInfo; object: KubeObject }> {
    const found: Array<{ type: TypeInfo; object: KubeObject }> = [];
    for (const type of this.types.all()) {
      for (const object of this.bucket(type).values()) {
        const owned = (object.metadata.ownerReferences ?? []).some((ref) => ref.uid === owner.metadata.uid);
        const sameScope = !owner.metadata.namespace || object.metadata.namespace === owner.metadata.namespace;
        if (owned && sameScope) found.push({ type, object });
      }
    }
    return found;
  }

  private deleteDependents(owner: KubeObject, propagation: Propagation): void {
    for (const { type, object } of this.dependentsOf(owner)) {
      this.delete(type, object.metadata.namespace, object.metadata.name, propagation);
    }
  }

  private orphanDependents(owner: KubeObject): void {
    for (const { object } of this.dependentsOf(owner)) {
      const refs = (object.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== owner.metadata.uid);
      const metadata: KubeObject['metadata'] = { ...object.metadata, ownerReferences: refs };
      if (refs.length === 0) delete metadata.ownerReferences;
      this.update({ ...object, metadata });
    }
  }

  /** Garbage collection and the side effects of removing namespaces and CRDs. */
  private afterRemoval(type: ResourceType, removed: KubeObject): void {
    this.deleteDependents(removed, 'Background');
    if (type.resource === 'namespaces') {
      for (const t of this.types.all().filter((x) => x.namespaced)) {
        for (const object of this.list(t, removed.metadata.name))
          this.delete(t, object.metadata.namespace, object.metadata.name);
      }
    }
    if (type.resource === 'customresourcedefinitions') {
      const served = typesFromCrd(removed);
      if (Array.isArray(served)) for (const t of served) this.objects.delete(typeKey(t));
      this.types.removeCrd(removed.metadata.name);
    }
  }

  private checkCrd(crd: KubeObject): void {
    const served = typesFromCrd(crd);
    if (typeof served === 'string') {
      throw new StoreError(
        'Invalid',
        `CustomResourceDefinition.apiextensions.k8s.io "${crd.metadata.name}" is invalid: ${served}`,
      );
    }
  }

  private registerCrd(crd: KubeObject): void {
    const served = typesFromCrd(crd);
    if (typeof served === 'string') return;
    this.types.removeCrd(crd.metadata.name);
    for (const type of served) this.types.add(type);
  }
}

/**
 * What a real API server does on every write of these kinds: a Secret's `stringData` is merged
 * into `data` (base64) and never stored or returned; a CustomResourceDefinition gets the status
 * the apiextensions controller writes once its names are accepted (NamesAccepted, Established),
 * which clients wait for before using the new kind.
 */
function writeOnlyFields(type: ResourceType, stored: KubeObject, current?: KubeObject): void {
  const object = stored as KubeObject & Record<string, unknown>;
  if (
    type.resource === 'secrets' &&
    type.group === '' &&
    object.stringData &&
    typeof object.stringData === 'object'
  ) {
    const data = { ...((object.data as Record<string, string> | undefined) ?? {}) };
    for (const [key, value] of Object.entries(object.stringData as Record<string, unknown>)) {
      data[key] = Buffer.from(String(value), 'utf8').toString('base64');
    }
    object.data = data;
    delete object.stringData;
  }
  if (type.resource === 'customresourcedefinitions' && typeof typesFromCrd(stored) !== 'string') {
    const spec = (object.spec ?? {}) as {
      names?: unknown;
      versions?: { name?: string; storage?: boolean }[];
    };
    const previous = (current as (KubeObject & Record<string, unknown>) | undefined)?.status as
      | { conditions?: { type: string; lastTransitionTime?: string }[] }
      | undefined;
    const since = (conditionType: string) =>
      previous?.conditions?.find((c) => c.type === conditionType)?.lastTransitionTime ?? now();
    object.status = {
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          reason: 'NoConflicts',
          message: 'no conflicts found',
          lastTransitionTime: since('NamesAccepted'),
        },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
          lastTransitionTime: since('Established'),
        },
      ],
      acceptedNames: spec.names ?? {},
      storedVersions: (spec.versions ?? []).filter((v) => v.storage).map((v) => v.name),
    };
  }
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function groupSuffix(type: ResourceType): string {
  return type.group === '' ? '' : `.${type.group}`;
}

export function notFound(type: ResourceType, name: string): StoreError {
  return new StoreError('NotFound', `${type.resource}${groupSuffix(type)} "${name}" not found`);
}

export function createStore(options: { namespaceCleanupMs?: number } = {}): MemoryStore {
  return new MemoryStore(options.namespaceCleanupMs);
}
