/**
 * For tests only: a minimal stand-in for the Deployment controller, writing through the store
 * as the real simulated controllers do — one ReplicaSet per pod template (with the revision
 * annotation `rollout history/undo` read) and a status that reports the rollout complete.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/contract.js';
import type { MemoryStore } from './store.js';

function templateHash(template: unknown): string {
  return createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10);
}

export function startTestDeploymentController(store: MemoryStore): () => void {
  const deployments = store.typeOf('apps/v1', 'Deployment');
  const replicaSets = store.typeOf('apps/v1', 'ReplicaSet');
  if (!deployments || !replicaSets) throw new Error('apps/v1 is not served');
  const sync = (deployment: KubeObject): void => {
    const spec = deployment.spec as {
      replicas: number;
      template: { metadata?: { labels?: Record<string, string> } };
    };
    const status = (deployment.status ?? {}) as { observedGeneration?: number };
    if (status.observedGeneration === deployment.metadata.generation) return;
    const hash = templateHash(spec.template);
    const owned = store
      .list(replicaSets, deployment.metadata.namespace)
      .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === deployment.metadata.uid));
    const revisions = owned.map((rs) =>
      Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
    );
    const revision = String(Math.max(0, ...revisions) + 1);
    for (const rs of owned) {
      const isCurrent = rs.metadata.labels?.['pod-template-hash'] === hash;
      const annotations = {
        ...rs.metadata.annotations,
        ...(isCurrent ? { 'deployment.kubernetes.io/revision': revision } : {}),
      };
      store.update({
        ...rs,
        metadata: { ...rs.metadata, annotations },
        spec: { ...(rs.spec as object), replicas: isCurrent ? spec.replicas : 0 },
      });
    }
    if (!owned.some((rs) => rs.metadata.labels?.['pod-template-hash'] === hash)) {
      const labels = { ...spec.template.metadata?.labels, 'pod-template-hash': hash };
      store.create({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${deployment.metadata.name}-${hash}`,
          namespace: deployment.metadata.namespace,
          labels,
          annotations: { 'deployment.kubernetes.io/revision': revision },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: deployment.metadata.name,
              uid: deployment.metadata.uid ?? '',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          replicas: spec.replicas,
          selector: { matchLabels: labels },
          template: { ...spec.template, metadata: { ...spec.template.metadata, labels } },
        },
      });
    }
    const current = store.get(deployments, deployment.metadata.namespace, deployment.metadata.name);
    if (!current) return;
    const replicas = spec.replicas;
    const currentRs = store
      .list(replicaSets, deployment.metadata.namespace)
      .find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const annotations = {
      ...current.metadata.annotations,
      'deployment.kubernetes.io/revision':
        currentRs?.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? revision,
    };
    store.update({
      ...current,
      metadata: { ...current.metadata, annotations },
      status: {
        observedGeneration: current.metadata.generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        conditions: [
          {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
          },
          {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetAvailable',
            message: `ReplicaSet "${deployment.metadata.name}-${hash}" has successfully progressed.`,
          },
        ],
      },
    });
  };
  return store.subscribe((event) => {
    if (
      event.type !== 'DELETED' &&
      event.resource.resource === 'deployments' &&
      event.resource.group === 'apps'
    ) {
      sync(event.object);
    }
  });
}
