import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from '@jest/globals';
import { startApiServer } from '../apiserver/server.js';
import { createStore, type MemoryStore } from '../apiserver/store.js';
import { kubeconfigFor, selfSignedCert, TEST_TOKEN } from '../apiserver/test-support.js';
import type {
  ApiServerHandle,
  ControllerHandle,
  ImagePullCheck,
  KubeObject,
  RemoteSecrets,
  ResourceType,
} from '../kube/contract.js';
import { startControllers } from './index.js';
import { type Kinds, resolveKinds } from './kinds.js';
import type { Json } from './objects.js';

/** Images whose repository path contains "missing" cannot be pulled; all others can. */
export const fakeRegistry: ImagePullCheck = async (image) => {
  await new Promise((resolve) => setImmediate(resolve));
  if (image.includes('missing')) {
    return { ok: false, reason: `${image}: not found` };
  }
  return { ok: true, digest: `sha256:${createHash('sha256').update(image).digest('hex')}` };
};

export interface KubectlCluster {
  /** Runs the real kubectl against the cluster; `out` is stdout then stderr. */
  kubectl(args: string[], stdin?: string): Promise<{ code: number; out: string }>;
  /** `kubectl apply --server-side` of YAML text. */
  apply(yaml: string): Promise<{ code: number; out: string }>;
}

/**
 * For the file (beforeAll/afterAll): the simulated API server over TLS with these controllers
 * (fakeRegistry, time scale 0.02) behind it, and a kubeconfig for the real kubectl in a temporary
 * directory named `<dirPrefix>XXXXXX`, which is also kubectl's HOME. `maxBuffer` is that of
 * execFile (its default when not given).
 */
export function useKubectlCluster(dirPrefix: string, options: { maxBuffer?: number } = {}): KubectlCluster {
  let dir: string;
  let api: ApiServerHandle;
  let controllers: ControllerHandle;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), dirPrefix));
    const tls = selfSignedCert(dir);
    const store = createStore();
    controllers = startControllers({ store, imagePullCheck: fakeRegistry, timeScale: 0.02 });
    api = await startApiServer({
      store,
      podLogs: controllers.podLogs,
      tls,
      auditLogPath: join(dir, 'audit.log'),
      authenticate: async (token) =>
        token === TEST_TOKEN ? { ok: true, user: 'tester' } : { ok: false, reason: 'no' },
    });
    writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor(api.url, tls.cert, TEST_TOKEN));
    env = { ...process.env, KUBECONFIG: join(dir, 'kubeconfig'), HOME: dir };
  });
  afterAll(async () => {
    controllers.stop();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const kubectl: KubectlCluster['kubectl'] = (args, stdin = '') =>
    new Promise((resolve) => {
      const child = execFile(
        'kubectl',
        args,
        { env, timeout: 25000, ...(options.maxBuffer !== undefined ? { maxBuffer: options.maxBuffer } : {}) },
        (error, stdout, stderr) => {
          resolve({
            code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
            out: `${stdout}${stderr}`,
          });
        },
      );
      child.stdin?.end(stdin);
    });
  return { kubectl, apply: (yaml) => kubectl(['apply', '--server-side', '-f', '-'], yaml) };
}

export interface Sandbox {
  store: MemoryStore;
  kinds: Kinds;
  controllers: ControllerHandle;
  get(kind: keyof Kinds, name: string, namespace?: string): Json;
  list(kind: keyof Kinds, namespace?: string): Json[];
  /** Creates the object, or replaces its spec (as `kubectl apply` of a changed manifest does). */
  apply(object: KubeObject): Json;
  /** Resolves with the first value `probe` returns that is not undefined, checked on every change and every 50 ms. */
  until<T>(what: string, probe: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  /** Calls `observe` on every store change until stop() (for invariants during a rollout). */
  watch(observe: () => void): () => void;
  events(involvedName: string): Json[];
  stop(): void;
}

export function startSandbox(
  timeScale = 0.01,
  imagePullCheck: ImagePullCheck = fakeRegistry,
  options: { remoteSecrets?: RemoteSecrets; before?: (store: MemoryStore) => void } = {},
): Sandbox {
  const store = createStore();
  options.before?.(store);
  const kinds = resolveKinds(store);
  const controllers = startControllers({
    store,
    imagePullCheck,
    timeScale,
    remoteSecrets: options.remoteSecrets,
  });
  const type = (kind: keyof Kinds): ResourceType => kinds[kind];
  const sandbox: Sandbox = {
    store,
    kinds,
    controllers,
    get: (kind, name, namespace = 'default') => store.get(type(kind), namespace, name),
    list: (kind, namespace) => store.list(type(kind), namespace),
    apply(object) {
      const resource = store.typeOf(object.apiVersion, object.kind) as ResourceType;
      const current = store.get(resource, object.metadata.namespace ?? 'default', object.metadata.name);
      if (!current) return store.create(object);
      return store.update({
        ...current,
        ...object,
        metadata: { ...current.metadata, ...object.metadata, resourceVersion: undefined },
        status: current.status,
      });
    },
    until(what, probe, timeoutMs = 20000) {
      return new Promise((resolve, reject) => {
        let done = false;
        const check = () => {
          if (done) return;
          const value = probe();
          if (value !== undefined && value !== false) {
            done = true;
            cleanup();
            resolve(value as never);
          }
        };
        const unsubscribe = store.subscribe(() => queueMicrotask(check));
        // Also with time: a probe may depend on how long something has run, not only on a change.
        const tick = setInterval(check, 50);
        const timer = setTimeout(() => {
          done = true;
          cleanup();
          reject(new Error(`timed out waiting for ${what}`));
        }, timeoutMs);
        const cleanup = () => {
          unsubscribe();
          clearInterval(tick);
          clearTimeout(timer);
        };
        check();
      });
    },
    watch(observe) {
      return store.subscribe(() => observe());
    },
    events: (name) =>
      store.list(type('Event')).filter((e: Json) => e.involvedObject?.name === name) as Json[],
    stop: () => controllers.stop(),
  };
  return sandbox;
}

export interface ContainerOptions {
  image?: string;
  env?: Record<string, string>;
  readinessDelay?: number;
}

export function container(name: string, options: ContainerOptions = {}): Json {
  return {
    name,
    image: options.image ?? 'registry.local/app:1.0',
    ...(options.env ? { env: Object.entries(options.env).map(([k, value]) => ({ name: k, value })) } : {}),
  };
}

export function deployment(name: string, spec: Json, containers: Json[] = [container('app')]): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      ...spec,
      template: { metadata: { labels: { app: name } }, spec: { containers } },
    },
  };
}

/** kubectl's DeploymentStatusViewer, so tests can say what `kubectl rollout status` would conclude. */
export function rolloutStatusOf(d: Json): { done: boolean; message: string } {
  const name = d.metadata.name;
  const status = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { done: false, message: 'Waiting for deployment spec update to be observed...' };
  }
  const progressing = status.conditions?.find((c: Json) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { done: false, message: `error: deployment "${name}" exceeded its progress deadline` };
  }
  const replicas = d.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  if (updated < replicas) {
    return { done: false, message: `${updated} out of ${replicas} new replicas have been updated...` };
  }
  if ((status.replicas ?? 0) > updated) {
    return { done: false, message: `${status.replicas - updated} old replicas are pending termination...` };
  }
  if ((status.availableReplicas ?? 0) < updated) {
    return {
      done: false,
      message: `${status.availableReplicas ?? 0} of ${updated} updated replicas are available...`,
    };
  }
  return { done: true, message: `deployment "${name}" successfully rolled out` };
}

export function podsOwnedBy(sandbox: Sandbox, owner: Json): Json[] {
  return sandbox
    .list('Pod', owner.metadata.namespace)
    .filter((pod) => pod.metadata.ownerReferences?.some((ref: Json) => ref.uid === owner.metadata.uid));
}

export function waitingReason(pod: Json): string | undefined {
  return pod?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
}
