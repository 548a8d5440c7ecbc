/**
 * The Table form `kubectl get` asks for (Accept: application/json;as=Table;g=meta.k8s.io;v=v1),
 * with the columns a real server prints for the kinds a deployment uses; NAME and AGE otherwise.
 */
import type { KubeObject } from '../kube/contract.js';
import { isMap } from './fieldpath.js';
import type { TypeInfo } from './types.js';

type Cell = string | number;
interface Column {
  name: string;
  type?: 'string' | 'integer';
  priority?: number;
  cell: (o: KubeObject, now: number) => Cell;
}

export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some((part) => part.includes('as=Table') && part.includes('g=meta.k8s.io'));
}

/** Kubernetes' short human durations: 45s, 3m20s, 25m, 5h10m, 30h, 4d, 2y. */
export function humanAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

const get = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (isMap(node) ? node[key] : undefined), o);
const num = (o: unknown, path: string): number => Number(get(o, path) ?? 0);
const since = (value: unknown, now: number): string =>
  typeof value === 'string' ? humanAge((now - Date.parse(value)) / 1000) : '<unknown>';

const name: Column = { name: 'Name', cell: (o) => o.metadata.name };
const age: Column = { name: 'Age', cell: (o, now) => since(o.metadata.creationTimestamp, now) };

function containers(o: KubeObject, path: string): Array<{ name: string; image: string }> {
  const list = get(o, path);
  return Array.isArray(list) ? (list as Array<{ name: string; image: string }>) : [];
}

function podStatus(o: KubeObject): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  const statuses = (get(o, 'status.containerStatuses') ?? []) as Array<{
    state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
  }>;
  for (const s of statuses) {
    const reason = s.state?.waiting?.reason ?? s.state?.terminated?.reason;
    if (reason) return reason;
  }
  return String(get(o, 'status.reason') ?? get(o, 'status.phase') ?? 'Pending');
}

function conditionTrue(o: KubeObject, type: string): boolean {
  const conditions = (get(o, 'status.conditions') ?? []) as Array<{ type: string; status: string }>;
  return conditions.some((c) => c.type === type && c.status === 'True');
}

const COLUMNS: Record<string, Column[]> = {
  Deployment: [
    name,
    { name: 'Ready', cell: (o) => `${num(o, 'status.readyReplicas')}/${num(o, 'spec.replicas')}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => num(o, 'status.updatedReplicas') },
    { name: 'Available', type: 'integer', cell: (o) => num(o, 'status.availableReplicas') },
    age,
    {
      name: 'Containers',
      priority: 1,
      cell: (o) =>
        containers(o, 'spec.template.spec.containers')
          .map((c) => c.name)
          .join(','),
    },
    {
      name: 'Images',
      priority: 1,
      cell: (o) =>
        containers(o, 'spec.template.spec.containers')
          .map((c) => c.image)
          .join(','),
    },
  ],
  ReplicaSet: [
    name,
    { name: 'Desired', type: 'integer', cell: (o) => num(o, 'spec.replicas') },
    { name: 'Current', type: 'integer', cell: (o) => num(o, 'status.replicas') },
    { name: 'Ready', type: 'integer', cell: (o) => num(o, 'status.readyReplicas') },
    age,
  ],
  StatefulSet: [
    name,
    { name: 'Ready', cell: (o) => `${num(o, 'status.readyReplicas')}/${num(o, 'spec.replicas')}` },
    age,
  ],
  DaemonSet: [
    name,
    { name: 'Desired', type: 'integer', cell: (o) => num(o, 'status.desiredNumberScheduled') },
    { name: 'Current', type: 'integer', cell: (o) => num(o, 'status.currentNumberScheduled') },
    { name: 'Ready', type: 'integer', cell: (o) => num(o, 'status.numberReady') },
    age,
  ],
  Pod: [
    name,
    {
      name: 'Ready',
      cell: (o) => {
        const statuses = (get(o, 'status.containerStatuses') ?? []) as Array<{ ready?: boolean }>;
        return `${statuses.filter((s) => s.ready).length}/${containers(o, 'spec.containers').length}`;
      },
    },
    { name: 'Status', cell: podStatus },
    {
      name: 'Restarts',
      type: 'integer',
      cell: (o) =>
        ((get(o, 'status.containerStatuses') ?? []) as Array<{ restartCount?: number }>).reduce(
          (n, s) => n + (s.restartCount ?? 0),
          0,
        ),
    },
    age,
    { name: 'IP', priority: 1, cell: (o) => String(get(o, 'status.podIP') ?? '<none>') },
    { name: 'Node', priority: 1, cell: (o) => String(get(o, 'spec.nodeName') ?? '<none>') },
  ],
  Job: [
    name,
    {
      name: 'Status',
      cell: (o) =>
        conditionTrue(o, 'Complete') ? 'Complete' : conditionTrue(o, 'Failed') ? 'Failed' : 'Running',
    },
    { name: 'Completions', cell: (o) => `${num(o, 'status.succeeded')}/${num(o, 'spec.completions') || 1}` },
    age,
  ],
  CronJob: [
    name,
    { name: 'Schedule', cell: (o) => String(get(o, 'spec.schedule') ?? '') },
    { name: 'Suspend', cell: (o) => String(get(o, 'spec.suspend') ?? false) },
    { name: 'Active', type: 'integer', cell: (o) => ((get(o, 'status.active') ?? []) as unknown[]).length },
    age,
  ],
  Service: [
    name,
    { name: 'Type', cell: (o) => String(get(o, 'spec.type') ?? 'ClusterIP') },
    { name: 'Cluster-IP', cell: (o) => String(get(o, 'spec.clusterIP') ?? '<none>') },
    {
      name: 'Port(s)',
      cell: (o) =>
        ((get(o, 'spec.ports') ?? []) as Array<{ port: number; protocol?: string }>)
          .map((p) => `${p.port}/${p.protocol ?? 'TCP'}`)
          .join(',') || '<none>',
    },
    age,
  ],
  Event: [
    {
      name: 'Last Seen',
      cell: (o, now) => since(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now),
    },
    { name: 'Type', cell: (o) => String(o.type ?? '') },
    { name: 'Reason', cell: (o) => String(o.reason ?? '') },
    {
      name: 'Object',
      cell: (o) =>
        `${String(get(o, 'involvedObject.kind') ?? '').toLowerCase()}/${String(get(o, 'involvedObject.name') ?? '')}`,
    },
    { name: 'Message', cell: (o) => String(o.message ?? '') },
  ],
  HorizontalPodAutoscaler: [
    name,
    {
      name: 'Reference',
      cell: (o) =>
        `${String(get(o, 'spec.scaleTargetRef.kind'))}/${String(get(o, 'spec.scaleTargetRef.name'))}`,
    },
    { name: 'MinPods', type: 'integer', cell: (o) => num(o, 'spec.minReplicas') || 1 },
    { name: 'MaxPods', type: 'integer', cell: (o) => num(o, 'spec.maxReplicas') },
    { name: 'Replicas', type: 'integer', cell: (o) => num(o, 'status.currentReplicas') },
    age,
  ],
  Node: [
    name,
    { name: 'Status', cell: (o) => (conditionTrue(o, 'Ready') ? 'Ready' : 'NotReady') },
    {
      name: 'Roles',
      cell: (o) =>
        Object.keys(o.metadata.labels ?? {})
          .filter((l) => l.startsWith('node-role.kubernetes.io/'))
          .map((l) => l.slice('node-role.kubernetes.io/'.length))
          .join(',') || '<none>',
    },
    age,
    { name: 'Version', cell: (o) => String(get(o, 'status.nodeInfo.kubeletVersion') ?? '') },
  ],
  PersistentVolumeClaim: [
    name,
    { name: 'Status', cell: (o) => String(get(o, 'status.phase') ?? 'Pending') },
    { name: 'Volume', cell: (o) => String(get(o, 'spec.volumeName') ?? '') },
    age,
  ],
  Lease: [name, { name: 'Holder', cell: (o) => String(get(o, 'spec.holderIdentity') ?? '') }, age],
  Namespace: [
    name,
    { name: 'Status', cell: (o) => (o.metadata.deletionTimestamp ? 'Terminating' : 'Active') },
    age,
  ],
};

export function toTable(type: TypeInfo, objects: KubeObject[], resourceVersion: string, now = Date.now()) {
  const columns = COLUMNS[type.kind] ?? [name, age];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type ?? 'string',
      format: c === name ? 'name' : '',
      description: '',
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
