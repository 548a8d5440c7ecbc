/**
 * What the real Service registry allocates on create and keeps on update: a cluster IP for every
 * type but ExternalName, and a node port for each port of a NodePort or LoadBalancer Service
 * (30000–32767, unique in the cluster). An update (or apply) that leaves them out keeps the
 * allocated values (the registry's patchAllocatedValues), so a re-applied manifest that names
 * no clusterIP or nodePort changes nothing. A dry run allocates too, without keeping anything.
 */
import type { KubeObject } from '../kube/contract.js';
import { isMap } from './fieldpath.js';
import type { MemoryStore } from './store.js';
import type { TypeInfo } from './types.js';

const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

type Port = Record<string, unknown>;

function portsOf(object: KubeObject | undefined): Port[] {
  const spec = object?.spec;
  return isMap(spec) && Array.isArray(spec.ports) ? spec.ports.filter(isMap) : [];
}

function inUse(store: MemoryStore, type: TypeInfo, self: KubeObject) {
  const ips = new Set<string>();
  const nodePorts = new Set<number>();
  for (const service of store.list(type, undefined)) {
    if (service.metadata.uid === self.metadata.uid) continue;
    const spec = service.spec;
    if (isMap(spec) && typeof spec.clusterIP === 'string') ips.add(spec.clusterIP);
    for (const port of portsOf(service)) if (typeof port.nodePort === 'number') nodePorts.add(port.nodePort);
  }
  return { ips, nodePorts };
}

export function allocateServiceFields(
  store: MemoryStore,
  type: TypeInfo,
  before: KubeObject | undefined,
  after: KubeObject,
  random: () => number = Math.random,
): void {
  if (!isMap(after.spec)) return;
  const spec = after.spec;
  const serviceType = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
  const was = isMap(before?.spec) ? before.spec : {};
  const taken = inUse(store, type, after);
  if (serviceType !== 'ExternalName' && (spec.clusterIP === undefined || spec.clusterIP === '')) {
    if (typeof was.clusterIP === 'string' && was.clusterIP !== '') spec.clusterIP = was.clusterIP;
    else {
      let ip: string;
      do ip = `172.20.${1 + Math.floor(random() * 254)}.${1 + Math.floor(random() * 254)}`;
      while (taken.ips.has(ip));
      spec.clusterIP = ip;
    }
    spec.clusterIPs = [spec.clusterIP];
  }
  if (serviceType !== 'NodePort' && serviceType !== 'LoadBalancer') return;
  const oldPorts = portsOf(before);
  for (const port of portsOf(after)) {
    if (typeof port.nodePort === 'number' && port.nodePort !== 0) continue;
    const protocol = port.protocol ?? 'TCP';
    const old = oldPorts.find((o) => o.port === port.port && (o.protocol ?? 'TCP') === protocol);
    if (typeof old?.nodePort === 'number') {
      port.nodePort = old.nodePort;
      continue;
    }
    let nodePort: number;
    do nodePort = NODE_PORT_MIN + Math.floor(random() * (NODE_PORT_MAX - NODE_PORT_MIN + 1));
    while (taken.nodePorts.has(nodePort));
    taken.nodePorts.add(nodePort);
    port.nodePort = nodePort;
  }
}
