import type { KubeObject } from '../kube/contract.js';
import { intOrPercent, type Json, matchesSelector, sameJson } from './objects.js';
import {
  createOwnedPod,
  deletePodGracefully,
  isPodActive,
  isPodAvailable,
  isPodReady,
  podFromTemplate,
  podsOf,
} from './pods.js';
import { currentRevision, hashOfRevision, pruneRevisions, revisionsOf } from './revisions.js';
import type { Runtime } from './runtime.js';

const component = 'daemonset-controller';
const hashLabel = 'controller-revision-hash';

function nodeOfPod(pod: Json): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return terms?.[0]?.matchFields?.find((f: Json) => f.key === 'metadata.name')?.values?.[0];
}

/** Nodes matching the template's nodeSelector; cordoned ones too (daemons tolerate it). */
function eligibleNodes(runtime: Runtime, ds: Json): Json[] {
  const selector = ds.spec?.template?.spec?.nodeSelector ?? {};
  return runtime.store
    .list(runtime.kinds.Node)
    .filter((node: Json) => matchesSelector(node.metadata.labels, { matchLabels: selector }));
}

/** The DaemonSet controller: one pod per eligible node, replaced maxUnavailable nodes at a time. */
export function startDaemonSetController(runtime: Runtime): void {
  runtime.register('DaemonSet', (namespace, name) => {
    const ds = runtime.get(runtime.kinds.DaemonSet, namespace, name) as Json;
    if (!ds || ds.metadata.deletionTimestamp) return;
    syncDaemonSet(runtime, ds);
  });
}

function syncDaemonSet(runtime: Runtime, ds: Json): void {
  const revision = currentRevision(runtime, ds, revisionsOf(runtime, ds));
  const hash = hashOfRevision(revision);
  const nodes = eligibleNodes(runtime, ds);
  const nodeNames = new Set(nodes.map((node) => node.metadata.name));
  const pods = (podsOf(runtime, ds) as Json[]).filter((pod) => !pod.metadata.deletionTimestamp);
  const minReady = Number(ds.spec?.minReadySeconds ?? 0);

  for (const pod of pods) {
    const finished = pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
    if (finished || !nodeNames.has(nodeOfPod(pod) ?? '')) deletePod(runtime, ds, pod);
  }
  const live = pods.filter((pod) => isPodActive(pod) && nodeNames.has(nodeOfPod(pod) ?? ''));
  const byNode = new Map<string, Json[]>();
  for (const pod of live)
    byNode.set(nodeOfPod(pod) as string, [...(byNode.get(nodeOfPod(pod) as string) ?? []), pod]);
  let refused = false;
  for (const node of nodes) {
    const onNode = byNode.get(node.metadata.name) ?? [];
    if (onNode.length === 0 && !refused) refused = !createPod(runtime, ds, node.metadata.name, hash);
    for (const extra of onNode.slice(1)) deletePod(runtime, ds, extra);
  }

  if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
    const maxUnavailable = intOrPercent(
      ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable,
      nodes.length,
      true,
      '1',
    );
    const firstOnNode = [...byNode.values()].map((list) => list[0]);
    let unavailable =
      nodes.length - firstOnNode.filter((pod) => isPodAvailable(pod, minReady, runtime.now())).length;
    for (const pod of firstOnNode.filter((p) => p.metadata.labels?.[hashLabel] !== hash)) {
      if (!isPodAvailable(pod, minReady, runtime.now())) deletePod(runtime, ds, pod);
      else if (unavailable < Math.max(1, maxUnavailable)) {
        deletePod(runtime, ds, pod);
        unavailable++;
      }
    }
  }
  writeStatus(runtime, ds, hash, nodes, revision.metadata.name);
}

/** Returns whether the pod was created; a refusal gets a FailedCreate event and a retry. */
function createPod(runtime: Runtime, ds: Json, node: string, hash: string): boolean {
  const pod = podFromTemplate(
    ds,
    ds.spec.template,
    { generateFrom: ds.metadata.name },
    {
      [hashLabel]: hash,
      'pod-template-generation': String(ds.metadata.generation ?? 1),
    },
  ) as Json;
  // The tolerations the real controller adds, so daemons also run on cordoned or pressured nodes.
  const tolerations = [
    ['node.kubernetes.io/not-ready', 'NoExecute'],
    ['node.kubernetes.io/unreachable', 'NoExecute'],
    ['node.kubernetes.io/disk-pressure', 'NoSchedule'],
    ['node.kubernetes.io/memory-pressure', 'NoSchedule'],
    ['node.kubernetes.io/pid-pressure', 'NoSchedule'],
    ['node.kubernetes.io/unschedulable', 'NoSchedule'],
  ].map(([key, effect]) => ({ key, operator: 'Exists', effect }));
  pod.spec.tolerations = [...(pod.spec.tolerations ?? []), ...tolerations];
  pod.spec.affinity = {
    ...(pod.spec.affinity ?? {}),
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }],
      },
    },
  };
  return createOwnedPod(runtime, ds, pod as KubeObject, { kind: 'DaemonSet', component });
}

function deletePod(runtime: Runtime, ds: Json, pod: Json): void {
  deletePodGracefully(runtime, pod);
  runtime.record(ds, { reason: 'SuccessfulDelete', message: `Deleted pod: ${pod.metadata.name}`, component });
}

function writeStatus(runtime: Runtime, ds: Json, hash: string, nodes: Json[], revisionName: string): void {
  const fresh = runtime.get(runtime.kinds.DaemonSet, ds.metadata.namespace, ds.metadata.name) as Json;
  if (!fresh) return;
  const minReady = Number(fresh.spec?.minReadySeconds ?? 0);
  const pods = (podsOf(runtime, fresh) as Json[]).filter(isPodActive);
  const scheduled = new Set(pods.map(nodeOfPod));
  const onNodes = nodes
    .map((node) => pods.find((pod) => nodeOfPod(pod) === node.metadata.name))
    .filter(Boolean) as Json[];
  const available = onNodes.filter((pod) => isPodAvailable(pod, minReady, runtime.now())).length;
  const status = {
    observedGeneration: fresh.metadata.generation ?? 1,
    desiredNumberScheduled: nodes.length,
    currentNumberScheduled: nodes.filter((node) => scheduled.has(node.metadata.name)).length,
    numberMisscheduled: 0,
    numberReady: onNodes.filter(isPodReady).length,
    numberAvailable: available,
    numberUnavailable: nodes.length - available,
    updatedNumberScheduled: onNodes.filter((pod) => pod.metadata.labels?.[hashLabel] === hash).length,
  };
  if (minReady > 0 && status.numberAvailable < status.numberReady) {
    runtime.enqueueAfter('DaemonSet', fresh.metadata.namespace, fresh.metadata.name, minReady / 4 + 0.05);
  }
  const revisions = revisionsOf(runtime, fresh);
  const inUse = new Set([
    revisionName,
    ...revisions
      .filter((cr) =>
        pods.some(
          (p) => p.metadata.labels?.[hashLabel] === cr.metadata.labels?.['controller.kubernetes.io/hash'],
        ),
      )
      .map((cr) => cr.metadata.name),
  ]);
  pruneRevisions(runtime, fresh, revisions, inUse);
  if (!sameJson(status, fresh.status)) runtime.store.update({ ...fresh, status });
}
