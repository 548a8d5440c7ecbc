import { createHash } from 'node:crypto';
import { load } from 'js-yaml';
import type { Logger } from '../log.js';
import { formatLocation, type SourceLocation } from '../manifests/errors.js';
import { applyOrder, groupKind } from '../manifests/kinds.js';
import type { RenderedObject } from '../manifests/render.js';
import { isRecord } from '../records.js';
import type { Identities } from './identity.js';
import type { Kubectl } from './kubectl.js';
import { migrationJob, POST_DEPLOY_LABEL } from './migration-job.js';
import {
  canonical,
  comparable,
  describeRef,
  type Json,
  keyOf,
  type ObjectRef,
  refManifest,
  refOf,
  toYaml,
} from './objects.js';
import type { ReleaseRecord } from './release.js';

export type Stage = 'definitions' | 'configuration' | 'workloads';
export type Change = 'create' | 'update' | 'unchanged';

/** One object of the set, with what the cluster holds now and what applying it would do. */
export interface PlannedObject {
  ref: ObjectRef;
  key: string;
  object: Json;
  location: SourceLocation;
  stage: Stage;
  /** The live object before this run; undefined when it does not exist. */
  live?: Json;
  change: Change;
  /** The object as the plan's dry run says applying it leaves it; undefined before that dry run. */
  after?: Json;
  /**
   * In a Namespace, or of a CRD, that this set creates: the server cannot dry-run it before
   * that exists, so it is dry-run right after the definitions are applied, before it is applied.
   */
  deferred: boolean;
}

export interface Plan {
  /** The set in apply order, the migration Job apart. */
  objects: PlannedObject[];
  /** The migration Job as it will be created (renamed per release). */
  migration?: PlannedObject & { sourceName: string };
  /** The post-deploy Jobs (post-deploy-jobs), each renamed per release like the migration, in input order. */
  postDeploy: (PlannedObject & { sourceName: string })[];
  fingerprint: string;
  /** Identical to the deployed release and the cluster still matches it: nothing to do. */
  unchanged: boolean;
  /** Objects of the last good release that this set no longer has. */
  removed: ObjectRef[];
}

export interface PlanInput {
  rendered: readonly RenderedObject[];
  migrationJobName: string | undefined;
  /** Jobs run after verify (post-deploy-jobs); none when undefined. */
  postDeployJobNames?: readonly string[];
  tag: string | undefined;
  migrationTimeoutMs: number;
  latest: ReleaseRecord | undefined;
  lastGood: ReleaseRecord | undefined;
  /** Each object's namespace and scope, resolved once (see identity.ts). */
  identities: Identities;
}

/** A problem found before anything changed: the cluster refused the set in the dry run. */
export class PlanError extends Error {
  override name = 'PlanError';
  constructor(
    message: string,
    /** The object the cluster refused, where one is to blame: reports read this, not the text. */
    readonly location?: SourceLocation,
  ) {
    super(message);
  }
}

export function stageOf(ref: ObjectRef): Stage {
  const order = applyOrder(groupKind(ref.apiVersion, ref.kind));
  return order === 0 ? 'definitions' : order === 1 ? 'configuration' : 'workloads';
}

/** Parses the rendered objects and pulls the migration Job out of the set. */
export function prepareObjects(
  input: PlanInput,
): Pick<Plan, 'objects' | 'migration' | 'postDeploy' | 'fingerprint'> {
  let migration: Plan['migration'];
  const postDeploy: Plan['postDeploy'] = [];
  const postDeployNames = input.postDeployJobNames ?? [];
  const objects: PlannedObject[] = [];
  const seen = new Map<string, SourceLocation>();
  for (const rendered of input.rendered) {
    const loaded = load(rendered.yaml);
    if (!isRecord(loaded))
      throw new PlanError(`${formatLocation(rendered.location)}: not an object.`, rendered.location);
    const parsed = input.identities.resolve(loaded);
    const ref = refOf(parsed);
    const first = seen.get(keyOf(ref));
    if (first) {
      throw new PlanError(
        `${formatLocation(rendered.location)}: ${describeRef(ref)} is also declared at ${formatLocation(first)} (a namespace-less object goes to namespace ${input.identities.defaultNamespace}); expected each object once.`,
        rendered.location,
      );
    }
    seen.set(keyOf(ref), rendered.location);
    const planned: PlannedObject = {
      ref,
      key: keyOf(ref),
      object: parsed,
      location: rendered.location,
      stage: stageOf(ref),
      change: 'create',
      deferred: false,
    };
    if (
      input.migrationJobName !== undefined &&
      ref.kind === 'Job' &&
      ref.name === input.migrationJobName &&
      !migration
    ) {
      const job = migrationJob(
        parsed,
        input.tag ?? fingerprintOf([parsed]).slice(0, 8),
        input.migrationTimeoutMs,
      );
      const jobRef = refOf(job);
      migration = { ...planned, ref: jobRef, key: keyOf(jobRef), object: job, sourceName: ref.name };
      continue;
    }
    if (
      ref.kind === 'Job' &&
      postDeployNames.includes(ref.name) &&
      !postDeploy.some((j) => j.sourceName === ref.name)
    ) {
      const job = migrationJob(
        parsed,
        input.tag ?? fingerprintOf([parsed]).slice(0, 8),
        input.migrationTimeoutMs,
        POST_DEPLOY_LABEL,
      );
      const jobRef = refOf(job);
      postDeploy.push({ ...planned, ref: jobRef, key: keyOf(jobRef), object: job, sourceName: ref.name });
      continue;
    }
    objects.push(planned);
  }
  if (input.migrationJobName !== undefined && !migration) {
    throw new PlanError(
      `Input 'migration-job' names ${input.migrationJobName}, but the manifests hold no Job of that name; expected the name of a Job in the manifests.`,
    );
  }
  const missing = postDeployNames.filter((name) => !postDeploy.some((j) => j.sourceName === name));
  if (missing.length > 0) {
    throw new PlanError(
      `Input 'post-deploy-jobs' names ${missing.join(', ')}, but the manifests hold no Job of that name; expected names of Jobs in the manifests.`,
    );
  }
  postDeploy.sort((a, b) => postDeployNames.indexOf(a.sourceName) - postDeployNames.indexOf(b.sourceName));
  const all = [
    ...objects.map((o) => o.object),
    ...(migration ? [migration.object] : []),
    ...postDeploy.map((o) => o.object),
  ];
  return { objects, migration, postDeploy, fingerprint: fingerprintOf(all) };
}

export function fingerprintOf(objects: readonly Json[]): string {
  const hash = createHash('sha256');
  const sorted = [...objects].sort((a, b) => keyOf(refOf(a)).localeCompare(keyOf(refOf(b))));
  for (const object of sorted) hash.update(canonical(comparable(object))).update('\n');
  return hash.digest('hex');
}

/**
 * The plan phase: what exists, and a server-side dry run of the whole set with the same field
 * manager and options as the apply, so schema errors, unknown fields, immutable fields and
 * admission denials fail the run before its first write. Objects the dry run cannot see yet
 * (their Namespace or CRD is new in this set) are marked deferred.
 */
export async function planDeploy(input: PlanInput, kubectl: Kubectl, logger: Logger): Promise<Plan> {
  const prepared = prepareObjects(input);
  const jobs: PlannedObject[] = [...(prepared.migration ? [prepared.migration] : []), ...prepared.postDeploy];
  const everything = [...prepared.objects, ...jobs];
  const newCrdKinds = new Set(
    prepared.objects
      .filter((o) => o.ref.kind === 'CustomResourceDefinition')
      .map((o) => crdKindKey(o.object))
      .filter((key): key is string => key !== undefined),
  );
  // Kinds of CRDs this set brings cannot even be read before the CRD exists.
  const readable = everything.filter((o) => !newCrdKinds.has(groupKind(o.ref.apiVersion, o.ref.kind)));
  // The dry run checks what the read below does not defer. On a redeploy that is everything, so
  // it runs beside the read instead of after it; it only reads, and its answer is used only when
  // the read shows it checked exactly the objects it would have checked after it. A first
  // release usually brings its Namespace: no guess, no wasted kubectl process.
  const guess =
    input.latest !== undefined && newCrdKinds.size === 0 && jobs.length === 0
      ? kubectl.apply(toYaml(everything.map((o) => o.object)), { dryRun: true }).catch(() => undefined)
      : undefined;
  const liveObjects = await kubectl
    .get(readable.map((o) => refManifest(o.ref)))
    .catch(async (error: Error) => {
      await guess;
      throw unknownKind(error.message, readable) ?? error;
    });
  const live = new Map(liveObjects.map((object) => [keyOf(refOf(object)), object]));
  const liveCrds = new Set(
    prepared.objects
      .filter((o) => o.ref.kind === 'CustomResourceDefinition' && live.has(o.key))
      .map((o) => crdKindKey(o.object)),
  );
  const liveNamespaces = new Set(
    [...live.values()].filter((object) => object.kind === 'Namespace').map((object) => refOf(object).name),
  );
  const setNamespaces = new Set(
    prepared.objects.filter((o) => o.ref.kind === 'Namespace').map((o) => o.ref.name),
  );
  for (const planned of everything) {
    planned.live = live.get(planned.key);
    const namespace = planned.ref.namespace;
    const kindKey = groupKind(planned.ref.apiVersion, planned.ref.kind);
    planned.deferred =
      (namespace !== undefined && setNamespaces.has(namespace) && !liveNamespaces.has(namespace)) ||
      (newCrdKinds.has(kindKey) && !liveCrds.has(kindKey));
  }
  // A migration Job that exists already ran (or runs) for this tag: the migrate phase decides.
  const checkable = everything.filter((o) => !o.deferred && !(jobs.includes(o) && o.live));
  const guessed = await guess;
  await dryRun(checkable, kubectl, logger, checkable.length === everything.length ? guessed : undefined);
  const deferred = everything.filter((o) => o.deferred);
  if (deferred.length > 0) {
    logger.info(
      `${deferred.length} object(s) live in a Namespace or are of a CRD that this set creates; the server can check them only once that exists, so they are dry-run right after the definitions are applied and before they are applied: ${deferred.map((o) => describeRef(o.ref)).join(', ')}.`,
    );
  }
  const unchanged =
    input.lastGood !== undefined &&
    input.latest?.version === input.lastGood.version &&
    input.lastGood.fingerprint === prepared.fingerprint &&
    deferred.length === 0 &&
    everything.every((o) => o.change === 'unchanged' || jobs.includes(o));
  const current = new Set(everything.map((o) => o.key));
  const removed = (input.lastGood?.objects ?? [])
    .map((ref) => input.identities.resolveRef(ref))
    .filter((ref) => !current.has(keyOf(ref)));
  return { ...prepared, unchanged, removed };
}

/** Dry-runs objects and records per object whether applying would create, change or keep it. */
export async function dryRun(
  objects: readonly PlannedObject[],
  kubectl: Kubectl,
  logger: Logger,
  /** The answer of a dry run of exactly these objects, already made (planDeploy's). */
  made?: Awaited<ReturnType<Kubectl['apply']>>,
): Promise<void> {
  if (objects.length === 0) return;
  const {
    objects: results,
    errors,
    warnings,
  } = made ??
  (await kubectl.apply(toYaml(objects.map((o) => o.object)), {
    dryRun: true,
  }));
  warnOf(warnings, objects, logger);
  if (errors.length > 0) {
    const missing = missingNamespace(errors, objects);
    if (missing) throw missing;
    // A Job's pod template never changes on a real server: say what to do instead.
    const jobHint = errors.some((line) => /\bJob\b.*spec\.template.*field is immutable/.test(line))
      ? "\nA Job's pod template cannot change once created: make it the migration-job (run once per release under its own name), give it a name per release, or delete it before deploying."
      : '';
    throw new PlanError(
      `The cluster refused the manifests in a server-side dry run, so nothing was changed:\n${errors
        .map((line) => `  ${locate(line, objects)}`)
        .join('\n')}${jobHint}`,
      errors.map((line) => objectNamedIn(line, objects)).find((o) => o !== undefined)?.location,
    );
  }
  const byKey = new Map(results.map((object) => [keyOf(refOf(object)), object]));
  for (const planned of objects) {
    const after = byKey.get(planned.key);
    planned.after = after;
    if (planned.live === undefined) planned.change = 'create';
    else if (after !== undefined && canonical(comparable(after)) === canonical(comparable(planned.live)))
      planned.change = 'unchanged';
    else planned.change = 'update';
  }
  const counts = { create: 0, update: 0, unchanged: 0 };
  for (const planned of objects) counts[planned.change]++;
  logger.info(
    `Server-side dry run of ${objects.length} object(s) passed: ${counts.create} to create, ${counts.update} to change, ${counts.unchanged} unchanged.`,
  );
}

/**
 * The dry run's warnings (deprecated APIs, admission's) as workflow warnings, at the manifest
 * line of the object a warning names where it names one (kubectl does not say which object a
 * warning came with). Pod Security's `would violate PodSecurity` is left out: the dry-run pods
 * of pod-security.ts report it for each workload at its line.
 */
function warnOf(warnings: readonly string[], objects: readonly PlannedObject[], logger: Logger): void {
  for (const warning of warnings) {
    if (warning.startsWith('would violate PodSecurity')) continue;
    const object =
      objectNamedIn(warning, objects) ??
      objects.find((o) => warning.includes(`${o.ref.apiVersion} ${o.ref.kind}`));
    const where = object ? `${formatLocation(object.location)}: ${describeRef(object.ref)}: ` : '';
    logger.warning(`${where}the server-side dry run warned: ${warning}`, object?.location);
  }
}

/**
 * kubectl's "no matches for kind K in version V" (the API server serves no such kind: a typo in
 * apiVersion or kind, or a CRD not installed) as one sentence at the first object's file:line.
 */
function unknownKind(message: string, objects: readonly PlannedObject[]): PlanError | undefined {
  const match = /no matches for kind "([^"]+)" in version "([^"]+)"/.exec(message);
  if (!match) return undefined;
  const [, kind, version] = match;
  const object = objects.find(
    (o) => o.ref.kind === kind && (o.ref.apiVersion === version || o.ref.apiVersion.endsWith(`/${version}`)),
  );
  const where = object ? `${formatLocation(object.location)}: ` : '';
  return new PlanError(
    `${where}the cluster serves no kind ${kind} in ${object?.ref.apiVersion ?? version}; expected an apiVersion and kind the cluster serves (kubectl api-resources lists them), or the CustomResourceDefinition that defines it installed first or included in the manifests.`,
    object?.location,
  );
}

/**
 * The dry run's `namespaces "X" not found` (an object in a Namespace the cluster does not have
 * and the set does not create) as one sentence at the first such object's file:line, instead of
 * one kubectl line per object.
 */
function missingNamespace(
  errors: readonly string[],
  objects: readonly PlannedObject[],
): PlanError | undefined {
  for (const line of errors) {
    const match = /namespaces "([^"]+)" not found/.exec(line);
    const object = match && objects.find((o) => o.ref.namespace === match[1]);
    if (match && object) {
      return new PlanError(
        `${formatLocation(object.location)}: ${describeRef(object.ref)} is in namespace "${match[1]}", which the cluster does not have and the manifests do not create; expected an existing namespace, or its Namespace in the manifests.`,
        object.location,
      );
    }
  }
  return undefined;
}

/** Appends the manifest's file:line to a kubectl error line that names one of the objects. */
function locate(line: string, objects: readonly PlannedObject[]): string {
  const match = objectNamedIn(line, objects);
  return match ? `${line} (${formatLocation(match.location)})` : line;
}

/** The object a kubectl error line is about (it quotes the name and names the kind). */
function objectNamedIn(line: string, objects: readonly PlannedObject[]): PlannedObject | undefined {
  return objects.find(
    (o) => line.includes(`"${o.ref.name}"`) && line.toLowerCase().includes(o.ref.kind.toLowerCase()),
  );
}

function crdKindKey(crd: Json): string | undefined {
  const spec = crd.spec;
  if (!isRecord(spec) || !isRecord(spec.names)) return undefined;
  return typeof spec.group === 'string' && typeof spec.names.kind === 'string'
    ? `${spec.group}/${spec.names.kind}`
    : undefined;
}

/**
 * Where the records live: the `namespace` input, else the set's only namespace (with namespaces
 * resolved, a namespace-less set's is the default one), else the default namespace (the
 * context's, else `default`).
 */
export function namespaceOfRecord(
  objectNamespaces: readonly (string | undefined)[],
  given: string | undefined,
  defaultNamespace = 'default',
): string {
  if (given) return given;
  const namespaces = new Set(objectNamespaces.filter((ns): ns is string => ns !== undefined));
  return namespaces.size === 1 ? ([...namespaces][0] ?? defaultNamespace) : defaultNamespace;
}

/**
 * The Secrets an operator creates from objects of the set: an ExternalSecret's target, a
 * SealedSecret, a cert-manager Certificate's secretName. A pod waiting for one of them right
 * after the apply is not broken yet.
 */
export function producedByOperators(objects: readonly PlannedObject[]): Set<string> {
  const produced = new Set<string>();
  for (const { ref, object } of objects) {
    const spec = isRecord(object.spec) ? object.spec : {};
    const group = ref.apiVersion.split('/')[0];
    if (group === 'external-secrets.io' && ref.kind === 'ExternalSecret') {
      const target =
        isRecord(spec.target) && typeof spec.target.name === 'string' ? spec.target.name : ref.name;
      produced.add(`secret/${target}`);
    } else if (group === 'bitnami.com' && ref.kind === 'SealedSecret') {
      produced.add(`secret/${ref.name}`);
    } else if (
      group === 'cert-manager.io' &&
      ref.kind === 'Certificate' &&
      typeof spec.secretName === 'string'
    ) {
      produced.add(`secret/${spec.secretName}`);
    }
  }
  return produced;
}
