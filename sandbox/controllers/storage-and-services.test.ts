import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Json } from './objects.js';
import { container, type Sandbox, startSandbox } from './test-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = startSandbox();
});
afterEach(() => sandbox.stop());

describe('volumes and services', () => {
  it('binds a PersistentVolumeClaim to a new PersistentVolume of the requested size', async () => {
    sandbox.apply({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'shared', namespace: 'default' },
      spec: {
        accessModes: ['ReadWriteMany'],
        storageClassName: 'efs',
        resources: { requests: { storage: '10Gi' } },
      },
    });
    const pvc = await sandbox.until('bound', () => {
      const current = sandbox.get('PersistentVolumeClaim', 'shared');
      return current.status?.phase === 'Bound' ? current : undefined;
    });
    expect(pvc.status).toEqual({
      phase: 'Bound',
      accessModes: ['ReadWriteMany'],
      capacity: { storage: '10Gi' },
    });
    const pv = sandbox.get('PersistentVolume', pvc.spec.volumeName);
    expect(pv.spec).toMatchObject({
      storageClassName: 'efs',
      claimRef: { name: 'shared', uid: pvc.metadata.uid },
    });
  });

  it('starts a pod that mounts a claim once the claim is bound', async () => {
    sandbox.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'uses-claim', namespace: 'default' },
      spec: {
        containers: [container('app')],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'later' } }],
      },
    });
    await sandbox.until('unschedulable', () =>
      sandbox.events('uses-claim').find((e) => e.message === 'persistentvolumeclaim "later" not found'),
    );
    sandbox.apply({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'later', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    await sandbox.until('running', () => sandbox.get('Pod', 'uses-claim')?.status?.phase === 'Running');
  });

  it('gives Services a cluster IP and LoadBalancers and Ingresses a hostname', async () => {
    sandbox.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api', namespace: 'default' },
      spec: { selector: { app: 'api' }, ports: [{ port: 80 }] },
    });
    sandbox.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'edge', namespace: 'default' },
      spec: { type: 'LoadBalancer', selector: { app: 'edge' }, ports: [{ port: 443 }] },
    });
    sandbox.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'default' },
      spec: { rules: [{ http: { paths: [] } }] },
    });
    const api = await sandbox.until('cluster IP', () => {
      const current = sandbox.get('Service', 'api');
      return current.spec.clusterIP ? current : undefined;
    });
    expect(api.spec.clusterIP).toMatch(/^172\.20\.\d+\.\d+$/);
    expect(api.spec.clusterIPs).toEqual([api.spec.clusterIP]);
    const edge = await sandbox.until(
      'lb',
      () => sandbox.get('Service', 'edge').status?.loadBalancer?.ingress?.[0],
    );
    expect(edge.hostname).toMatch(/\.elb\.amazonaws\.com$/);
    const web: Json = await sandbox.until(
      'ingress',
      () => sandbox.get('Ingress', 'web').status?.loadBalancer?.ingress?.[0],
    );
    expect(web.hostname).toMatch(/^k8s-default-web-\w+\.us-east-1\.elb\.amazonaws\.com$/);
  });

  it('lists the ready pods of a Service in its Endpoints, and removes them with the Service', async () => {
    sandbox.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'front', namespace: 'default' },
      spec: { selector: { app: 'front' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    const app = { ...container('nginx'), ports: [{ name: 'http', containerPort: 8080 }] };
    sandbox.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'front', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'front' } },
        template: { metadata: { labels: { app: 'front' } }, spec: { containers: [app] } },
      },
    });
    const subset: Json = await sandbox.until('two ready addresses', () => {
      const s = sandbox.get('Endpoints', 'front')?.subsets?.[0];
      return s?.addresses?.length === 2 ? s : undefined;
    });
    expect(subset.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(subset.addresses[0].ip).toMatch(/^10\.244\./);
    expect(subset.addresses[0].targetRef.kind).toBe('Pod');
    sandbox.store.delete(sandbox.kinds.Service, 'default', 'front');
    await sandbox.until('endpoints removed', () => sandbox.get('Endpoints', 'front') === undefined);
  });
});
