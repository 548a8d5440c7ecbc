import type { ControllerHandle, ControllerOptions, StoreEvent } from '../kube/contract.js';
import { startArgoRolloutsController } from './argo-rollouts.js';
import { startCronJobController } from './cronjob.js';
import { startDaemonSetController } from './daemonset.js';
import { startDeploymentController } from './deployment.js';
import { endpointsKind, startEndpointsController } from './endpoints.js';
import { startExternalSecretsController } from './external-secrets.js';
import { startHorizontalPodAutoscalerController } from './hpa.js';
import { startJobController } from './job.js';
import { Kubelets } from './kubelet/kubelet.js';
import { registerNodes } from './nodes.js';
import { controllerOf } from './objects.js';
import { startReplicaSetController } from './replicaset.js';
import { quotaStatusKind, startResourceQuotaController } from './resourcequota.js';
import { Runtime } from './runtime.js';
import { observeForServiceAccounts, startServiceAccountController } from './serviceaccounts.js';
import { startStatefulSetController } from './statefulset.js';
import { startStorageAndServiceControllers } from './storage-and-services.js';

/** Kinds reconciled when any of them changes; the DaemonSets also follow the nodes. */
const reconciled = new Set([
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'HorizontalPodAutoscaler',
  'Pod',
  'PersistentVolumeClaim',
  'Service',
  'Ingress',
]);

/**
 * Starts the simulated control plane behind the API server: the workload controllers, the
 * scheduler and the nodes' kubelets. They react to store changes (and their own timers) only.
 */
export function startControllers(options: ControllerOptions): ControllerHandle {
  if (!(options.timeScale > 0)) {
    throw new Error(`timeScale is ${options.timeScale}; expected a number above 0 (1 is real time).`);
  }
  const runtime = new Runtime(options.store, options.timeScale);
  const kubelets = new Kubelets(runtime, options.imagePullCheck);
  startDeploymentController(runtime);
  startReplicaSetController(runtime);
  startStatefulSetController(runtime);
  startDaemonSetController(runtime);
  startJobController(runtime);
  startCronJobController(runtime);
  startHorizontalPodAutoscalerController(runtime);
  startStorageAndServiceControllers(runtime);
  startEndpointsController(runtime);
  startResourceQuotaController(runtime);
  startExternalSecretsController(runtime, options.remoteSecrets);
  startArgoRolloutsController(runtime);

  const onEvent = (event: StoreEvent) => {
    const { kind } = event.resource;
    const meta = event.object.metadata;
    runtime.observe(event);
    kubelets.observe(event);
    observeForServiceAccounts(runtime, event);
    if (reconciled.has(kind) && event.type !== 'DELETED') runtime.enqueue(kind, meta.namespace, meta.name);
    const owner = controllerOf(event.object);
    if (owner) runtime.enqueue(owner.kind, meta.namespace, owner.name);
    // Recreate waits for old pods to be gone: like the real controller, follow pod deletions up.
    if (kind === 'Pod' && event.type === 'DELETED' && owner?.kind === 'ReplicaSet') {
      const rs = options.store.get(runtime.kinds.ReplicaSet, meta.namespace, owner.name);
      const deploymentRef = rs && controllerOf(rs);
      if (deploymentRef) runtime.enqueue(deploymentRef.kind, meta.namespace, deploymentRef.name);
    }
    if (kind === 'Pod' || kind === 'Service') {
      // One recomputation per namespace and batch of changes, not one per pod and service.
      runtime.enqueueAfter(endpointsKind, undefined, meta.namespace ?? 'default', 0.05);
    }
    if (kind === 'Pod' || kind === 'ResourceQuota') {
      runtime.enqueueAfter(quotaStatusKind, undefined, meta.namespace ?? 'default', 0.05);
    }
    if (kind === 'Node') {
      for (const ds of options.store.list(runtime.kinds.DaemonSet)) {
        runtime.enqueue('DaemonSet', ds.metadata.namespace, ds.metadata.name);
      }
    }
  };
  const unsubscribe = options.store.subscribe(onEvent);
  startServiceAccountController(runtime);
  registerNodes(runtime);
  // Objects that existed before we started get the same treatment as new ones.
  for (const kind of reconciled) {
    const type = runtime.kinds[kind as keyof typeof runtime.kinds];
    for (const object of options.store.list(type)) {
      onEvent({ type: 'ADDED', resource: type, object });
    }
  }

  return {
    podLogs: kubelets.logs,
    stop() {
      unsubscribe();
      runtime.stop();
      kubelets.stop();
    },
  };
}
