import type { KubeObject } from '../kube/contract.js';
import { type Json, matchesSelector, sameJson } from './objects.js';
import { isPodReady } from './pods.js';
import type { Runtime } from './runtime.js';

/** The queue kind under which a whole namespace's Endpoints are recomputed at once. */
export const endpointsKind = 'Endpoints';

/** A Service port's target as a number, resolving a named targetPort against the pod's ports. */
function targetPort(servicePort: Json, pod: Json): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(String(target))) return Number(target);
  for (const container of pod.spec?.containers ?? []) {
    const port = (container.ports ?? []).find((p: Json) => p.name === target);
    if (port) return port.containerPort;
  }
  return undefined;
}

/**
 * The endpoints controller: for every Service with a selector, an Endpoints object listing the
 * matching pods' IPs, ready ones under `addresses` and the others under `notReadyAddresses`
 * (what `kubectl describe service` shows). Recomputed per namespace, batched, on pod changes.
 */
export function startEndpointsController(runtime: Runtime): void {
  runtime.register(endpointsKind, (_cluster, namespace) => syncNamespace(runtime, namespace));
}

function syncNamespace(runtime: Runtime, namespace: string): void {
  const services = runtime.store.list(runtime.kinds.Service, namespace) as Json[];
  const names = new Set(services.map((s) => s.metadata.name));
  for (const endpoints of runtime.store.list(runtime.kinds.Endpoints, namespace)) {
    if (!names.has(endpoints.metadata.name))
      runtime.store.delete(runtime.kinds.Endpoints, namespace, endpoints.metadata.name);
  }
  const selecting = services.filter((s) => s.spec?.selector && Object.keys(s.spec.selector).length > 0);
  if (selecting.length === 0) return;
  const pods = (runtime.store.list(runtime.kinds.Pod, namespace) as Json[]).filter(
    (pod) => pod.status?.podIP && !pod.metadata.deletionTimestamp,
  );
  for (const service of selecting) {
    const members = pods.filter((pod) =>
      matchesSelector(pod.metadata.labels, { matchLabels: service.spec.selector }),
    );
    const address = (pod: Json) => ({
      ip: pod.status.podIP,
      nodeName: pod.spec.nodeName,
      targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    });
    const ready = members.filter(isPodReady).map(address);
    const notReady = members.filter((pod) => !isPodReady(pod)).map(address);
    const ports = (service.spec.ports ?? []).map((port: Json) => ({
      ...(port.name ? { name: port.name } : {}),
      port: members.length > 0 ? (targetPort(port, members[0]) ?? port.port) : port.port,
      protocol: port.protocol ?? 'TCP',
    }));
    const subsets =
      members.length === 0
        ? []
        : [
            {
              ...(ready.length > 0 ? { addresses: ready } : {}),
              ...(notReady.length > 0 ? { notReadyAddresses: notReady } : {}),
              ports,
            },
          ];
    write(runtime, service, subsets);
  }
}

function write(runtime: Runtime, service: Json, subsets: Json[]): void {
  const { namespace, name } = service.metadata;
  const current = runtime.get(runtime.kinds.Endpoints, namespace, name) as Json;
  const labels = { ...(service.metadata.labels ?? {}) };
  if (!current) {
    runtime.store.create({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace, labels },
      subsets,
    } as KubeObject);
    return;
  }
  if (sameJson(current.subsets ?? [], subsets)) return;
  runtime.store.update({ ...current, subsets });
}
