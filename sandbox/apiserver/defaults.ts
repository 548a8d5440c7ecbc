/** The defaults a real API server fills in that controllers and kubectl rely on. */
import type { KubeObject } from '../kube/contract.js';
import { isMap } from './fieldpath.js';

function set(target: Record<string, unknown>, name: string, value: unknown): void {
  if (target[name] === undefined) target[name] = value;
}

function defaultPodSpec(spec: unknown): void {
  if (!isMap(spec)) return;
  set(spec, 'restartPolicy', 'Always');
  set(spec, 'terminationGracePeriodSeconds', 30);
  set(spec, 'dnsPolicy', 'ClusterFirst');
  set(spec, 'schedulerName', 'default-scheduler');
  set(spec, 'securityContext', {});
  for (const list of ['containers', 'initContainers']) {
    for (const container of Array.isArray(spec[list]) ? spec[list] : []) {
      if (!isMap(container)) continue;
      set(
        container,
        'imagePullPolicy',
        String(container.image ?? '').endsWith(':latest') ? 'Always' : 'IfNotPresent',
      );
      set(container, 'resources', {});
      set(container, 'terminationMessagePath', '/dev/termination-log');
      set(container, 'terminationMessagePolicy', 'File');
      for (const port of Array.isArray(container.ports) ? container.ports : [])
        if (isMap(port)) set(port, 'protocol', 'TCP');
    }
  }
}

/**
 * Drops null values, as decoding into typed structs does on a real server: kubectl sends
 * `creationTimestamp: null` inside pod templates (e.g. in `rollout undo`), which must compare
 * equal to a template without it.
 */
function dropNulls(value: unknown): void {
  if (Array.isArray(value)) for (const item of value) dropNulls(item);
  else if (isMap(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (child === null) delete value[key];
      else dropNulls(child);
    }
  }
}

/** Fills defaults in place (the object is a fresh copy owned by the caller). */
export function applyDefaults(object: KubeObject): void {
  dropNulls(object);
  if (object.kind === 'Namespace' && !isMap(object.spec)) object.spec = {};
  const spec = object.spec;
  if (!isMap(spec)) return;
  const template = isMap(spec.template) ? spec.template : undefined;
  switch (object.kind) {
    case 'Deployment':
      set(spec, 'replicas', 1);
      set(spec, 'revisionHistoryLimit', 10);
      set(spec, 'progressDeadlineSeconds', 600);
      set(spec, 'strategy', {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      });
      break;
    case 'StatefulSet':
      set(spec, 'replicas', 1);
      set(spec, 'revisionHistoryLimit', 10);
      set(spec, 'podManagementPolicy', 'OrderedReady');
      set(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
      break;
    case 'DaemonSet':
      set(spec, 'revisionHistoryLimit', 10);
      set(spec, 'updateStrategy', {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: 0, maxUnavailable: 1 },
      });
      break;
    case 'ReplicaSet':
      set(spec, 'replicas', 1);
      break;
    case 'Job':
      set(spec, 'backoffLimit', 6);
      set(spec, 'completions', 1);
      set(spec, 'parallelism', 1);
      if (isMap(spec.template) && isMap(spec.template.spec))
        set(spec.template.spec, 'restartPolicy', 'Never');
      break;
    case 'Service':
      set(spec, 'type', 'ClusterIP');
      set(spec, 'sessionAffinity', 'None');
      for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
        if (!isMap(port)) continue;
        set(port, 'protocol', 'TCP');
        set(port, 'targetPort', port.port);
      }
      break;
    case 'Pod':
      defaultPodSpec(spec);
      break;
    case 'Namespace':
      set(spec, 'finalizers', ['kubernetes']);
      object.status = { phase: 'Active', ...(isMap(object.status) ? object.status : {}) };
      object.metadata.labels = {
        ...object.metadata.labels,
        'kubernetes.io/metadata.name': object.metadata.name,
      };
      break;
  }
  if (template) defaultPodSpec(template.spec);
}
