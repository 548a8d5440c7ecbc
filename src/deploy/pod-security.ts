import type { Logger } from '../log.js';
import { formatLocation } from '../manifests/errors.js';
import { isRecord } from '../records.js';
import { sleep } from '../sleep.js';
import { ApiError, type KubeApi } from './kube-api.js';
import { canonical, describeRef, type Json } from './objects.js';
import { PlanError, type PlannedObject } from './plan.js';

/*
 * Pod Security in the plan. The API server checks a namespace's `enforce` level on Pods only:
 * a Deployment whose pods break it is accepted (by its dry run too), and the failure shows only
 * when the ReplicaSet's pod creations are refused. So the plan asks the cluster itself: a
 * server-side dry-run create of one Pod per distinct pod template, which Pod Security admission
 * (and any mutating webhook before it) treats as the real pods will be treated. No check is
 * re-implemented here: the cluster's version of the standard is the one that counts.
 */

const POD_SECURITY_LABEL = /^pod-security\.kubernetes\.io\/(enforce|warn|audit)(-version)?$/;

/**
 * The kinds whose pods Pod Security admission checks, and where their pod template is. A bare
 * Pod's `enforce` refusal comes from the set's own dry run already (admission checks pods there);
 * its dry-run pod is for the `warn` level's warning at its line.
 */
const TEMPLATES: Record<string, (object: Json) => unknown> = {
  'v1/Pod': (object) => object,
  'v1/ReplicationController': (object) => spec(object).template,
  'apps/v1/Deployment': (object) => spec(object).template,
  'apps/v1/StatefulSet': (object) => spec(object).template,
  'apps/v1/DaemonSet': (object) => spec(object).template,
  'apps/v1/ReplicaSet': (object) => spec(object).template,
  'batch/v1/Job': (object) => spec(object).template,
  'batch/v1/CronJob': (object) => {
    const jobTemplate = spec(object).jobTemplate;
    return isRecord(jobTemplate) && isRecord(jobTemplate.spec) ? jobTemplate.spec.template : undefined;
  },
};

function spec(object: Json): Json {
  return isRecord(object.spec) ? object.spec : {};
}

/** A pod template of the set, as the Pod a dry run creates from it. */
export interface TemplateCheck {
  namespace: string;
  pod: Json;
  /** The objects with this template (identical templates are checked once). */
  owners: PlannedObject[];
}

/** What the dry runs found: refusals fail the plan, warnings become workflow warnings. */
export interface TemplateResult {
  check: TemplateCheck;
  refusal?: string;
  warnings: string[];
  /** The pod as admission left it (LimitRange defaults filled in), when it was admitted. */
  pod?: Json;
}

/**
 * The pod templates this run changes in namespaces whose Pod Security labels the server knows
 * now, and those in namespaces it does not: the ones the set creates or whose Pod Security labels
 * it changes. A dry run there would be judged by the old labels, so their templates are checked
 * once the set's Namespaces are applied (`checkPodSecurity` again, before anything else is).
 */
export function podSecurityChecks(
  objects: readonly PlannedObject[],
  liveNamespaces: ReadonlyMap<string, Json>,
): { now: PlannedObject[]; later: PlannedObject[]; laterNamespaces: string[] } {
  const templated = objects.filter((o) => templateOf(o) !== undefined && o.ref.namespace !== undefined);
  const changing = new Set<string>();
  for (const o of objects) {
    if (o.ref.kind !== 'Namespace' || o.ref.apiVersion !== 'v1') continue;
    const live = liveNamespaces.get(o.ref.name);
    const after = o.after ?? o.object;
    if (!live || canonical(podSecurityLabels(after)) !== canonical(podSecurityLabels(live)))
      changing.add(o.ref.name);
  }
  // A workload this run leaves unchanged gets no new pods from it; in a namespace whose labels
  // the set changes, every template is judged by the new labels.
  const now = templated.filter((o) => !changing.has(o.ref.namespace ?? '') && o.change !== 'unchanged');
  const later = templated.filter((o) => changing.has(o.ref.namespace ?? ''));
  const laterNamespaces = [...new Set(later.map((o) => o.ref.namespace ?? ''))].sort();
  return { now, later, laterNamespaces };
}

/** A Namespace's `pod-security.kubernetes.io/*` labels. */
export function podSecurityLabels(namespace: Json | undefined): Record<string, string> {
  const metadata = isRecord(namespace?.metadata) ? namespace.metadata : {};
  const labels = isRecord(metadata.labels) ? metadata.labels : {};
  return Object.fromEntries(
    Object.entries(labels).filter(
      (entry): entry is [string, string] => POD_SECURITY_LABEL.test(entry[0]) && typeof entry[1] === 'string',
    ),
  );
}

function templateOf(planned: PlannedObject): { metadata: Json; spec: Json } | undefined {
  const template = TEMPLATES[`${planned.ref.apiVersion}/${planned.ref.kind}`]?.(planned.object);
  if (!isRecord(template) || !isRecord(template.spec)) return undefined;
  return { metadata: isRecord(template.metadata) ? template.metadata : {}, spec: template.spec };
}

/** The live Namespaces of these names (those that do not exist are left out), read in parallel. */
export async function readNamespaces(
  names: Iterable<string>,
  api: KubeApi,
  logger: Logger,
): Promise<Map<string, Json>> {
  const unique = [...new Set(names)];
  const found = await Promise.all(
    unique.map((name) =>
      api.get(`/api/v1/namespaces/${encodeURIComponent(name)}`).catch((error: unknown) => {
        if (!(error instanceof ApiError) || error.status !== 403) throw error;
        logger.warning(
          `Pod Security could not be checked in namespace ${name}: the deploy role may not read the Namespace (${error.message}); expected \`get\` on namespaces (README, Kubernetes RBAC for the deploy role).`,
        );
        return undefined;
      }),
    ),
  );
  return new Map(unique.flatMap((name, i) => (found[i] ? [[name, found[i] as Json]] : [])));
}

/**
 * Dry-runs a Pod of each distinct pod template, in parallel, in the namespaces that have a Pod
 * Security label (`namespaceLabels` gives each namespace's labels as the server has them now).
 * A template the namespace's `enforce` level refuses fails the plan, naming each such workload
 * at its file:line with the server's rules and details; the dry runs' warnings (the `warn`
 * level's `would violate PodSecurity`, deprecations) become warnings at the workload's line.
 */
export async function checkPodSecurity(
  objects: readonly PlannedObject[],
  namespaceLabels: ReadonlyMap<string, Record<string, string>>,
  api: KubeApi,
  logger: Logger,
): Promise<void> {
  const checks = distinctTemplates(
    objects.filter((o) => Object.keys(namespaceLabels.get(o.ref.namespace ?? '') ?? {}).length > 0),
  );
  if (checks.length === 0) return;
  const results = await Promise.all(checks.map((check) => dryRunPod(check, api)));
  for (const { check, warnings } of results) {
    for (const warning of warnings) {
      for (const owner of check.owners) {
        logger.warning(
          `${formatLocation(owner.location)}: ${describeRef(owner.ref)}: the cluster warns about its pods: ${warning}.`,
          owner.location,
        );
      }
    }
  }
  const refused = results.flatMap(({ check, refusal }) =>
    refusal === undefined ? [] : check.owners.map((owner) => ({ owner, refusal })),
  );
  const others = refused.filter((r) => !isPodSecurity(r.refusal));
  const unauthorised = new Set<string>();
  for (const { owner, refusal } of others) {
    if (/cannot create resource "pods"/.test(refusal)) {
      const namespace = owner.ref.namespace ?? '';
      if (!unauthorised.has(namespace)) {
        logger.warning(
          `Pod Security could not be checked in namespace ${namespace}: the deploy role may not create pods there, and a dry-run pod is authorised as a real one (${refusal}); expected \`create\` on pods in its Role (README, Kubernetes RBAC for the deploy role).`,
        );
      }
      unauthorised.add(namespace);
      continue;
    }
    // A quota or a LimitRange: quota.ts owns those (it dry-runs the template itself).
    if (isQuotaOrLimits(refusal)) continue;
    // Not Pod Security (a webhook): the rollout would meet it too; said, not failed.
    logger.warning(
      `${formatLocation(owner.location)}: ${describeRef(owner.ref)}: the cluster refused a dry-run pod of its template: ${refusal}; its pods may be refused the same way.`,
      owner.location,
    );
  }
  const violations = refused.filter((r) => isPodSecurity(r.refusal));
  if (violations.length === 0) {
    logger.info(
      `Pod Security: ${checks.length} pod template(s) dry-run as pods in ${namespaceCount(checks)} namespace(s) with Pod Security labels; none is refused.`,
    );
    return;
  }
  const sentences = violations.map(({ owner, refusal }) => violationSentence(owner, refusal));
  throw new PlanError(
    sentences.length === 1
      ? (sentences[0] ?? '')
      : `${sentences.length} workloads would have their pods refused by Pod Security:\n${sentences.map((s) => `  ${s}`).join('\n')}`,
    violations[0]?.owner.location,
  );
}

function namespaceCount(checks: readonly TemplateCheck[]): number {
  return new Set(checks.map((c) => c.namespace)).size;
}

/** ResourceQuota's and LimitRanger's refusals (their texts: see quota.ts). */
export function isQuotaOrLimits(refusal: string): boolean {
  return /(exceeded quota|failed quota|status unknown for quota|insufficient quota): |usage per (Container|Pod) is |max limit to request ratio per /.test(
    refusal,
  );
}

function isPodSecurity(refusal: string): boolean {
  return /violates PodSecurity "/.test(refusal);
}

/**
 * `web.yaml:12: Deployment shop/web would have every pod refused: namespace shop enforces Pod
 * Security "restricted:latest", which its pod template breaks: <rules (details)>; expected ...`,
 * the rules and details (containers named) as the API server words them.
 */
function violationSentence(owner: PlannedObject, refusal: string): string {
  const match = /violates PodSecurity "([^"]+)": ([\s\S]*)$/.exec(refusal);
  const level = match?.[1] ?? '?';
  const detail = (match?.[2] ?? refusal).trim();
  return `${formatLocation(owner.location)}: ${describeRef(owner.ref)} would have every pod refused: namespace ${owner.ref.namespace} enforces Pod Security "${level}", which its pod template breaks: ${detail}; expected a pod template that meets the ${level.split(':')[0]} level (https://kubernetes.io/docs/concepts/security/pod-security-standards/), or a namespace that enforces a lower one.`;
}

/** One check per distinct (namespace, pod metadata, pod spec). */
export function distinctTemplates(objects: readonly PlannedObject[]): TemplateCheck[] {
  const byKey = new Map<string, TemplateCheck>();
  for (const owner of objects) {
    const template = templateOf(owner);
    const namespace = owner.ref.namespace;
    if (!template || namespace === undefined) continue;
    const metadata: Json = {};
    if (isRecord(template.metadata.labels)) metadata.labels = template.metadata.labels;
    if (isRecord(template.metadata.annotations)) metadata.annotations = template.metadata.annotations;
    // The default ServiceAccount: one the set brings may not exist yet, and Pod Security does
    // not look at it (ServiceAccount admission would refuse the pod before Pod Security sees it).
    const { serviceAccountName: _name, serviceAccount: _account, ...podSpec } = template.spec;
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata, spec: podSpec };
    const key = `${namespace}\n${canonical(pod)}`;
    const existing = byKey.get(key);
    if (existing) existing.owners.push(owner);
    else {
      const prefix = `${owner.ref.name.slice(0, 40)}-pod-security-`;
      byKey.set(key, {
        namespace,
        pod: { ...pod, metadata: { ...metadata, generateName: prefix } },
        owners: [owner],
      });
    }
  }
  return [...byKey.values()];
}

/**
 * The dry-run create; a namespace created a moment ago may not have its default ServiceAccount
 * yet (a controller makes it): that refusal is retried for a few seconds.
 */
export async function dryRunPod(
  check: TemplateCheck,
  api: KubeApi,
  /** What the dry run is for, as the error says it: `Pod Security`, `Quota and limits`. */
  purpose = 'Pod Security',
): Promise<TemplateResult> {
  const path = `/api/v1/namespaces/${encodeURIComponent(check.namespace)}/pods?dryRun=All&fieldValidation=Ignore`;
  for (let attempt = 0; ; attempt++) {
    const warnings: string[] = [];
    try {
      const pod = await api.request('POST', path, { body: check.pod, warnings, idempotent: true });
      return { check, warnings, pod };
    } catch (error) {
      const message = (error as Error).message;
      if (!(error instanceof ApiError) || error.status >= 500 || error.status === 429) {
        const owner = check.owners[0];
        throw new PlanError(
          `${purpose} could not be checked: the dry-run pod of ${owner ? describeRef(owner.ref) : 'a pod template'} got no answer from the API server (${message}).`,
        );
      }
      if (/error looking up service account/.test(message) && attempt < 10) {
        await sleep(500);
        continue;
      }
      return { check, refusal: message, warnings };
    }
  }
}
