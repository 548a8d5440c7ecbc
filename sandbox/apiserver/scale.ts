/** The scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets, StatefulSets and CRDs. */
import type { KubeObject } from '../kube/contract.js';
import { isMap } from './fieldpath.js';
import { badRequest } from './http.js';
import type { TypeInfo } from './types.js';

function at(object: unknown, dotted: string): unknown {
  let node = object;
  for (const part of dotted.split('.').filter((p) => p !== '')) node = isMap(node) ? node[part] : undefined;
  return node;
}

function selectorString(object: KubeObject): string {
  const selector = at(object, '.spec.selector');
  const labels = isMap(selector) && isMap(selector.matchLabels) ? selector.matchLabels : {};
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function scaleOf(type: TypeInfo, object: KubeObject) {
  const paths = type.subresources.scale;
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: Number(at(object, paths?.specReplicasPath ?? '.spec.replicas') ?? 0) },
    status: {
      replicas: Number(at(object, paths?.statusReplicasPath ?? '.status.replicas') ?? 0),
      selector: selectorString(object),
    },
  };
}

/** The parent object with the replicas a Scale asks for. */
export function withScale(type: TypeInfo, object: KubeObject, scale: unknown): KubeObject {
  const replicas = isMap(scale) && isMap(scale.spec) ? scale.spec.replicas : undefined;
  if (!Number.isInteger(replicas) || (replicas as number) < 0) {
    throw badRequest(`Scale.spec.replicas must be a non-negative integer, got ${JSON.stringify(replicas)}.`);
  }
  const copy = structuredClone(object);
  const parts = (type.subresources.scale?.specReplicasPath ?? '.spec.replicas')
    .split('.')
    .filter((p) => p !== '');
  let node = copy as unknown as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    if (!isMap(node[part])) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = replicas;
  return copy;
}
