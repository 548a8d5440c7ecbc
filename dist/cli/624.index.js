export const id = 624;
export const ids = [624];
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

/***/ 4624:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ROLLBACK_USAGE: () => (/* binding */ ROLLBACK_USAGE),
/* harmony export */   parseRollbackArgs: () => (/* binding */ parseRollbackArgs),
/* harmony export */   rollbackCommand: () => (/* binding */ rollbackCommand),
/* harmony export */   rollbackVerdict: () => (/* binding */ rollbackVerdict)
/* harmony export */ });
/* harmony import */ var _manifests_annotations_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3680);
/* harmony import */ var _process_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1625);
/* harmony import */ var _api_command_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8642);
/* harmony import */ var _cluster_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2832);
/* harmony import */ var _command_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3567);





// The same line as the command table's (src/cli.ts), which `--help` shows; a test keeps them equal.
const ROLLBACK_USAGE = 'Usage: k8s-deploy rollback [--to N] [--release-name N] [--namespace NS] [--rollout-timeout D] [--kubeconfig PATH] [--context CTX]';
/** The command line of `rollback`; values are checked as the action checks its inputs. Throws UsageError. */
function parseRollbackArgs(args, env) {
    const values = (0,_command_js__WEBPACK_IMPORTED_MODULE_4__/* .parseCommandLine */ .Du)(args, {
        ..._cluster_js__WEBPACK_IMPORTED_MODULE_3__/* .CLUSTER_OPTIONS */ .EN,
        to: { type: 'string' },
        'release-name': { type: 'string' },
        namespace: { type: 'string' },
        'rollout-timeout': { type: 'string' },
    }, ROLLBACK_USAGE);
    let to;
    if (values.to !== undefined) {
        // `v4` as `history` shows it, or `4`.
        const digits = /^v?(\d+)$/.exec(values.to)?.[1];
        to = digits !== undefined ? Number(digits) : Number.NaN;
        if (!Number.isSafeInteger(to) || to < 1) {
            throw new _command_js__WEBPACK_IMPORTED_MODULE_4__/* .UsageError */ .eb(`Option --to ${JSON.stringify(values.to)} is not a release number; expected e.g. --to 4 (k8s-deploy history lists them).`);
        }
    }
    const inputs = (0,_cluster_js__WEBPACK_IMPORTED_MODULE_3__/* .inputsFromFlags */ .h$)({
        'release-name': values['release-name'],
        namespace: values.namespace,
        'rollout-timeout': values['rollout-timeout'],
    }, env);
    return {
        releaseName: (0,_cluster_js__WEBPACK_IMPORTED_MODULE_3__/* .requireReleaseName */ .a5)(inputs, ROLLBACK_USAGE),
        namespace: inputs.namespace ?? 'default',
        ...(to !== undefined ? { to } : {}),
        rolloutTimeoutMs: inputs.rolloutTimeoutMs,
        crashloopRestarts: inputs.crashloopRestarts,
        kubeconfig: values.kubeconfig,
        context: values.context,
    };
}
/** The last line of a rollback: what was restored, or why it did not work. */
function rollbackVerdict(result, releaseName) {
    if (result.cancelled)
        return `cancelled: ${result.verdict ?? 'The rollback was cancelled.'}`;
    if (result.status === 'failed')
        return `failed: ${result.verdict ?? 'The rollback failed.'}`;
    const recorded = result.release !== undefined ? ` as v${result.release}` : ' (no release record was written)';
    return `success: release ${releaseName} v${result.to} re-applied and verified${recorded}.`;
}
function rollbackCommand(given = {}) {
    const deps = { runner: new _process_js__WEBPACK_IMPORTED_MODULE_1__/* .NodeProcessRunner */ .u(), interrupts: _cluster_js__WEBPACK_IMPORTED_MODULE_3__/* .processInterrupts */ .IQ, ...given };
    return { run: (args, io) => runRollback(args, io, deps) };
}
/** `rollback`: exit 0 restored and verified, 1 failed (or nothing to roll back to), 130 cancelled. */
function runRollback(args, io, deps) {
    // An error thrown (nothing to roll back to, or the cluster could not be read): nothing changed.
    return (0,_api_command_js__WEBPACK_IMPORTED_MODULE_2__/* .runApiCommand */ .D)(io, deps, () => parseRollbackArgs(args, io.env), async (parsed, { kubectl, api, logger, signal }) => {
        // Loaded only now (the engine's verify and its dependencies): a usage error needs none of it.
        const { manualRollback } = await __webpack_require__.e(/* import() */ 798).then(__webpack_require__.bind(__webpack_require__, 798));
        const runUrl = (0,_manifests_annotations_js__WEBPACK_IMPORTED_MODULE_0__/* .runUrlFromEnv */ .kk)(io.env);
        const result = await manualRollback({ ...parsed, ...(runUrl !== undefined ? { runUrl } : {}) }, { kubectl, api, logger, signal });
        io.stdout(`${rollbackVerdict(result, parsed.releaseName)}\n`);
        if (result.cancelled)
            return _command_js__WEBPACK_IMPORTED_MODULE_4__/* .EXIT */ .dc.cancelled;
        return result.status === 'success' ? _command_js__WEBPACK_IMPORTED_MODULE_4__/* .EXIT */ .dc.success : _command_js__WEBPACK_IMPORTED_MODULE_4__/* .EXIT */ .dc.failed;
    });
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


/***/ }),

/***/ 3680:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FU: () => (/* binding */ annotateWorkloads),
/* harmony export */   kk: () => (/* binding */ runUrlFromEnv)
/* harmony export */ });
/* unused harmony exports ANNOTATION_PREFIX, CHANGE_CAUSE, changeCause */
/* harmony import */ var _kinds_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6521);

const ANNOTATION_PREFIX = 'k8s-deploy-action';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';
/** The run URL from the variables GitHub Actions sets, when all three are there. */
function runUrlFromEnv(env) {
    const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
    if (!server || !repository || !runId)
        return undefined;
    return `${server.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}`;
}
function changeCause(trace) {
    const what = [
        trace.tag !== undefined ? `tag ${trace.tag}` : undefined,
        trace.commit !== undefined && trace.commit !== trace.tag ? `commit ${trace.commit}` : undefined,
    ].filter(Boolean);
    if (what.length === 0 && trace.runUrl === undefined)
        return undefined;
    return `k8s-deploy-action deployed ${what.length > 0 ? what.join(', ') : 'manifests'}${trace.runUrl !== undefined ? ` in ${trace.runUrl}` : ''}`;
}
/**
 * Annotates each workload's own metadata. `kubectl rollout history` shows change-cause from
 * the ReplicaSet / ControllerRevision, which the controllers copy from the workload's
 * annotations. Nothing goes into the pod template: a value that changes every run (the run
 * URL) there would restart every pod on every deploy, even when nothing else changed; a new
 * image already changes the template when the code changes.
 */
function annotateWorkloads(documents, trace) {
    const cause = changeCause(trace);
    if (cause === undefined)
        return;
    const annotations = {
        [CHANGE_CAUSE]: cause,
        ...(trace.tag !== undefined ? { [`${ANNOTATION_PREFIX}/tag`]: trace.tag } : {}),
        ...(trace.commit !== undefined ? { [`${ANNOTATION_PREFIX}/commit`]: trace.commit } : {}),
        ...(trace.runUrl !== undefined ? { [`${ANNOTATION_PREFIX}/run-url`]: trace.runUrl } : {}),
    };
    for (const manifest of documents) {
        if ((0,_kinds_js__WEBPACK_IMPORTED_MODULE_0__/* .podSpecPath */ .s5)(manifest.key) === undefined || manifest.key === '/PodTemplate')
            continue;
        for (const [key, value] of Object.entries(annotations)) {
            manifest.edits.push({ op: 'set', path: ['metadata', 'annotations', key], value });
        }
    }
}


/***/ })

};
