import { describe, expect, it } from '@jest/globals';
import { ApiError, type KubeApi } from '../../src/deploy/kube-api.js';
import type { Json } from '../../src/deploy/objects.js';
import { rolloutPolicy } from '../../src/deploy/rollout/policy.js';
import { verifyRollout } from '../../src/deploy/verify.js';
import { RecordingLogger } from '../fakes.js';

describe('verify', () => {
  it('ends at once, cancelled, when the run was cancelled before it started (no abort event comes)', async () => {
    const cancel = new AbortController();
    cancel.abort();
    const started = Date.now();
    const result = await verifyRollout(
      [{ apiVersion: 'batch/v1', kind: 'Job', name: 'migrate', namespace: 'shop' }],
      {
        api: {} as KubeApi, // never asked: nothing is read for a cancelled verify
        logger: new RecordingLogger(),
        policy: rolloutPolicy(2),
        timeoutMs: 60_000,
        signal: cancel.signal,
        since: started,
      },
    );
    expect(result).toMatchObject({ ok: false, cancelled: true, verdict: 'Verification was cancelled.' });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

/** A KubeApi that lists a fixed cluster and whose watches stay quiet until stopped. */
function fixedCluster(objects: Record<string, Json[]>): KubeApi {
  const kindOf = (path: string) => path.split('?')[0]?.split('/').at(-1) ?? '';
  return {
    list: async (path: string) => ({ items: objects[kindOf(path)] ?? [], resourceVersion: '1' }),
    watch: (_path: string, _query: unknown, _onEvent: unknown, signal: AbortSignal) =>
      new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
    logs: async () => '',
  } as unknown as KubeApi;
}

function brokenDeployment(name: string): { deployment: Json; replicaSet: Json; pod: Json } {
  const owner = (kind: string, uid: string) => [{ kind, name, uid, controller: true }];
  return {
    deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'shop', uid: `d-${name}`, generation: 2 },
      spec: { replicas: 1 },
      status: {
        observedGeneration: 2,
        replicas: 1,
        updatedReplicas: 1,
        readyReplicas: 0,
        availableReplicas: 0,
      },
    },
    replicaSet: {
      metadata: {
        name: `${name}-7d9c`,
        namespace: 'shop',
        uid: `rs-${name}`,
        labels: { 'pod-template-hash': '7d9c' },
        annotations: { 'deployment.kubernetes.io/revision': '2' },
        ownerReferences: owner('Deployment', `d-${name}`),
      },
      spec: { replicas: 1 },
      status: { replicas: 1 },
    },
    pod: {
      metadata: {
        name: `${name}-7d9c-x`,
        namespace: 'shop',
        uid: `p-${name}`,
        labels: { 'pod-template-hash': '7d9c' },
        ownerReferences: owner('ReplicaSet', `rs-${name}`),
        creationTimestamp: new Date().toISOString(),
      },
      spec: { restartPolicy: 'Always', containers: [{ name: 'app', image: 'r.io/app:gone' }] },
      status: {
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ErrImagePull', message: 'r.io/app:gone: not found' } },
          },
        ],
      },
    },
  };
}

describe('verify: one problem in many workloads', () => {
  it('names the first workload and counts the others that show the same image pull error', async () => {
    const apps = ['api', 'web', 'worker'].map(brokenDeployment);
    const api = fixedCluster({
      deployments: apps.map((a) => a.deployment),
      replicasets: apps.map((a) => a.replicaSet),
      pods: apps.map((a) => a.pod),
    });
    const result = await verifyRollout(
      ['api', 'web', 'worker'].map((name) => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name,
        namespace: 'shop',
      })),
      {
        api,
        logger: new RecordingLogger(),
        policy: rolloutPolicy(2),
        timeoutMs: 30_000,
        signal: new AbortController().signal,
        since: Date.now() - 1000,
      },
    );
    expect(result.ok).toBe(false);
    // Ready of desired from the workload's status: the summary's table shows 0/1, not a dash.
    expect(result.workloads.find((w) => w.ref.name === 'api')).toMatchObject({ ready: 0, desired: 1 });
    expect(result.verdict).toMatch(
      /^Deployment shop\/api: pod api-7d9c-x container app cannot pull its image: r\.io\/app:gone: not found\. 2 more workload\(s\) show the same image pull error too: Deployment shop\/web, Deployment shop\/worker\.$/,
    );
  });
});

describe('verify: a pod watch that broke', () => {
  it('does not call a workload done on pods it can no longer see, and fails it on the crash loop once they are listed again', async () => {
    const { deployment, replicaSet, pod } = brokenDeployment('api');
    const justNow = new Date(Date.now() - 200).toISOString();
    // What the pod cache holds when the pod watch breaks: the new pod running a moment, Ready.
    const seenRunning = {
      ...pod,
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          { name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: justNow } } },
        ],
      },
    };
    // The truth meanwhile: it crashed twice and waits to restart.
    const crashLooping = {
      ...pod,
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 2,
            state: {
              waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container' },
            },
            lastState: { terminated: { exitCode: 1, reason: 'Error' } },
          },
        ],
      },
    };
    const available = {
      ...deployment,
      status: {
        ...(deployment.status as Json),
        readyReplicas: 1,
        availableReplicas: 1,
        conditions: [{ type: 'Available', status: 'True' }],
      },
    };
    let podsBroken = false;
    let podsNow: Json = seenRunning;
    const emitters: Record<string, (event: unknown) => void> = {};
    const kindOf = (path: string) => path.split('?')[0]?.split('/').at(-1) ?? '';
    const api = {
      list: async (path: string) => {
        const kind = kindOf(path);
        if (kind === 'pods' && podsBroken) throw new ApiError('Internal error', 500);
        const items: Record<string, Json[]> = {
          deployments: [deployment],
          replicasets: [replicaSet],
          pods: [podsNow],
        };
        return { items: items[kind] ?? [], resourceVersion: '1' };
      },
      watch: (path: string, _query: unknown, onEvent: (event: unknown) => void, signal: AbortSignal) => {
        const kind = kindOf(path);
        if (kind === 'pods' && podsBroken) return Promise.reject(new ApiError('Internal error', 500));
        emitters[kind] = onEvent;
        return new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => resolve(), { once: true });
          // The pod watch ends (as on an API server restart) the moment the outage starts.
          if (kind === 'pods') breakPods = resolve;
        });
      },
      logs: async () => '',
    } as unknown as KubeApi;
    let breakPods: () => void = () => {};
    const logger = new RecordingLogger();
    const verifying = verifyRollout(
      [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', namespace: 'shop' }],
      {
        api,
        logger,
        policy: rolloutPolicy(2, 1_000), // by the wall clock the pod runs past 1 s during the outage below
        timeoutMs: 30_000,
        signal: new AbortController().signal,
        since: Date.now() - 1000,
      },
    );
    const until = async (what: () => boolean) => {
      for (let i = 0; i < 200 && !what(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    };
    await until(() => emitters.deployments !== undefined && emitters.pods !== undefined);
    podsBroken = true;
    breakPods();
    await until(() =>
      logger.events.some((e) => e.type === 'log' && /Watching Pod in shop failed/.test(e.message)),
    );
    // The controller now counts the pod available: with the stale pod view that would be "done".
    emitters.deployments?.({
      type: 'MODIFIED',
      object: { ...available, metadata: { ...(deployment.metadata as Json), resourceVersion: '2' } },
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    let settled = false;
    void verifying.then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    // The API server answers again: the list shows the crash loop.
    podsNow = crashLooping;
    podsBroken = false;
    const result = await verifying;
    expect(result.ok).toBe(false);
    expect(result.verdict).toMatch(/^Deployment shop\/api: pod api-7d9c-x container app is crash-looping/);
  }, 30_000);
});

describe('verify: the verdict is the last word', () => {
  it('prints no progress line of another workload while the failed pod’s events and log are read', async () => {
    const broken = brokenDeployment('api');
    const slow = brokenDeployment('web');
    // web is simply not ready yet: a pod being created, no problem.
    const creating = {
      ...slow.pod,
      status: {
        phase: 'Pending',
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
        ],
      },
    };
    const cluster = fixedCluster({
      deployments: [broken.deployment, slow.deployment],
      replicasets: [broken.replicaSet, slow.replicaSet],
      pods: [broken.pod, creating],
    });
    const logger = new RecordingLogger();
    const api = {
      ...cluster,
      watch: cluster.watch,
      list: cluster.list,
      // Reading the failed pod's log takes a while, as on a busy API server.
      logs: () => new Promise<string>((resolve) => setTimeout(() => resolve('fatal: no database\n'), 1500)),
    } as unknown as KubeApi;
    const result = await verifyRollout(
      ['api', 'web'].map((name) => ({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: 'shop' })),
      {
        api,
        logger,
        policy: rolloutPolicy(2),
        timeoutMs: 30_000,
        signal: new AbortController().signal,
        since: Date.now() - 1000,
        progressIntervalMs: 50,
      },
    );
    expect(result.ok).toBe(false);
    expect(result.workloads.find((w) => w.ref.name === 'api')?.logs).toEqual(['fatal: no database']);
    const lines = logger.events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    const verdictAt = lines.findIndex((line) => /^Deployment shop\/api: failed after/.test(line));
    expect(verdictAt).toBeGreaterThanOrEqual(0);
    expect(lines.slice(verdictAt + 1)).toEqual([]);
  }, 30_000);
});

describe('verify: custom resources by their conditions', () => {
  const ref = (name: string) => ({ apiVersion: 'example.com/v1', kind: 'Database', name, namespace: 'shop' });
  const database = (name: string, conditions?: Json[]): Json => ({
    apiVersion: 'example.com/v1',
    kind: 'Database',
    metadata: { name, namespace: 'shop', uid: `db-${name}`, generation: 1 },
    ...(conditions ? { status: { observedGeneration: 1, conditions } } : {}),
  });
  const pathOf = (r: { name: string; namespace?: string }) =>
    `/apis/example.com/v1/namespaces/${r.namespace}/databases/${r.name}`;
  const options = (api: KubeApi, timeoutMs = 10_000) => ({
    api,
    logger: new RecordingLogger(),
    policy: rolloutPolicy(2),
    timeoutMs,
    signal: new AbortController().signal,
    since: Date.now(),
    pathOf,
  });

  it('calls a custom resource verified once Ready is True', async () => {
    const api = fixedCluster({ databases: [database('orders', [{ type: 'Ready', status: 'True' }])] });
    const result = await verifyRollout([ref('orders')], options(api));
    expect(result.ok).toBe(true);
    expect(result.workloads).toMatchObject([{ ref: ref('orders'), state: 'current', summary: 'ready' }]);
    expect(result.notVerified).toEqual([]);
  });

  it('fails at once on Stalled=True, with the condition’s message', async () => {
    const stalled = { type: 'Stalled', status: 'True', reason: 'InvalidSpec', message: 'size must be even' };
    const api = fixedCluster({ databases: [database('orders', [stalled])] });
    const started = Date.now();
    const result = await verifyRollout([ref('orders')], options(api));
    expect(result).toMatchObject({
      ok: false,
      verdict: 'Database shop/orders: stalled (InvalidSpec: size must be even)',
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('waits while Ready is False, and the deadline’s verdict names its reason and message', async () => {
    const notReady = {
      type: 'Ready',
      status: 'False',
      reason: 'Provisioning',
      message: 'no capacity in us-east-1a',
    };
    const api = fixedCluster({ databases: [database('orders', [notReady])] });
    const result = await verifyRollout([ref('orders')], options(api, 1500));
    expect(result.ok).toBe(false);
    expect(result.verdict).toContain(
      'Database shop/orders not ready (Provisioning: no capacity in us-east-1a)',
    );
    expect(result.verdict).toContain('rollout-timeout');
  });

  it('reports one without status conventions as not verifiable after a look, never as verified', async () => {
    const api = fixedCluster({
      databases: [database('orders', [{ type: 'Ready', status: 'True' }]), database('plain')],
    });
    const result = await verifyRollout([ref('orders'), ref('plain')], options(api));
    expect(result.ok).toBe(true);
    expect(result.workloads.map((w) => w.ref.name)).toEqual(['orders']);
    expect(result.notVerified).toEqual([
      { ref: ref('plain'), why: 'reports no Ready, Reconciling or Stalled condition' },
    ]);
  });

  it('verifies a cluster-scoped custom resource through its cluster-wide list', async () => {
    const issuer = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', name: 'letsencrypt' };
    const api = fixedCluster({
      clusterissuers: [
        {
          metadata: { name: 'letsencrypt', uid: 'ci-1', generation: 1 },
          status: { conditions: [{ type: 'Ready', status: 'True', reason: 'ACMEAccountRegistered' }] },
        },
      ],
    });
    const result = await verifyRollout([issuer], {
      ...options(api),
      pathOf: (r) => `/apis/cert-manager.io/v1/clusterissuers/${r.name}`,
    });
    expect(result.ok).toBe(true);
    expect(result.workloads).toMatchObject([
      { ref: issuer, state: 'current', summary: 'ready (ACMEAccountRegistered)' },
    ]);
  });

  it('does not believe a Ready=True without observedGeneration at once: a controller that rejects the change has the settle window to say so', async () => {
    const stale = database('orders', [{ type: 'Ready', status: 'True' }]);
    delete (stale.status as Json).observedGeneration;
    const rejected = {
      ...stale,
      status: {
        conditions: [{ type: 'Ready', status: 'False', reason: 'SecretSyncedError', message: 'no such key' }],
      },
    };
    let watcher: ((event: { type: string; object: Json }) => void) | undefined;
    const cluster = fixedCluster({ databases: [stale] });
    const api = {
      ...cluster,
      watch: (path: string, query: unknown, onEvent: typeof watcher, signal: AbortSignal) => {
        if (path.endsWith('/databases')) watcher = onEvent;
        return cluster.watch(path, query as never, onEvent as never, signal);
      },
    } as unknown as KubeApi;
    // The controller answers the change 1 s after verify started.
    setTimeout(() => watcher?.({ type: 'MODIFIED', object: rejected }), 1000);
    const result = await verifyRollout([ref('orders')], {
      ...options(api, 3000),
      policy: rolloutPolicy(2, 2000),
    });
    expect(result.ok).toBe(false);
    expect(result.verdict).toContain('Database shop/orders not ready (SecretSyncedError: no such key)');
  });

  it('does not fail a deploy whose role may not list the custom kind: it is reported as not verified', async () => {
    const cluster = fixedCluster({});
    const api = {
      ...cluster,
      list: async (path: string, query: Record<string, string>) => {
        if (path.endsWith('/databases'))
          throw new ApiError('databases.example.com is forbidden: User "deployer" cannot list resource', 403);
        return cluster.list(path, query);
      },
    } as unknown as KubeApi;
    const result = await verifyRollout([ref('orders')], options(api));
    expect(result.ok).toBe(true);
    expect(result.notVerified).toEqual([
      {
        ref: ref('orders'),
        why: 'verify cannot list it: databases.example.com is forbidden: User "deployer" cannot list resource',
      },
    ]);
  });
});
