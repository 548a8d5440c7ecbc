import { randomBytes } from 'node:crypto';
import { type Json, randomSuffix } from './objects.js';
import type { Runtime } from './runtime.js';

/**
 * The PersistentVolume binder (every claim is provisioned at once by a pretend CSI driver, as EBS
 * or EFS would) and the service side: a ClusterIP per Service, a load-balancer hostname for
 * Services of type LoadBalancer and for Ingresses, as the AWS load balancer controller would.
 */
export function startStorageAndServiceControllers(runtime: Runtime): void {
  runtime.register('PersistentVolumeClaim', (namespace, name) => bindClaim(runtime, namespace, name));
  const taken = new Set<string>();
  runtime.register('Service', (namespace, name) => publishService(runtime, namespace, name, taken));
  runtime.register('Ingress', (namespace, name) => publishIngress(runtime, namespace, name));
}

function loadBalancerHostname(namespace: string | undefined, name: string): string {
  return `k8s-${(namespace ?? 'default').slice(0, 8)}-${name.slice(0, 8)}-${randomSuffix(10)}.us-east-1.elb.amazonaws.com`;
}

/** Ingresses get an ALB hostname, as the AWS load balancer controller publishes it. */
function publishIngress(runtime: Runtime, namespace: string | undefined, name: string): void {
  const ingress = runtime.get(runtime.kinds.Ingress, namespace, name) as Json;
  if (!ingress || ingress.metadata.deletionTimestamp || ingress.status?.loadBalancer?.ingress?.length) return;
  const status = { loadBalancer: { ingress: [{ hostname: loadBalancerHostname(namespace, name) }] } };
  runtime.store.update({ ...ingress, status });
}

function bindClaim(runtime: Runtime, namespace: string | undefined, name: string): void {
  const pvc = runtime.get(runtime.kinds.PersistentVolumeClaim, namespace, name) as Json;
  if (!pvc || pvc.metadata.deletionTimestamp || pvc.status?.phase === 'Bound') return;
  const volumeName = pvc.spec?.volumeName || `pvc-${pvc.metadata.uid}`;
  const storage = pvc.spec?.resources?.requests?.storage ?? '1Gi';
  const accessModes = pvc.spec?.accessModes ?? ['ReadWriteOnce'];
  const storageClassName = pvc.spec?.storageClassName ?? 'gp3';
  if (!runtime.get(runtime.kinds.PersistentVolume, undefined, volumeName)) {
    runtime.store.create({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name: volumeName,
        annotations: { 'pv.kubernetes.io/provisioned-by': 'sandbox.csi.k8s.io' },
      },
      spec: {
        capacity: { storage },
        accessModes,
        storageClassName,
        persistentVolumeReclaimPolicy: 'Delete',
        volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name, uid: pvc.metadata.uid },
        csi: { driver: 'sandbox.csi.k8s.io', volumeHandle: `vol-${randomBytes(8).toString('hex')}` },
      },
      status: { phase: 'Bound' },
    });
    runtime.record(pvc, {
      reason: 'ProvisioningSucceeded',
      message: `Successfully provisioned volume ${volumeName}`,
      component: 'sandbox.csi.k8s.io',
    });
  }
  const annotations = {
    ...(pvc.metadata.annotations ?? {}),
    'pv.kubernetes.io/bind-completed': 'yes',
    'pv.kubernetes.io/bound-by-controller': 'yes',
  };
  runtime.store.update({
    ...pvc,
    metadata: { ...pvc.metadata, annotations },
    spec: { ...pvc.spec, volumeName, storageClassName },
    status: { phase: 'Bound', accessModes, capacity: { storage } },
  });
  // Pods waiting for this claim are retried by the scheduler's own back-off.
}

function publishService(
  runtime: Runtime,
  namespace: string | undefined,
  name: string,
  taken: Set<string>,
): void {
  const service = runtime.get(runtime.kinds.Service, namespace, name) as Json;
  if (!service || service.metadata.deletionTimestamp) return;
  const type = service.spec?.type ?? 'ClusterIP';
  let changed = false;
  const spec = { ...(service.spec ?? {}) };
  let status = service.status ?? {};
  if (type !== 'ExternalName' && !spec.clusterIP) {
    let ip: string;
    do ip = `172.20.${1 + Math.floor(Math.random() * 254)}.${1 + Math.floor(Math.random() * 254)}`;
    while (taken.has(ip));
    taken.add(ip);
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    changed = true;
  }
  if (type === 'LoadBalancer' && !status.loadBalancer?.ingress?.length) {
    status = { loadBalancer: { ingress: [{ hostname: loadBalancerHostname(namespace, name) }] } };
    changed = true;
  }
  if (changed) runtime.store.update({ ...service, spec, status });
}
