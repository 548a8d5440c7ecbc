import type { KubeObject } from '../../kube/contract.js';
import { type Json, matchesSelector, setCondition } from '../objects.js';
import { withKubeletFinalizer } from '../pods.js';
import type { Runtime } from '../runtime.js';

/** Ready, and not cordoned unless the pod tolerates it (DaemonSet pods do). */
function nodeAccepts(node: Json, pod: Json): boolean {
  const ready = node.status?.conditions?.find((c: Json) => c.type === 'Ready');
  const toleratesCordon = (pod.spec?.tolerations ?? []).some(
    (t: Json) => t.key === 'node.kubernetes.io/unschedulable' || (t.operator === 'Exists' && !t.key),
  );
  return ready?.status === 'True' && (node.spec?.unschedulable !== true || toleratesCordon);
}

/** Required node affinity: matchFields on metadata.name (DaemonSets) and matchExpressions on labels. */
function affinityAllows(pod: Json, node: Json): boolean {
  const terms: Json[] =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return true;
  return terms.some((term) => {
    const fieldsOk = (term.matchFields ?? []).every((f: Json) =>
      f.key === 'metadata.name'
        ? (f.values ?? []).includes(node.metadata.name) === (f.operator === 'In')
        : true,
    );
    const labelsOk = matchesSelector(node.metadata.labels, { matchExpressions: term.matchExpressions ?? [] });
    return fieldsOk && labelsOk;
  });
}

/** Why the pod cannot be placed yet because of its volumes, if it cannot. */
function volumeProblem(runtime: Runtime, pod: Json): string | undefined {
  for (const volume of pod.spec?.volumes ?? []) {
    const claim = volume.persistentVolumeClaim?.claimName;
    if (!claim) continue;
    const pvc: Json = runtime.get(runtime.kinds.PersistentVolumeClaim, pod.metadata.namespace, claim);
    if (!pvc) return `persistentvolumeclaim "${claim}" not found`;
    if (pvc.status?.phase !== 'Bound') return 'pod has unbound immediate PersistentVolumeClaims';
  }
  return undefined;
}

/** The default scheduler: binds a pod to the ready node with the fewest pods that fits it. */
export class Scheduler {
  private readonly load = new Map<string, number>();

  constructor(private readonly runtime: Runtime) {}

  schedule(pod: KubeObject): void {
    const runtime = this.runtime;
    const spec = pod.spec as Json;
    const nodes = runtime.store.list(runtime.kinds.Node);
    const fitting = nodes.filter(
      (node) =>
        nodeAccepts(node, pod) &&
        matchesSelector(node.metadata.labels, { matchLabels: spec.nodeSelector ?? {} }) &&
        affinityAllows(pod, node),
    );
    const problem =
      volumeProblem(runtime, pod) ??
      (fitting.length === 0
        ? `0/${nodes.length} nodes are available: ${nodes.length} node(s) didn't match Pod's node affinity/selector`
        : undefined);
    const now = runtime.nowIso();
    const status = (pod.status ?? {}) as Json;
    if (problem) {
      const condition = {
        type: 'PodScheduled',
        status: 'False' as const,
        reason: 'Unschedulable',
        message: problem,
      };
      runtime.store.update({
        ...pod,
        status: {
          ...status,
          phase: 'Pending',
          conditions: setCondition(status.conditions ?? [], condition, now),
        },
      });
      runtime.record(pod, {
        reason: 'FailedScheduling',
        message: problem,
        type: 'Warning',
        component: 'default-scheduler',
      });
      runtime.enqueueAfter('Pod', pod.metadata.namespace, pod.metadata.name, runtime.scaled(5));
      return;
    }
    const load = (name: string) => this.load.get(name) ?? 0;
    const node = fitting.reduce((best, n) => (load(n.metadata.name) < load(best.metadata.name) ? n : best));
    this.load.set(node.metadata.name, load(node.metadata.name) + 1);
    const scheduled = { type: 'PodScheduled', status: 'True' as const };
    const bound = runtime.store.update({
      ...pod,
      metadata: withKubeletFinalizer(pod.metadata),
      spec: { ...spec, nodeName: node.metadata.name },
      status: {
        ...status,
        phase: 'Pending',
        conditions: setCondition(status.conditions ?? [], scheduled, now),
      },
    });
    const message = `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.metadata.name}`;
    runtime.record(bound, { reason: 'Scheduled', message, component: 'default-scheduler' });
  }

  released(nodeName: string): void {
    this.load.set(nodeName, Math.max(0, (this.load.get(nodeName) ?? 1) - 1));
  }
}
