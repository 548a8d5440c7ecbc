/** A Kubernetes object as the API returns it (parsed JSON). */
export type Json = Record<string, unknown>;

/** What the deploy engine has seen of one workload; every list is already filtered to that workload. */
export interface WorkloadSnapshot {
  /** The live Deployment | StatefulSet | DaemonSet | Job (apps/v1, batch/v1) | Rollout (argoproj.io). */
  workload: Json;
  /** (Deployment, Rollout) ReplicaSets whose controller ownerReference is the workload. */
  replicaSets: Json[];
  /** (StatefulSet, DaemonSet) ControllerRevisions whose controller ownerReference is the workload. */
  controllerRevisions: Json[];
  /** Pods controlled by the workload, by its ReplicaSets or by the Job. */
  pods: Json[];
  /** Warning Events about the workload, its ReplicaSets or its pods, newer than the deploy's start. */
  events: Json[];
  /** (Rollout with spec.workloadRef) the Deployment it takes its pod template from, when seen. */
  workloadRef?: Json;
}

export interface RolloutPolicy {
  /** Restarts of a new pod's container tolerated before it fails as a crash loop (input `crashloop-restarts`). */
  crashloopRestarts: number;
  /** CreateContainerConfigError about an object nothing in the set will produce: tolerated this long. */
  configErrorGraceMs: number;
  /**
   * Secrets and ConfigMaps (`secret/NAME`, `configmap/NAME`) an operator is about to create from
   * the set (an ExternalSecret's target, ...): a config error about one of them gets
   * `operatorGraceMs` instead, since the operator needs a moment after the apply.
   */
  producedByOperators?: ReadonlySet<string>;
  operatorGraceMs?: number;
  /** Image pull errors that are not clearly permanent (timeouts, throttling) tolerated this long. */
  imagePullGraceMs: number;
  /** FailedCreate tolerated this long (a quota freed, a PriorityClass or ServiceAccount created a moment later). */
  failedCreateGraceMs: number;
  /**
   * How long each new pod of a workload that is otherwise done must have been running before the
   * workload counts as rolled out (input `rollout-settle`); 0 or absent: no settle window.
   */
  settleMs?: number;
  /**
   * A paused Deployment whose new template is not rolled out is current (its summary says so)
   * instead of failed: the `allow-paused` input says the pause is intended.
   */
  allowPaused?: boolean;
  /** Never fatal before the deadline: Unschedulable is how Karpenter / Cluster Autoscaler learn to add nodes. */
  unschedulableIsFatal: false;
}

export interface PodProblem {
  /** The pod's name; '' for a problem of its owner (FailedCreate), then `owner` names it. */
  pod: string;
  /** "ReplicaSet/api-7d9c" etc. when the problem belongs to the object that creates pods, not to a pod. */
  owner?: string;
  container?: string;
  init: boolean;
  /** The Kubernetes reason: CrashLoopBackOff, ErrImagePull, Unschedulable, FailedCreate, ... */
  reason: string;
  message: string;
  restarts?: number;
  exitCode?: number;
  /** How long the problem may persist before it is fatal: 0 = at once, Infinity = never (shown only). */
  graceMs: number;
  /** Stable across polls while the problem lasts (a waiting state has no timestamp): pod/container/family. */
  key: string;
}

export type RolloutStatus =
  /** `notRolledOut`: done as far as verify goes, but its pods do not run its template (allow-paused). */
  | { state: 'current'; summary: string; notRolledOut?: boolean }
  /** `problems`: every problem seen now, none fatal yet (the engine shows them and forgets the other keys). */
  | { state: 'in-progress'; summary: string; problems: PodProblem[] }
  /** Waiting for promotion (an Argo Rollout paused): its new pods showed no problem and settled. */
  | { state: 'waiting'; summary: string }
  | { state: 'failed'; summary: string; reason: string; problem?: PodProblem };
