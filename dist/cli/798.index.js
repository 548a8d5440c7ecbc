export const id = 798;
export const ids = [798];
export const modules = {

/***/ 7009:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  d5: () => (/* binding */ ApplyError),
  $1: () => (/* binding */ PROTECTED_KINDS),
  r3: () => (/* binding */ applyObjects),
  ri: () => (/* binding */ handOverReplicas),
  Ng: () => (/* binding */ parseManifest),
  Py: () => (/* binding */ waitForCrds)
});

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
var objects = __webpack_require__(8495);
// EXTERNAL MODULE: ./src/deploy/plan.ts
var plan = __webpack_require__(5448);
// EXTERNAL MODULE: ./src/deploy/rollout/objects.ts
var rollout_objects = __webpack_require__(5165);
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
    const { errors } = await kubectl.apply((0,plan/* toYaml */.fE)(objects));
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
            if ((0,rollout_objects/* conditionIs */.OD)(await api.get(path), 'Established', 'True'))
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
    const live = await kubectl.get(handovers.map((h) => (0,objects/* refManifest */.LM)({ apiVersion: h.apiVersion, kind: h.kind, name: h.name, namespace: h.namespace })), { managedFields: true });
    const byKey = new Map(live.map((object) => [(0,objects/* keyOf */.TN)((0,objects/* refOf */.H8)(object)), object]));
    const manifests = handovers
        .map((handover) => replicasHandoverManifest(handover, byKey.get((0,objects/* keyOf */.TN)({
        apiVersion: handover.apiVersion,
        kind: handover.kind,
        name: handover.name,
        namespace: handover.namespace,
    })), deploy_kubectl.FIELD_MANAGER))
        .filter((manifest) => manifest !== undefined);
    if (manifests.length === 0)
        return;
    const { errors } = await kubectl.apply((0,plan/* toYaml */.fE)(manifests), {
        fieldManager: autoscalers/* HANDOVER_FIELD_MANAGER */.t,
        force: false,
        validate: false,
    });
    // A conflict means the autoscaler already owns the count: nothing left to hand over.
    const real = errors.filter((line) => !/conflict/i.test(line));
    if (real.length > 0)
        throw new ApplyError(`Handing replicas over to the autoscalers failed: ${real.join(' | ')}`);
    logger.info(`Kept the live replica count of ${manifests.map((m) => (0,objects/* describeRef */.Ro)((0,objects/* refOf */.H8)(m))).join(', ')}: their autoscalers own it now.`);
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


/***/ }),

/***/ 8259:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Lu: () => (/* binding */ readHistory),
/* harmony export */   es: () => (/* binding */ rollbackTarget)
/* harmony export */ });
/* unused harmony export RollbackError */
/* harmony import */ var _kube_api_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4555);
/* harmony import */ var _objects_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8495);
/* harmony import */ var _release_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(466);



/**
 * The releases of one release name, newest first. Unlike ReleaseStore.history, a record that
 * cannot be decoded does not hide the others: it is an entry with the problem (its version comes
 * from its label), so `history` can still show the rest and `rollback` can still use them.
 */
async function readHistory(api, query) {
    const { items } = await api.list((0,_kube_api_js__WEBPACK_IMPORTED_MODULE_0__/* .resourcePath */ .oU)('Secret', query.namespace), {
        labelSelector: (0,_release_js__WEBPACK_IMPORTED_MODULE_1__/* .recordSelector */ .P7)(query.releaseName),
    });
    return items
        .filter((secret) => secret.type === _release_js__WEBPACK_IMPORTED_MODULE_1__/* .RECORD_TYPE */ .Bm)
        .map((secret) => {
        try {
            const record = (0,_release_js__WEBPACK_IMPORTED_MODULE_1__/* .decodeRecord */ .eT)(secret);
            return { version: record.version, record };
        }
        catch (error) {
            const label = Number((0,_objects_js__WEBPACK_IMPORTED_MODULE_2__/* .labelsOf */ .PC)(secret)[_release_js__WEBPACK_IMPORTED_MODULE_1__/* .RECORD_LABELS */ .ip.version]);
            return {
                version: Number.isInteger(label) ? label : 0,
                problem: error.message || `Release record ${String((0,_objects_js__WEBPACK_IMPORTED_MODULE_2__/* .metadataOf */ .Nk)(secret).name)} cannot be read.`,
            };
        }
    })
        .sort((a, b) => b.version - a.version);
}
/** A rollback refused before anything changed; the message is one sentence. */
class RollbackError extends Error {
    name = 'RollbackError';
}
/**
 * The release a rollback restores: `to` when given, else the newest successful release older
 * than the latest one (the latest is what is being undone). Throws RollbackError saying which
 * releases exist when there is none to restore.
 */
function rollbackTarget(history, input) {
    const where = `Release ${input.releaseName} in namespace ${input.namespace}`;
    const latest = history[0];
    if (latest === undefined) {
        throw new RollbackError(`${where} has no records: there is nothing to roll back to (expected the release name and namespace a deploy used).`);
    }
    if (input.to !== undefined) {
        const entry = history.find((candidate) => candidate.version === input.to);
        if (entry === undefined) {
            throw new RollbackError(`${where} has no v${input.to}; expected one of ${history.map((e) => `v${e.version}`).join(', ')} (older records are removed by history-limit).`);
        }
        if (entry.record === undefined)
            throw new RollbackError(`${where}: v${input.to} cannot be restored. ${entry.problem}`);
        return entry.record;
    }
    const target = history.slice(1).find((entry) => entry.record?.status === 'success')?.record;
    if (target === undefined) {
        throw new RollbackError(`${where} has no successful release before v${latest.version}, so there is nothing to roll back to; expected --to N naming a release to re-apply.`);
    }
    return target;
}


/***/ }),

/***/ 798:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   manualRollback: () => (/* binding */ manualRollback)
/* harmony export */ });
/* harmony import */ var _apply_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7009);
/* harmony import */ var _history_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8259);
/* harmony import */ var _objects_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8495);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5448);
/* harmony import */ var _release_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(466);
/* harmony import */ var _rollout_policy_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(3);
/* harmony import */ var _verify_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7812);







/**
 * `k8s-deploy rollback`: re-applies the manifest of an earlier release with the engine's field
 * manager (never `kubectl rollout undo`, whose own manager would make the next deploy conflict),
 * waits for its workloads, deletes what the latest release had and it does not (data-bearing
 * kinds excepted, and only once it verified), and records the result as a new release whose
 * manifest is the restored one — so the next deploy compares against what is really live, and
 * the history shows the rollback. The migration Job is not run: a rollback cannot undo a
 * migration, and the restored code must cope with the schema as it is.
 */
async function manualRollback(input, deps) {
    const { kubectl, api, logger, signal } = deps;
    const now = deps.now ?? Date.now;
    const startedAt = now();
    const result = {
        status: 'failed',
        nothingChanged: true,
        cancelled: false,
        restored: [],
        deleted: [],
        kept: [],
    };
    const history = await (0,_history_js__WEBPACK_IMPORTED_MODULE_1__/* .readHistory */ .Lu)(api, input);
    for (const entry of history) {
        if (entry.problem !== undefined)
            logger.warning(`v${entry.version}: ${entry.problem}`);
    }
    const target = (0,_history_js__WEBPACK_IMPORTED_MODULE_1__/* .rollbackTarget */ .es)(history, input);
    const latest = history[0];
    result.to = target.version;
    result.from = latest?.version;
    if (target.status !== 'success') {
        logger.warning(`Release v${target.version} ended ${target.status}; re-applying it as asked.`);
    }
    const objects = (0,_apply_js__WEBPACK_IMPORTED_MODULE_0__/* .parseManifest */ .Ng)(target.manifest);
    result.restored = objects.map(_objects_js__WEBPACK_IMPORTED_MODULE_5__/* .refOf */ .H8);
    logger.info(`Rolling ${input.releaseName} back from v${latest?.version} to v${target.version} (${target.tag ?? target.commit ?? 'no tag'}): ${objects.length} object(s) to re-apply. The migration Job is not run again.`);
    if (signal.aborted) {
        result.cancelled = true;
        result.verdict = 'The rollback was cancelled before anything was applied; nothing changed.';
        return result;
    }
    let failure;
    try {
        // Namespaces and CRDs first, as a deploy applies them: what follows may live in or be of them.
        const definitions = objects.filter((object) => (0,_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .stageOf */ .gV)((0,_objects_js__WEBPACK_IMPORTED_MODULE_5__/* .refOf */ .H8)(object)) === 'definitions');
        result.nothingChanged = false;
        await (0,_apply_js__WEBPACK_IMPORTED_MODULE_0__/* .applyObjects */ .r3)(definitions, kubectl, logger, 'namespace and CRD');
        const crds = definitions.filter((object) => object.kind === 'CustomResourceDefinition');
        await (0,_apply_js__WEBPACK_IMPORTED_MODULE_0__/* .waitForCrds */ .Py)(crds.map((object) => ({ ref: (0,_objects_js__WEBPACK_IMPORTED_MODULE_5__/* .refOf */ .H8)(object) })), api, signal);
        await (0,_apply_js__WEBPACK_IMPORTED_MODULE_0__/* .applyObjects */ .r3)(objects.filter((object) => (0,_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .stageOf */ .gV)((0,_objects_js__WEBPACK_IMPORTED_MODULE_5__/* .refOf */ .H8)(object)) !== 'definitions'), kubectl, logger, `release v${target.version}`);
    }
    catch (error) {
        failure = `Re-applying release v${target.version} failed: ${error.message}`;
    }
    if (failure === undefined) {
        const targets = result.restored.filter((ref) => _verify_js__WEBPACK_IMPORTED_MODULE_4__/* .VERIFIED_KINDS */ .Fk.has(ref.kind) && ref.kind !== 'Job');
        logger.info(`Waiting for ${targets.length} workload(s) (rollout-timeout ${(0,_verify_js__WEBPACK_IMPORTED_MODULE_4__/* .seconds */ .YA)(input.rolloutTimeoutMs)}): ${targets.map(_objects_js__WEBPACK_IMPORTED_MODULE_5__/* .describeRef */ .Ro).join(', ') || 'none'}.`);
        result.verify = await (0,_verify_js__WEBPACK_IMPORTED_MODULE_4__/* .verifyRollout */ .JK)(targets, {
            api,
            logger,
            policy: (0,_rollout_policy_js__WEBPACK_IMPORTED_MODULE_6__/* .rolloutPolicy */ .O)(input.crashloopRestarts ?? 2),
            timeoutMs: input.rolloutTimeoutMs,
            signal,
            since: startedAt,
        });
        if (!result.verify.ok)
            failure = result.verify.verdict ?? 'Verification failed.';
    }
    if (failure === undefined) {
        failure = await deleteLeftovers(latest, target, objects, kubectl, logger, result);
    }
    else if (latest?.record && latest.version !== target.version) {
        logger.info(`Objects of v${latest.version} that v${target.version} does not have are left in place: the rollback did not succeed.`);
    }
    result.cancelled = signal.aborted;
    result.status = failure === undefined ? 'success' : 'failed';
    result.verdict = failure;
    await recordRollback(input, target, history, result, startedAt, now(), api, logger);
    return result;
}
/** Deletes what the latest release had and the restored one does not; returns a failure sentence. */
async function deleteLeftovers(latest, target, objects, kubectl, logger, result) {
    if (latest === undefined || latest.version === target.version)
        return undefined;
    if (latest.record === undefined) {
        logger.warning(`The record of v${latest.version} cannot be read, so what only it had cannot be told apart: nothing is deleted.`);
        return undefined;
    }
    const restoredKeys = new Set(objects.map((object) => (0,_objects_js__WEBPACK_IMPORTED_MODULE_5__/* .keyOf */ .TN)((0,_objects_js__WEBPACK_IMPORTED_MODULE_5__/* .refOf */ .H8)(object))));
    const extra = latest.record.objects.filter((ref) => !restoredKeys.has((0,_objects_js__WEBPACK_IMPORTED_MODULE_5__/* .keyOf */ .TN)(ref)));
    result.kept = extra.filter((ref) => _apply_js__WEBPACK_IMPORTED_MODULE_0__/* .PROTECTED_KINDS */ .$1.has(ref.kind));
    const doomed = extra.filter((ref) => !_apply_js__WEBPACK_IMPORTED_MODULE_0__/* .PROTECTED_KINDS */ .$1.has(ref.kind));
    if (result.kept.length > 0) {
        logger.info(`Kept (they may hold data; delete them by hand if unwanted): ${result.kept.map(_objects_js__WEBPACK_IMPORTED_MODULE_5__/* .describeRef */ .Ro).join(', ')}.`);
    }
    if (doomed.length === 0)
        return undefined;
    const errors = await kubectl.delete(doomed.map(_objects_js__WEBPACK_IMPORTED_MODULE_5__/* .refManifest */ .LM));
    if (errors.length > 0) {
        return `Release v${target.version} was restored, but deleting what v${latest.version} added failed: ${errors.join(' | ')}`;
    }
    result.deleted = doomed;
    logger.info(`Deleted what v${latest.version} had and v${target.version} does not: ${doomed.map(_objects_js__WEBPACK_IMPORTED_MODULE_5__/* .describeRef */ .Ro).join(', ')}.`);
    return undefined;
}
async function recordRollback(input, target, history, result, startedAt, finishedAt, api, logger) {
    if (result.nothingChanged)
        return;
    const store = new _release_js__WEBPACK_IMPORTED_MODULE_3__/* .ReleaseStore */ .T(api, input.namespace, input.releaseName);
    const lastGood = history.find((entry) => entry.record?.status === 'success');
    const record = {
        name: input.releaseName,
        version: (history[0]?.version ?? 0) + 1,
        status: result.status,
        reason: `rollback to v${target.version}${result.verdict !== undefined ? `: ${result.verdict}` : ''}`,
        ...(target.tag !== undefined ? { tag: target.tag } : {}),
        ...(target.commit !== undefined ? { commit: target.commit } : {}),
        ...(input.runUrl !== undefined ? { runUrl: input.runUrl } : {}),
        images: target.images,
        startedAt: new Date(startedAt).toISOString(),
        finishedAt: new Date(finishedAt).toISOString(),
        // The restored manifest and fingerprint: a deploy of these same manifests is then "unchanged".
        manifest: target.manifest,
        objects: target.objects,
        fingerprint: target.fingerprint,
        ...(lastGood !== undefined ? { previousVersion: lastGood.version } : {}),
    };
    try {
        await store.create(record);
        result.release = record.version;
        logger.info(`Recorded release ${input.releaseName} v${record.version} (${record.status}, ${record.reason}) in namespace ${input.namespace}.`);
        if (input.historyLimit !== undefined) {
            const readable = history.flatMap((entry) => (entry.record ? [entry.record] : []));
            const trimmed = await store.trim([record, ...readable], input.historyLimit);
            if (trimmed.length > 0)
                logger.info(`Removed the records of releases ${trimmed.map((v) => `v${v}`).join(', ')}.`);
        }
    }
    catch (error) {
        logger.warning(`The release record could not be written: ${error.message}`);
    }
}


/***/ }),

/***/ 466:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bm: () => (/* binding */ RECORD_TYPE),
/* harmony export */   P7: () => (/* binding */ recordSelector),
/* harmony export */   T: () => (/* binding */ ReleaseStore),
/* harmony export */   Ym: () => (/* binding */ encodeRecord),
/* harmony export */   eT: () => (/* binding */ decodeRecord),
/* harmony export */   ip: () => (/* binding */ RECORD_LABELS)
/* harmony export */ });
/* unused harmony exports MAX_RECORD_BYTES, recordName, recordSecret */
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8522);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_zlib__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _records_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4845);
/* harmony import */ var _kube_api_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4555);
/* harmony import */ var _objects_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8495);




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
    const compressed = (0,node_zlib__WEBPACK_IMPORTED_MODULE_0__.gzipSync)(JSON.stringify(record));
    if (compressed.length > MAX_RECORD_BYTES) {
        throw new Error(`The release record of ${record.name} would be ${compressed.length} bytes compressed, more than the ${MAX_RECORD_BYTES} a Kubernetes Secret can hold; expected a smaller set of manifests (split it into several releases with release-name).`);
    }
    return compressed.toString('base64');
}
function decodeRecord(secret) {
    const name = String((0,_objects_js__WEBPACK_IMPORTED_MODULE_2__/* .metadataOf */ .Nk)(secret).name ?? '?');
    const data = (0,_records_js__WEBPACK_IMPORTED_MODULE_3__/* .isRecord */ .u)(secret.data) ? secret.data.release : undefined;
    if (typeof data !== 'string')
        throw new Error(`Release record ${name} holds no release data.`);
    let record;
    try {
        const bytes = Buffer.from(data, 'base64');
        if (bytes.length > MAX_RECORD_BYTES + 16 * 1024)
            throw new Error('too large');
        record = JSON.parse((0,node_zlib__WEBPACK_IMPORTED_MODULE_0__.gunzipSync)(bytes, { maxOutputLength: 64 * 1024 * 1024 }).toString('utf8'));
    }
    catch (error) {
        throw new Error(`Release record ${name} cannot be read (${error.message}); it was changed by something other than this action. Delete it or choose another release-name.`);
    }
    if (!(0,_records_js__WEBPACK_IMPORTED_MODULE_3__/* .isRecord */ .u)(record) ||
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
        const { items } = await this.api.list((0,_kube_api_js__WEBPACK_IMPORTED_MODULE_1__/* .resourcePath */ .oU)('Secret', this.namespace), {
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
            await this.api.request('POST', (0,_kube_api_js__WEBPACK_IMPORTED_MODULE_1__/* .resourcePath */ .oU)('Secret', this.namespace), {
                body: recordSecret(record, this.namespace),
            });
        }
        catch (error) {
            if (error instanceof _kube_api_js__WEBPACK_IMPORTED_MODULE_1__/* .ApiError */ .hD && error.status === 409) {
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
                await this.api.request('DELETE', (0,_kube_api_js__WEBPACK_IMPORTED_MODULE_1__/* .resourcePath */ .oU)('Secret', this.namespace, recordName(this.release, version)));
            }
            catch (error) {
                if (!(error instanceof _kube_api_js__WEBPACK_IMPORTED_MODULE_1__/* .ApiError */ .hD && error.status === 404))
                    throw error;
            }
        }
        return doomed;
    }
}


/***/ }),

/***/ 3:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   O: () => (/* binding */ rolloutPolicy)
/* harmony export */ });
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


/***/ }),

/***/ 7282:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A: () => (/* binding */ handReplicasToAutoscalers),
/* harmony export */   t: () => (/* binding */ HANDOVER_FIELD_MANAGER)
/* harmony export */ });
/* harmony import */ var _records_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4845);
/* harmony import */ var _images_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8001);
/* harmony import */ var _kinds_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6521);



const HANDOVER_FIELD_MANAGER = 'k8s-deploy-action-replicas-handover';
/** The workload an HPA or a KEDA ScaledObject scales, or undefined for other kinds. */
function scaleTarget(manifest, namespace) {
    const ref = (0,_images_js__WEBPACK_IMPORTED_MODULE_0__/* .getPath */ .Yn)(manifest.object, ['spec', 'scaleTargetRef']);
    if (!(0,_records_js__WEBPACK_IMPORTED_MODULE_2__/* .isRecord */ .u)(ref) || typeof ref.name !== 'string')
        return undefined;
    const autoscaler = `${manifest.kind}/${manifest.name}`;
    if (manifest.key === 'autoscaling/HorizontalPodAutoscaler') {
        if (typeof ref.kind !== 'string')
            return undefined;
        const group = typeof ref.apiVersion === 'string' ? (0,_kinds_js__WEBPACK_IMPORTED_MODULE_1__/* .apiGroup */ .oI)(ref.apiVersion) : undefined;
        return { group, kind: ref.kind, name: ref.name, namespace, autoscaler };
    }
    if (manifest.key === 'keda.sh/ScaledObject') {
        // KEDA's documented defaults: apiVersion apps/v1, kind Deployment.
        const apiVersion = typeof ref.apiVersion === 'string' ? ref.apiVersion : 'apps/v1';
        const kind = typeof ref.kind === 'string' ? ref.kind : 'Deployment';
        return { group: (0,_kinds_js__WEBPACK_IMPORTED_MODULE_1__/* .apiGroup */ .oI)(apiVersion), kind, name: ref.name, namespace, autoscaler };
    }
    return undefined;
}
/**
 * Removes `spec.replicas` from every workload that an autoscaler in the same set targets
 * (same namespace, kind, name and API group) and lists them for the apply phase.
 * `namespaceOf` gives a document's namespace after defaulting.
 */
function handReplicasToAutoscalers(documents, namespaceOf) {
    const targets = documents
        .map((manifest) => scaleTarget(manifest, namespaceOf(manifest)))
        .filter((target) => target !== undefined);
    if (targets.length === 0)
        return [];
    const byWorkload = new Map();
    for (const target of targets) {
        const id = `${target.namespace ?? ''}/${target.kind}/${target.name}`;
        byWorkload.set(id, [...(byWorkload.get(id) ?? []), target]);
    }
    const handovers = [];
    for (const manifest of documents) {
        const namespace = namespaceOf(manifest);
        const target = byWorkload
            .get(`${namespace ?? ''}/${manifest.kind}/${manifest.name}`)
            ?.find((candidate) => candidate.group === undefined || candidate.group === (0,_kinds_js__WEBPACK_IMPORTED_MODULE_1__/* .apiGroup */ .oI)(manifest.apiVersion));
        if (target === undefined)
            continue;
        const replicas = (0,_images_js__WEBPACK_IMPORTED_MODULE_0__/* .getPath */ .Yn)(manifest.object, ['spec', 'replicas']);
        if (replicas !== undefined)
            manifest.edits.push({ op: 'delete', path: ['spec', 'replicas'] });
        handovers.push({
            apiVersion: manifest.apiVersion,
            kind: manifest.kind,
            namespace,
            name: manifest.name,
            autoscaler: target.autoscaler,
            declaredReplicas: typeof replicas === 'number' ? replicas : undefined,
        });
    }
    return handovers;
}


/***/ }),

/***/ 8001:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Yn: () => (/* binding */ getPath),
  tF: () => (/* binding */ imageReplacements),
  lm: () => (/* binding */ replaceImages)
});

// UNUSED EXPORTS: setScalar

// EXTERNAL MODULE: ./src/records.ts
var records = __webpack_require__(4845);
// EXTERNAL MODULE: ./src/manifests/errors.ts
var errors = __webpack_require__(4711);
;// CONCATENATED MODULE: ./src/manifests/image-reference.ts
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REPOSITORY_PATH = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_ONLY = new RegExp(`^${DOMAIN}$`);
const TAG_ONLY = new RegExp(`^${TAG}$`);
const DIGEST_ONLY = new RegExp(`^${DIGEST}$`);
/** Hex lengths of the digest algorithms the OCI image spec registers. */
const DIGEST_HEX_LENGTH = { sha256: 64, sha512: 128 };
const NAME_MAX_LENGTH = 255;
/** Parses an image reference; undefined when it is not well-formed. */
function parseImageReference(text) {
    let rest = text;
    let digest;
    const at = rest.indexOf('@');
    if (at !== -1) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!isValidDigest(digest))
            return undefined;
    }
    let tag;
    const lastColon = rest.lastIndexOf(':');
    if (lastColon > rest.lastIndexOf('/')) {
        tag = rest.slice(lastColon + 1);
        rest = rest.slice(0, lastColon);
        if (!TAG_ONLY.test(tag))
            return undefined;
    }
    if (rest === '' || rest.length > NAME_MAX_LENGTH)
        return undefined;
    const slash = rest.indexOf('/');
    const first = slash === -1 ? '' : rest.slice(0, slash);
    const isDomain = slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
    const registry = isDomain ? first : undefined;
    const path = isDomain ? rest.slice(slash + 1) : rest;
    if (registry !== undefined && !DOMAIN_ONLY.test(registry))
        return undefined;
    if (!REPOSITORY_PATH.test(path))
        return undefined;
    return { registry, path, tag, digest };
}
function isValidDigest(digest) {
    if (!DIGEST_ONLY.test(digest))
        return false;
    const [algorithm, hex] = digest.split(':');
    const expected = DIGEST_HEX_LENGTH[algorithm];
    return expected === undefined || (hex.length === expected && /^[0-9a-f]+$/.test(hex));
}
/** True when `name` is a repository path such as `api` or `team/api` (no registry, tag or digest). */
function isRepositoryPath(name) {
    return name.length <= NAME_MAX_LENGTH && REPOSITORY_PATH.test(name);
}
function formatImageReference(reference) {
    return ((reference.registry ? `${reference.registry}/` : '') +
        reference.path +
        (reference.tag ? `:${reference.tag}` : '') +
        (reference.digest ? `@${reference.digest}` : ''));
}

// EXTERNAL MODULE: ./src/manifests/kinds.ts
var kinds = __webpack_require__(6521);
;// CONCATENATED MODULE: ./src/manifests/images.ts




/**
 * Validates NAME → REF pairs: NAME is a repository path without registry, tag or digest;
 * REF is a well-formed image reference.
 */
function imageReplacements(pairs) {
    const replacements = new Map();
    for (const [name, reference] of pairs) {
        if (!isRepositoryPath(name)) {
            throw new errors/* ManifestError */.S(`Invalid image name ${JSON.stringify(name)}; expected a repository path such as api or team/api, without registry, tag or digest.`);
        }
        if (parseImageReference(reference) === undefined) {
            throw new errors/* ManifestError */.S(`Invalid image reference ${JSON.stringify(reference)} for ${name}; expected [registry/]path[:tag][@sha256:digest], such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}:v1.`);
        }
        if (replacements.has(name)) {
            throw new errors/* ManifestError */.S(`Image ${name} is given twice; expected each image name once.`);
        }
        replacements.set(name, reference);
    }
    return replacements;
}
/**
 * Replaces the whole image reference of every container (including init and ephemeral
 * containers) whose repository path, without registry host, equals a replacement's name.
 * Throws when a replacement matches no container in any document: a typo would otherwise
 * deploy the old image and report success.
 */
function replaceImages(documents, replacements) {
    const changes = [];
    const matched = new Set();
    for (const manifest of documents) {
        const path = (0,kinds/* podSpecPath */.s5)(manifest.key);
        if (path === undefined)
            continue;
        const podSpec = getPath(manifest.object, path);
        if (!(0,records/* isRecord */.u)(podSpec))
            continue;
        for (const list of kinds/* CONTAINER_LISTS */.MI) {
            const containers = podSpec[list];
            if (!Array.isArray(containers))
                continue;
            containers.forEach((container, index) => {
                if (!(0,records/* isRecord */.u)(container) || typeof container.image !== 'string')
                    return;
                const reference = parseImageReference(container.image);
                if (reference === undefined)
                    return;
                const replacement = replacements.get(reference.path);
                if (replacement === undefined)
                    return;
                matched.add(reference.path);
                if (replacement === container.image)
                    return;
                setScalar(manifest, [...path, list, index, 'image'], replacement);
                changes.push({
                    workload: `${manifest.kind}/${manifest.name}`,
                    container: String(container.name ?? `${list}[${index}]`),
                    from: container.image,
                    to: replacement,
                });
            });
        }
    }
    const unmatched = [...replacements.keys()].filter((name) => !matched.has(name));
    if (unmatched.length > 0) {
        throw new errors/* ManifestError */.S(`Image ${unmatched.join(', ')} matches no container in the manifests; expected a container, init container or ephemeral container whose image repository (without registry) is ${unmatched.length === 1 ? 'that name' : 'one of those names'}.`);
    }
    return changes;
}
function getPath(object, path) {
    let value = object;
    for (const key of path) {
        if (typeof value !== 'object' || value === null)
            return undefined;
        value = value[key];
    }
    return value;
}
/** Records setting a value; serializeManifest applies it, keeping the source's formatting. */
function setScalar(manifest, path, value) {
    manifest.edits.push({ op: 'set', path, value });
}


/***/ })

};
