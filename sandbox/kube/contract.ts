/**
 * The seams between the sandbox's simulated Kubernetes parts:
 * the API server (storage, HTTP, watch, SSA), the controllers/kubelet (Deployments → Pods, Jobs, ...),
 * and the AWS side (registry lookups, EKS token checks). Each part is built against these types only.
 */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
  finalizers?: string[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Identifies a resource type the way the REST paths do: group '' is the core group. */
export interface ResourceType {
  group: string;
  version: string;
  /** Plural, lower-case: 'deployments', 'pods', 'scaledobjects'. */
  resource: string;
  kind: string;
  namespaced: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceType;
  object: KubeObject;
}

/**
 * The in-memory object store behind the API server. Controllers use it directly (as real
 * controllers use the API), so their writes bump resourceVersion and reach kubectl's watches.
 */
export interface ObjectStore {
  /** The resource type for an apiVersion + kind, if the server serves it (CRDs included). */
  typeOf(apiVersion: string, kind: string): ResourceType | undefined;
  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined;
  list(type: ResourceType, namespace?: string): KubeObject[];
  /** Sets uid, resourceVersion, creationTimestamp, generation (1); fails if it exists. */
  create(object: KubeObject): KubeObject;
  /**
   * Replaces an object (spec and/or status). Bumps resourceVersion; bumps metadata.generation only
   * when anything other than metadata and status changed. Returns the stored object.
   */
  update(object: KubeObject): KubeObject;
  /**
   * Deletes an object. With finalizers it only sets deletionTimestamp. Dependents (by
   * ownerReferences) are garbage-collected as the propagation policy says (default Background).
   */
  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    propagation?: 'Background' | 'Foreground' | 'Orphan',
  ): KubeObject | undefined;
  /** Every change, in order. Returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void;
}

/** Implemented by the simulated kubelet; read by the API server's `pods/log` endpoint. */
export interface PodLogs {
  /** The log lines of a container (of its previous run when `previous`), or undefined if none. */
  lines(namespace: string, pod: string, container: string, previous: boolean): string[] | undefined;
  /** Lines appended from now on, for `logs -f`; returns the unsubscribe function. */
  follow(
    namespace: string,
    pod: string,
    container: string,
    onLine: (line: string) => void,
    onEnd: () => void,
  ): () => void;
}

/**
 * Asks the real registry whether an image reference can be pulled. `env` is the image config's
 * `Env` (`NAME=value` entries), the base of the container's environment as in a real runtime.
 */
export type ImagePullCheck = (
  image: string,
) => Promise<{ ok: true; digest: string; env?: string[] } | { ok: false; reason: string }>;

/** A secret in the simulated AWS Secrets Manager, as GetSecretValue returns it. */
export interface RemoteSecretValue {
  name: string;
  secretString: string;
  versionId: string;
}

/** What the simulated External Secrets Operator reads: the sandbox's AWS Secrets Manager. */
export interface RemoteSecrets {
  get(name: string): RemoteSecretValue | undefined;
  /** Called with the secret's name whenever it is written or deleted; returns the unsubscribe function. */
  subscribe(listener: (name: string) => void): () => void;
}

/** Decides whether a bearer token is accepted by the simulated cluster; returns the user name. */
export type TokenAuthenticator = (
  token: string,
) => Promise<{ ok: true; user: string; issuedAt?: Date } | { ok: false; reason: string }>;

/*
 * How the sandbox's entry point wires the parts (each module exports exactly these):
 *
 *   import { createStore, startApiServer } from '../apiserver/index.js';
 *   import { startControllers } from '../controllers/index.js';
 *
 *   const store = createStore();
 *   const controllers = startControllers({ store, imagePullCheck, timeScale: 0.05 });
 *   const api = await startApiServer({ store, podLogs: controllers.podLogs, tls, authenticate, auditLogPath });
 *   ...
 *   await api.close(); controllers.stop();
 */

export interface ApiServerOptions {
  store: ObjectStore;
  podLogs: PodLogs;
  /** PEM server certificate (for 127.0.0.1 and localhost) and key. */
  tls: { cert: string; key: string };
  authenticate: TokenAuthenticator;
  /** Every request is appended here as one JSON line. */
  auditLogPath: string;
  /** 0 (the default) picks a free port. */
  port?: number;
}

export interface ApiServerHandle {
  /** https://127.0.0.1:PORT */
  url: string;
  /** Plain-HTTP admin endpoint on loopback: fault injection and the audit log. */
  adminUrl: string;
  close(): Promise<void>;
}

export interface ControllerOptions {
  store: ObjectStore;
  imagePullCheck: ImagePullCheck;
  /** Multiplies every simulated delay (back-off, probe periods, start-up); 1 is real time. */
  timeScale: number;
  /** Where ExternalSecrets read from; without it every remote key is missing. */
  remoteSecrets?: RemoteSecrets;
}

export interface ControllerHandle {
  podLogs: PodLogs;
  stop(): void;
}
