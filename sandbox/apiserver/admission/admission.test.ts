import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../kube/contract.js';
import { createStore, type MemoryStore } from '../store.js';
import { AdmissionError, admitPod } from './index.js';
import { formatQuantity, parseQuantity } from './quantity.js';

// biome-ignore lint/suspicious/noExplicitAny: test objects are plain JSON.
type Json = any;

function storeWith(...objects: Json[]): MemoryStore {
  const store = createStore();
  for (const object of objects) store.create(object);
  return store;
}

const defaultAccount = {
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: 'default', namespace: 'default' },
};

function pod(name: string, resources?: Json, extra: Json = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'a', ...(resources ? { resources } : {}) }], ...extra },
  };
}

function quota(hard: Record<string, string>): Json {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'compute', namespace: 'default' },
    spec: { hard },
  };
}

function refusal(store: MemoryStore, object: KubeObject): string {
  try {
    admitPod(store, object);
  } catch (error) {
    expect(error).toBeInstanceOf(AdmissionError);
    expect((error as AdmissionError).code).toBe(403);
    return (error as Error).message;
  }
  throw new Error('the pod was admitted');
}

describe('ServiceAccount admission', () => {
  it('refuses a pod whose service account does not exist, naming it by generateName before a name exists', () => {
    const store = storeWith();
    const generated = pod('');
    generated.metadata.generateName = 'web-7c9f-';
    expect(refusal(store, generated)).toBe(
      'pods "web-7c9f-" is forbidden: error looking up service account default/default: serviceaccount "default" not found',
    );
    expect(refusal(storeWith(defaultAccount), pod('api', undefined, { serviceAccountName: 'api' }))).toBe(
      'pods "api" is forbidden: error looking up service account default/api: serviceaccount "api" not found',
    );
  });

  it('defaults serviceAccountName and generates the name of an admitted pod', () => {
    const generated = pod('');
    generated.metadata.generateName = 'web-7c9f-';
    const admitted = admitPod(storeWith(defaultAccount), generated) as Json;
    expect(admitted.spec.serviceAccountName).toBe('default');
    expect(admitted.metadata.name).toMatch(/^web-7c9f-[a-z0-9]{5}$/);
  });
});

describe('ResourceQuota admission', () => {
  it('refuses pods that leave a quota-limited resource unstated, listing containers per resource', () => {
    const store = storeWith(defaultAccount, quota({ 'limits.cpu': '2', 'requests.memory': '1Gi' }));
    const twoContainers = pod('p', undefined, {
      containers: [
        { name: 'web', image: 'a', resources: { limits: { cpu: '1' } } },
        { name: 'app', image: 'a' },
      ],
    });
    expect(refusal(store, twoContainers)).toBe(
      'pods "p" is forbidden: failed quota: compute: must specify limits.cpu for: app; requests.memory for: app,web',
    );
  });

  it('refuses a pod that would exceed the quota, with requested, used and limited as the plugin prints them', () => {
    const store = storeWith(
      defaultAccount,
      quota({ pods: '5', 'requests.memory': '1Gi', 'requests.cpu': '1' }),
    );
    store.create(pod('running', { requests: { memory: '768Mi', cpu: '500m' } }));
    store.create({
      ...pod('done', { requests: { memory: '512Mi', cpu: '1' } }),
      status: { phase: 'Succeeded' },
    });
    expect(refusal(store, pod('next', { requests: { memory: '512Mi', cpu: '250m' } }))).toBe(
      'pods "next" is forbidden: exceeded quota: compute, requested: requests.memory=512Mi, used: requests.memory=768Mi, limited: requests.memory=1Gi',
    );
    expect(admitPod(store, pod('fits', { requests: { memory: '256Mi', cpu: '500m' } })).metadata.name).toBe(
      'fits',
    );
  });

  it('counts pods against a pods quota and defaults requests to limits', () => {
    const store = storeWith(defaultAccount, quota({ pods: '1', 'requests.cpu': '1' }));
    expect(refusal(store, pod('big', { limits: { cpu: '1500m' } }))).toBe(
      'pods "big" is forbidden: exceeded quota: compute, requested: requests.cpu=1500m, used: requests.cpu=0, limited: requests.cpu=1',
    );
    store.create(pod('one', { limits: { cpu: '100m' } }));
    expect(refusal(store, pod('two', { limits: { cpu: '100m' } }))).toBe(
      'pods "two" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=1, limited: pods=1',
    );
  });

  it('prints quantities in their canonical form', () => {
    const show = (text: string) =>
      formatQuantity(parseQuantity(text) as NonNullable<ReturnType<typeof parseQuantity>>);
    expect(['1.5', '0.5', '2000m', '1536Mi', '1024Ki', '1.5Gi', '1G', '100'].map(show)).toEqual([
      '1500m',
      '500m',
      '2',
      '1536Mi',
      '1Mi',
      '1536Mi',
      '1G',
      '100',
    ]);
  });
});

describe('PodSecurity admission', () => {
  it('refuses by the namespace enforce label, naming the generated pod', () => {
    const store = storeWith(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
      },
      { ...defaultAccount, metadata: { name: 'default', namespace: 'shop' } },
    );
    const privileged = pod('', undefined, {
      containers: [{ name: 'app', image: 'a', securityContext: { privileged: true } }],
    });
    privileged.metadata = { namespace: 'shop', generateName: 'web-' } as Json;
    expect(refusal(store, privileged)).toMatch(
      /^pods "web-[a-z0-9]{5}" is forbidden: violates PodSecurity "baseline:latest": privileged \(container "app" must not set securityContext.privileged=true\)$/,
    );
  });
});

function limitRange(...limits: Json[]): Json {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'bounds', namespace: 'default' },
    spec: { limits },
  };
}

describe('LimitRanger admission', () => {
  it('fills in unset limits and requests from the Container defaults, a request from its own limit first', () => {
    const store = storeWith(
      defaultAccount,
      limitRange({
        type: 'Container',
        default: { cpu: '500m', memory: '256Mi' },
        defaultRequest: { cpu: '100m' },
      }),
    );
    const admitted = admitPod(store, pod('p', { limits: { cpu: '2' } })) as Json;
    expect(admitted.spec.containers[0].resources).toEqual({
      limits: { cpu: '2', memory: '256Mi' },
      requests: { cpu: '2', memory: '256Mi' },
    });
    const bare = admitPod(store, pod('q')) as Json;
    expect(bare.spec.containers[0].resources).toEqual({
      limits: { cpu: '500m', memory: '256Mi' },
      requests: { cpu: '100m', memory: '256Mi' },
    });
  });

  it('refuses a container above the max or below the min, as the plugin words it', () => {
    const store = storeWith(
      defaultAccount,
      limitRange({ type: 'Container', max: { cpu: '1' }, min: { memory: '64Mi' } }),
    );
    expect(refusal(store, pod('big', { limits: { cpu: '2' }, requests: { memory: '128Mi' } }))).toBe(
      'pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2.',
    );
    expect(refusal(store, pod('small', { limits: { cpu: '1' }, requests: { memory: '32Mi' } }))).toBe(
      'pods "small" is forbidden: minimum memory usage per Container is 64Mi, but request is 32Mi.',
    );
    // max gives the default limit, min the default request: a bare container passes.
    expect(() => admitPod(store, pod('bare'))).not.toThrow();
  });

  it('refuses a pod whose containers together exceed a Pod max, and joins several refusals as an aggregate', () => {
    const store = storeWith(
      defaultAccount,
      limitRange(
        { type: 'Pod', max: { memory: '1Gi' } },
        { type: 'Container', maxLimitRequestRatio: { cpu: '2' } },
      ),
    );
    const two = pod('two', { limits: { memory: '768Mi', cpu: '1' }, requests: { cpu: '100m' } });
    (two.spec as Json).containers.push({
      name: 'side',
      image: 'b',
      resources: { limits: { memory: '512Mi', cpu: '1' }, requests: { cpu: '1' } },
    });
    expect(refusal(store, two)).toBe(
      'pods "two" is forbidden: [maximum memory usage per Pod is 1Gi, but limit is 1342177280., cpu max limit to request ratio per Container is 2, but provided ratio is 10.000000.]',
    );
  });
});
