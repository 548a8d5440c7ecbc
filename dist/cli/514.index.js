export const id = 514;
export const ids = [514];
export const modules = {

/***/ 8642:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   D: () => (/* binding */ runApiCommand)
/* harmony export */ });
/* harmony import */ var _deploy_kube_api_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4555);
/* harmony import */ var _log_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5625);
/* harmony import */ var _cluster_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2832);
/* harmony import */ var _command_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3567);




/**
 * The frame of `history` and `rollback`: `parse` the command line (an error is one `error:` line
 * and exits 2 for a UsageError, else 1); then, under Ctrl-C/SIGTERM, a proven Kubectl and a
 * started KubeApi for `work`, whose exit code is the command's. An error thrown on the way is one
 * `error:` line and exits 1, or 130 when cancelled; the KubeApi is closed in every case.
 */
async function runApiCommand(io, deps, parse, work) {
    let args;
    try {
        args = parse();
    }
    catch (error) {
        io.stderr(`error: ${error.message}\n`);
        return error instanceof _command_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb ? _command_js__WEBPACK_IMPORTED_MODULE_2__/* .EXIT */ .dc.usage : _command_js__WEBPACK_IMPORTED_MODULE_2__/* .EXIT */ .dc.failed;
    }
    const logger = new _log_js__WEBPACK_IMPORTED_MODULE_3__/* .StreamLogger */ .r((line) => io.stderr(`${line}\n`));
    return (0,_cluster_js__WEBPACK_IMPORTED_MODULE_1__/* .interruptible */ .In)(deps, logger, async (signal) => {
        let api;
        try {
            const kubectl = await (0,_cluster_js__WEBPACK_IMPORTED_MODULE_1__/* .openKubectl */ .x8)(args, { runner: deps.runner, env: io.env, logger, signal });
            api = await _deploy_kube_api_js__WEBPACK_IMPORTED_MODULE_0__/* .KubeApi */ .Y5.start(kubectl);
            return await work(args, { kubectl, api, logger, signal });
        }
        catch (error) {
            io.stderr(`error: ${error.message}\n`);
            return signal.aborted ? _command_js__WEBPACK_IMPORTED_MODULE_2__/* .EXIT */ .dc.cancelled : _command_js__WEBPACK_IMPORTED_MODULE_2__/* .EXIT */ .dc.failed;
        }
        finally {
            await api?.close();
        }
    });
}


/***/ }),

/***/ 2832:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EN: () => (/* binding */ CLUSTER_OPTIONS),
/* harmony export */   IQ: () => (/* binding */ processInterrupts),
/* harmony export */   In: () => (/* binding */ interruptible),
/* harmony export */   a5: () => (/* binding */ requireReleaseName),
/* harmony export */   h$: () => (/* binding */ inputsFromFlags),
/* harmony export */   x8: () => (/* binding */ openKubectl)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _cluster_connect_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(608);
/* harmony import */ var _deploy_kubectl_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6613);
/* harmony import */ var _inputs_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8422);
/* harmony import */ var _command_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(3567);







/** The options every cluster command takes, in parseArgs form. */
const CLUSTER_OPTIONS = {
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
};
/**
 * The action's own Inputs from command-line values keyed by input name, so that every value is
 * checked by the same code with the same sentence; only "input 'x'" becomes "option --x", since
 * that is what was typed. A bad value is a usage error.
 */
function inputsFromFlags(flags, env) {
    try {
        return (0,_inputs_js__WEBPACK_IMPORTED_MODULE_5__/* .parseInputs */ .TL)((name) => flags[name] ?? '', env);
    }
    catch (error) {
        if (!(error instanceof _inputs_js__WEBPACK_IMPORTED_MODULE_5__/* .InputError */ .dz))
            throw error;
        throw new _command_js__WEBPACK_IMPORTED_MODULE_6__/* .UsageError */ .eb(error.message.replace(/\b[Ii]nputs? '([a-z-]+)'/g, (_match, name) => `option --${name}`));
    }
}
/** The release name: --release-name, else the action's default from GITHUB_REPOSITORY. */
function requireReleaseName(inputs, usage) {
    if (inputs.releaseName !== undefined)
        return inputs.releaseName;
    throw new _command_js__WEBPACK_IMPORTED_MODULE_6__/* .UsageError */ .eb(`Option --release-name is required when GITHUB_REPOSITORY is not set (the action names the release after the repository). ${usage}`);
}
/**
 * A Kubectl over a plain kubeconfig (--kubeconfig, else KUBECONFIG, else ~/.kube/config, as
 * kubectl itself looks) and context (--context, else the current one), proven with one
 * read-only `kubectl version` so that a wrong context or expired login is one sentence up front.
 */
async function openKubectl(options, deps) {
    if (options.kubeconfig !== undefined && !(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(options.kubeconfig)) {
        throw new Error(`Option --kubeconfig names ${options.kubeconfig}, which does not exist. Expected the path of a kubeconfig file.`);
    }
    const kubeconfig = options.kubeconfig ?? (deps.env.KUBECONFIG || node_path__WEBPACK_IMPORTED_MODULE_2___default().join(node_os__WEBPACK_IMPORTED_MODULE_1___default().homedir(), '.kube', 'config'));
    const kubectl = new _deploy_kubectl_js__WEBPACK_IMPORTED_MODULE_4__.Kubectl({
        runner: deps.runner,
        kubeconfig,
        context: options.context,
        env: deps.env,
        logger: deps.logger,
        signal: deps.signal,
    });
    const where = `${options.context !== undefined ? `context ${options.context} of ` : ''}${kubeconfig}`;
    await (0,_cluster_connect_js__WEBPACK_IMPORTED_MODULE_3__/* .proveConnection */ .Jy)({ kubectl: deps.runner, logger: deps.logger, env: deps.env, context: options.context }, kubeconfig, undefined, undefined, where);
    return kubectl;
}
/**
 * Ctrl-C (SIGINT) or SIGTERM aborts the run once, so the engine can stop or roll back cleanly
 * (a rollback after a cancelled verify finishes on its own signal). A second one exits at once
 * with 130: whoever presses Ctrl-C twice wants out now, whatever is left half done.
 */
function processInterrupts(abort) {
    let received = 0;
    const handler = (signal) => {
        received++;
        if (received > 1)
            process.exit(_command_js__WEBPACK_IMPORTED_MODULE_6__/* .EXIT */ .dc.cancelled);
        abort(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
    };
}
/** Runs `work` with an AbortSignal that Ctrl-C/SIGTERM abort; the handlers are removed after. */
async function interruptible(deps, logger, work) {
    const controller = new AbortController();
    const remove = deps.interrupts((signal) => {
        logger.info(`Received ${signal}: cancelling (press Ctrl-C again to quit at once).`);
        controller.abort();
    });
    try {
        return await work(controller.signal);
    }
    finally {
        remove();
    }
}


/***/ }),

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


/***/ }),

/***/ 7607:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E: () => (/* binding */ parseDuration)
/* harmony export */ });
/* unused harmony export formatDuration */
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/**
 * Parses a duration such as `90s`, `10m`, `1h30m` or `500ms` into milliseconds.
 * Returns undefined when the text is not a positive duration, so callers can word the error.
 */
function parseDuration(text) {
    const trimmed = text.trim();
    if (!/^(\d+(ms|s|m|h))+$/.test(trimmed))
        return undefined;
    let total = 0;
    for (const [, amount, unit] of trimmed.matchAll(/(\d+)(ms|s|m|h)/g)) {
        total += Number(amount) * UNIT_MS[unit];
    }
    return total > 0 ? total : undefined;
}
function formatDuration(ms) {
    if (ms < 1000)
        return `${ms}ms`;
    const seconds = Math.round(ms / 100) / 10;
    if (seconds < 60)
        return `${seconds}s`;
    const minutes = Math.floor(seconds / 60);
    const rest = Math.round(seconds - minutes * 60);
    return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`;
}


/***/ }),

/***/ 8422:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Hu: () => (/* binding */ EKS_CLUSTER),
/* harmony export */   TL: () => (/* binding */ parseInputs),
/* harmony export */   VN: () => (/* binding */ AWS_REGION),
/* harmony export */   dz: () => (/* binding */ InputError)
/* harmony export */ });
/* unused harmony exports INPUT_DEFAULTS, RELEASE_NAME_MAX, releaseNameOf, parseList, parseImages */
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8815);
/* harmony import */ var _duration_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7607);
/* harmony import */ var _records_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4845);



/** A bad input value; the message is one sentence a user can act on. */
class InputError extends Error {
    name = 'InputError';
}
const INPUT_DEFAULTS = {
    build: 'auto',
    'create-repositories': 'false',
    manifests: 'k8s',
    'migration-timeout': '10m',
    'rollout-timeout': '10m',
    'crashloop-restarts': '2',
    rollback: 'true',
    prune: 'false',
    'history-limit': '10',
    'dry-run': 'false',
};
/**
 * Helm's limit for a release name: the records are named after the release plus a suffix
 * (`.v12`), and the whole must still fit the 63-character label limit.
 */
const RELEASE_NAME_MAX = 53;
const ECR_REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT_ID = /^\d{12}$/;
const EKS_CLUSTER = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
// The distribution grammar reads a first component as a registry host only when it has a '.' or a
// ':' or is 'localhost'; a bare word would send pulls to Docker Hub, so it needs a port here.
const REGISTRY_HOST = /^((localhost|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+|\[[0-9a-fA-F:]+\])(:\d{1,5})?|[A-Za-z0-9-]+:\d{1,5})$/;
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/;
const BUILD_SPEC_KEYS = new Set(['context', 'dockerfile', 'target', 'build-args', 'platforms']);
/**
 * Builds the typed Inputs from raw input strings and the environment.
 * Throws InputError, naming the input and what was expected, on the first bad value.
 */
function parseInputs(read, env = process.env) {
    const raw = (name) => {
        const value = read(name).trim();
        return value !== '' ? value : (INPUT_DEFAULTS[name] ?? '');
    };
    const optional = (name) => raw(name) || undefined;
    const images = parseImages(raw('images'));
    const tag = optional('tag') ?? (env.GITHUB_SHA?.trim() || undefined);
    if (tag !== undefined && !IMAGE_TAG.test(tag)) {
        fail('tag', tag, 'a tag of 1 to 128 letters, digits, "_", "." or "-", not starting with "." or "-"');
    }
    if (images.length > 0 && tag === undefined) {
        throw new InputError("Input 'tag' is empty and GITHUB_SHA is not set. Expected a tag for the images (the commit SHA by default).");
    }
    const registry = optional('registry');
    if (registry !== undefined && !REGISTRY_HOST.test(registry)) {
        fail('registry', registry, 'a registry host with an optional port, such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com or localhost:5000');
    }
    const ecrHost = registry !== undefined ? ECR_HOST.exec(registry) : null;
    const registryId = matching('registry-id', optional('registry-id'), ACCOUNT_ID, 'a 12-digit AWS account ID') ?? ecrHost?.[1];
    if (ecrHost && registryId !== ecrHost[1]) {
        throw new InputError(`Input 'registry-id' is ${registryId} but 'registry' ${registry} belongs to account ${ecrHost[1]}. Expected the same account in both, or only one of them.`);
    }
    const clusterName = matching('cluster-name', optional('cluster-name'), EKS_CLUSTER, 'an EKS cluster name of 1 to 100 letters, digits, "-" or "_", starting with a letter or digit');
    const awsRegion = matching('aws-region', optional('aws-region') ?? (env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined), AWS_REGION, 'an AWS region such as eu-west-1');
    if (awsRegion === undefined && (clusterName !== undefined || images.length > 0)) {
        throw new InputError(`Input 'aws-region' is empty and neither AWS_REGION nor AWS_DEFAULT_REGION is set. Expected the region of the ${clusterName !== undefined ? 'EKS cluster' : 'ECR registry'}, such as eu-west-1.`);
    }
    if (ecrHost && awsRegion !== undefined && awsRegion !== ecrHost[2]) {
        throw new InputError(`Input 'registry' ${registry} is in region ${ecrHost[2]} but 'aws-region' is ${awsRegion}. Expected the registry's region, since ECR is asked about every image there.`);
    }
    const kubeconfig = optional('kubeconfig');
    if (kubeconfig !== undefined && clusterName !== undefined) {
        throw new InputError("Inputs 'cluster-name' and 'kubeconfig' are both set. Expected one: 'cluster-name' writes a kubeconfig for that EKS cluster, 'kubeconfig' uses yours.");
    }
    const environmentUrl = optional('environment-url');
    if (environmentUrl !== undefined && !isHttpUrl(environmentUrl)) {
        fail('environment-url', environmentUrl, 'an http:// or https:// URL');
    }
    return {
        images,
        tag,
        build: oneOf('build', raw('build'), ['auto', 'always', 'never']),
        createRepositories: boolean('create-repositories', raw('create-repositories')),
        registry,
        registryId,
        awsRegion,
        clusterName,
        kubeconfig,
        // One per line only: a comma belongs to brace globs such as k8s/{api,web}.yaml.
        manifests: parseList(raw('manifests'), /\n/),
        namespace: matching('namespace', optional('namespace'), DNS_LABEL, 'a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters)', 63),
        releaseName: matching('release-name', optional('release-name'), DNS_LABEL, `a DNS-1123 label of at most ${RELEASE_NAME_MAX} characters (lower-case letters, digits and "-", starting and ending with a letter or digit)`, RELEASE_NAME_MAX) ?? releaseNameOf(env.GITHUB_REPOSITORY),
        migrationJob: matching('migration-job', optional('migration-job'), DNS_SUBDOMAIN, 'the name of a Job in the manifests (a DNS-1123 subdomain)', 253),
        migrationTimeoutMs: duration('migration-timeout', raw('migration-timeout')),
        rolloutTimeoutMs: duration('rollout-timeout', raw('rollout-timeout')),
        crashloopRestarts: wholeNumber('crashloop-restarts', raw('crashloop-restarts'), 0, 1000),
        rollback: boolean('rollback', raw('rollback')),
        prune: boolean('prune', raw('prune')),
        historyLimit: wholeNumber('history-limit', raw('history-limit'), 1, 100),
        dryRun: boolean('dry-run', raw('dry-run')),
        environment: optional('environment'),
        environmentUrl,
        githubToken: optional('github-token'),
    };
}
function fail(input, value, expected) {
    throw new InputError(`Invalid value ${JSON.stringify(value)} for input '${input}'. Expected ${expected}.`);
}
function matching(input, value, pattern, expected, maxLength = Infinity) {
    if (value !== undefined && (!pattern.test(value) || value.length > maxLength))
        fail(input, value, expected);
    return value;
}
function oneOf(input, value, allowed) {
    if (!allowed.includes(value))
        fail(input, value, `one of ${allowed.join(', ')}`);
    return value;
}
function boolean(input, value) {
    if (['true', 'True', 'TRUE'].includes(value))
        return true;
    if (['false', 'False', 'FALSE'].includes(value))
        return false;
    fail(input, value, 'true or false');
}
function duration(input, value) {
    const ms = (0,_duration_js__WEBPACK_IMPORTED_MODULE_1__/* .parseDuration */ .E)(value);
    if (ms === undefined)
        fail(input, value, 'a duration such as 90s, 10m or 1h');
    return ms;
}
function wholeNumber(input, value, min, max) {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
        fail(input, value, `a whole number from ${min} to ${max}`);
    }
    return Number(value);
}
/**
 * The default release name: the repository part of GITHUB_REPOSITORY (`acme/upload-platform` →
 * `upload-platform`) made a DNS-1123 label of at most RELEASE_NAME_MAX characters (`My_App.v2` →
 * `my-app-v2`). Undefined when there is no repository or nothing of its name is usable.
 */
function releaseNameOf(repository) {
    const name = repository?.trim().split('/').pop() ?? '';
    const label = name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+/, '')
        .slice(0, RELEASE_NAME_MAX)
        .replace(/-+$/, '');
    return label || undefined;
}
function isHttpUrl(value) {
    try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:';
    }
    catch {
        return false;
    }
}
/** A multi-line (or comma-separated) list; blank entries and `#` comments are dropped. */
function parseList(value, separator = /[\n,]/) {
    return value
        .split(separator)
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '' && !entry.startsWith('#'));
}
/**
 * `images` is YAML: a list of names (context `.`), or a mapping name → build settings
 * (`context`, `dockerfile`, `target`, `build-args`, `platforms`), or name → null.
 */
function parseImages(value) {
    if (value === '')
        return [];
    let doc;
    try {
        doc = (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .parse */ .qg)(value, { maxAliasCount: 50 });
    }
    catch (error) {
        const reason = error.message.split('\n')[0];
        throw new InputError(`Input 'images' is not valid YAML (${reason}). Expected a list of image names or a mapping name → build settings.`);
    }
    if (doc === null || doc === undefined)
        return [];
    if (typeof doc === 'string')
        doc = parseList(doc);
    const entries = Array.isArray(doc)
        ? doc.map((name) => [name, null])
        : (0,_records_js__WEBPACK_IMPORTED_MODULE_2__/* .isRecord */ .u)(doc)
            ? Object.entries(doc)
            : [];
    if (!Array.isArray(doc) && !(0,_records_js__WEBPACK_IMPORTED_MODULE_2__/* .isRecord */ .u)(doc)) {
        throw new InputError("Input 'images' must be a list of image names or a mapping name → build settings.");
    }
    const seen = new Set();
    return entries.map(([name, settings]) => {
        if ((0,_records_js__WEBPACK_IMPORTED_MODULE_2__/* .isRecord */ .u)(name)) {
            throw new InputError("Input 'images' lists a mapping where an image name was expected. Expected a list of names, or build settings keyed by name (e.g. `api: {context: ., dockerfile: Dockerfile}`).");
        }
        if (typeof name !== 'string' || !ECR_REPOSITORY.test(name) || name.length < 2 || name.length > 256) {
            fail('images', String(name), 'an ECR repository name (2 to 256 lower-case letters, digits, "/", ".", "_" or "-")');
        }
        if (seen.has(name))
            throw new InputError(`Input 'images' names '${name}' twice. Expected each image once.`);
        seen.add(name);
        return imageSpec(name, settings);
    });
}
function imageSpec(name, settings) {
    if (settings === null || settings === undefined) {
        return { name, context: '.', dockerfile: undefined, target: undefined, buildArgs: {}, platforms: [] };
    }
    if (!(0,_records_js__WEBPACK_IMPORTED_MODULE_2__/* .isRecord */ .u)(settings)) {
        throw new InputError(`Input 'images': the settings of '${name}' must be a mapping of ${[...BUILD_SPEC_KEYS].join(', ')}.`);
    }
    for (const key of Object.keys(settings)) {
        if (!BUILD_SPEC_KEYS.has(key)) {
            throw new InputError(`Input 'images': '${name}' has an unknown setting '${key}'. Expected ${[...BUILD_SPEC_KEYS].join(', ')}.`);
        }
    }
    const text = (key) => {
        const value = settings[key];
        if (value === undefined || value === null)
            return undefined;
        if (typeof value !== 'string' || value.trim() === '') {
            throw new InputError(`Input 'images': '${name}.${key}' must be a non-empty string.`);
        }
        return value;
    };
    return {
        name,
        context: text('context') ?? '.',
        dockerfile: text('dockerfile'),
        target: text('target'),
        buildArgs: buildArgs(name, settings['build-args']),
        platforms: platforms(name, settings.platforms),
    };
}
function buildArgs(name, value) {
    if (value === undefined || value === null)
        return {};
    const pairs = Array.isArray(value)
        ? value.map((entry) => {
            const text = String(entry);
            const eq = text.indexOf('=');
            if (eq <= 0)
                throw new InputError(`Input 'images': build arg ${JSON.stringify(text)} of '${name}' is not KEY=VALUE.`);
            return [text.slice(0, eq), text.slice(eq + 1)];
        })
        : (0,_records_js__WEBPACK_IMPORTED_MODULE_2__/* .isRecord */ .u)(value)
            ? Object.entries(value)
            : fail('images', String(value), `build-args of '${name}' as a mapping KEY: VALUE or a list of KEY=VALUE`);
    const result = {};
    for (const [key, arg] of pairs) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
            throw new InputError(`Input 'images': build arg name ${JSON.stringify(key)} of '${name}' is not a valid variable name.`);
        }
        if (arg !== null && typeof arg === 'object') {
            throw new InputError(`Input 'images': build arg '${key}' of '${name}' must be a plain value.`);
        }
        result[key] = arg === null || arg === undefined ? '' : String(arg);
    }
    return result;
}
function platforms(name, value) {
    if (value === undefined || value === null)
        return [];
    const list = Array.isArray(value)
        ? value.map(String)
        : typeof value === 'string'
            ? parseList(value)
            : undefined;
    if (list === undefined)
        fail('images', String(value), `platforms of '${name}' as a list such as linux/amd64, linux/arm64`);
    for (const platform of list) {
        if (!PLATFORM.test(platform))
            fail('images', platform, `a platform of '${name}' such as linux/amd64 or linux/arm64/v8`);
    }
    return list;
}


/***/ })

};
