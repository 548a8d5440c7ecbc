/** `pods/{name}/log`: a container's log from the simulated kubelet, with follow, previous and tail. */
import type { ServerResponse } from 'node:http';
import type { KubeObject, PodLogs } from '../kube/contract.js';
import { ApiError, badRequest } from './http.js';

export interface LogRequest {
  pod: KubeObject;
  container: string | null;
  follow: boolean;
  previous: boolean;
  tailLines: number | undefined;
}

function containerNames(pod: KubeObject): string[] {
  const spec = (pod.spec ?? {}) as {
    containers?: Array<{ name: string }>;
    initContainers?: Array<{ name: string }>;
  };
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => c.name);
}

function waitingReason(pod: KubeObject, container: string): string {
  const status = (pod.status ?? {}) as {
    containerStatuses?: Array<{ name: string; state?: { waiting?: { reason?: string } } }>;
  };
  const state = status.containerStatuses?.find((c) => c.name === container)?.state;
  return state?.waiting?.reason ?? 'ContainerCreating';
}

/** Which container a log request means; throws the real server's sentences otherwise. */
export function pickContainer(pod: KubeObject, requested: string | null): string {
  const names = containerNames(pod);
  const name = pod.metadata.name;
  if (requested) {
    if (!names.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const main = ((pod.spec ?? {}) as { containers?: Array<{ name: string }> }).containers ?? [];
  if (main.length === 1) return main[0].name;
  const defaulted = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (defaulted && names.includes(defaulted)) return defaulted;
  throw badRequest(
    `a container name must be specified for pod ${name}, choose one of: [${main.map((c) => c.name).join(' ')}]`,
  );
}

export function serveLogs(podLogs: PodLogs, request: LogRequest, res: ServerResponse): void {
  const { pod, follow, previous, tailLines } = request;
  const namespace = pod.metadata.namespace ?? 'default';
  const container = pickContainer(pod, request.container);
  const lines = podLogs.lines(namespace, pod.metadata.name, container, previous);
  if (lines === undefined) {
    if (previous) {
      throw badRequest(
        `previous terminated container "${container}" in pod "${pod.metadata.name}" not found`,
      );
    }
    throw new ApiError(
      400,
      'BadRequest',
      `container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${waitingReason(pod, container)}`,
    );
  }
  const shown = tailLines === undefined ? lines : tailLines === 0 ? [] : lines.slice(-tailLines);
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  for (const line of shown) res.write(`${line}\n`);
  if (!follow || previous) {
    res.end();
    return;
  }
  const stop = podLogs.follow(
    namespace,
    pod.metadata.name,
    container,
    (line) => res.write(`${line}\n`),
    () => res.end(),
  );
  res.on('close', stop);
}
