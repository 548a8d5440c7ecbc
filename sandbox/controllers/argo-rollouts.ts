import type { KubeObject, ResourceType } from '../kube/contract.js';
import {
  type Condition,
  clone,
  type Json,
  ownerReference,
  sameJson,
  setCondition,
  templateHash,
} from './objects.js';
import { isPodAvailable, isPodReady, podsOf } from './pods.js';
import type { Runtime } from './runtime.js';

/*
 * A stand-in for the Argo Rollouts controller (argoproj/argo-rollouts rollout/*.go), for the
 * cases the deploy engine meets: a Rollout with `spec.template` or `spec.workloadRef` (a
 * Deployment's template), one ReplicaSet per template labelled `rollouts-pod-template-hash`,
 *
 * - canary without a traffic router: `setWeight` steps by replica ratio (closest whole number,
 *   never 0 canary or 0 stable for weights 1-99), `pause` steps with or without `duration`;
 * - blue-green: the preview Service's selector patched to the new hash before the pause, the
 *   active Service's at promotion (`autoPromotionEnabled: false` pauses with BlueGreenPause);
 *   the old ReplicaSet scaled down `scaleDownDelaySeconds` (default 30) after promotion;
 * - status as the real one writes it: phase/message by CalculateRolloutPhase's rules,
 *   `observedGeneration` as a string, `currentPodHash`, `stableRS`, `currentStepIndex`,
 *   `pauseConditions`, `controllerPause`, `abort`, the Progressing/Available/Paused conditions;
 * - promote (pause conditions cleared while controllerPause is true) and abort (`status.abort`):
 *   an aborted update scales the new ReplicaSet to 0 and the stable one back up, Degraded
 *   "RolloutAborted: Rollout aborted update to revision N"; a new template or a template equal
 *   to the stable one clears the abort, as resetRolloutStatus / fully promoted do;
 * - progressDeadlineSeconds (default 600, real seconds; paused time not counted): Degraded
 *   "ProgressDeadlineExceeded: ReplicaSet ... has timed out progressing." — and with
 *   `progressDeadlineAbort: true` an abort.
 *
 * Not simulated: analysis, experiments, traffic routing, setCanaryScale, maxSurge/maxUnavailable
 * pacing (replica counts are set in one step), canaryService/stableService, previewReplicaCount,
 * abortScaleDownDelaySeconds (the aborted ReplicaSet goes to 0 at once), workloadRef scaleDown.
 */

export const ROLLOUT_GROUP_VERSION = 'argoproj.io/v1alpha1';
export const ROLLOUT_HASH_LABEL = 'rollouts-pod-template-hash';
const REVISION = 'rollout.argoproj.io/revision';
const MANAGED_BY = 'argo-rollouts.argoproj.io/managed-by-rollouts';
const component = 'rollouts-controller';

/** Canary replicas for a weight without a traffic router (utils/replicaset/canary.go, simplified). */
export function canaryReplicas(replicas: number, weight: number): { canary: number; stable: number } {
  if (weight <= 0) return { canary: 0, stable: replicas };
  if (weight >= 100) return { canary: replicas, stable: 0 };
  if (replicas <= 1) return { canary: 1, stable: replicas };
  const exact = (replicas * weight) / 100;
  const canary = Math.min(replicas - 1, Math.max(1, Math.floor(exact + 0.5)));
  return { canary, stable: replicas - canary };
}

/** Go duration or bare seconds ("30", "30s", "2m", "1h") in seconds; undefined when unreadable. */
function pauseSeconds(duration: unknown): number | undefined {
  if (typeof duration === 'number') return duration;
  if (typeof duration !== 'string') return undefined;
  const match = /^(\d+)(s|m|h)?$/.exec(duration.trim());
  if (!match) return undefined;
  return Number(match[1]) * ({ s: 1, m: 60, h: 3600 }[match[2] ?? 's'] ?? 1);
}

export function startArgoRolloutsController(runtime: Runtime): void {
  const rolloutType = runtime.store.typeOf(ROLLOUT_GROUP_VERSION, 'Rollout');
  if (!rolloutType) return;
  /** Per rollout: what progress looked like and since when (the progress deadline's clock). */
  const progress = new Map<string, { fingerprint: string; since: number }>();

  runtime.register('Rollout', (namespace, name) => {
    const rollout = runtime.get(rolloutType, namespace, name) as Json;
    if (!rollout || rollout.metadata.deletionTimestamp) return;
    new RolloutSync(runtime, rollout, progress).run();
  });

  const unsubscribe = runtime.store.subscribe((event) => {
    if (runtime.isStopped) return unsubscribe();
    const meta = event.object.metadata;
    if (event.resource.kind === 'Rollout' && event.type !== 'DELETED') {
      runtime.enqueue('Rollout', meta.namespace, meta.name);
    } else if (event.resource.kind === 'Rollout') {
      progress.delete(`${meta.namespace}/${meta.name}`);
    } else if (event.resource.kind === 'Deployment' || event.resource.kind === 'Service') {
      for (const ro of runtime.store.list(rolloutType, meta.namespace) as Json[]) {
        if (references(ro, event.resource.kind, meta.name)) {
          runtime.enqueue('Rollout', ro.metadata.namespace, ro.metadata.name);
        }
      }
    }
  });
  for (const ro of runtime.store.list(rolloutType))
    runtime.enqueue('Rollout', ro.metadata.namespace, ro.metadata.name);
}

function references(ro: Json, kind: string, name: string): boolean {
  if (kind === 'Deployment')
    return ro.spec?.workloadRef?.kind === 'Deployment' && ro.spec.workloadRef.name === name;
  const bg = ro.spec?.strategy?.blueGreen;
  return bg?.activeService === name || bg?.previewService === name;
}

const revisionOf = (rs: Json) => Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
const hashOf = (rs: Json): string | undefined => rs.metadata.labels?.[ROLLOUT_HASH_LABEL];

class RolloutSync {
  private readonly key: string;
  private readonly status: Json;
  private sets: Json[];
  private invalid?: string;
  /** Why it is not done, for status.message while Progressing. */
  private waiting = '';

  constructor(
    private readonly runtime: Runtime,
    private readonly rollout: Json,
    private readonly progress: Map<string, { fingerprint: string; since: number }>,
  ) {
    this.key = `${rollout.metadata.namespace}/${rollout.metadata.name}`;
    this.status = clone(rollout.status ?? {});
    this.sets = runtime.ownedBy(rollout, 'ReplicaSet');
  }

  run(): void {
    this.write(this.sync());
  }

  /** One step towards the spec; answers the ReplicaSet of the current template. */
  private sync(): Json | undefined {
    const template = this.template();
    if (!template) return undefined;
    const hash = templateHash(template);
    const newRs = this.sets.find((rs) => hashOf(rs) === hash) ?? this.createReplicaSet(template, hash);
    const status = this.status;
    if (status.currentPodHash !== hash) {
      // A new update: resetRolloutStatus.
      status.currentPodHash = hash;
      status.pauseConditions = undefined;
      status.controllerPause = undefined;
      status.abort = undefined;
      status.currentStepIndex = this.steps() ? 0 : undefined;
      this.progress.delete(this.key);
    }
    const replicas = this.replicas();
    const stable = this.sets.find((rs) => hashOf(rs) === status.stableRS && rs !== newRs);
    if (!status.stableRS || status.stableRS === hash || !stable) {
      // First release, or the template is the stable one again (a rollback): no steps, no pause.
      status.abort = undefined;
      this.scale(newRs, replicas);
      if (this.available(newRs) >= replicas) {
        status.stableRS = hash;
        status.pauseConditions = undefined;
        status.controllerPause = undefined;
        if (this.steps()) status.currentStepIndex = this.steps()?.length;
        this.pointServices(hash, hash);
        for (const rs of this.sets) if (rs !== newRs) this.scale(rs, 0);
      } else this.waiting = 'updated replicas are still becoming available';
      return newRs;
    }
    // ReplicaSets of neither the current nor the stable template (an update superseded mid-way).
    for (const rs of this.sets) if (rs !== newRs && rs !== stable) this.scale(rs, 0);
    if (status.abort) {
      this.scale(stable, replicas);
      this.scale(newRs, 0);
      this.pointServices(status.stableRS, status.stableRS);
    } else if (this.rollout.spec?.paused !== true) {
      if (this.rollout.spec?.strategy?.blueGreen) this.blueGreen(newRs, stable, hash);
      else this.canary(newRs, stable, hash);
    }
    return newRs;
  }

  private template(): Json | undefined {
    const ref = this.rollout.spec?.workloadRef;
    if (!ref) return this.rollout.spec?.template;
    const deployment =
      ref.kind === 'Deployment'
        ? (this.runtime.get(this.runtime.kinds.Deployment, this.rollout.metadata.namespace, ref.name) as Json)
        : undefined;
    if (!deployment) {
      this.invalid = `The Rollout "${this.rollout.metadata.name}" is invalid: spec.workloadRef: ${ref.kind} "${ref.name}" not found`;
      return undefined;
    }
    return deployment.spec?.template;
  }

  private steps(): Json[] | undefined {
    const steps = this.rollout.spec?.strategy?.canary?.steps;
    return Array.isArray(steps) && steps.length > 0 ? steps : undefined;
  }

  private replicas(): number {
    return Number(this.rollout.spec?.replicas ?? 1);
  }

  private canary(newRs: Json, stable: Json, hash: string): void {
    const status = this.status;
    const steps = this.steps() ?? [];
    const replicas = this.replicas();
    let index = Number(status.currentStepIndex ?? 0);
    while (index < steps.length) {
      const step = steps[index];
      if (step.setWeight !== undefined) {
        const { canary, stable: stableCount } = canaryReplicas(replicas, Number(step.setWeight));
        this.scale(newRs, canary);
        this.scale(stable, stableCount);
        if (this.available(newRs) < canary) {
          this.waiting = 'updated replicas are still becoming available';
          break;
        }
      } else if (step.pause !== undefined) {
        if (!this.pauseStep(step.pause, 'CanaryPauseStep')) break;
      }
      // Analysis, experiments and the rest are not simulated: passed as done.
      index++;
      this.event('RolloutStepCompleted', `Rollout step ${index}/${steps.length} completed`);
    }
    status.currentStepIndex = steps.length > 0 ? index : undefined;
    if (index < steps.length) return;
    this.scale(newRs, replicas);
    if (this.available(newRs) < replicas) {
      this.waiting = 'updated replicas are still becoming available';
      return;
    }
    this.scale(stable, 0);
    this.promoted(hash);
  }

  /** True once the pause is over (its duration passed, or promote cleared it). */
  private pauseStep(pause: Json, reason: string): boolean {
    const status = this.status;
    const condition = (status.pauseConditions ?? []).find((c: Json) => c.reason === reason);
    if (condition) {
      const seconds = pauseSeconds(pause?.duration);
      if (seconds === undefined) return false;
      const left = Date.parse(condition.startTime) + seconds * 1000 - this.runtime.now();
      if (left > 0) {
        this.runtime.enqueueAfter(
          'Rollout',
          this.rollout.metadata.namespace,
          this.rollout.metadata.name,
          left / 1000,
        );
        return false;
      }
    } else if (status.controllerPause !== true) {
      status.pauseConditions = [
        ...(status.pauseConditions ?? []),
        { reason, startTime: this.runtime.nowIso() },
      ];
      status.controllerPause = true;
      this.event('RolloutPaused', 'Rollout is paused');
      const seconds = pauseSeconds(pause?.duration);
      if (seconds !== undefined) {
        this.runtime.enqueueAfter(
          'Rollout',
          this.rollout.metadata.namespace,
          this.rollout.metadata.name,
          seconds,
        );
      }
      return false;
    }
    // Promoted (controllerPause with no condition left) or the duration is over.
    status.pauseConditions = (status.pauseConditions ?? []).filter((c: Json) => c.reason !== reason);
    if (status.pauseConditions.length === 0) status.pauseConditions = undefined;
    status.controllerPause = undefined;
    this.event('RolloutResumed', 'Rollout is resumed');
    return true;
  }

  private blueGreen(newRs: Json, stable: Json, hash: string): void {
    const strategy = this.rollout.spec.strategy.blueGreen;
    const replicas = this.replicas();
    this.scale(newRs, replicas);
    this.pointServices(this.status.stableRS, hash);
    if (this.available(newRs) < replicas) {
      this.waiting = 'updated replicas are still becoming available';
      return;
    }
    if (strategy.autoPromotionEnabled === false && !this.pauseStep({}, 'BlueGreenPause')) return;
    this.pointServices(hash, hash);
    this.promoted(hash);
    const delay = Number(strategy.scaleDownDelaySeconds ?? 30);
    const at = Date.parse(
      stable.metadata.annotations?.['argo-rollouts.argoproj.io/scale-down-deadline'] ?? '',
    );
    if (Number.isNaN(at)) {
      const deadline = new Date(this.runtime.now() + delay * 1000).toISOString();
      this.annotate(stable, 'argo-rollouts.argoproj.io/scale-down-deadline', deadline);
      if (delay > 0) {
        this.runtime.enqueueAfter(
          'Rollout',
          this.rollout.metadata.namespace,
          this.rollout.metadata.name,
          delay,
        );
        return;
      }
    } else if (at > this.runtime.now()) {
      this.runtime.enqueueAfter(
        'Rollout',
        this.rollout.metadata.namespace,
        this.rollout.metadata.name,
        (at - this.runtime.now()) / 1000,
      );
      return;
    }
    this.scale(stable, 0);
  }

  private promoted(hash: string): void {
    if (this.status.stableRS !== hash)
      this.event('RolloutCompleted', `Rollout completed update to revision ${this.revision()}`);
    this.status.stableRS = hash;
    this.status.pauseConditions = undefined;
    this.status.controllerPause = undefined;
  }

  /** Blue-green: the active and preview Services' selectors on a ReplicaSet's hash. */
  private pointServices(activeHash: string, previewHash: string): void {
    const strategy = this.rollout.spec?.strategy?.blueGreen;
    if (!strategy) return;
    this.status.blueGreen = {
      ...(this.status.blueGreen ?? {}),
      activeSelector: this.selectService(strategy.activeService, activeHash)
        ? activeHash
        : this.status.blueGreen?.activeSelector,
      ...(strategy.previewService
        ? {
            previewSelector: this.selectService(strategy.previewService, previewHash)
              ? previewHash
              : undefined,
          }
        : {}),
    };
  }

  private selectService(name: unknown, hash: string): boolean {
    if (typeof name !== 'string') return false;
    const namespace = this.rollout.metadata.namespace;
    const service = this.runtime.get(this.runtime.kinds.Service, namespace, name) as Json;
    if (!service) {
      this.invalid = `The Rollout "${this.rollout.metadata.name}" is invalid: service "${name}" not found`;
      return false;
    }
    const from = service.spec?.selector?.[ROLLOUT_HASH_LABEL];
    if (from === hash && service.metadata.annotations?.[MANAGED_BY] === this.rollout.metadata.name)
      return true;
    this.runtime.store.update({
      ...service,
      metadata: {
        ...service.metadata,
        annotations: { ...(service.metadata.annotations ?? {}), [MANAGED_BY]: this.rollout.metadata.name },
      },
      spec: { ...service.spec, selector: { ...(service.spec?.selector ?? {}), [ROLLOUT_HASH_LABEL]: hash } },
    });
    if (from !== hash)
      this.event(
        'SwitchService',
        `Switched selector for service '${name}' from '${from ?? ''}' to '${hash}'`,
      );
    return true;
  }

  private createReplicaSet(template: Json, hash: string): Json {
    const ro = this.rollout;
    const podTemplate = clone(template);
    podTemplate.metadata ??= {};
    podTemplate.metadata.labels = { ...(podTemplate.metadata.labels ?? {}), [ROLLOUT_HASH_LABEL]: hash };
    const selector = clone(ro.spec?.selector ?? { matchLabels: { ...(template.metadata?.labels ?? {}) } });
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [ROLLOUT_HASH_LABEL]: hash };
    const revision = Math.max(0, ...this.sets.map(revisionOf)) + 1;
    const created = this.runtime.store.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${ro.metadata.name}-${hash}`,
        namespace: ro.metadata.namespace,
        labels: podTemplate.metadata.labels,
        annotations: { [REVISION]: String(revision) },
        ownerReferences: [ownerReference(ro as KubeObject)],
      },
      spec: { replicas: 0, selector, template: podTemplate },
    });
    this.sets.push(created);
    this.event('NewReplicaSetCreated', `Created ReplicaSet ${created.metadata.name} (revision ${revision})`);
    return created;
  }

  private scale(rs: Json, replicas: number): void {
    const from = Number(rs.spec?.replicas ?? 0);
    if (from === replicas) return;
    const updated = this.runtime.store.update({ ...rs, spec: { ...rs.spec, replicas } });
    this.sets = this.sets.map((s) => (s.metadata.name === updated.metadata.name ? updated : s));
    this.event(
      'ScalingReplicaSet',
      `Scaled ${replicas > from ? 'up' : 'down'} ReplicaSet ${rs.metadata.name} (revision ${revisionOf(rs)}) from ${from} to ${replicas}`,
    );
  }

  private annotate(rs: Json, key: string, value: string): void {
    const current = this.sets.find((s) => s.metadata.name === rs.metadata.name) ?? rs;
    const updated = this.runtime.store.update({
      ...current,
      metadata: {
        ...current.metadata,
        annotations: { ...(current.metadata.annotations ?? {}), [key]: value },
      },
    });
    this.sets = this.sets.map((s) => (s.metadata.name === updated.metadata.name ? updated : s));
  }

  /** Available pods of a ReplicaSet, counted from its pods (its status may lag one sync). */
  private available(rs: Json): number {
    const minReady = Number(this.rollout.spec?.minReadySeconds ?? 0);
    return podsOf(this.runtime, rs).filter((pod) => isPodAvailable(pod, minReady, this.runtime.now())).length;
  }

  private revision(): number {
    const rs = this.sets.find((s) => hashOf(s) === this.status.currentPodHash);
    return rs ? revisionOf(rs) : 0;
  }

  private event(reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal'): void {
    this.runtime.record(this.rollout as KubeObject, { reason, message, type, component });
  }

  /** Counts, conditions, the progress deadline, phase and message; written only when changed. */
  private write(newRs: Json | undefined): void {
    const { runtime, rollout, status } = this;
    const now = runtime.nowIso();
    let conditions: Condition[] = status.conditions ?? [];
    const counts = (rs: Json) => podsOf(runtime, rs).filter((pod) => !pod.metadata.deletionTimestamp);
    const allPods = this.sets.flatMap(counts);
    const newPods = newRs ? counts(newRs) : [];
    const minReady = Number(rollout.spec?.minReadySeconds ?? 0);
    status.replicas = allPods.length;
    status.updatedReplicas = newPods.length;
    status.readyReplicas = allPods.filter(isPodReady).length;
    status.availableReplicas = allPods.filter((pod) => isPodAvailable(pod, minReady, runtime.now())).length;
    status.selector = Object.entries({ ...(rollout.spec?.selector?.matchLabels ?? {}) })
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    status.observedGeneration = String(rollout.metadata.generation ?? 1);
    const paused = rollout.spec?.paused === true || (status.pauseConditions ?? []).length > 0;
    const complete = status.stableRS !== undefined && status.stableRS === status.currentPodHash;

    if (this.invalid) {
      conditions = setCondition(
        conditions,
        { type: 'InvalidSpec', status: 'True', reason: 'InvalidSpec', message: this.invalid },
        now,
      );
    } else conditions = conditions.filter((c) => c.type !== 'InvalidSpec');

    const progressing = this.progressing(newRs, complete, paused);
    if (progressing) conditions = setCondition(conditions, { ...progressing, lastUpdateTime: now }, now);
    conditions = setCondition(
      conditions,
      status.availableReplicas >= this.replicas()
        ? {
            type: 'Available',
            status: 'True',
            reason: 'AvailableReason',
            message: 'Rollout has minimum availability',
          }
        : {
            type: 'Available',
            status: 'False',
            reason: 'AvailableReason',
            message: 'Rollout does not have minimum availability',
          },
      now,
    );
    conditions = setCondition(
      conditions,
      paused
        ? { type: 'Paused', status: 'True', reason: 'RolloutPaused', message: 'Rollout is paused' }
        : { type: 'Paused', status: 'False', reason: 'RolloutResumed', message: 'Rollout is resumed' },
      now,
    );
    status.conditions = conditions;
    [status.phase, status.message] = this.phase(conditions, paused, complete);
    for (const key of Object.keys(status)) if (status[key] === undefined) delete status[key];

    const current = runtime.get(
      runtime.store.typeOf(ROLLOUT_GROUP_VERSION, 'Rollout') as ResourceType,
      rollout.metadata.namespace,
      rollout.metadata.name,
    ) as Json;
    if (!current || current.metadata.uid !== rollout.metadata.uid) return;
    if (sameJson(status, current.status)) return;
    // Promote and abort patch status while we sync: theirs win, the next sync reads them.
    if (
      !sameJson(current.status?.pauseConditions, rollout.status?.pauseConditions) ||
      current.status?.abort !== rollout.status?.abort
    ) {
      runtime.enqueue('Rollout', rollout.metadata.namespace, rollout.metadata.name);
      return;
    }
    runtime.store.update({ ...current, status });
  }

  /** The Progressing condition, with the progress deadline (paused and finished updates excluded). */
  private progressing(newRs: Json | undefined, complete: boolean, paused: boolean): Condition | undefined {
    const { status, rollout, runtime } = this;
    if (!newRs) return undefined;
    const name = newRs.metadata.name;
    if (status.abort) {
      return {
        type: 'Progressing',
        status: 'False',
        reason: 'RolloutAborted',
        message: `Rollout aborted update to revision ${revisionOf(newRs)}`,
      };
    }
    if (complete) {
      this.progress.delete(this.key);
      return {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${name}" has successfully progressed.`,
      };
    }
    const fingerprint = `${status.currentPodHash}/${status.currentStepIndex ?? ''}/${this.available(newRs)}/${paused}`;
    const seen = this.progress.get(this.key);
    const nowMs = runtime.now();
    if (seen?.fingerprint !== fingerprint) this.progress.set(this.key, { fingerprint, since: nowMs });
    const since = this.progress.get(this.key)?.since ?? nowMs;
    const deadline = Number(rollout.spec?.progressDeadlineSeconds ?? 600);
    const timedOut = (status.conditions ?? []).find(
      (c: Condition) => c.reason === 'ProgressDeadlineExceeded',
    );
    if (!paused && (timedOut || nowMs - since >= deadline * 1000)) {
      const message = `ReplicaSet "${name}" has timed out progressing.`;
      if (!timedOut) {
        this.event('ProgressDeadlineExceeded', message, 'Warning');
        if (rollout.spec?.progressDeadlineAbort === true) {
          status.abort = true;
          runtime.enqueue('Rollout', rollout.metadata.namespace, rollout.metadata.name);
        }
      }
      return { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message };
    }
    if (!paused) {
      runtime.enqueueAfter(
        'Rollout',
        rollout.metadata.namespace,
        rollout.metadata.name,
        Math.max(0, (since + deadline * 1000 - nowMs) / 1000),
      );
    }
    return {
      type: 'Progressing',
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: `ReplicaSet "${name}" is progressing.`,
    };
  }

  /** CalculateRolloutPhase (utils/rollout/rolloututil.go), for the cases simulated. */
  private phase(conditions: Condition[], paused: boolean, complete: boolean): [string, string] {
    const { status, rollout } = this;
    for (const c of conditions) {
      if (c.type === 'InvalidSpec') return ['Degraded', `InvalidSpec: ${c.message}`];
      if (c.reason === 'RolloutAborted' || c.reason === 'ProgressDeadlineExceeded')
        return ['Degraded', `${c.reason}: ${c.message}`];
    }
    if (rollout.spec?.paused === true) return ['Paused', 'manually paused'];
    if (paused) return ['Paused', String(status.pauseConditions[0].reason)];
    if (status.updatedReplicas < this.replicas()) return ['Progressing', 'more replicas need to be updated'];
    if (status.availableReplicas < status.updatedReplicas)
      return ['Progressing', 'updated replicas are still becoming available'];
    if (rollout.spec?.strategy?.blueGreen) {
      if (status.blueGreen?.activeSelector !== status.currentPodHash)
        return ['Progressing', 'active service cutover pending'];
    } else if (status.replicas > status.updatedReplicas)
      return ['Progressing', 'old replicas are pending termination'];
    if (!complete) return ['Progressing', this.waiting || 'waiting for all steps to complete'];
    return ['Healthy', ''];
  }
}
