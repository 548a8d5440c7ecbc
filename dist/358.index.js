export const id = 358;
export const ids = [358];
export const modules = {

/***/ 6358:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deploy: () => (/* binding */ deploy)
});

// EXTERNAL MODULE: ./src/phases.ts
var phases = __webpack_require__(119);
// EXTERNAL MODULE: ./src/verdict.ts
var verdict = __webpack_require__(3138);
// EXTERNAL MODULE: ./node_modules/js-yaml/dist/js-yaml.mjs
var js_yaml = __webpack_require__(3243);
// EXTERNAL MODULE: ./src/manifests/autoscalers.ts
var autoscalers = __webpack_require__(7282);
// EXTERNAL MODULE: ./src/records.ts
var records = __webpack_require__(4845);
;// CONCATENATED MODULE: ./src/manifests/replicas-handover.ts

/**
 * The decision of the replicas ownership transfer (see ReplicasHandover): given the live
 * object as `kubectl get -o json --show-managed-fields` prints it, returns the replicas-only
 * manifest to server-side apply with HANDOVER_FIELD_MANAGER before the rendered set, or
 * undefined when there is nothing to hand over (no live object, no live count, or our field
 * manager `applyManager` does not own `spec.replicas`, so omitting it deletes nothing).
 */
function replicasHandoverManifest(handover, live, applyManager) {
    if (!(0,records/* isRecord */.u)(live) || !(0,records/* isRecord */.u)(live.spec) || typeof live.spec.replicas !== 'number')
        return undefined;
    const metadata = (0,records/* isRecord */.u)(live.metadata) ? live.metadata : {};
    const managedFields = Array.isArray(metadata.managedFields) ? metadata.managedFields : [];
    const ownsReplicas = managedFields.some((entry) => (0,records/* isRecord */.u)(entry) &&
        entry.manager === applyManager &&
        entry.operation === 'Apply' &&
        (0,records/* isRecord */.u)(entry.fieldsV1) &&
        (0,records/* isRecord */.u)(entry.fieldsV1['f:spec']) &&
        'f:replicas' in entry.fieldsV1['f:spec']);
    if (!ownsReplicas)
        return undefined;
    return {
        apiVersion: handover.apiVersion,
        kind: handover.kind,
        metadata: {
            name: handover.name,
            ...(handover.namespace !== undefined ? { namespace: handover.namespace } : {}),
        },
        spec: { replicas: live.spec.replicas },
    };
}

// EXTERNAL MODULE: ./src/deploy/kube-api.ts
var kube_api = __webpack_require__(4555);
// EXTERNAL MODULE: ./src/deploy/kubectl.ts
var deploy_kubectl = __webpack_require__(6613);
// EXTERNAL MODULE: ./src/deploy/objects.ts
var deploy_objects = __webpack_require__(8495);
// EXTERNAL MODULE: ./src/deploy/plan.ts
var deploy_plan = __webpack_require__(5448);
// EXTERNAL MODULE: ./src/deploy/rollout/objects.ts
var objects = __webpack_require__(5165);
// EXTERNAL MODULE: ./src/deploy/watch.ts
var watch = __webpack_require__(4808);
;// CONCATENATED MODULE: ./src/deploy/apply.ts










/** An apply the cluster refused part of; what was applied before stays applied. */
class ApplyError extends Error {
    name = 'ApplyError';
}
/** Applies objects in one kubectl process (server-side, our field manager, forced). */
async function applyObjects(objects, kubectl, logger, what) {
    if (objects.length === 0)
        return;
    const { errors } = await kubectl.apply((0,deploy_plan/* toYaml */.fE)(objects));
    if (errors.length > 0)
        throw new ApplyError(`Applying ${what} failed: ${errors.join(' | ')}`);
    logger.info(`Applied ${objects.length} ${what} object(s).`);
}
/** Waits until the CRDs of the set are Established, so their kinds can be applied. */
async function waitForCrds(crds, api, signal) {
    const deadline = Date.now() + 60_000;
    for (const crd of crds) {
        const path = (0,kube_api/* resourcePath */.oU)('CustomResourceDefinition', undefined, crd.ref.name);
        for (;;) {
            if ((0,objects/* conditionIs */.OD)(await api.get(path), 'Established', 'True'))
                break;
            if (Date.now() > deadline || signal.aborted) {
                throw new ApplyError(`CustomResourceDefinition ${crd.ref.name} was not Established within 60 s.`);
            }
            await (0,watch/* sleep */.y)(250, signal);
        }
    }
}
/**
 * The replicas hand-over (src/manifests/autoscalers.ts): before a set that no longer declares
 * `replicas` for an autoscaled workload is applied, the live count is applied under a
 * separate manager, so dropping the field from our manager's set does not reset it to 1.
 */
async function handOverReplicas(handovers, kubectl, logger) {
    if (handovers.length === 0)
        return;
    const live = await kubectl.get(handovers.map((h) => (0,deploy_objects/* refManifest */.LM)({ apiVersion: h.apiVersion, kind: h.kind, name: h.name, namespace: h.namespace })), { managedFields: true });
    const byKey = new Map(live.map((object) => [(0,deploy_objects/* keyOf */.TN)((0,deploy_objects/* refOf */.H8)(object)), object]));
    const manifests = handovers
        .map((handover) => replicasHandoverManifest(handover, byKey.get((0,deploy_objects/* keyOf */.TN)({
        apiVersion: handover.apiVersion,
        kind: handover.kind,
        name: handover.name,
        namespace: handover.namespace,
    })), deploy_kubectl.FIELD_MANAGER))
        .filter((manifest) => manifest !== undefined);
    if (manifests.length === 0)
        return;
    const { errors } = await kubectl.apply((0,deploy_plan/* toYaml */.fE)(manifests), {
        fieldManager: autoscalers/* HANDOVER_FIELD_MANAGER */.t,
        force: false,
        validate: false,
    });
    // A conflict means the autoscaler already owns the count: nothing left to hand over.
    const real = errors.filter((line) => !/conflict/i.test(line));
    if (real.length > 0)
        throw new ApplyError(`Handing replicas over to the autoscalers failed: ${real.join(' | ')}`);
    logger.info(`Kept the live replica count of ${manifests.map((m) => (0,deploy_objects/* describeRef */.Ro)((0,deploy_objects/* refOf */.H8)(m))).join(', ')}: their autoscalers own it now.`);
}
/** Kinds never deleted by prune or rollback: they hold data or everything else. */
const PROTECTED_KINDS = new Set([
    'Namespace',
    'PersistentVolumeClaim',
    'PersistentVolume',
    'CustomResourceDefinition',
]);
function parseManifest(manifest) {
    return (0,js_yaml/* loadAll */.gh)(manifest).filter(records/* isRecord */.u);
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./src/deploy/finish.ts





// The deploy's last steps and its dry-run: the release record, prune, and the diff.
function recordOf(settings, plan, version, status, startedAt, finishedAt, previousVersion, reason, migration) {
    return {
        name: settings.releaseName,
        version,
        status,
        ...(reason !== undefined ? { reason } : {}),
        ...(settings.tag !== undefined ? { tag: settings.tag } : {}),
        ...(settings.commit !== undefined ? { commit: settings.commit } : {}),
        ...(settings.runUrl !== undefined ? { runUrl: settings.runUrl } : {}),
        images: settings.images,
        startedAt: new Date(startedAt).toISOString(),
        finishedAt: new Date(finishedAt).toISOString(),
        manifest: (0,deploy_plan/* toYaml */.fE)(plan.objects.map((o) => o.object)),
        objects: plan.objects.map((o) => o.ref),
        fingerprint: plan.fingerprint,
        ...(migration && migration.status !== 'failed'
            ? {
                migration: {
                    job: migration.job.name,
                    namespace: migration.job.namespace ?? 'default',
                    status: migration.status,
                },
            }
            : {}),
        ...(previousVersion !== undefined ? { previousVersion } : {}),
    };
}
async function record(settings, planned, status, reason, startedAt, finishedAt, logger, outcome) {
    const entry = recordOf(settings, planned.plan, planned.version, status, startedAt, finishedAt, planned.lastGood?.version, reason, outcome.migration);
    try {
        await planned.store.create(entry);
        outcome.release = entry.version;
        logger.info(`Recorded release ${settings.releaseName} v${entry.version} (${status}) in namespace ${planned.store.namespace}.`);
        const trimmed = await planned.store.trim([entry, ...planned.history], settings.historyLimit);
        if (trimmed.length > 0)
            logger.info(`Removed the records of releases ${trimmed.map((v) => `v${v}`).join(', ')} (history-limit ${settings.historyLimit}).`);
    }
    catch (error) {
        logger.warning(`The release record could not be written: ${error.message}`);
    }
}
async function prune(plan, kubectl, logger, outcome) {
    const doomed = plan.removed.filter((ref) => !PROTECTED_KINDS.has(ref.kind));
    outcome.pruneKept = plan.removed.filter((ref) => PROTECTED_KINDS.has(ref.kind));
    if (outcome.pruneKept.length > 0) {
        logger.info(`Not pruned (they hold data or everything else): ${outcome.pruneKept.map(deploy_objects/* describeRef */.Ro).join(', ')}.`);
    }
    if (doomed.length === 0) {
        logger.info('Nothing to prune: every object of the previous release is still in the manifests.');
        return;
    }
    const errors = await kubectl.delete(doomed.map(deploy_objects/* refManifest */.LM));
    if (errors.length > 0)
        throw new ApplyError(`Pruning failed: ${errors.join(' | ')}`);
    outcome.pruned = doomed;
    logger.info(`Pruned ${doomed.length} object(s) no longer in the manifests: ${doomed.map(deploy_objects/* describeRef */.Ro).join(', ')}.`);
}
async function dryRunDiff(settings, plan, lastGood, kubectl, logger, outcome) {
    const objects = [
        ...plan.objects,
        ...(plan.migration && !plan.migration.live ? [plan.migration] : []),
    ].filter((o) => !o.deferred);
    const result = await kubectl.run(['diff', '--server-side', '--field-manager=k8s-deploy-action', '--force-conflicts', '-f', '-'], { stdin: (0,deploy_plan/* toYaml */.fE)(objects.map((o) => o.object)) });
    if (result.exitCode > 1)
        throw new deploy_plan/* PlanError */.W6(`kubectl diff failed: ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`);
    const notes = [];
    const deferred = plan.objects.filter((o) => o.deferred);
    if (deferred.length > 0)
        notes.push(`# New, in a namespace or of a CRD this set creates: ${deferred.map((o) => (0,deploy_objects/* describeRef */.Ro)(o.ref)).join(', ')}`);
    if (plan.migration) {
        notes.push(plan.migration.live
            ? `# Migration: ${(0,deploy_objects/* describeRef */.Ro)(plan.migration.ref)} exists already for this tag (not run again unless it failed).`
            : `# Migration: ${(0,deploy_objects/* describeRef */.Ro)(plan.migration.ref)} would run before the workloads change.`);
    }
    outcome.wouldPrune = settings.prune ? plan.removed.filter((ref) => !PROTECTED_KINDS.has(ref.kind)) : [];
    if (plan.removed.length > 0) {
        notes.push(settings.prune
            ? `# Prune would delete: ${outcome.wouldPrune.map(deploy_objects/* describeRef */.Ro).join(', ') || 'nothing'}`
            : `# No longer in the manifests (kept: prune is off): ${plan.removed.map(deploy_objects/* describeRef */.Ro).join(', ')}`);
    }
    if (!lastGood)
        notes.push(`# Release ${settings.releaseName} has no earlier successful release.`);
    // kubectl diff masks a Secret's data; anything else that carries a value (stringData on an
    // older server, an annotation, a failed mask) is hidden here, so no file or summary holds one.
    const secrets = [...plan.objects, ...(plan.migration ? [plan.migration] : [])].flatMap((o) => [
        ...(0,deploy_objects/* secretValues */.VX)(o.object),
        ...(0,deploy_objects/* secretValues */.VX)(o.live),
    ]);
    const diff = (0,deploy_objects/* redact */.E$)(`${notes.join('\n')}${notes.length > 0 ? '\n' : ''}${result.stdout}`, secrets);
    await (0,promises_.mkdir)(external_node_path_default().dirname(settings.diffPath), { recursive: true });
    await (0,promises_.writeFile)(settings.diffPath, diff, { mode: 0o600 });
    outcome.diff = diff;
    outcome.diffPath = settings.diffPath;
    logger.info(result.exitCode === 0 && plan.objects.every((o) => !o.deferred)
        ? 'The cluster already matches the manifests.'
        : `The server-side diff is in ${settings.diffPath}.`);
}

// EXTERNAL MODULE: ./src/deploy/migrate.ts
var migrate = __webpack_require__(7474);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
;// CONCATENATED MODULE: ./src/deploy/release.ts




const RECORD_LABELS = {
    owner: 'app.kubernetes.io/managed-by',
    release: 'k8s-deploy-action/release',
    version: 'k8s-deploy-action/version',
    status: 'k8s-deploy-action/status',
};
const OWNER = 'k8s-deploy-action';
const RECORD_TYPE = 'k8s-deploy-action/release.v1';
/** What a real API server accepts in one Secret's data (1 MiB); we keep a margin for the metadata. */
const MAX_RECORD_BYTES = 1024 * 1024 - 16 * 1024;
/** The label selector of one release name's records. */
function recordSelector(release) {
    return `${RECORD_LABELS.owner}=${OWNER},${RECORD_LABELS.release}=${release}`;
}
/** The record's Secret name: `k8s-deploy.NAME.vN`, like Helm's `sh.helm.release.v1.NAME.vN`. */
function recordName(release, version) {
    return `k8s-deploy.${release}.v${version}`;
}
/** gzip + base64 of the JSON record; throws when it would not fit in a Secret. */
function encodeRecord(record) {
    const compressed = (0,external_node_zlib_.gzipSync)(JSON.stringify(record));
    if (compressed.length > MAX_RECORD_BYTES) {
        throw new Error(`The release record of ${record.name} would be ${compressed.length} bytes compressed, more than the ${MAX_RECORD_BYTES} a Kubernetes Secret can hold; expected a smaller set of manifests (split it into several releases with release-name).`);
    }
    return compressed.toString('base64');
}
function decodeRecord(secret) {
    const name = String((0,deploy_objects/* metadataOf */.Nk)(secret).name ?? '?');
    const data = (0,records/* isRecord */.u)(secret.data) ? secret.data.release : undefined;
    if (typeof data !== 'string')
        throw new Error(`Release record ${name} holds no release data.`);
    let record;
    try {
        const bytes = Buffer.from(data, 'base64');
        if (bytes.length > MAX_RECORD_BYTES + 16 * 1024)
            throw new Error('too large');
        record = JSON.parse((0,external_node_zlib_.gunzipSync)(bytes, { maxOutputLength: 64 * 1024 * 1024 }).toString('utf8'));
    }
    catch (error) {
        throw new Error(`Release record ${name} cannot be read (${error.message}); it was changed by something other than this action. Delete it or choose another release-name.`);
    }
    if (!(0,records/* isRecord */.u)(record) ||
        typeof record.version !== 'number' ||
        typeof record.manifest !== 'string' ||
        !Array.isArray(record.objects) ||
        typeof record.status !== 'string') {
        throw new Error(`Release record ${name} is not a release of this action's format; delete it or choose another release-name.`);
    }
    return record;
}
function recordSecret(record, namespace) {
    return {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
            name: recordName(record.name, record.version),
            namespace,
            labels: {
                [RECORD_LABELS.owner]: OWNER,
                [RECORD_LABELS.release]: record.name,
                [RECORD_LABELS.version]: String(record.version),
                [RECORD_LABELS.status]: record.status,
            },
        },
        type: RECORD_TYPE,
        data: { release: encodeRecord(record) },
    };
}
/** The release records of one release name in one namespace, read and written over the API. */
class ReleaseStore {
    api;
    namespace;
    release;
    constructor(api, namespace, release) {
        this.api = api;
        this.namespace = namespace;
        this.release = release;
    }
    /** Every record, newest first. Unreadable records are reported, not skipped silently. */
    async history() {
        const { items } = await this.api.list((0,kube_api/* resourcePath */.oU)('Secret', this.namespace), {
            labelSelector: recordSelector(this.release),
        });
        return items
            .filter((secret) => secret.type === RECORD_TYPE)
            .map(decodeRecord)
            .sort((a, b) => b.version - a.version);
    }
    /** Writes a new record; a record of the same version already there means another run deployed at once. */
    async create(record) {
        try {
            await this.api.request('POST', (0,kube_api/* resourcePath */.oU)('Secret', this.namespace), {
                body: recordSecret(record, this.namespace),
            });
        }
        catch (error) {
            if (error instanceof kube_api/* ApiError */.hD && error.status === 409) {
                throw new Error(`Release ${record.name} v${record.version} was recorded by another run at the same time; deploys of one release must not overlap (use a concurrency group).`);
            }
            throw error;
        }
    }
    /** Keeps the newest `limit` records and always the newest successful one (rollback needs it). */
    async trim(history, limit) {
        const lastGood = history.find((record) => record.status === 'success');
        const doomed = history
            .slice(limit)
            .filter((record) => record !== lastGood)
            .map((record) => record.version);
        for (const version of doomed) {
            try {
                await this.api.request('DELETE', (0,kube_api/* resourcePath */.oU)('Secret', this.namespace, recordName(this.release, version)));
            }
            catch (error) {
                if (!(error instanceof kube_api/* ApiError */.hD && error.status === 404))
                    throw error;
            }
        }
        return doomed;
    }
}

// EXTERNAL MODULE: ./src/deploy/verify.ts + 6 modules
var deploy_verify = __webpack_require__(7812);
;// CONCATENATED MODULE: ./src/deploy/rollback.ts





/** How long a cancelled run waits for its rollback to verify (the runner sends SIGTERM 7.5 s after SIGINT). */
const CANCELLED_VERIFY_MS = 5000;
/**
 * Returns every object the failed run changed to what the last good release declared, with the
 * same field manager (never `kubectl rollout undo`, whose own manager would keep removed fields
 * and make the next apply conflict), deletes what the run created (data-bearing kinds
 * excepted), replaces StatefulSet pods of the failed revision (a reverted template alone does
 * not heal an OrderedReady set), and verifies the result.
 */
async function rollBack(input, deps) {
    const { api, logger } = deps;
    // Cancellation gives only a few seconds before the runner kills us: the rollback's own calls
    // are not cancelled by the cancellation that triggered it (each still has a timeout).
    const kubectl = deps.kubectl.detached();
    const previous = new Map(parseManifest(input.lastGood.manifest).map((object) => [(0,deploy_objects/* keyOf */.TN)((0,deploy_objects/* refOf */.H8)(object)), object]));
    const changed = input.plan.objects.filter((o) => o.change !== 'unchanged');
    const restore = [];
    const result = {
        to: input.lastGood.version,
        restored: [],
        deleted: [],
        kept: [],
        notInRelease: [],
        replacedPods: [],
        applied: false,
    };
    for (const planned of changed) {
        const before = previous.get(planned.key);
        if (before) {
            restore.push(before);
            result.restored.push(planned.ref);
        }
        else if (planned.change === 'create') {
            (PROTECTED_KINDS.has(planned.ref.kind) ? result.kept : result.deleted).push(planned.ref);
        }
        else {
            result.notInRelease.push(planned.ref);
        }
    }
    const rollbackSignal = new AbortController();
    logger.info(`Rolling back to release v${input.lastGood.version}: ${restore.length} object(s) to restore.`);
    try {
        await applyObjects(restore, kubectl, logger, `release v${input.lastGood.version}`);
        result.applied = true;
        if (result.restored.length > 0)
            logger.info(`Restored: ${result.restored.map(deploy_objects/* describeRef */.Ro).join(', ')}.`);
        if (result.deleted.length > 0) {
            const errors = await kubectl.delete(result.deleted.map(deploy_objects/* refManifest */.LM));
            if (errors.length > 0)
                throw new ApplyError(`Deleting what the failed run created failed: ${errors.join(' | ')}`);
            logger.info(`Deleted what the failed run created: ${result.deleted.map(deploy_objects/* describeRef */.Ro).join(', ')}.`);
        }
        if (result.kept.length > 0) {
            logger.info(`Kept (they may hold data; delete them by hand if unwanted): ${result.kept.map(deploy_objects/* describeRef */.Ro).join(', ')}.`);
        }
        if (result.notInRelease.length > 0) {
            logger.info(`Changed by the failed run but not part of release v${input.lastGood.version}, so left as they are: ${result.notInRelease.map(deploy_objects/* describeRef */.Ro).join(', ')}.`);
        }
        result.replacedPods = await replaceStatefulSetPods(input.plan, input.updateRevisions, api, logger);
    }
    catch (error) {
        result.problem = `The rollback did not finish: ${error.message}`;
        logger.warning(result.problem);
        return result;
    }
    // A cancelled run has seconds before the runner's SIGTERM and kill: verify briefly, and say so.
    const cancelled = deps.signal.aborted;
    const targets = result.restored.filter((ref) => deploy_verify/* VERIFIED_KINDS */.Fk.has(ref.kind) && ref.kind !== 'Job');
    result.verify = await (0,deploy_verify/* verifyRollout */.JK)(targets, {
        api,
        logger,
        policy: input.policy,
        timeoutMs: cancelled ? Math.min(input.timeoutMs, CANCELLED_VERIFY_MS) : input.timeoutMs,
        signal: rollbackSignal.signal,
        since: Date.now(),
    });
    if (!result.verify.ok && cancelled) {
        result.problem = `The rollback was applied, but the run was cancelled and it did not verify within the ${CANCELLED_VERIFY_MS / 1000} s a cancelled run has.`;
        logger.info(result.problem);
        return result;
    }
    if (result.verify.ok)
        logger.info(`Rollback to release v${input.lastGood.version} verified.`);
    else {
        result.problem = `The rollback to release v${input.lastGood.version} did not verify: ${result.verify.verdict}`;
        logger.warning(result.problem);
    }
    return result;
}
/**
 * Deletes the pods of each StatefulSet's failed revision, so the controller recreates them from
 * the restored template. Only where the failed run made a new revision: a StatefulSet whose
 * template the run did not change keeps its pods (a database is not restarted for nothing).
 */
async function replaceStatefulSetPods(plan, updateRevisions, api, logger) {
    const replaced = [];
    for (const planned of plan.objects.filter((o) => o.ref.kind === 'StatefulSet' && o.change !== 'unchanged')) {
        const ref = planned.ref;
        const bad = updateRevisions.get((0,deploy_objects/* describeRef */.Ro)(ref));
        const before = (0,records/* isRecord */.u)(planned.live?.status) ? planned.live.status.updateRevision : undefined;
        if (bad === undefined || bad === before)
            continue;
        const namespace = ref.namespace ?? 'default';
        const { items } = await api.list((0,kube_api/* resourcePath */.oU)('Pod', namespace), {
            labelSelector: `controller-revision-hash=${bad}`,
        });
        for (const pod of items) {
            const name = String((0,deploy_objects/* metadataOf */.Nk)(pod).name);
            await api.request('DELETE', (0,kube_api/* resourcePath */.oU)('Pod', namespace, name), { body: {} });
            replaced.push(`${namespace}/${name}`);
        }
    }
    if (replaced.length > 0)
        logger.info(`Replaced StatefulSet pods of the failed revision: ${replaced.join(', ')}.`);
    return replaced;
}

;// CONCATENATED MODULE: ./src/deploy/rollout/policy.ts
/**
 * The rollout policy of every verification (a deploy, its rollback, a rollback from the CLI), so
 * each is judged alike. Grace periods are real time: a missing ConfigMap or Secret fails after
 * 2.5 s, or 30 s when an operator of the set is about to create it (producedByOperators).
 */
function rolloutPolicy(crashloopRestarts) {
    return {
        crashloopRestarts,
        configErrorGraceMs: 2_500,
        operatorGraceMs: 30_000,
        imagePullGraceMs: 30_000,
        failedCreateGraceMs: 5_000,
        unschedulableIsFatal: false,
    };
}

;// CONCATENATED MODULE: ./src/deploy/engine.ts












/**
 * One deploy as a transaction over a release: plan (dry run of the whole set), migrate,
 * apply, verify, roll back what failed, prune, record. Every path ends in an outcome —
 * failures included — and the cluster in one of two states: the new release verified, or the
 * previous one restored (before apply: untouched).
 */
async function deploy(settings, deps) {
    const { kubectl, logger, signal } = deps;
    const now = deps.now ?? Date.now;
    const startedAt = now();
    const outcome = {
        result: 'failed',
        releaseName: settings.releaseName,
        unchanged: false,
        nothingChanged: true,
        cancelled: false,
        changes: [],
        pruned: [],
        pruneKept: [],
        phases: [],
        kubectlProcesses: 0,
    };
    const phase = (0,phases/* phaseTimer */.$)(outcome.phases, logger, signal, now);
    const policy = rolloutPolicy(settings.crashloopRestarts);
    let api;
    try {
        api = await kube_api/* KubeApi */.Y5.start(kubectl);
        const cluster = api;
        const plan = await phase('Plan', async () => {
            const rendered = settings.rendered;
            const namespace = (0,deploy_plan/* namespaceOfRecord */.IL)(rendered.map((r) => r.namespace), settings.namespace);
            const store = new ReleaseStore(cluster, namespace, settings.releaseName);
            outcome.namespace = namespace;
            const history = await store.history();
            const latest = history[0];
            const lastGood = history.find((record) => record.status === 'success');
            logger.info(latest
                ? `Release ${settings.releaseName} in namespace ${namespace}: v${latest.version} (${latest.status}) is the latest${lastGood && lastGood !== latest ? `, v${lastGood.version} the last good one` : ''}.`
                : `Release ${settings.releaseName} in namespace ${namespace} has no earlier records: this is its first release.`);
            const planned = await (0,deploy_plan/* planDeploy */.bJ)({
                rendered,
                migrationJobName: settings.migrationJob,
                tag: settings.tag,
                migrationTimeoutMs: settings.migrationTimeoutMs,
                latest,
                lastGood,
            }, kubectl, logger);
            const version = (latest?.version ?? 0) + 1;
            // The record must fit in a Secret: find out now, not after the cluster changed.
            encodeRecord(recordOf(settings, planned, version, 'success', startedAt, now(), lastGood?.version));
            return { plan: planned, store, history, latest, lastGood, version };
        });
        outcome.changes = plan.plan.objects.map((o) => ({ ref: o.ref, change: o.change }));
        // The manifests' Secret values (and the live ones they replace) are masked from here on.
        for (const o of plan.plan.objects)
            for (const value of [...(0,deploy_objects/* secretValues */.VX)(o.object), ...(0,deploy_objects/* secretValues */.VX)(o.live)])
                logger.setSecret(value);
        policy.producedByOperators = (0,deploy_plan/* producedByOperators */.fH)(plan.plan.objects);
        outcome.previousRelease = plan.latest?.version;
        if (settings.dryRun) {
            await phase('Diff', () => dryRunDiff(settings, plan.plan, plan.lastGood, kubectl, logger, outcome));
            outcome.result = 'dry-run';
            return outcome;
        }
        await deps.onDeploying?.({
            version: plan.plan.unchanged && plan.latest ? plan.latest.version : plan.version,
            previous: plan.latest?.version,
            unchanged: plan.plan.unchanged,
            images: settings.images,
        });
        if (plan.plan.unchanged && plan.latest) {
            logger.info(`Release ${settings.releaseName} v${plan.latest.version} already has exactly these manifests and the cluster matches them: nothing to do.`);
            outcome.unchanged = true;
            outcome.release = plan.latest.version;
            outcome.result = 'success';
            return outcome;
        }
        if (signal.aborted)
            throw new Error('The run was cancelled before anything was applied; nothing changed.');
        const { objects, migration } = plan.plan;
        const stage = (name) => objects.filter((o) => o.stage === name);
        let workloadsApplied = false;
        // Everything that changes the cluster. A step that throws after the first write (a webhook
        // the dry run could not see, an API server gone) is a failure like a failed verify: it
        // goes through the same rollback and record, so the cluster ends in one of two states.
        const mutate = async () => {
            const definitions = stage('definitions');
            if (definitions.length > 0 || objects.some((o) => o.deferred)) {
                await phase('Apply definitions', async () => {
                    outcome.nothingChanged = false;
                    await applyObjects(definitions.map((o) => o.object), kubectl, logger, 'namespace and CRD');
                    await waitForCrds(definitions.filter((o) => o.ref.kind === 'CustomResourceDefinition'), cluster, signal);
                    const deferred = [...objects, ...(migration ? [migration] : [])].filter((o) => o.deferred);
                    await (0,deploy_plan/* dryRun */.PA)(deferred, kubectl, logger);
                });
            }
            const configuration = stage('configuration');
            if (configuration.length > 0) {
                await phase('Apply configuration', async () => {
                    outcome.nothingChanged = false;
                    await applyObjects(configuration.map((o) => o.object), kubectl, logger, 'configuration');
                });
            }
            let failure;
            if (migration) {
                const result = await phase('Migrate', () => (0,migrate/* runMigration */.GD)(migration, {
                    kubectl,
                    api: cluster,
                    logger,
                    policy,
                    timeoutMs: settings.migrationTimeoutMs,
                    signal,
                }));
                outcome.migration = result;
                if (result.status === 'failed') {
                    failure = result.verdict;
                    markLastPhase(outcome, result.leftRunning ? 'cancelled' : 'failed');
                }
            }
            if (failure === undefined && !signal.aborted) {
                await phase('Apply', async () => {
                    outcome.nothingChanged = false;
                    workloadsApplied = true;
                    await handOverReplicas(settings.replicasHandovers, kubectl, logger);
                    await applyObjects(stage('workloads').map((o) => o.object), kubectl, logger, 'workload and other');
                });
                const targets = objects
                    .filter((o) => deploy_verify/* VERIFIED_KINDS */.Fk.has(o.ref.kind) && o.change !== 'unchanged')
                    .map((o) => o.ref);
                const verify = await phase('Verify', async () => {
                    logger.info(`Waiting for ${targets.length} workload(s) at once (rollout-timeout ${(0,deploy_verify/* seconds */.YA)(settings.rolloutTimeoutMs)}): ${targets.map(deploy_objects/* describeRef */.Ro).join(', ') || 'none'}.`);
                    return (0,deploy_verify/* verifyRollout */.JK)(targets, {
                        api: cluster,
                        logger,
                        policy,
                        timeoutMs: settings.rolloutTimeoutMs,
                        signal,
                        since: startedAt,
                    });
                });
                outcome.verify = verify;
                if (!verify.ok) {
                    failure = verify.verdict ?? 'Verification failed.';
                    markLastPhase(outcome, verify.cancelled ? 'cancelled' : 'failed');
                }
            }
            else if (failure === undefined) {
                failure = 'The run was cancelled before the workloads were applied.';
            }
            return failure;
        };
        let failure;
        try {
            failure = await mutate();
        }
        catch (error) {
            if (outcome.nothingChanged)
                throw error;
            failure = error.message;
        }
        if (failure === undefined) {
            if (settings.prune)
                await phase('Prune', () => prune(plan.plan, kubectl, logger, outcome));
            await phase('Record', () => record(settings, plan, 'success', undefined, startedAt, now(), logger, outcome));
            outcome.result = 'success';
            return outcome;
        }
        logger.info(`Deploy failed: ${failure}`);
        outcome.failedAt = blame(plan.plan, outcome);
        (0,deploy_verify/* logFailureDetails */.rT)(outcome.verify?.ok === false ? outcome.verify : outcome.migration?.verify, logger);
        outcome.verdict = failure;
        outcome.cancelled = signal.aborted;
        const leftRunning = outcome.migration?.leftRunning === true;
        if (settings.rollback && !leftRunning && !outcome.nothingChanged) {
            if (plan.lastGood) {
                const lastGood = plan.lastGood;
                const rollback = await phase('Roll back', () => rollBack({
                    // Only what this run applied: a failed migration leaves the workloads untouched.
                    plan: workloadsApplied
                        ? plan.plan
                        : { ...plan.plan, objects: plan.plan.objects.filter((o) => o.stage !== 'workloads') },
                    lastGood,
                    updateRevisions: outcome.verify?.updateRevisions ?? new Map(),
                    timeoutMs: settings.rolloutTimeoutMs,
                    policy,
                }, { kubectl, api: cluster, logger, signal }));
                outcome.rollback = rollback;
                if (rollback.applied && rollback.restored.length + rollback.deleted.length > 0)
                    outcome.result = 'rolled-back';
            }
            else {
                logger.info(`Nothing to roll back to: this is the first release of ${settings.releaseName}. The objects are left as they are for debugging.`);
            }
        }
        else if (!settings.rollback && !outcome.nothingChanged) {
            logger.info('rollback is false: the failed release is left in place.');
        }
        const status = outcome.result === 'rolled-back' ? 'rolled-back' : 'failed';
        if (!outcome.nothingChanged) {
            await phase('Record', () => record(settings, plan, status, failure, startedAt, now(), logger, outcome));
        }
        return outcome;
    }
    catch (error) {
        const message = error.message;
        outcome.cancelled = signal.aborted;
        outcome.verdict = message;
        if (outcome.nothingChanged)
            outcome.verdict = (0,verdict/* nothingChanged */.U)(message);
        outcome.result = 'failed';
        return outcome;
    }
    finally {
        outcome.kubectlProcesses = kubectl.processes;
        await api?.close();
    }
}
/** The manifest location of what failed: the failing workload, else the migration Job. */
function blame(plan, outcome) {
    const failed = outcome.verify?.workloads.find((workload) => workload.state === 'failed');
    if (failed)
        return plan.objects.find((o) => (0,deploy_objects/* keyOf */.TN)(o.ref) === (0,deploy_objects/* keyOf */.TN)(failed.ref))?.location;
    if (outcome.migration?.status === 'failed')
        return plan.migration?.location;
    return undefined;
}
/** A phase that returned a failed result (rather than throwing) is still a failed phase. */
function markLastPhase(outcome, state) {
    const last = outcome.phases.at(-1);
    if (last)
        last.outcome = state;
}


/***/ })

};
