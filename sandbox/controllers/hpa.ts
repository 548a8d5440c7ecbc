import { managedFieldsAfterUpdate } from '../apiserver/ssa.js';
import type { KubeObject, ResourceType } from '../kube/contract.js';
import { type Json, sameJson, setCondition } from './objects.js';
import type { Runtime } from './runtime.js';

/*
 * A minimal HorizontalPodAutoscaler controller (autoscaling/v2), following the real one's
 * reconcileAutoscaler up to the point where it would need metrics, which the sandbox does not
 * serve (no metrics.k8s.io):
 *
 * | the target's spec.replicas | what it does                                                     |
 * | -------------------------- | ---------------------------------------------------------------- |
 * | 0 (minReplicas not 0)      | nothing: ScalingActive False, ScalingDisabled                     |
 * | above maxReplicas          | scales to maxReplicas ("Current number of replicas above ...")    |
 * | below minReplicas (def. 1) | scales to minReplicas ("Current number of replicas below ...")    |
 * | within the range           | nothing: ScalingActive False, FailedGetResourceMetric (no metrics) |
 *
 * A scale is an Update of the target's scale subresource by "kube-controller-manager", so the HPA
 * takes ownership of spec.replicas in managedFields exactly as on a real cluster (a later apply
 * that sets replicas conflicts with it). It syncs every 15 s of simulated time, like
 * --horizontal-pod-autoscaler-sync-period, and at once when the HPA itself changes. Simulated:
 * no metrics, so no scaling on load and no behavior/stabilization; the FailedGetResourceMetric
 * warning is recorded once per condition change, not on every sync.
 */

const SYNC_SECONDS = 15;
const MANAGER = 'kube-controller-manager';
const component = 'horizontal-pod-autoscaler';

export function startHorizontalPodAutoscalerController(runtime: Runtime): void {
  runtime.register('HorizontalPodAutoscaler', (namespace, name) => {
    const hpa = runtime.get(runtime.kinds.HorizontalPodAutoscaler, namespace, name) as Json | undefined;
    if (!hpa || hpa.metadata.deletionTimestamp) return;
    reconcile(runtime, hpa);
    runtime.enqueueAfter('HorizontalPodAutoscaler', namespace, name, runtime.scaled(SYNC_SECONDS));
  });
}

function reconcile(runtime: Runtime, hpa: Json): void {
  const ref = hpa.spec?.scaleTargetRef ?? {};
  const namespace: string = hpa.metadata.namespace;
  const type = scalableType(runtime, String(ref.apiVersion ?? ''), String(ref.kind ?? ''));
  const target = type
    ? (runtime.get(type, namespace, String(ref.name ?? '')) as Json | undefined)
    : undefined;
  let conditions: Json[] = hpa.status?.conditions ?? [];
  const now = runtime.nowIso();
  if (!type || !target) {
    const message = `the HPA controller was unable to get the target's current scale: ${
      type ? `${type.resource}.${type.group} "${ref.name}" not found` : `no scale subresource for ${ref.kind}`
    }`;
    conditions = setCondition(
      conditions,
      { type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message },
      now,
    );
    warnOnChange(runtime, hpa, conditions, 'AbleToScale', 'FailedGetScale', message);
    writeStatus(runtime, hpa, { ...(hpa.status ?? {}), conditions });
    return;
  }
  conditions = setCondition(
    conditions,
    {
      type: 'AbleToScale',
      status: 'True',
      reason: 'SucceededGetScale',
      message: "the HPA controller was able to get the target's current scale",
    },
    now,
  );
  const current = Number(target.spec?.replicas ?? 1);
  const min = Number(hpa.spec?.minReplicas ?? 1);
  const max = Number(hpa.spec?.maxReplicas ?? current);
  let desired = current;
  let reason: string | undefined;
  if (current === 0 && min !== 0) {
    conditions = setCondition(
      conditions,
      {
        type: 'ScalingActive',
        status: 'False',
        reason: 'ScalingDisabled',
        message: 'scaling is disabled since the replica count of the target is zero',
      },
      now,
    );
  } else if (current > max) {
    desired = max;
    reason = 'Current number of replicas above Spec.MaxReplicas';
  } else if (current < min) {
    desired = min;
    reason = 'Current number of replicas below Spec.MinReplicas';
  } else {
    const message =
      'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)';
    conditions = setCondition(
      conditions,
      { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message },
      now,
    );
    warnOnChange(runtime, hpa, conditions, 'ScalingActive', 'FailedGetResourceMetric', message);
  }
  let lastScaleTime = hpa.status?.lastScaleTime;
  if (reason && desired !== current) {
    scaleTarget(runtime, target, desired);
    lastScaleTime = now;
    runtime.record(hpa as KubeObject, {
      reason: 'SuccessfulRescale',
      message: `New size: ${desired}; reason: ${reason}`,
      component,
    });
  }
  writeStatus(runtime, hpa, {
    ...(hpa.status ?? {}),
    ...(lastScaleTime ? { lastScaleTime } : {}),
    currentReplicas: Number(target.status?.replicas ?? current),
    desiredReplicas: desired,
    conditions,
  });
}

/** The kinds with a scale subresource that the sandbox serves. */
function scalableType(runtime: Runtime, apiVersion: string, kind: string): ResourceType | undefined {
  const type = (runtime.kinds as Record<string, ResourceType>)[kind];
  if (!type || !['Deployment', 'StatefulSet', 'ReplicaSet'].includes(kind)) return undefined;
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return group === type.group ? type : undefined;
}

/** An Update of the scale subresource: spec.replicas changes, and the HPA's manager owns it. */
function scaleTarget(runtime: Runtime, target: Json, replicas: number): void {
  const after = structuredClone(target) as KubeObject;
  after.spec = { ...(after.spec ?? {}), replicas };
  after.metadata.managedFields = managedFieldsAfterUpdate({
    before: target as KubeObject,
    after,
    manager: MANAGER,
    apiVersion: 'autoscaling/v1',
    subresource: 'scale',
  });
  runtime.store.update(after);
}

function writeStatus(runtime: Runtime, hpa: Json, status: Json): void {
  const fresh = runtime.get(runtime.kinds.HorizontalPodAutoscaler, hpa.metadata.namespace, hpa.metadata.name);
  if (fresh && !sameJson(status, fresh.status)) runtime.store.update({ ...fresh, status });
}

/** A Warning event when the condition has just turned to this reason (not on every sync). */
function warnOnChange(
  runtime: Runtime,
  hpa: Json,
  conditions: Json[],
  type: string,
  reason: string,
  message: string,
): void {
  const before = (hpa.status?.conditions ?? []).find((c: Json) => c.type === type);
  if (before?.reason === reason) return;
  const after = conditions.find((c) => c.type === type);
  if (after?.reason === reason)
    runtime.record(hpa as KubeObject, { reason, message, type: 'Warning', component });
}
