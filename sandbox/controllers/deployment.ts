import type { KubeObject } from '../kube/contract.js';
import {
  desiredReplicas,
  fenceposts,
  isRollingUpdate,
  nextNewReplicas,
  oldScaleDowns,
  type RsCounts,
} from './deployment-rollout.js';
import { countersOf, isComplete, rolloutConditions, withReplicaFailure } from './deployment-status.js';
import {
  type Condition,
  clone,
  equalIgnoringHash,
  type Json,
  ownerReference,
  sameJson,
  setCondition,
  templateHash,
} from './objects.js';
import { isPodActive, podsOf } from './pods.js';
import type { Runtime } from './runtime.js';

const revisionKey = 'deployment.kubernetes.io/revision';
const historyKey = 'deployment.kubernetes.io/revision-history';
/** Deployment annotations the controller does not copy onto its ReplicaSets. */
const notCopied = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  revisionKey,
  historyKey,
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);
const component = 'deployment-controller';

const revisionOf = (rs: Json) => Number(rs.metadata.annotations?.[revisionKey] ?? 0) || 0;
const counts = (rs: Json): RsCounts => ({
  name: rs.metadata.name,
  replicas: Number(rs.spec?.replicas ?? 0),
  available: Number(rs.status?.availableReplicas ?? 0),
});
const byAge = (a: Json, b: Json) =>
  String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)) ||
  a.metadata.name.localeCompare(b.metadata.name);

/** The Deployment controller: ReplicaSets per pod template, rolled by the deployment's strategy. */
export function startDeploymentController(runtime: Runtime): void {
  runtime.register('Deployment', (namespace, name) => {
    const deployment = runtime.get(runtime.kinds.Deployment, namespace, name) as Json;
    if (!deployment || deployment.metadata.deletionTimestamp) return;
    new DeploymentSync(runtime, deployment).run();
  });
}

class DeploymentSync {
  private sets: Json[];
  private progressing?: Condition;

  constructor(
    private readonly runtime: Runtime,
    private deployment: Json,
  ) {
    this.sets = runtime.ownedBy(deployment, 'ReplicaSet').sort(byAge);
  }

  run(): void {
    const d = this.deployment;
    let newRs = this.sets.find((rs) => equalIgnoringHash(rs.spec?.template, d.spec?.template));
    const olds = () => this.sets.filter((rs) => rs !== newRs);
    if (newRs) newRs = this.adoptAsNew(newRs, olds());
    if (d.spec?.paused) {
      this.writeStatus(newRs);
      return;
    }
    if (!isRollingUpdate(d)) {
      this.recreate(newRs, olds);
      return;
    }

    if (!newRs) newRs = this.createNew(olds());
    else {
      const next = nextNewReplicas(d, counts(newRs), this.sets.map(counts));
      if (next !== Number(newRs.spec?.replicas ?? 0)) {
        this.scale(newRs, next);
        this.writeStatus(newRs);
        return;
      }
    }
    const downs = oldScaleDowns(d, counts(newRs), olds().map(counts));
    for (const rs of olds()) {
      const size = downs.get(rs.metadata.name);
      if (size !== undefined && size !== Number(rs.spec?.replicas ?? 0)) this.scale(rs, size);
    }
    this.writeStatus(newRs);
  }

  /** Recreate: every old pod gone before the new ReplicaSet gets any. */
  private recreate(existing: Json | undefined, olds: () => Json[]): void {
    let scaledDown = false;
    for (const rs of olds()) {
      if (Number(rs.spec?.replicas ?? 0) > 0) {
        this.scale(rs, 0);
        scaledDown = true;
      }
    }
    const oldPodsRunning = olds().some((rs) =>
      podsOf(this.runtime, rs).some((p) => isPodActive(p) || p.metadata.deletionTimestamp),
    );
    if (scaledDown || oldPodsRunning) {
      this.writeStatus(existing);
      return;
    }
    const newRs = existing ?? this.createNew(olds());
    if (Number(newRs.spec?.replicas ?? 0) !== desiredReplicas(this.deployment))
      this.scale(newRs, desiredReplicas(this.deployment));
    this.writeStatus(newRs);
  }

  /** The set whose template matches: give it the next revision if it was an old one (rollback). */
  private adoptAsNew(rs: Json, olds: Json[]): Json {
    const maxOld = Math.max(0, ...olds.map(revisionOf));
    const annotations = { ...(rs.metadata.annotations ?? {}), ...this.copiedAnnotations() };
    const current = revisionOf(rs);
    if (current < maxOld + 1) {
      annotations[revisionKey] = String(maxOld + 1);
      if (current > 0) {
        const history = rs.metadata.annotations?.[historyKey];
        annotations[historyKey] = history ? `${history},${current}` : String(current);
      }
    }
    Object.assign(annotations, this.sizeAnnotations());
    const minReady = this.deployment.spec?.minReadySeconds;
    const spec = minReady === undefined ? rs.spec : { ...rs.spec, minReadySeconds: minReady };
    if (!this.deployment.status?.conditions?.some((c: Condition) => c.type === 'Progressing')) {
      this.progressing = this.condition('FoundNewReplicaSet', `Found new replica set "${rs.metadata.name}"`);
    }
    this.setDeploymentRevision(annotations[revisionKey]);
    if (sameJson(annotations, rs.metadata.annotations) && sameJson(spec, rs.spec)) return rs;
    return this.replace(
      this.runtime.store.update({ ...rs, metadata: { ...rs.metadata, annotations }, spec }),
    );
  }

  private createNew(olds: Json[]): Json {
    const d = this.deployment;
    const revision = String(Math.max(0, ...olds.map(revisionOf)) + 1);
    let collisions = Number(d.status?.collisionCount ?? 0);
    for (;;) {
      const hash = templateHash(d.spec.template, collisions);
      const template = clone(d.spec.template);
      template.metadata ??= {};
      template.metadata.labels = { ...(template.metadata.labels ?? {}), 'pod-template-hash': hash };
      const name = `${d.metadata.name}-${hash}`;
      const existing = this.runtime.get(this.runtime.kinds.ReplicaSet, d.metadata.namespace, name);
      if (existing) {
        collisions++;
        continue;
      }
      const selector = clone(d.spec.selector ?? {});
      selector.matchLabels = { ...(selector.matchLabels ?? {}), 'pod-template-hash': hash };
      const draft = { ...d, spec: { ...d.spec } };
      const replicas = nextNewReplicas(draft, { name, replicas: 0, available: 0 }, this.sets.map(counts));
      const created = this.runtime.store.create({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name,
          namespace: d.metadata.namespace,
          labels: template.metadata.labels,
          annotations: { ...this.copiedAnnotations(), ...this.sizeAnnotations(), [revisionKey]: revision },
          ownerReferences: [ownerReference(d as KubeObject)],
        },
        spec: {
          replicas,
          ...(d.spec.minReadySeconds !== undefined ? { minReadySeconds: d.spec.minReadySeconds } : {}),
          selector,
          template,
        },
      });
      this.sets.push(created);
      if (replicas > 0) this.scalingEvent(created, 0, replicas);
      this.progressing = this.condition('NewReplicaSetCreated', `Created new replica set "${name}"`);
      this.setDeploymentRevision(revision);
      if (collisions !== Number(d.status?.collisionCount ?? 0)) {
        this.deployment = {
          ...this.deployment,
          status: { ...(this.deployment.status ?? {}), collisionCount: collisions },
        };
      }
      return created;
    }
  }

  private scale(rs: Json, replicas: number): void {
    const from = Number(rs.spec?.replicas ?? 0);
    const annotations = { ...(rs.metadata.annotations ?? {}), ...this.sizeAnnotations() };
    this.replace(
      this.runtime.store.update({
        ...rs,
        metadata: { ...rs.metadata, annotations },
        spec: { ...rs.spec, replicas },
      }),
    );
    this.scalingEvent(rs, from, replicas);
  }

  private scalingEvent(rs: Json, from: number, to: number): void {
    const direction = to > from ? 'up' : 'down';
    this.runtime.record(this.deployment, {
      reason: 'ScalingReplicaSet',
      message: `Scaled ${direction} replica set ${rs.metadata.name} from ${from} to ${to}`,
      component,
    });
  }

  private writeStatus(newRs: Json | undefined): void {
    const runtime = this.runtime;
    const d = runtime.get(
      runtime.kinds.Deployment,
      this.deployment.metadata.namespace,
      this.deployment.metadata.name,
    ) as Json;
    if (!d || d.metadata.uid !== this.deployment.metadata.uid) return;
    const base = { ...d, status: { ...(d.status ?? {}), ...(this.deployment.status ?? {}) } };
    if (this.progressing) {
      base.status.conditions = setCondition(base.status.conditions ?? [], this.progressing, runtime.nowIso());
    }
    if (d.spec?.paused) {
      const paused: Condition = {
        type: 'Progressing',
        status: 'Unknown',
        reason: 'DeploymentPaused',
        message: 'Deployment is paused',
      };
      base.status.conditions = setCondition(
        base.status.conditions ?? [],
        { ...paused, lastUpdateTime: runtime.nowIso() },
        runtime.nowIso(),
      );
    } else if (base.status.conditions?.some((c: Condition) => c.reason === 'DeploymentPaused')) {
      const resumed: Condition = {
        type: 'Progressing',
        status: 'Unknown',
        reason: 'DeploymentResumed',
        message: 'Deployment is resumed',
      };
      base.status.conditions = setCondition(
        base.status.conditions,
        { ...resumed, lastUpdateTime: runtime.nowIso() },
        runtime.nowIso(),
      );
    }
    const counters = countersOf(d, this.sets, newRs);
    const verdict = rolloutConditions(base, counters, newRs?.metadata.name, runtime.now(), runtime.nowIso());
    const order = ['Available', 'Progressing', 'ReplicaFailure'];
    const conditions = withReplicaFailure(verdict.conditions, newRs, this.sets).sort(
      (a, b) => order.indexOf(a.type) - order.indexOf(b.type),
    );
    const status = { ...counters, conditions };
    if (verdict.recheckAfter !== undefined) {
      runtime.enqueueAfter('Deployment', d.metadata.namespace, d.metadata.name, verdict.recheckAfter);
    }
    const metadata = {
      ...d.metadata,
      annotations: { ...(d.metadata.annotations ?? {}), ...this.deploymentAnnotations },
    };
    if (!sameJson(status, d.status) || !sameJson(metadata.annotations, d.metadata.annotations)) {
      runtime.store.update({ ...d, metadata, status });
    }
    if (isComplete(d, counters)) this.cleanup(newRs);
  }

  /** Deletes the oldest empty ReplicaSets beyond revisionHistoryLimit. */
  private cleanup(newRs: Json | undefined): void {
    const limit = Number(this.deployment.spec?.revisionHistoryLimit ?? 10);
    const empty = this.sets
      .filter(
        (rs) =>
          rs !== newRs && Number(rs.spec?.replicas ?? 0) === 0 && Number(rs.status?.replicas ?? 0) === 0,
      )
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of empty.slice(0, Math.max(0, empty.length - limit))) {
      this.runtime.store.delete(this.runtime.kinds.ReplicaSet, rs.metadata.namespace, rs.metadata.name);
    }
  }

  private deploymentAnnotations: Record<string, string> = {};

  private setDeploymentRevision(revision: string): void {
    this.deploymentAnnotations = { [revisionKey]: revision };
  }

  private copiedAnnotations(): Record<string, string> {
    const all = this.deployment.metadata.annotations ?? {};
    return Object.fromEntries(Object.entries(all).filter(([key]) => !notCopied.has(key))) as Record<
      string,
      string
    >;
  }

  private sizeAnnotations(): Record<string, string> {
    const replicas = desiredReplicas(this.deployment);
    const surge = isRollingUpdate(this.deployment) ? fenceposts(this.deployment).maxSurge : 0;
    return {
      'deployment.kubernetes.io/desired-replicas': String(replicas),
      'deployment.kubernetes.io/max-replicas': String(replicas + surge),
    };
  }

  private condition(reason: string, message: string): Condition {
    const now = this.runtime.nowIso();
    return { type: 'Progressing', status: 'True', reason, message, lastUpdateTime: now };
  }

  private replace(updated: Json): Json {
    this.sets = this.sets.map((rs) => (rs.metadata.name === updated.metadata.name ? updated : rs));
    return updated;
  }
}
