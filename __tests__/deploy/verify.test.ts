import { describe, expect, it } from '@jest/globals';
import type { KubeApi } from '../../src/deploy/kube-api.js';
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
    expect(result.verdict).toMatch(
      /^Deployment shop\/api: pod api-7d9c-x container app cannot pull its image: r\.io\/app:gone: not found\. 2 more workload\(s\) show the same image pull error too: Deployment shop\/web, Deployment shop\/worker\.$/,
    );
  });
});
