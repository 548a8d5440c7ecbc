export const id = 174;
export const ids = [174];
export const modules = {

/***/ 201:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M9: () => (/* binding */ loadDefaultCredentials),
/* harmony export */   xW: () => (/* binding */ createEksClient),
/* harmony export */   yv: () => (/* binding */ createEcrClient)
/* harmony export */ });
/* unused harmony export RETRY_SETTINGS */
/*
 * The SDK is loaded with `await import()` only when a phase needs it, so that a run which
 * fails on its inputs (or only renders) never pays for loading it.
 */
/**
 * Throttling and transient 5xx are retried by the SDK's own adaptive strategy (client-side
 * rate limiting plus exponential back-off with jitter); we never loop ourselves.
 */
const RETRY_SETTINGS = { maxAttempts: 6, retryMode: 'adaptive' };
/** An ECR client for the region; endpoints follow AWS_ENDPOINT_URL_ECR as the SDK does. */
async function createEcrClient(region) {
    const { ECRClient } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(249)]).then(__webpack_require__.t.bind(__webpack_require__, 8249, 19));
    return new ECRClient({ region, ...RETRY_SETTINGS });
}
/** An EKS client for the region; endpoints follow AWS_ENDPOINT_URL_EKS as the SDK does. */
async function createEksClient(region) {
    const { EKSClient } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(524)]).then(__webpack_require__.t.bind(__webpack_require__, 4524, 19));
    return new EKSClient({ region, ...RETRY_SETTINGS });
}
/** Credentials from the default chain (env, web identity, SSO, profile, container, IMDS). */
async function loadDefaultCredentials() {
    const { defaultProvider } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861)]).then(__webpack_require__.t.bind(__webpack_require__, 5861, 19));
    return defaultProvider()();
}


/***/ }),

/***/ 9378:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gy: () => (/* binding */ AwsError),
/* harmony export */   IY: () => (/* binding */ callAws),
/* harmony export */   Is: () => (/* binding */ errorName),
/* harmony export */   Ni: () => (/* binding */ explainAwsError)
/* harmony export */ });
/* unused harmony export principalFromMessage */
/**
 * Turns AWS SDK errors into one sentence a user can act on. Throttling never reaches here: the
 * clients retry it with the SDK's own strategy (see clients.ts).
 */
/** An AWS call that failed in a way the user must fix; the message says how. */
class AwsError extends Error {
    code;
    name = 'AwsError';
    constructor(message, 
    /** The SDK's error name (AccessDeniedException, ...), for callers that branch on it. */
    code) {
        super(message);
        this.code = code;
    }
}
const CREDENTIALS_MISSING = 'No AWS credentials were found. Configure them before this step, e.g. with aws-actions/configure-aws-credentials and an OIDC role (permissions: id-token: write), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.';
const CREDENTIALS_REJECTED = new Set([
    'UnrecognizedClientException',
    'InvalidClientTokenId',
    'InvalidSignatureException',
    'SignatureDoesNotMatch',
    'IncompleteSignature',
]);
const CREDENTIALS_EXPIRED = new Set(['ExpiredTokenException', 'ExpiredToken', 'RequestExpired']);
/** The error's SDK name, whether it is a modelled exception or a plain Error. */
function errorName(error) {
    if (error && typeof error === 'object' && 'name' in error && typeof error.name === 'string') {
        return error.name;
    }
    return 'Error';
}
/** The principal in an AccessDenied message: "User: arn:aws:sts::1:assumed-role/x/y is not authorized ...". */
function principalFromMessage(message) {
    return /\bUser: (arn:aws[a-z-]*:[a-z0-9-]+::\d*:[^\s]+)/.exec(message)?.[1];
}
/** Explains an SDK error for the call described by `context`; returns the error as is if already explained. */
function explainAwsError(error, context) {
    if (error instanceof AwsError)
        return error;
    const name = errorName(error);
    const message = error instanceof Error ? error.message : String(error);
    const action = `${context.service}:${context.operation}`;
    const where = context.region ? ` in ${context.region}` : '';
    const about = context.subject ? ` on ${context.subject}` : '';
    if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
        return new AwsError(CREDENTIALS_MISSING, name);
    }
    if (CREDENTIALS_EXPIRED.has(name)) {
        return new AwsError(`The AWS credentials have expired (${action} was refused with ${name}). Request fresh credentials for this job, e.g. a longer role-duration-seconds in aws-actions/configure-aws-credentials.`, name);
    }
    if (CREDENTIALS_REJECTED.has(name)) {
        return new AwsError(`AWS did not accept the credentials for ${action}${where} (${name}). Check that the access key, secret and session token belong together and are current.`, name);
    }
    if (name === 'AccessDeniedException' || name === 'AccessDenied') {
        const principal = principalFromMessage(message);
        return new AwsError(`Access denied: ${principal ?? 'the AWS identity of this job'} is not allowed to call ${action}${about}${where}. Grant ${action} to that role in its IAM policy (and in the repository or key policy if one applies).`, name);
    }
    if (name === 'ThrottlingException' || name === 'TooManyRequestsException') {
        return new AwsError(`AWS kept throttling ${action}${where} after the SDK's retries. Try again later or lower the number of parallel jobs calling it.`, name);
    }
    return new AwsError(`${action}${about}${where} failed: ${name}: ${message}`, name);
}
/** Runs one AWS call and explains any error it throws. */
async function callAws(context, call) {
    try {
        return await call();
    }
    catch (error) {
        throw explainAwsError(error, context);
    }
}


/***/ }),

/***/ 9174:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  eksToken: () => (/* binding */ eksToken)
});

// UNUSED EXPORTS: EKS_TOKEN_USAGE

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
// EXTERNAL MODULE: ./src/aws/clients.ts
var clients = __webpack_require__(201);
// EXTERNAL MODULE: ./src/aws/errors.ts
var errors = __webpack_require__(9378);
// EXTERNAL MODULE: ./node_modules/@aws-crypto/sha256-js/build/main/index.js
var main = __webpack_require__(3156);
// EXTERNAL MODULE: ./node_modules/@smithy/protocol-http/dist-cjs/index.js
var dist_cjs = __webpack_require__(2356);
// EXTERNAL MODULE: ./node_modules/@smithy/signature-v4/dist-cjs/index.js
var signature_v4_dist_cjs = __webpack_require__(5118);
;// CONCATENATED MODULE: ./src/cluster/token.ts



/*
 * An EKS bearer token is a presigned STS GetCallerIdentity URL: EKS calls it and learns who we
 * are. This is what `aws eks get-token` and aws-iam-authenticator produce.
 */
const TOKEN_PREFIX = 'k8s-aws-v1.';
/** The presigned URL's own expiry; EKS accepts the token for 15 minutes from signing regardless. */
const PRESIGN_EXPIRES_SECONDS = 60;
/** Tell kubectl to fetch a new token a minute before EKS's 15 minutes run out. */
const DEFAULT_TOKEN_LIFETIME_MS = 14 * 60_000;
/** The regional STS host (China regions live under amazonaws.com.cn). */
function stsHost(region) {
    return `sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}
async function createEksToken(request) {
    const hostname = stsHost(request.region);
    const signer = new signature_v4_dist_cjs.SignatureV4({
        credentials: request.credentials,
        region: request.region,
        service: 'sts',
        sha256: main.Sha256,
    });
    const presigned = await signer.presign(new dist_cjs/* HttpRequest */.Kd({
        method: 'GET',
        protocol: 'https:',
        hostname,
        path: '/',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        // Signed (it is not an x-amz- header, so it stays a header): binds the token to one cluster.
        headers: { host: hostname, 'x-k8s-aws-id': request.clusterName },
    }), { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate: request.now });
    const url = `https://${hostname}/?${queryString(presigned.query ?? {})}`;
    const lifetime = Math.min(request.lifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS, 15 * 60_000);
    return {
        // EKS rejects padded base64: base64url without '='.
        token: TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url'),
        expirationTimestamp: new Date(request.now.getTime() + lifetime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
}
function queryString(query) {
    return Object.keys(query)
        .sort()
        .flatMap((key) => {
        const value = query[key];
        const values = Array.isArray(value) ? value : [value];
        return values.map((v) => `${encodeRfc3986(key)}=${encodeRfc3986(v ?? '')}`);
    })
        .join('&');
}
function encodeRfc3986(text) {
    return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
/** The ExecCredential kubectl reads from an exec plugin's standard output. */
function execCredential(token) {
    return {
        kind: 'ExecCredential',
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        spec: {},
        status: { token: token.token, expirationTimestamp: token.expirationTimestamp },
    };
}

// EXTERNAL MODULE: ./src/duration.ts
var duration = __webpack_require__(7607);
// EXTERNAL MODULE: ./src/inputs.ts
var inputs = __webpack_require__(8422);
;// CONCATENATED MODULE: ./src/cli/eks-token.ts






// The same line as the command table's (src/cli.ts), which `k8s-deploy eks-token --help` shows;
// a test keeps the two equal.
const EKS_TOKEN_USAGE = 'Usage: k8s-deploy eks-token --cluster-name NAME [--region REGION] [--token-lifetime 14m]';
/**
 * `eks-token`: the exec credential plugin kubectl runs (see cluster/kubeconfig.ts). Prints one
 * ExecCredential on standard output — the only place the token ever appears — and explains
 * failures on standard error, which kubectl shows to the user.
 *
 * The lifetime kubectl may cache the token is --token-lifetime, else K8S_DEPLOY_TOKEN_LIFETIME,
 * else 14 minutes (one short of EKS's 15, as aws-iam-authenticator does).
 */
async function eksToken(argv, io) {
    const env = io.env ?? process.env;
    let values;
    try {
        ({ values } = (0,external_node_util_.parseArgs)({
            args: argv,
            options: {
                'cluster-name': { type: 'string' },
                region: { type: 'string' },
                'token-lifetime': { type: 'string' },
            },
            strict: true,
            allowPositionals: false,
        }));
    }
    catch (error) {
        io.stderr.write(`${error.message}. ${EKS_TOKEN_USAGE}\n`);
        return 2;
    }
    const clusterName = values['cluster-name'];
    const region = values.region || env.AWS_REGION || env.AWS_DEFAULT_REGION;
    if (!clusterName) {
        io.stderr.write(`Missing --cluster-name. ${EKS_TOKEN_USAGE}\n`);
        return 2;
    }
    if (!region) {
        io.stderr.write(`Missing --region (and neither AWS_REGION nor AWS_DEFAULT_REGION is set). ${EKS_TOKEN_USAGE}\n`);
        return 2;
    }
    // Both end up in the signed URL's host and header: only well-formed names are signed.
    if (!inputs/* EKS_CLUSTER */.Hu.test(clusterName)) {
        io.stderr.write(`Invalid --cluster-name ${JSON.stringify(clusterName)}. Expected an EKS cluster name. ${EKS_TOKEN_USAGE}\n`);
        return 2;
    }
    if (!inputs/* AWS_REGION */.VN.test(region)) {
        io.stderr.write(`Invalid region ${JSON.stringify(region)}. Expected an AWS region such as eu-west-1. ${EKS_TOKEN_USAGE}\n`);
        return 2;
    }
    const lifetimeText = values['token-lifetime'] ?? env.K8S_DEPLOY_TOKEN_LIFETIME;
    const lifetimeMs = lifetimeText === undefined ? DEFAULT_TOKEN_LIFETIME_MS : (0,duration/* parseDuration */.E)(lifetimeText);
    if (lifetimeMs === undefined || lifetimeMs <= 0) {
        io.stderr.write(`Invalid token lifetime ${JSON.stringify(lifetimeText)}. Expected a duration such as 90s or 14m.\n`);
        return 2;
    }
    try {
        const credentials = await (io.credentials ?? clients/* loadDefaultCredentials */.M9)();
        const now = (io.clock ?? (() => new Date()))();
        const token = await createEksToken({ clusterName, region, credentials, now, lifetimeMs });
        io.stdout.write(`${JSON.stringify(execCredential(token))}\n`);
        return 0;
    }
    catch (error) {
        const explained = (0,errors/* explainAwsError */.Ni)(error, { service: 'sts', operation: 'GetCallerIdentity', region });
        io.stderr.write(`eks-token: ${explained.message}\n`);
        return 1;
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


/***/ }),

/***/ 4845:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   u: () => (/* binding */ isRecord)
/* harmony export */ });
/** A plain object (a YAML/JSON mapping), not null and not an array. */
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}


/***/ })

};
