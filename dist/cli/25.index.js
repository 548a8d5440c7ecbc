export const id = 25;
export const ids = [25];
export const modules = {

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

/***/ 8025:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DEPLOY_USAGE: () => (/* binding */ DEPLOY_USAGE),
  DIFF_USAGE: () => (/* binding */ DIFF_USAGE),
  deployCommand: () => (/* binding */ deployCommand),
  diffCommand: () => (/* binding */ diffCommand),
  exitCodeOf: () => (/* binding */ exitCodeOf),
  parseDeployArgs: () => (/* binding */ parseDeployArgs),
  verdictLine: () => (/* binding */ verdictLine),
  wouldChange: () => (/* binding */ wouldChange)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/log.ts
var log = __webpack_require__(5625);
// EXTERNAL MODULE: ./src/manifests/images.ts + 1 modules
var manifests_images = __webpack_require__(8001);
// EXTERNAL MODULE: ./src/process.ts
var process = __webpack_require__(1625);
// EXTERNAL MODULE: ./src/cli/cluster.ts
var cluster = __webpack_require__(2832);
// EXTERNAL MODULE: ./src/cli/command.ts
var command = __webpack_require__(3567);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./src/pipeline.ts + 12 modules
var pipeline = __webpack_require__(2574);
// EXTERNAL MODULE: ./src/verdict.ts
var verdict = __webpack_require__(3138);
;// CONCATENATED MODULE: ./src/cli/deploy-pipeline.ts





/**
 * The action's pipeline for a terminal: the images are references given on the command line
 * (nothing is built), and the cluster is a plain kubeconfig — --kubeconfig, else KUBECONFIG,
 * else ~/.kube/config, as kubectl looks — with an optional context.
 */
async function runCliPipeline(inputs, options, deps) {
    if (options.kubeconfig !== undefined && !(0,external_node_fs_.existsSync)(options.kubeconfig)) {
        return {
            result: 'failed',
            verdict: (0,verdict/* nothingChanged */.U)(`Option --kubeconfig names ${options.kubeconfig}, which does not exist. Expected the path of a kubeconfig file.`),
            images: {},
            built: [],
            cluster: undefined,
            phases: [],
        };
    }
    const kubeconfig = options.kubeconfig ?? (deps.env.KUBECONFIG || external_node_path_default().join(external_node_os_default().homedir(), '.kube', 'config'));
    return (0,pipeline/* runPipeline */.aI)({ ...inputs, images: [], kubeconfig }, { ...deps, givenImages: options.images, workDir: options.workDir, context: options.context });
}

// EXTERNAL MODULE: ./src/cli/render.ts
var render = __webpack_require__(4984);
;// CONCATENATED MODULE: ./src/cli/deploy.ts










// The same lines as the command table's (src/cli.ts), which `--help` shows; a test keeps them equal.
const DEPLOY_USAGE = 'Usage: k8s-deploy deploy --manifests PATH [--manifests PATH ...] [--image NAME=REF ...] [--kubeconfig PATH] [--context CTX] [--namespace NS] [--release-name N] [--migration-job J] [--migration-timeout D] [--rollout-timeout D] [--crashloop-restarts N] [--no-rollback] [--prune] [--dry-run] [--history-limit N]';
const DIFF_USAGE = 'Usage: k8s-deploy diff --manifests PATH [--manifests PATH ...] [--image NAME=REF ...] [--kubeconfig PATH] [--context CTX] [--namespace NS] [--release-name N] [--migration-job J] [--migration-timeout D] [--prune]';
/** What diff and deploy share: the manifests, the images, the cluster and what plans the set. */
const PLAN_OPTIONS = {
    ...cluster/* CLUSTER_OPTIONS */.EN,
    manifests: { type: 'string', multiple: true },
    image: { type: 'string', multiple: true },
    namespace: { type: 'string' },
    'release-name': { type: 'string' },
    'migration-job': { type: 'string' },
    'migration-timeout': { type: 'string' },
    prune: { type: 'boolean' },
};
const DEPLOY_OPTIONS = {
    ...PLAN_OPTIONS,
    'rollout-timeout': { type: 'string' },
    'crashloop-restarts': { type: 'string' },
    'no-rollback': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'history-limit': { type: 'string' },
};
/**
 * The command line of deploy (or diff, which passes dryRun) as the action's Inputs: each flag
 * becomes the input of the same name and parseInputs checks it. Throws UsageError.
 */
function parseDeployArgs(args, env, mode) {
    const usage = mode === 'deploy' ? DEPLOY_USAGE : DIFF_USAGE;
    const values = (0,command/* parseCommandLine */.Du)(args, mode === 'deploy' ? DEPLOY_OPTIONS : PLAN_OPTIONS, usage);
    const text = (name) => {
        const value = values[name];
        return typeof value === 'string' ? value : undefined;
    };
    const manifests = values.manifests;
    if (!Array.isArray(manifests) || manifests.length === 0)
        throw new command/* UsageError */.eb(`Option --manifests is required. ${usage}`);
    const images = (0,manifests_images/* imageReplacements */.tF)((Array.isArray(values.image) ? values.image : []).map(render.splitImageFlag));
    const inputs = (0,cluster/* inputsFromFlags */.h$)({
        // One per line, as the action's input: a comma belongs to brace globs.
        manifests: manifests.join('\n'),
        namespace: text('namespace'),
        'release-name': text('release-name'),
        'migration-job': text('migration-job'),
        'migration-timeout': text('migration-timeout'),
        'rollout-timeout': text('rollout-timeout'),
        'crashloop-restarts': text('crashloop-restarts'),
        'history-limit': text('history-limit'),
        rollback: values['no-rollback'] === true ? 'false' : 'true',
        prune: values.prune === true ? 'true' : 'false',
        'dry-run': mode === 'diff' || values['dry-run'] === true ? 'true' : 'false',
    }, env);
    (0,cluster/* requireReleaseName */.a5)(inputs, usage);
    return { inputs, images, kubeconfig: text('kubeconfig'), context: text('context') };
}
/**
 * True when the dry run found something to change. Objects planned for create or update, or a
 * prune's deletions, say so; so does any line of kubectl's diff — the engine's own notes (lines
 * starting "# ", which no line of a unified diff does) only describe.
 */
function wouldChange(result) {
    const outcome = result.deploy;
    if (outcome === undefined)
        return false;
    if (outcome.changes.some((c) => c.change !== 'unchanged') || (outcome.wouldPrune?.length ?? 0) > 0)
        return true;
    return (outcome.diff ?? '').split('\n').some((line) => line !== '' && !line.startsWith('# '));
}
/** The last line of a deploy: the result and, unless it succeeded, why. */
function verdictLine(result, releaseName, cancelled) {
    const outcome = result.deploy;
    const why = result.verdict ?? `The deploy ended ${result.result}.`;
    if (cancelled)
        return `cancelled: ${why}`;
    switch (result.result) {
        case 'success':
            if (outcome?.unchanged) {
                return `success: release ${releaseName} v${outcome.release} already has these manifests; nothing changed.`;
            }
            return `success: release ${releaseName}${outcome?.release !== undefined ? ` v${outcome.release}` : ''} deployed and verified.`;
        case 'dry-run': {
            const changing = outcome?.changes.filter((c) => c.change !== 'unchanged').length ?? 0;
            return `dry-run: ${changing} object(s) would be created or changed; nothing was changed${outcome?.diffPath ? ` (the diff is in ${outcome.diffPath})` : ''}.`;
        }
        case 'rolled-back':
            return `rolled back: ${why} Release v${outcome?.rollback?.to} was restored.`;
        default:
            return `failed: ${why}`;
    }
}
function exitCodeOf(result, cancelled) {
    if (cancelled)
        return command/* EXIT */.dc.cancelled;
    if (result.result === 'rolled-back')
        return command/* EXIT */.dc.rolledBack;
    return result.result === 'failed' ? command/* EXIT */.dc.failed : command/* EXIT */.dc.success;
}
const DEFAULT_DEPS = { runner: new process/* NodeProcessRunner */.u(), interrupts: cluster/* processInterrupts */.IQ };
/**
 * `deploy`: the action's pipeline from a terminal, images given as references (nothing is
 * built). Progress on stderr; the verdict is the last line, on stdout. Exit 0 success or dry
 * run, 1 failed, 3 rolled back, 130 cancelled.
 */
function deployCommand(given = {}) {
    return { run: (args, io) => runDeploy(args, io, { ...DEFAULT_DEPS, ...given }, 'deploy') };
}
/**
 * `diff`: `deploy --dry-run` with the diff on stdout. Exit codes as `kubectl diff`'s: 0 nothing
 * would change, 1 something would, 2 (and up) it could not tell — a usage error or a failure.
 */
function diffCommand(given = {}) {
    return { run: (args, io) => runDeploy(args, io, { ...DEFAULT_DEPS, ...given }, 'diff') };
}
async function runDeploy(args, io, deps, mode) {
    let parsed;
    try {
        parsed = parseDeployArgs(args, io.env, mode);
    }
    catch (error) {
        io.stderr(`error: ${error.message}\n`);
        return error instanceof command/* UsageError */.eb ? command/* EXIT */.dc.usage : command/* EXIT */.dc.failed;
    }
    const logger = new log/* StreamLogger */.r((line) => io.stderr(`${line}\n`));
    const workDir = await (0,promises_.mkdtemp)(external_node_path_default().join(io.env.RUNNER_TEMP || external_node_os_default().tmpdir(), 'k8s-deploy-'));
    let keep = false;
    try {
        return await (0,cluster/* interruptible */.In)(deps, logger, async (signal) => {
            const result = await runCliPipeline(parsed.inputs, { images: parsed.images, kubeconfig: parsed.kubeconfig, context: parsed.context, workDir }, { runner: deps.runner, logger, env: io.env, signal });
            const cancelled = signal.aborted;
            if (mode === 'diff') {
                if (result.result !== 'dry-run') {
                    io.stderr(`error: ${result.verdict ?? `The dry run ended ${result.result}.`}\n`);
                    return cancelled ? command/* EXIT */.dc.cancelled : command/* EXIT */.dc.usage;
                }
                io.stdout(result.deploy?.diff ?? '');
                return wouldChange(result) ? command/* EXIT */.dc.failed : command/* EXIT */.dc.success;
            }
            // A dry run's diff stays for the user to read; nothing else of the run is kept.
            keep = result.result === 'dry-run' && result.deploy?.diffPath !== undefined;
            io.stdout(`${verdictLine(result, parsed.inputs.releaseName ?? '', cancelled)}\n`);
            return exitCodeOf(result, cancelled);
        });
    }
    finally {
        if (keep)
            await (0,promises_.rm)(external_node_path_default().join(workDir, 'rendered.yaml'), { force: true });
        else
            await (0,promises_.rm)(workDir, { recursive: true, force: true });
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
