import type { Logger } from '../log.js';
import { formatLocation } from '../manifests/errors.js';
import { parseImageReference } from '../manifests/image-reference.js';
import { apiGroup, groupKind, podSpecPath } from '../manifests/kinds.js';
import { isRecord } from '../records.js';
import { annotationsOf, describeRef, type Json } from './objects.js';
import { PlanError, type PlannedObject } from './plan.js';
import { type PolicyMode, RULE_NAMES, RULES, type RuleName, SKIP_ANNOTATION } from './rule-names.js';

export { type PolicyMode, RULE_NAMES, RULES, type RuleName, SKIP_ANNOTATION };

/*
 * The built-in rules: what a reviewer would ask of any set before it reaches a cluster, judged on
 * the rendered objects (images patched) before anything is written. Each rule is one small
 * function over the set; `policy` says whether a finding warns, fails the plan or is not looked
 * for, and a rule can be turned off for the run (input `policy-skip`) or for one object
 * (annotation `k8s-deploy-action/policy-skip`).
 */

export interface Finding {
  rule: RuleName;
  object: PlannedObject;
  /** What is wrong and what is expected, one sentence without the location. */
  detail: string;
}

export interface RuleContext {
  /** Rules turned off for the run (input `policy-skip`). */
  skip: ReadonlySet<RuleName>;
  /** PodDisruptionBudgets live in the cluster, beside the set's own. */
  livePdbs?: readonly Json[];
}

/** Every finding of the rules not turned off, in the set's order. */
export function evaluateRules(objects: readonly PlannedObject[], context: RuleContext): Finding[] {
  const skipped = new Map(objects.map((o) => [o, skipsOf(o)]));
  const findings: Finding[] = [];
  const add = (rule: RuleName, object: PlannedObject, detail: string) => {
    if (!context.skip.has(rule) && !skipped.get(object)?.has(rule)) findings.push({ rule, object, detail });
  };
  const pdbs = [...objects.filter((o) => isPdb(o.object)).map((o) => o.object), ...(context.livePdbs ?? [])];
  for (const object of objects) {
    const pod = podSpecOf(object);
    if (pod) {
      containerRules(object, pod, add);
      if (
        READINESS_KINDS.has(kindKey(object)) &&
        !containersOf(pod).some((c) => isRecord(c.readinessProbe))
      ) {
        add(
          'readiness-probe',
          object,
          'no container has a readinessProbe, so each new pod counts as ready (and gets traffic) as soon as it starts; expected a readinessProbe on the container that serves',
        );
      }
      for (const volume of arrayOf(pod.volumes)) {
        if (isRecord(volume) && isRecord(volume.hostPath)) {
          add(
            'host-path',
            object,
            `volume "${String(volume.name)}" mounts the node's ${String(volume.hostPath.path)} (hostPath), which ties the pod to a node's files and exposes them to it; expected an emptyDir, a ConfigMap, Secret or PersistentVolumeClaim`,
          );
        }
      }
      const replicas = replicasOf(object, objects);
      if (replicas > 1 && !pdbs.some((pdb) => pdbCovers(pdb, object))) {
        add(
          'disruption-budget',
          object,
          `${replicas} replicas and no PodDisruptionBudget selects its pods, so a node drain may evict them all at once; expected a PodDisruptionBudget (policy/v1) in namespace ${object.ref.namespace} whose selector matches its pod template`,
        );
      }
    }
    if (object.ref.kind === 'Service' && object.ref.apiVersion === 'v1') serviceRule(object, objects, add);
  }
  return findings;
}

/** The findings as `policy` says: warnings, a PlanError listing them all, or nothing. */
export function reportFindings(findings: readonly Finding[], mode: PolicyMode, logger: Logger): void {
  if (mode === 'off') return;
  // In the order of the files, not of the apply.
  const sorted = [...findings].sort(
    (a, b) =>
      a.object.location.source.localeCompare(b.object.location.source) ||
      a.object.location.line - b.object.location.line,
  );
  const lines = sorted.map(findingLine);
  if (mode === 'enforce' && findings.length > 0) {
    throw new PlanError(
      `The manifests break ${findings.length === 1 ? 'a built-in policy rule' : `${findings.length} built-in policy rules`} and policy is enforce:\n${lines.map((line) => `  ${line}`).join('\n')}\nFix the manifests, or turn a rule off for the run (input policy-skip) or for one object (annotation ${SKIP_ANNOTATION}).`,
      sorted[0]?.object.location,
    );
  }
  sorted.forEach((finding, i) => {
    logger.warning(lines[i] ?? '', finding.object.location);
  });
  const byRule = RULE_NAMES.map((rule) => [rule, findings.filter((f) => f.rule === rule).length] as const)
    .filter(([, count]) => count > 0)
    .map(([rule, count]) => `${rule} ${count}`);
  logger.info(
    `Policy (${mode}): ${findings.length} finding(s) of the built-in rules${findings.length > 0 ? `: ${byRule.join(', ')} (each a warning above; policy: enforce would fail the run)` : '; every rule passes'}.`,
  );
}

/** `k8s/web.yaml:12: Deployment shop/web breaks policy rule readiness-probe: ...`. */
export function findingLine(finding: Finding): string {
  const { object } = finding;
  return `${formatLocation(object.location)}: ${describeRef(object.ref)} breaks policy rule ${finding.rule}: ${finding.detail}.`;
}

/**
 * The rules an object turns off with its annotation; a name that is no rule fails the plan (a
 * typo would otherwise leave the rule on without a word).
 */
function skipsOf(object: PlannedObject): Set<RuleName> {
  const value = annotationsOf(object.object)[SKIP_ANNOTATION];
  if (value === undefined) return new Set();
  const names = value
    .split(/[\s,]+/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(name in RULES));
  if (unknown.length > 0) {
    throw new PlanError(
      `${formatLocation(object.location)}: ${describeRef(object.ref)} has annotation ${SKIP_ANNOTATION}: "${value}", and ${unknown.map((n) => `"${n}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} no built-in rule; expected rule names separated by commas, of ${RULE_NAMES.join(', ')}.`,
      object.location,
    );
  }
  return new Set(names as RuleName[]);
}

type Add = (rule: RuleName, object: PlannedObject, detail: string) => void;

const READINESS_KINDS = new Set([
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps/ReplicaSet',
  '/ReplicationController',
]);
const REPLICATED_KINDS = new Set([
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/ReplicaSet',
  '/ReplicationController',
]);

function kindKey(object: PlannedObject): string {
  return groupKind(object.ref.apiVersion, object.ref.kind);
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function podSpecOf(object: PlannedObject): Json | undefined {
  const path = podSpecPath(kindKey(object));
  if (!path) return undefined;
  let node: unknown = object.object;
  for (const step of path) node = isRecord(node) ? node[step] : undefined;
  return isRecord(node) ? node : undefined;
}

function containersOf(pod: Json): Json[] {
  return arrayOf(pod.containers).filter(isRecord);
}

/** Containers and init containers, as `container "web"` / `init container "setup"`. */
function everyContainer(pod: Json): { container: Json; label: string }[] {
  return [
    ...containersOf(pod).map((container) => ({ container, label: `container "${String(container.name)}"` })),
    ...arrayOf(pod.initContainers)
      .filter(isRecord)
      .map((container) => ({ container, label: `init container "${String(container.name)}"` })),
  ];
}

function containerRules(object: PlannedObject, pod: Json, add: Add): void {
  for (const { container, label } of everyContainer(pod)) {
    const resources = isRecord(container.resources) ? container.resources : {};
    const requests = isRecord(resources.requests) ? resources.requests : {};
    const limits = isRecord(resources.limits) ? resources.limits : {};
    // The API server defaults a request to its limit, as the scheduler and a quota then see it.
    const missing = [
      (requests.cpu ?? limits.cpu) ? undefined : 'requests.cpu',
      (requests.memory ?? limits.memory) ? undefined : 'requests.memory',
      limits.memory ? undefined : 'limits.memory',
    ].filter((name): name is string => name !== undefined);
    if (missing.length > 0) {
      add(
        'resources',
        object,
        `${label} does not state ${missing.join(', ')}, so the scheduler cannot place it by what it needs (and a memory leak takes the node's memory); expected resources.requests.cpu, resources.requests.memory and resources.limits.memory`,
      );
    }
    const image = typeof container.image === 'string' ? container.image : '';
    const reference = parseImageReference(image);
    if (
      reference &&
      reference.digest === undefined &&
      (reference.tag === undefined || reference.tag === 'latest')
    ) {
      add(
        'image-tag',
        object,
        `${label} runs image ${image}, ${reference.tag === undefined ? 'which names no tag (so latest)' : 'by the tag latest'}, which points at another image after every push: a rollback or a rescheduled pod may run other code; expected a tag per build (the commit SHA) or a digest`,
      );
    }
    const security = isRecord(container.securityContext) ? container.securityContext : {};
    if (security.privileged === true) {
      add(
        'privileged',
        object,
        `${label} sets securityContext.privileged: true, which gives it every capability and the node's devices; expected no privileged container (grant single capabilities if one is needed)`,
      );
    } else if (security.allowPrivilegeEscalation !== false) {
      add(
        'privilege-escalation',
        object,
        `${label} ${security.allowPrivilegeEscalation === true ? 'sets securityContext.allowPrivilegeEscalation: true' : 'leaves securityContext.allowPrivilegeEscalation unset, which allows it'}, so a process may gain more privileges than its parent (setuid binaries); expected securityContext.allowPrivilegeEscalation: false`,
      );
    }
  }
}

/** spec.replicas (default 1), or the minimum of a HorizontalPodAutoscaler of the set that scales it. */
function replicasOf(object: PlannedObject, objects: readonly PlannedObject[]): number {
  if (!REPLICATED_KINDS.has(kindKey(object))) return 0;
  const spec = isRecord(object.object.spec) ? object.object.spec : {};
  const autoscaler = objects.find((o) => {
    if (o.ref.kind !== 'HorizontalPodAutoscaler' || apiGroup(o.ref.apiVersion) !== 'autoscaling')
      return false;
    const target =
      isRecord(o.object.spec) && isRecord(o.object.spec.scaleTargetRef) ? o.object.spec.scaleTargetRef : {};
    return (
      o.ref.namespace === object.ref.namespace &&
      target.kind === object.ref.kind &&
      target.name === object.ref.name
    );
  });
  if (autoscaler) {
    const min = isRecord(autoscaler.object.spec) ? autoscaler.object.spec.minReplicas : undefined;
    return typeof min === 'number' ? min : 1;
  }
  return typeof spec.replicas === 'number' ? spec.replicas : 1;
}

function isPdb(object: Json): boolean {
  return (
    object.kind === 'PodDisruptionBudget' &&
    typeof object.apiVersion === 'string' &&
    apiGroup(object.apiVersion) === 'policy'
  );
}

function templateLabels(object: PlannedObject): Record<string, string> | undefined {
  const path = podSpecPath(kindKey(object));
  if (!path) return undefined;
  // The template's metadata sits beside its spec.
  let node: unknown = object.object;
  for (const step of path.slice(0, -1)) node = isRecord(node) ? node[step] : undefined;
  const metadata = isRecord(node) && isRecord(node.metadata) ? node.metadata : {};
  const labels = isRecord(metadata.labels) ? metadata.labels : {};
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)]));
}

function pdbCovers(pdb: Json, object: PlannedObject): boolean {
  const metadata = isRecord(pdb.metadata) ? pdb.metadata : {};
  if ((metadata.namespace ?? object.ref.namespace) !== object.ref.namespace) return false;
  const selector = isRecord(pdb.spec) ? pdb.spec.selector : undefined;
  const labels = templateLabels(object);
  // An empty selector (`{}`) selects every pod of the namespace in policy/v1; a missing one none.
  return isRecord(selector) && labels !== undefined && selects(selector, labels);
}

/** A LabelSelector (matchLabels and matchExpressions) against labels. */
export function selects(selector: Json, labels: Record<string, string>): boolean {
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== String(value)) return false;
  for (const expression of arrayOf(selector.matchExpressions)) {
    if (!isRecord(expression) || typeof expression.key !== 'string') return false;
    const values = arrayOf(expression.values).map(String);
    const has = Object.hasOwn(labels, expression.key);
    const value = labels[expression.key];
    const ok =
      expression.operator === 'In'
        ? has && values.includes(value ?? '')
        : expression.operator === 'NotIn'
          ? !has || !values.includes(value ?? '')
          : expression.operator === 'Exists'
            ? has
            : expression.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

/** A Service with a selector that no pod template of the set in its namespace carries. */
function serviceRule(service: PlannedObject, objects: readonly PlannedObject[], add: Add): void {
  const spec = isRecord(service.object.spec) ? service.object.spec : {};
  if (spec.type === 'ExternalName' || !isRecord(spec.selector) || Object.keys(spec.selector).length === 0)
    return;
  const selector = Object.fromEntries(Object.entries(spec.selector).map(([k, v]) => [k, String(v)]));
  const matched = objects.some((o) => {
    if (o.ref.namespace !== service.ref.namespace) return false;
    const labels = templateLabels(o);
    return labels !== undefined && Object.entries(selector).every(([k, v]) => labels[k] === v);
  });
  if (!matched) {
    const text = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    add(
      'service-selector',
      service,
      `its selector ${text} matches the pod template of no workload of the set in namespace ${service.ref.namespace}, so it may have no endpoints; expected the labels of a pod template it serves (or annotate it if its pods come from elsewhere)`,
    );
  }
}
