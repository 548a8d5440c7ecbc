export const id = 514;
export const ids = [514];
export const modules = {

/***/ 2514:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   HISTORY_USAGE: () => (/* binding */ HISTORY_USAGE),
/* harmony export */   formatHistory: () => (/* binding */ formatHistory),
/* harmony export */   historyCommand: () => (/* binding */ historyCommand),
/* harmony export */   historyJson: () => (/* binding */ historyJson)
/* harmony export */ });
/* harmony import */ var _deploy_history_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8259);
/* harmony import */ var _process_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1625);
/* harmony import */ var _api_command_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8642);
/* harmony import */ var _cluster_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2832);
/* harmony import */ var _command_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3567);





// The same line as the command table's (src/cli.ts), which `--help` shows; a test keeps them equal.
const HISTORY_USAGE = 'Usage: k8s-deploy history [--release-name N] [--namespace NS] [--output json] [--kubeconfig PATH] [--context CTX]';
/** Longest reason shown in the table; `--output json` has all of it. */
const REASON_WIDTH = 80;
/** `2025-03-01T10:11:12.345Z` → `2025-03-01 10:11:12Z`: to the second, still plainly UTC. */
function when(iso) {
    if (iso === undefined)
        return '-';
    return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z` : iso;
}
/** The tag, or the commit; a full commit SHA (the default tag) cut to 7 characters, as git shows it. */
function shortTag(tag, commit) {
    const value = tag ?? commit;
    if (value === undefined)
        return '-';
    return /^[0-9a-f]{12,64}$/.test(value) ? value.slice(0, 7) : value;
}
function firstLine(text) {
    const line = (text ?? '').trim().split('\n')[0] ?? '';
    return line.length > REASON_WIDTH ? `${line.slice(0, REASON_WIDTH - 1)}…` : line;
}
/** The history as a table, newest first, one release a line; columns padded to their widest cell. */
function formatHistory(entries) {
    const rows = [['VERSION', 'STATUS', 'TAG/COMMIT', 'DEPLOYED AT', 'FINISHED', 'RUN', 'REASON']];
    for (const entry of entries) {
        const record = entry.record;
        rows.push(record === undefined
            ? [`v${entry.version}`, 'unreadable', '-', '-', '-', '-', firstLine(entry.problem)]
            : [
                `v${record.version}`,
                record.status,
                shortTag(record.tag, record.commit),
                when(record.startedAt),
                when(record.finishedAt),
                record.runUrl ?? '-',
                firstLine(record.reason),
            ]);
    }
    const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
    return rows
        .map((row) => `${row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd()}\n`)
        .join('');
}
/** `--output json`: the records without their manifests (large; the objects list says what they hold). */
function historyJson(entries) {
    const plain = entries.map((entry) => {
        if (entry.record === undefined)
            return { version: entry.version, problem: entry.problem };
        const { manifest: _manifest, ...rest } = entry.record;
        return rest;
    });
    return `${JSON.stringify(plain, null, 2)}\n`;
}
function historyCommand(given = {}) {
    const deps = { runner: new _process_js__WEBPACK_IMPORTED_MODULE_1__/* .NodeProcessRunner */ .u(), interrupts: _cluster_js__WEBPACK_IMPORTED_MODULE_3__/* .processInterrupts */ .IQ, ...given };
    return { run: (args, io) => runHistory(args, io, deps) };
}
/** The command line of `history`. Throws UsageError. */
function parseHistoryArgs(args, env) {
    const values = (0,_command_js__WEBPACK_IMPORTED_MODULE_4__/* .parseCommandLine */ .Du)(args, {
        ..._cluster_js__WEBPACK_IMPORTED_MODULE_3__/* .CLUSTER_OPTIONS */ .EN,
        'release-name': { type: 'string' },
        namespace: { type: 'string' },
        output: { type: 'string' },
    }, HISTORY_USAGE);
    if (values.output !== undefined && values.output !== 'json') {
        throw new _command_js__WEBPACK_IMPORTED_MODULE_4__/* .UsageError */ .eb(`Option --output ${JSON.stringify(values.output)} is not supported; expected --output json, or no --output for a table.`);
    }
    const inputs = (0,_cluster_js__WEBPACK_IMPORTED_MODULE_3__/* .inputsFromFlags */ .h$)({ 'release-name': values['release-name'], namespace: values.namespace }, env);
    return {
        releaseName: (0,_cluster_js__WEBPACK_IMPORTED_MODULE_3__/* .requireReleaseName */ .a5)(inputs, HISTORY_USAGE),
        namespace: inputs.namespace ?? 'default',
        json: values.output === 'json',
        kubeconfig: values.kubeconfig,
        context: values.context,
    };
}
/**
 * `history`: the release records of one release name, newest first, as a table (or JSON).
 * No records at all is an error, as `helm history` makes it: a mistyped name or namespace must
 * not look like a release that was never deployed.
 */
function runHistory(args, io, deps) {
    return (0,_api_command_js__WEBPACK_IMPORTED_MODULE_2__/* .runApiCommand */ .D)(io, deps, () => parseHistoryArgs(args, io.env), async (query, { api }) => {
        const entries = await (0,_deploy_history_js__WEBPACK_IMPORTED_MODULE_0__/* .readHistory */ .Lu)(api, query);
        if (entries.length === 0) {
            io.stderr(`error: Release ${query.releaseName} has no records in namespace ${query.namespace}. Expected the release name and the namespace its deploys used (--namespace, or the manifests' only namespace).\n`);
            return _command_js__WEBPACK_IMPORTED_MODULE_4__/* .EXIT */ .dc.failed;
        }
        io.stdout(query.json ? historyJson(entries) : formatHistory(entries));
        return _command_js__WEBPACK_IMPORTED_MODULE_4__/* .EXIT */ .dc.success;
    });
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


/***/ })

};
