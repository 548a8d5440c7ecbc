import { describe, expect, it } from '@jest/globals';
import type { KubeObject, StoreEvent } from '../kube/contract.js';
import { createStore, StoreError } from './store.js';

function deployment(name: string, image = 'app:1'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'app', image }] } } },
  };
}

function setup() {
  const store = createStore();
  const deployments = store.typeOf('apps/v1', 'Deployment');
  const replicaSets = store.typeOf('apps/v1', 'ReplicaSet');
  const pods = store.typeOf('v1', 'Pod');
  if (!deployments || !replicaSets || !pods) throw new Error('built-in types missing');
  return { store, deployments, replicaSets, pods };
}

function owned(kind: string, name: string, owner: KubeObject): KubeObject {
  const apiVersion = kind === 'Pod' ? 'v1' : 'apps/v1';
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace: 'default',
      ownerReferences: [
        {
          apiVersion: owner.apiVersion,
          kind: owner.kind,
          name: owner.metadata.name,
          uid: owner.metadata.uid ?? '',
          controller: true,
        },
      ],
    },
    spec: {},
  };
}

describe('the in-memory store', () => {
  it('serves the built-in kinds a Laravel deployment uses and the KEDA and External Secrets kinds', () => {
    const { store } = setup();
    const kinds = [
      ['v1', 'Service'],
      ['v1', 'ConfigMap'],
      ['v1', 'Secret'],
      ['v1', 'Event'],
      ['apps/v1', 'StatefulSet'],
      ['batch/v1', 'Job'],
      ['batch/v1', 'CronJob'],
      ['autoscaling/v2', 'HorizontalPodAutoscaler'],
      ['policy/v1', 'PodDisruptionBudget'],
      ['networking.k8s.io/v1', 'Ingress'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
      ['storage.k8s.io/v1', 'StorageClass'],
      ['keda.sh/v1alpha1', 'ScaledObject'],
      ['keda.sh/v1alpha1', 'TriggerAuthentication'],
      ['external-secrets.io/v1', 'ExternalSecret'],
      ['external-secrets.io/v1beta1', 'ExternalSecret'],
    ];
    for (const [apiVersion, kind] of kinds) expect(store.typeOf(apiVersion, kind)?.kind).toBe(kind);
    expect(store.typeOf('apps/v1', 'Nonsense')).toBeUndefined();
  });

  it('sets uid, resourceVersion, creationTimestamp and generation 1 on create', () => {
    const { store } = setup();
    const created = store.create(deployment('web'));
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.metadata.generation).toBe(1);
  });

  it('refuses to create an object that exists, with AlreadyExists', () => {
    const { store } = setup();
    store.create(deployment('web'));
    expect(() => store.create(deployment('web'))).toThrow(
      expect.objectContaining({ reason: 'AlreadyExists', code: 409 }) as unknown as Error,
    );
  });

  it("selects a Job's pods by its uid and labels its template, as the Job registry does", () => {
    const { store } = setup();
    const job = store.create({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'default' },
      spec: { template: { spec: { containers: [{ name: 'm', image: 'app:1' }] } } },
    });
    const spec = job.spec as {
      selector: unknown;
      template: { metadata: { labels: Record<string, string> } };
    };
    expect(spec.selector).toEqual({
      matchLabels: { 'batch.kubernetes.io/controller-uid': job.metadata.uid },
    });
    expect(spec.template.metadata.labels['job-name']).toBe('migrate');
    expect(spec.template.metadata.labels['batch.kubernetes.io/controller-uid']).toBe(job.metadata.uid);
  });

  it('names objects from generateName', () => {
    const { store } = setup();
    const pod = store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: '', generateName: 'web-' },
      spec: {},
    });
    expect(pod.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
  });

  it('bumps generation on spec changes only, and resourceVersion on every change', () => {
    const { store, deployments } = setup();
    const created = store.create(deployment('web'));
    const withStatus = store.update({ ...created, status: { replicas: 1 } });
    expect(withStatus.metadata.generation).toBe(1);
    expect(Number(withStatus.metadata.resourceVersion)).toBeGreaterThan(
      Number(created.metadata.resourceVersion),
    );
    const relabelled = store.update({
      ...withStatus,
      metadata: { ...withStatus.metadata, labels: { x: 'y' } },
    });
    expect(relabelled.metadata.generation).toBe(1);
    const changed = store.update(deployment('web', 'app:2'));
    expect(changed.metadata.generation).toBe(2);
    expect(store.get(deployments, 'default', 'web')?.metadata.generation).toBe(2);
  });

  it('keeps resourceVersion when an update changes nothing', () => {
    const { store } = setup();
    const created = store.create(deployment('web'));
    expect(store.update(created).metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it('rejects an update carrying a stale resourceVersion with Conflict', () => {
    const { store } = setup();
    const created = store.create(deployment('web'));
    store.update({ ...created, status: { replicas: 3 } });
    expect(() => store.update({ ...created, status: { replicas: 4 } })).toThrow(
      /the object has been modified/,
    );
  });

  it('reports NotFound when updating a missing object', () => {
    const { store } = setup();
    expect(() => store.update(deployment('ghost'))).toThrow(StoreError);
  });

  it('never stores or announces a dry-run write', () => {
    const { store, deployments } = setup();
    const events: StoreEvent[] = [];
    store.subscribe((e) => events.push(e));
    const before = store.resourceVersion;
    const preview = store.create(deployment('web'), { dryRun: true });
    expect(preview.metadata.generation).toBe(1);
    expect(store.get(deployments, 'default', 'web')).toBeUndefined();
    expect(events).toEqual([]);
    expect(store.resourceVersion).toBe(before);
  });

  it('tells subscribers about every change in order', () => {
    const { store, deployments } = setup();
    const events: string[] = [];
    store.subscribe((e) => events.push(`${e.type} ${e.object.metadata.name}`));
    const created = store.create(deployment('web'));
    store.update({ ...created, status: { replicas: 1 } });
    store.delete(deployments, 'default', 'web');
    expect(events).toEqual(['ADDED web', 'MODIFIED web', 'DELETED web']);
  });

  it('keeps events in order when a subscriber writes while being told', () => {
    const { store } = setup();
    const seen: string[] = [];
    store.subscribe((e) => {
      if (e.type === 'ADDED' && e.object.kind === 'Deployment')
        store.create(owned('ReplicaSet', 'web-1', e.object));
    });
    store.subscribe((e) => seen.push(`${e.type} ${e.object.kind}`));
    store.create(deployment('web'));
    expect(seen).toEqual(['ADDED Deployment', 'ADDED ReplicaSet']);
  });

  it('replays changes after a resourceVersion for watches that resume from a list', () => {
    const { store } = setup();
    const from = store.resourceVersion;
    store.create(deployment('a'));
    store.create(deployment('b'));
    expect(store.changesSince(from).map((e) => e.object.metadata.name)).toEqual(['a', 'b']);
  });

  it('garbage-collects dependents by ownerReferences in the background by default', () => {
    const { store, deployments, replicaSets, pods } = setup();
    const web = store.create(deployment('web'));
    const rs = store.create(owned('ReplicaSet', 'web-1', web));
    store.create(owned('Pod', 'web-1-a', rs));
    store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'unrelated', namespace: 'default' },
      spec: {},
    });
    store.delete(deployments, 'default', 'web');
    expect(store.list(replicaSets, 'default')).toEqual([]);
    expect(store.list(pods, 'default').map((p) => p.metadata.name)).toEqual(['unrelated']);
  });

  it('deletes dependents before the owner with Foreground propagation', () => {
    const { store, deployments } = setup();
    const order: string[] = [];
    const web = store.create(deployment('web'));
    store.create(owned('ReplicaSet', 'web-1', web));
    store.subscribe((e) => e.type === 'DELETED' && order.push(e.object.kind));
    store.delete(deployments, 'default', 'web', 'Foreground');
    expect(order).toEqual(['ReplicaSet', 'Deployment']);
  });

  it('leaves dependents without the owner reference with Orphan propagation', () => {
    const { store, deployments, replicaSets } = setup();
    const web = store.create(deployment('web'));
    store.create(owned('ReplicaSet', 'web-1', web));
    store.delete(deployments, 'default', 'web', 'Orphan');
    const rs = store.get(replicaSets, 'default', 'web-1');
    expect(rs?.metadata.ownerReferences).toBeUndefined();
  });

  it('only marks an object with finalizers for deletion, and removes it once they are gone', () => {
    const { store, deployments } = setup();
    const web = store.create({
      ...deployment('web'),
      metadata: { ...deployment('web').metadata, finalizers: ['x/y'] },
    });
    const marked = store.delete(deployments, 'default', 'web');
    expect(marked?.metadata.deletionTimestamp).toBeDefined();
    const current = store.get(deployments, 'default', 'web');
    expect(current?.metadata.deletionTimestamp).toBeDefined();
    store.update({ ...web, metadata: { ...(current?.metadata ?? web.metadata), finalizers: [] } });
    expect(store.get(deployments, 'default', 'web')).toBeUndefined();
  });

  it('marks a deleted namespace Terminating, then deletes everything in it', async () => {
    const store = createStore({ namespaceCleanupMs: 0 });
    const namespaces = store.typeOf('v1', 'Namespace');
    const deployments = store.typeOf('apps/v1', 'Deployment');
    if (!namespaces || !deployments) throw new Error('built-in types missing');
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    store.create({ ...deployment('web'), metadata: { name: 'web', namespace: 'shop' } });
    const marked = store.delete(namespaces, undefined, 'shop');
    expect(marked?.status).toMatchObject({ phase: 'Terminating' });
    expect(store.list(deployments, 'shop')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(store.list(deployments, 'shop')).toEqual([]);
    expect(store.get(namespaces, undefined, 'shop')).toBeUndefined();
  });

  it('registers the kind a CustomResourceDefinition declares and forgets it on delete', () => {
    const { store } = setup();
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true }],
      },
    };
    store.create(crd);
    const widgets = store.typeOf('example.com/v1', 'Widget');
    expect(widgets).toMatchObject({ resource: 'widgets', namespaced: true });
    store.create({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'default' },
    });
    const crds = store.typeOf('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
    if (!crds) throw new Error('no crds');
    store.delete(crds, undefined, 'widgets.example.com');
    expect(store.typeOf('example.com/v1', 'Widget')).toBeUndefined();
  });

  it('rejects a CustomResourceDefinition whose name does not match its plural and group', () => {
    const { store } = setup();
    const bad: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'wrong' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [{ name: 'v1' }],
      },
    };
    expect(() => store.create(bad)).toThrow(/metadata.name must be/);
  });

  it('refuses kinds it does not serve, naming the kind and version', () => {
    const { store } = setup();
    expect(() =>
      store.create({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' } }),
    ).toThrow('no matches for kind "Gadget" in version "example.com/v1"');
  });
});
