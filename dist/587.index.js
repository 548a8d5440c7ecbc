export const id = 587;
export const ids = [587];
export const modules = {

/***/ 9378:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gy: () => (/* binding */ AwsError),
/* harmony export */   IY: () => (/* binding */ callAws),
/* harmony export */   Is: () => (/* binding */ errorName)
/* harmony export */ });
/* unused harmony exports principalFromMessage, explainAwsError */
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

/***/ 6012:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   U$: () => (/* binding */ registryHost),
/* harmony export */   Xj: () => (/* binding */ immutableConflict),
/* harmony export */   Yy: () => (/* binding */ accountOfRegistry),
/* harmony export */   oM: () => (/* binding */ decideImage)
/* harmony export */ });
function where(repo) {
    const account = repo.account ? `account ${repo.account}` : "the registry's account";
    return `ECR repository '${repo.name}' in ${account}, region ${repo.region}`;
}
/** The build phase's decision table; pure, so every row is tested with plain data. */
function decideImage(mode, state, createRepositories, repo) {
    if (state.kind === 'no-repository') {
        if (mode === 'never') {
            return {
                action: 'fail',
                message: `Image '${repo.name}:${repo.tag}' cannot be reused with build: never: the ${where(repo)} does not exist.`,
            };
        }
        if (createRepositories)
            return { action: 'build', createRepository: true };
        return {
            action: 'fail',
            message: `The ${where(repo)} does not exist. Create it (immutable tags, scan on push), or set create-repositories: true to let this action create it.`,
        };
    }
    if (state.kind === 'present') {
        if (mode === 'always')
            return { action: 'build', createRepository: false, existingDigest: state.digest };
        return { action: 'reuse', digest: state.digest };
    }
    if (mode === 'never') {
        return {
            action: 'fail',
            message: `Image '${repo.name}:${repo.tag}' is not in the ${where(repo)}, and build: never forbids building it. Build and push it first (e.g. in the staging job), or use build: auto.`,
        };
    }
    return { action: 'build', createRepository: false };
}
/** The error for `build: always` on an IMMUTABLE repository whose tag holds another image. */
function immutableConflict(repo, existing, built) {
    const builtPart = built ? ` (this build is ${built})` : '';
    return `Tag '${repo.tag}' of the ${where(repo)} already holds ${existing}${builtPart}, and the repository's tags are IMMUTABLE, so ECR would refuse the push. Use build: auto to reuse that image, or push under a new tag.`;
}
/** The account of an ECR registry host or endpoint: 123456789012.dkr.ecr.REGION.amazonaws.com. */
function accountOfRegistry(hostOrUrl) {
    const host = hostOrUrl.replace(/^https?:\/\//, '');
    return /^(\d{12})\.dkr\.ecr[.-]/.exec(host)?.[1];
}
/** `https://host:port/` → `host:port`, the form docker and image references use. */
function registryHost(proxyEndpoint) {
    return proxyEndpoint.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}


/***/ }),

/***/ 1708:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   nn: () => (/* binding */ lookupTag),
/* harmony export */   uQ: () => (/* binding */ getAuthorization),
/* harmony export */   vB: () => (/* binding */ createRepository),
/* harmony export */   xv: () => (/* binding */ configDigest),
/* harmony export */   zY: () => (/* binding */ tagMutability)
/* harmony export */ });
/* harmony import */ var _aws_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9378);

const MANIFEST_TYPES = [
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
];
const ecr = () => Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(249)]).then(__webpack_require__.t.bind(__webpack_require__, 8249, 19));
function context(operation, ref, region) {
    return {
        service: 'ecr',
        operation,
        region: ref?.region ?? region,
        subject: ref ? `repository '${ref.repositoryName}'` : undefined,
    };
}
/** GetAuthorizationToken, decoded: the token is base64("AWS:password"). */
async function getAuthorization(client, registryId, region) {
    const { GetAuthorizationTokenCommand } = await ecr();
    const answer = await (0,_aws_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .callAws */ .IY)(context('GetAuthorizationToken', undefined, region), () => client.send(new GetAuthorizationTokenCommand(registryId ? { registryIds: [registryId] } : {})));
    const data = answer.authorizationData?.[0];
    if (!data?.authorizationToken || !data.proxyEndpoint) {
        throw new _aws_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .AwsError */ .Gy('ECR GetAuthorizationToken returned no authorization data.', 'EmptyAnswer');
    }
    const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
        throw new _aws_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .AwsError */ .Gy('ECR GetAuthorizationToken returned a token that is not "user:password".', 'BadToken');
    }
    return {
        username: decoded.slice(0, colon),
        password: decoded.slice(colon + 1),
        proxyEndpoint: data.proxyEndpoint,
    };
}
/** Whether `tag` exists in the repository, and its digest when it does. */
async function lookupTag(client, ref, tag) {
    const { DescribeImagesCommand } = await ecr();
    try {
        const answer = await client.send(new DescribeImagesCommand({
            repositoryName: ref.repositoryName,
            registryId: ref.registryId,
            imageIds: [{ imageTag: tag }],
        }));
        const detail = answer.imageDetails?.[0];
        const registryId = detail?.registryId;
        return detail?.imageDigest
            ? { kind: 'present', digest: detail.imageDigest, registryId }
            : { kind: 'missing' };
    }
    catch (error) {
        const name = (0,_aws_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorName */ .Is)(error);
        // ECR names the account in these messages: "... in the registry with id '123456789012'".
        const registryId = /registry with id '(\d{12})'/.exec(error.message ?? '')?.[1];
        if (name === 'ImageNotFoundException')
            return { kind: 'missing', registryId };
        if (name === 'RepositoryNotFoundException')
            return { kind: 'no-repository', registryId };
        return (0,_aws_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .callAws */ .IY)(context('DescribeImages', ref), () => Promise.reject(error));
    }
}
/** MUTABLE, IMMUTABLE (or a newer variant such as IMMUTABLE_WITH_EXCLUSION). */
async function tagMutability(client, ref) {
    const { DescribeRepositoriesCommand } = await ecr();
    const answer = await (0,_aws_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .callAws */ .IY)(context('DescribeRepositories', ref), () => client.send(new DescribeRepositoriesCommand({ repositoryNames: [ref.repositoryName], registryId: ref.registryId })));
    return answer.repositories?.[0]?.imageTagMutability ?? 'MUTABLE';
}
/** Creates the repository the way we recommend: immutable tags, scanned on push. */
async function createRepository(client, ref) {
    const { CreateRepositoryCommand } = await ecr();
    try {
        await client.send(new CreateRepositoryCommand({
            repositoryName: ref.repositoryName,
            registryId: ref.registryId,
            imageTagMutability: 'IMMUTABLE',
            imageScanningConfiguration: { scanOnPush: true },
        }));
    }
    catch (error) {
        // Another job created it between our lookup and now: that is what we wanted.
        if ((0,_aws_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorName */ .Is)(error) === 'RepositoryAlreadyExistsException')
            return;
        await (0,_aws_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .callAws */ .IY)(context('CreateRepository', ref), () => Promise.reject(error));
    }
}
/**
 * The config digest (what `docker build --iidfile` writes) of the image behind a tag, or
 * undefined for an image index (several platforms), which has no single config.
 */
async function configDigest(client, ref, tag) {
    const { BatchGetImageCommand } = await ecr();
    const answer = await (0,_aws_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .callAws */ .IY)(context('BatchGetImage', ref), () => client.send(new BatchGetImageCommand({
        repositoryName: ref.repositoryName,
        registryId: ref.registryId,
        imageIds: [{ imageTag: tag }],
        acceptedMediaTypes: MANIFEST_TYPES,
    })));
    const manifest = answer.images?.[0]?.imageManifest;
    if (!manifest)
        return undefined;
    const parsed = JSON.parse(manifest);
    return parsed.config?.digest;
}


/***/ }),

/***/ 3975:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   a1: () => (/* binding */ dockerLogin),
/* harmony export */   a4: () => (/* binding */ logoutFromRegistry),
/* harmony export */   fM: () => (/* binding */ lastLine),
/* harmony export */   w: () => (/* binding */ authorizeEcr)
/* harmony export */ });
/* harmony import */ var _decide_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6012);
/* harmony import */ var _ecr_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1708);


/**
 * Asks ECR for a registry password. It is registered as a secret before it is used anywhere
 * (in both forms: plain, and inside the base64 token).
 */
async function authorizeEcr(deps) {
    const auth = await (0,_ecr_js__WEBPACK_IMPORTED_MODULE_0__/* .getAuthorization */ .uQ)(deps.ecr, deps.registryId, deps.region);
    deps.logger.setSecret(auth.password);
    deps.logger.setSecret(Buffer.from(`${auth.username}:${auth.password}`).toString('base64'));
    const host = deps.registry ?? (0,_decide_js__WEBPACK_IMPORTED_MODULE_1__/* .registryHost */ .U$)(auth.proxyEndpoint);
    return {
        host,
        account: deps.registryId ?? (0,_decide_js__WEBPACK_IMPORTED_MODULE_1__/* .accountOfRegistry */ .Yy)(host) ?? (0,_decide_js__WEBPACK_IMPORTED_MODULE_1__/* .accountOfRegistry */ .Yy)(auth.proxyEndpoint),
        username: auth.username,
        password: auth.password,
    };
}
/** `docker login` with the password on standard input — never in the arguments or environment. */
async function dockerLogin(docker, logger, auth) {
    const result = await docker.run('docker', ['login', '--username', auth.username, '--password-stdin', auth.host], {
        stdin: auth.password,
    });
    if (result.exitCode !== 0) {
        throw new Error(`docker login to ${auth.host} failed (exit ${result.exitCode}): ${lastLine(result.stderr)}. Check that docker is installed and can reach the registry.`);
    }
    logger.info(`Logged in to ${auth.host}.`);
}
/** `docker logout` for the post step; a failure is a warning, never a failed job. */
async function logoutFromRegistry(docker, logger, host) {
    const result = await docker.run('docker', ['logout', host]);
    if (result.exitCode === 0)
        logger.info(`Logged out of ${host}.`);
    else
        logger.warning(`docker logout ${host} failed (exit ${result.exitCode}): ${lastLine(result.stderr)}`);
}
function lastLine(text) {
    const lines = text.trim().split('\n');
    return lines[lines.length - 1]?.trim() || 'no error output';
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

/***/ 4711:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   S: () => (/* binding */ ManifestError),
/* harmony export */   j: () => (/* binding */ formatLocation)
/* harmony export */ });
function formatLocation(location) {
    return location.document === undefined
        ? `${location.source}:${location.line}`
        : `${location.source}, document ${location.document}, line ${location.line}`;
}
/** A problem with the manifests or the render options; the message is one sentence. */
class ManifestError extends Error {
    name = 'ManifestError';
    constructor(message, location) {
        super(location ? `${formatLocation(location)}: ${message}` : message);
    }
}


/***/ }),

/***/ 8001:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Yn: () => (/* binding */ getPath),
  lm: () => (/* binding */ replaceImages)
});

// UNUSED EXPORTS: imageReplacements, setScalar

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
function image_reference_parseImageReference(text) {
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
function image_reference_isRepositoryPath(name) {
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
            throw new ManifestError(`Invalid image name ${JSON.stringify(name)}; expected a repository path such as api or team/api, without registry, tag or digest.`);
        }
        if (parseImageReference(reference) === undefined) {
            throw new ManifestError(`Invalid image reference ${JSON.stringify(reference)} for ${name}; expected [registry/]path[:tag][@sha256:digest], such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}:v1.`);
        }
        if (replacements.has(name)) {
            throw new ManifestError(`Image ${name} is given twice; expected each image name once.`);
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
                const reference = image_reference_parseImageReference(container.image);
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


/***/ }),

/***/ 6521:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fu: () => (/* binding */ applyOrder),
/* harmony export */   KH: () => (/* binding */ groupKind),
/* harmony export */   MI: () => (/* binding */ CONTAINER_LISTS),
/* harmony export */   ik: () => (/* binding */ isNamespaced),
/* harmony export */   oI: () => (/* binding */ apiGroup),
/* harmony export */   s5: () => (/* binding */ podSpecPath)
/* harmony export */ });
/**
 * What we know about Kubernetes kinds, keyed by API group and kind ("apps/Deployment";
 * the core group is empty: "/Pod"). Decisions go by kind, never by guessing from the shape.
 */
/** The API group of an apiVersion: "apps/v1" → "apps", "v1" → "". */
function apiGroup(apiVersion) {
    const slash = apiVersion.indexOf('/');
    return slash === -1 ? '' : apiVersion.slice(0, slash);
}
function groupKind(apiVersion, kind) {
    return `${apiGroup(apiVersion)}/${kind}`;
}
/** Where each workload kind keeps its pod spec (the object holding `containers`). */
const POD_SPEC_PATHS = {
    '/Pod': ['spec'],
    '/ReplicationController': ['spec', 'template', 'spec'],
    '/PodTemplate': ['template', 'spec'],
    'apps/Deployment': ['spec', 'template', 'spec'],
    'apps/ReplicaSet': ['spec', 'template', 'spec'],
    'apps/StatefulSet': ['spec', 'template', 'spec'],
    'apps/DaemonSet': ['spec', 'template', 'spec'],
    'batch/Job': ['spec', 'template', 'spec'],
    'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
    'argoproj.io/Rollout': ['spec', 'template', 'spec'],
    'keda.sh/ScaledJob': ['spec', 'jobTargetRef', 'template', 'spec'],
};
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];
/** The path to the pod spec of a workload kind, or undefined for kinds without pods. */
function podSpecPath(key) {
    return POD_SPEC_PATHS[key];
}
/** Cluster-scoped built-in kinds, plus well-known cluster-scoped custom resources. */
const CLUSTER_SCOPED = new Set([
    '/Namespace',
    '/Node',
    '/PersistentVolume',
    '/ComponentStatus',
    'rbac.authorization.k8s.io/ClusterRole',
    'rbac.authorization.k8s.io/ClusterRoleBinding',
    'storage.k8s.io/StorageClass',
    'storage.k8s.io/CSIDriver',
    'storage.k8s.io/CSINode',
    'storage.k8s.io/VolumeAttachment',
    'storage.k8s.io/VolumeAttributesClass',
    'scheduling.k8s.io/PriorityClass',
    'networking.k8s.io/IngressClass',
    'networking.k8s.io/IPAddress',
    'networking.k8s.io/ServiceCIDR',
    'node.k8s.io/RuntimeClass',
    'apiextensions.k8s.io/CustomResourceDefinition',
    'apiregistration.k8s.io/APIService',
    'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
    'admissionregistration.k8s.io/MutatingWebhookConfiguration',
    'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
    'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
    'certificates.k8s.io/CertificateSigningRequest',
    'certificates.k8s.io/ClusterTrustBundle',
    'flowcontrol.apiserver.k8s.io/FlowSchema',
    'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
    'cert-manager.io/ClusterIssuer',
    'external-secrets.io/ClusterSecretStore',
    'keda.sh/ClusterTriggerAuthentication',
]);
/**
 * Whether a kind lives in a namespace. Unknown kinds (custom resources) are namespaced unless
 * a CustomResourceDefinition in the same set declares `scope: Cluster` (`clusterScopedCrds`).
 */
function isNamespaced(key, clusterScopedCrds) {
    return !CLUSTER_SCOPED.has(key) && !clusterScopedCrds.has(key);
}
/**
 * Apply order, by group; documents keep their input order within a group.
 *  0 namespaces and CRDs — everything else may live in them or be one of their kinds;
 *  1 cluster-wide settings and configuration workloads read at start-up (including the
 *    well-known custom resources that produce Secrets and certificates);
 *  2 workloads;
 *  3 other custom resources (their CRDs went first; they usually refer to workloads);
 *  4 autoscalers and ingresses, which point at workloads and services;
 *  5 webhooks and API services, last: registered before their backing pods are ready they
 *    would make the API server reject or stall the other writes of this apply.
 */
const ORDER = {
    '/Namespace': 0,
    'apiextensions.k8s.io/CustomResourceDefinition': 0,
    ...Object.fromEntries([
        'scheduling.k8s.io/PriorityClass',
        'storage.k8s.io/StorageClass',
        'storage.k8s.io/CSIDriver',
        'networking.k8s.io/IngressClass',
        'node.k8s.io/RuntimeClass',
        '/ResourceQuota',
        '/LimitRange',
        'policy/PodSecurityPolicy',
        'rbac.authorization.k8s.io/ClusterRole',
        'rbac.authorization.k8s.io/ClusterRoleBinding',
        'rbac.authorization.k8s.io/Role',
        'rbac.authorization.k8s.io/RoleBinding',
        '/ServiceAccount',
        '/ConfigMap',
        '/Secret',
        '/PersistentVolume',
        '/PersistentVolumeClaim',
        'networking.k8s.io/NetworkPolicy',
        '/Service',
        '/Endpoints',
        'discovery.k8s.io/EndpointSlice',
        'policy/PodDisruptionBudget',
        'keda.sh/TriggerAuthentication',
        'keda.sh/ClusterTriggerAuthentication',
        // Custom resources that produce the Secrets and certificates workloads start with.
        'external-secrets.io/SecretStore',
        'external-secrets.io/ClusterSecretStore',
        'external-secrets.io/ExternalSecret',
        'cert-manager.io/Issuer',
        'cert-manager.io/ClusterIssuer',
        'cert-manager.io/Certificate',
    ].map((key) => [key, 1])),
    ...Object.fromEntries(Object.keys(POD_SPEC_PATHS).map((key) => [key, 2])),
    ...Object.fromEntries([
        'autoscaling/HorizontalPodAutoscaler',
        'autoscaling.k8s.io/VerticalPodAutoscaler',
        'keda.sh/ScaledObject',
        'networking.k8s.io/Ingress',
        'extensions/Ingress',
        'gateway.networking.k8s.io/HTTPRoute',
        'gateway.networking.k8s.io/GRPCRoute',
    ].map((key) => [key, 4])),
    'admissionregistration.k8s.io/ValidatingWebhookConfiguration': 5,
    'admissionregistration.k8s.io/MutatingWebhookConfiguration': 5,
    'apiregistration.k8s.io/APIService': 5,
};
const UNKNOWN_KIND_ORDER = 3;
function applyOrder(key) {
    return ORDER[key] ?? UNKNOWN_KIND_ORDER;
}


/***/ }),

/***/ 119:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ phaseTimer)
/* harmony export */ });
/**
 * Runs each phase in a log group and records its timing in `phases`: failed when it throws
 * (cancelled when the run's signal aborted), done otherwise.
 */
function phaseTimer(phases, logger, signal, now = Date.now) {
    return async (name, work) => {
        const timing = { name, startedAt: now(), durationMs: 0, outcome: 'done' };
        phases.push(timing);
        try {
            return await logger.group(name, work);
        }
        catch (error) {
            timing.outcome = signal?.aborted ? 'cancelled' : 'failed';
            throw error;
        }
        finally {
            timing.durationMs = now() - timing.startedAt;
        }
    };
}


/***/ }),

/***/ 6587:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  renderOutputPath: () => (/* binding */ renderOutputPath),
  renderPhase: () => (/* binding */ renderPhase),
  runPipeline: () => (/* binding */ runPipeline),
  traceabilityOf: () => (/* binding */ traceabilityOf),
  workspaceOf: () => (/* binding */ workspaceOf)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./src/aws/clients.ts
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
    const { ECRClient } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(249)]).then(__webpack_require__.t.bind(__webpack_require__, 8249, 19));
    return new ECRClient({ region, ...RETRY_SETTINGS });
}
/** An EKS client for the region; endpoints follow AWS_ENDPOINT_URL_EKS as the SDK does. */
async function createEksClient(region) {
    const { EKSClient } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(524)]).then(__webpack_require__.t.bind(__webpack_require__, 4524, 19));
    return new EKSClient({ region, ...RETRY_SETTINGS });
}
/** Credentials from the default chain (env, web identity, SSO, profile, container, IMDS). */
async function loadDefaultCredentials() {
    const { defaultProvider } = await __webpack_require__.e(/* import() */ 861).then(__webpack_require__.t.bind(__webpack_require__, 5861, 19));
    return defaultProvider()();
}

// EXTERNAL MODULE: ./src/aws/errors.ts
var errors = __webpack_require__(9378);
;// CONCATENATED MODULE: ./src/cluster/eks.ts

/** Clusters in these states serve the Kubernetes API; the others cannot take a deploy. */
const USABLE = new Set(['ACTIVE', 'UPDATING']);
/** DescribeCluster, checked: the cluster exists, serves its API, and has an endpoint and CA. */
async function describeUsableCluster(eks, name, region) {
    const { DescribeClusterCommand } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(524)]).then(__webpack_require__.t.bind(__webpack_require__, 4524, 19));
    const context = { service: 'eks', operation: 'DescribeCluster', region, subject: `cluster '${name}'` };
    let cluster;
    try {
        ({ cluster } = await eks.send(new DescribeClusterCommand({ name })));
    }
    catch (error) {
        if ((0,errors/* errorName */.Is)(error) === 'ResourceNotFoundException') {
            throw new errors/* AwsError */.Gy(`EKS cluster '${name}' was not found in region ${region}. Check cluster-name and aws-region (and that the credentials belong to the cluster's account).`, 'ResourceNotFoundException');
        }
        return (0,errors/* callAws */.IY)(context, () => Promise.reject(error));
    }
    const status = cluster?.status ?? 'UNKNOWN';
    if (!USABLE.has(status)) {
        throw new errors/* AwsError */.Gy(`EKS cluster '${name}' in ${region} is ${status}, not ACTIVE or UPDATING, so it cannot take a deploy. Wait until it is ACTIVE${status === 'FAILED' || status === 'DELETING' ? ' (or fix the cluster first)' : ''}.`, 'ClusterNotUsable');
    }
    if (!cluster?.endpoint || !cluster.certificateAuthority?.data) {
        throw new errors/* AwsError */.Gy(`EKS cluster '${name}' in ${region} has no API endpoint or certificate authority yet. Wait until it is ACTIVE.`, 'ClusterNotUsable');
    }
    return {
        name,
        endpoint: cluster.endpoint,
        certificateAuthorityData: cluster.certificateAuthority.data,
        authenticationMode: cluster.accessConfig?.authenticationMode,
    };
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./src/cluster/kubeconfig.ts




/**
 * A kubeconfig for one EKS cluster whose user is an exec credential plugin: kubectl runs it for
 * a fresh token whenever the last one reaches its expirationTimestamp, so a long rollout never
 * holds an expired token. No secret is written to the file.
 */
function eksKubeconfig(config) {
    const name = `eks-${config.region}-${config.clusterName}`;
    const env = Object.entries(config.env ?? {}).map(([key, value]) => ({ name: key, value }));
    const doc = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
            {
                name,
                cluster: { server: config.endpoint, 'certificate-authority-data': config.certificateAuthorityData },
            },
        ],
        users: [
            {
                name,
                user: {
                    exec: {
                        apiVersion: 'client.authentication.k8s.io/v1beta1',
                        command: config.credentialCommand.command,
                        args: [
                            ...config.credentialCommand.args,
                            'eks-token',
                            '--cluster-name',
                            config.clusterName,
                            '--region',
                            config.region,
                        ],
                        ...(env.length > 0 ? { env } : {}),
                        interactiveMode: 'Never',
                        provideClusterInfo: false,
                    },
                },
            },
        ],
        contexts: [
            {
                name,
                context: { cluster: name, user: name, ...(config.namespace ? { namespace: config.namespace } : {}) },
            },
        ],
        'current-context': name,
    };
    return (0,dist/* stringify */.As)(doc);
}
/** Writes the kubeconfig into a fresh private folder under `dir`, readable by its owner only. */
async function writeKubeconfig(dir, content) {
    const folder = await (0,promises_.mkdtemp)((0,external_node_path_.join)(dir, 'k8s-deploy-'));
    const path = (0,external_node_path_.join)(folder, 'kubeconfig');
    await (0,promises_.writeFile)(path, content, { mode: 0o600 });
    await (0,promises_.chmod)(path, 0o600); // the umask cannot widen it, but be explicit for a reused path
    return path;
}
/**
 * How kubectl runs our CLI bundle: the running bundle is dist/index.js (the action) or
 * dist/cli/index.js (the CLI), and the CLI bundle sits at dist/cli/index.js. `node` is the
 * current executable, so no node on PATH is needed.
 */
function bundledCliCommand(runningScript = process.argv[1], execPath = process.execPath) {
    if (!runningScript)
        throw new Error('Cannot locate the k8s-deploy CLI bundle: no running script path.');
    const dir = (0,external_node_path_.dirname)(runningScript);
    const cli = (0,external_node_path_.basename)(dir) === 'cli' ? (0,external_node_path_.join)(dir, 'index.js') : (0,external_node_path_.join)(dir, 'cli', 'index.js');
    if (!(0,external_node_fs_.existsSync)(cli)) {
        throw new Error(`The k8s-deploy CLI bundle is missing at ${cli}; kubectl needs it to get EKS tokens. Rebuild dist/ (npm run build).`);
    }
    return { command: execPath, args: [cli] };
}

;// CONCATENATED MODULE: ./src/cluster/connect.ts





/**
 * The connect phase. cluster-name → a kubeconfig for that EKS cluster (exec plugin tokens);
 * else the kubeconfig input or KUBECONFIG as they are; else no cluster (undefined) — only a phase
 * that needs one fails, via requireCluster. The connection is proven with one read-only call.
 */
async function connectCluster(inputs, deps) {
    const { logger, env } = deps;
    if (inputs.clusterName) {
        const region = inputs.awsRegion ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
        if (!region) {
            throw new Error("Input 'aws-region' is empty. Expected the region of the EKS cluster, such as eu-west-1.");
        }
        const eks = await (deps.eks ?? createEksClient)(region);
        const cluster = await describeUsableCluster(eks, inputs.clusterName, region);
        const content = eksKubeconfig({
            clusterName: cluster.name,
            region,
            endpoint: cluster.endpoint,
            certificateAuthorityData: cluster.certificateAuthorityData,
            credentialCommand: (deps.credentialCommand ?? bundledCliCommand)(),
            env: deps.pluginEnv,
            namespace: inputs.namespace,
        });
        const kubeconfigPath = await writeKubeconfig(env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(), content);
        logger.info(`Wrote a kubeconfig for EKS cluster '${cluster.name}' (${cluster.endpoint}) to ${kubeconfigPath}.`);
        const serverVersion = await proveConnection(deps, kubeconfigPath, cluster.authenticationMode, cluster.name);
        return {
            kubeconfigPath,
            source: 'eks',
            written: true,
            authenticationMode: cluster.authenticationMode,
            serverVersion,
        };
    }
    const given = inputs.kubeconfig ?? (env.KUBECONFIG || undefined);
    if (given === undefined) {
        logger.info('No cluster-name or kubeconfig given: not connecting to a cluster.');
        return undefined;
    }
    const source = inputs.kubeconfig ? 'input' : 'environment';
    // KUBECONFIG may list several files (path-separated); kubectl merges them, so only check one input.
    if (source === 'input' && !(0,external_node_fs_.existsSync)(given)) {
        throw new Error(`Input 'kubeconfig' names ${given}, which does not exist. Expected the path of a kubeconfig file.`);
    }
    logger.info(`Using the kubeconfig ${source === 'input' ? 'from the kubeconfig input' : 'in KUBECONFIG'}: ${given}.`);
    const serverVersion = await proveConnection(deps, given, undefined, undefined);
    return { kubeconfigPath: given, source, written: false, authenticationMode: undefined, serverVersion };
}
/** For phases that need a cluster: the connection, or one sentence saying how to give one. */
function requireCluster(connection, phase) {
    if (connection)
        return connection;
    throw new Error(`The ${phase} phase needs a cluster. Set cluster-name (an EKS cluster) or kubeconfig (any cluster).`);
}
/**
 * `kubectl version` is read-only and needs a working login: the cheapest honest check. `where`
 * (e.g. the CLI's "context X of PATH") names the cluster in the messages when given.
 */
async function proveConnection(deps, kubeconfigPath, authenticationMode, clusterName, where) {
    const context = deps.context ? ['--context', deps.context] : [];
    const result = await deps.kubectl.run('kubectl', [...context, 'version', '--output=json', '--request-timeout=30s'], { env: { ...deps.env, KUBECONFIG: kubeconfigPath }, timeoutMs: 60_000 });
    if (result.exitCode === 0) {
        const version = parseServerVersion(result.stdout) ?? '(version not reported)';
        deps.logger.info(where
            ? `Connected to ${where}: Kubernetes ${version}.`
            : `Connected: the cluster runs Kubernetes ${version}.`);
        return version;
    }
    const detail = tail(result.stderr);
    if (/Unauthorized|\b401\b|must be logged in/i.test(result.stderr)) {
        throw new Error(`${explainUnauthorized(authenticationMode, clusterName)} (${where ? `${where}; ` : ''}kubectl said: ${detail})`);
    }
    throw new Error(`kubectl could not reach the cluster${where ? ` of ${where}` : ''} (exit ${result.exitCode}): ${detail}`);
}
function parseServerVersion(stdout) {
    try {
        const parsed = JSON.parse(stdout);
        return parsed.serverVersion?.gitVersion;
    }
    catch {
        return undefined;
    }
}
/**
 * Why a cluster answers 401 to a valid AWS identity: EKS maps IAM principals to Kubernetes users
 * through access entries (API), the aws-auth ConfigMap (CONFIG_MAP), or either.
 */
function explainUnauthorized(authenticationMode, clusterName) {
    if (clusterName === undefined) {
        return "The cluster refused the credentials in the kubeconfig (401 Unauthorized). Check the kubeconfig's user: its token or certificate may be expired or meant for another cluster.";
    }
    const start = `EKS cluster '${clusterName}' does not accept this job's IAM role (401 Unauthorized).`;
    const entry = `create an EKS access entry for the role (aws eks create-access-entry --cluster-name ${clusterName} --principal-arn ROLE_ARN) and associate an access policy with it (aws eks associate-access-policy, e.g. AmazonEKSEditPolicy scoped to the namespace)`;
    const configMap = "map the role in the kube-system/aws-auth ConfigMap's mapRoles to a user in a group with the needed RBAC rights";
    switch (authenticationMode) {
        case 'API':
            return `${start} The cluster authenticates with access entries only: ${entry}.`;
        case 'API_AND_CONFIG_MAP':
            return `${start} The cluster accepts access entries and the aws-auth ConfigMap: ${entry}, or ${configMap}.`;
        default:
            return `${start} The cluster authenticates through the aws-auth ConfigMap only: ${configMap} (or switch its authentication mode to API_AND_CONFIG_MAP and ${entry}).`;
    }
}
function tail(stderr) {
    const lines = stderr.trim().split('\n').filter(Boolean);
    return lines.slice(-3).join(' | ') || 'no error output';
}

;// CONCATENATED MODULE: ./src/images/commands.ts
/** The registry cache's own tag, apart from the SHA tags, so it never shadows an image. */
const CACHE_TAG = 'buildcache';
/** OCI labels that tie an image to its commit, repository and build time. */
function ociLabels(env, created) {
    const labels = {};
    if (env.GITHUB_SHA)
        labels['org.opencontainers.image.revision'] = env.GITHUB_SHA;
    if (env.GITHUB_REPOSITORY) {
        const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
        labels['org.opencontainers.image.source'] = `${server}/${env.GITHUB_REPOSITORY}`;
    }
    labels['org.opencontainers.image.created'] = created.toISOString();
    return labels;
}
/** Flags both paths share: Dockerfile, target, build args, labels. */
function commonFlags(plan) {
    const { spec } = plan;
    const flags = [];
    if (spec.dockerfile)
        flags.push('--file', spec.dockerfile);
    if (spec.target)
        flags.push('--target', spec.target);
    for (const [key, value] of Object.entries(spec.buildArgs))
        flags.push('--build-arg', `${key}=${value}`);
    for (const [key, value] of Object.entries(plan.labels))
        flags.push('--label', `${key}=${value}`);
    return flags;
}
/**
 * `docker buildx build` arguments. With `push`, the image goes straight to ECR; without it, the
 * image is only built and its would-be digest written to `metadataFile` (used to compare against
 * an immutable tag before anything is pushed).
 *
 * Provenance is off because BuildKit's attestations turn every image into an index, which some
 * consumers (and ECR's console and scanning) handle poorly. The registry cache uses the
 * image-manifest layout ECR accepts; `ignore-error` keeps a cache that cannot be written (an
 * IMMUTABLE repository without an exclusion for the cache tag) from failing the deploy.
 * `cacheExport` is false on BuildKit's `docker` driver, which refuses to export a cache (unless
 * the daemon uses the containerd image store); the cache is then only read.
 */
function buildxArgs(plan, options) {
    const cache = `${plan.repository}:${CACHE_TAG}`;
    const args = ['buildx', 'build', '--provenance=false'];
    if (options.push)
        args.push('--push');
    else
        args.push('--output', `type=image,name=${plan.reference},push=false`);
    if (options.metadataFile)
        args.push('--metadata-file', options.metadataFile);
    args.push('--tag', plan.reference);
    if (plan.spec.platforms.length > 0)
        args.push('--platform', plan.spec.platforms.join(','));
    args.push(...commonFlags(plan));
    args.push('--cache-from', `type=registry,ref=${cache}`);
    if (options.push && options.cacheExport) {
        args.push('--cache-to', `type=registry,ref=${cache},mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`);
    }
    args.push(plan.spec.context);
    return args;
}
/**
 * Classic `docker build` arguments. Without BuildKit an image has at most one platform
 * (`--platform`); several platforms need buildx and are refused before anything is built.
 */
function dockerBuildArgs(plan, options = {}) {
    const args = ['build', '--tag', plan.reference];
    if (options.iidFile)
        args.push('--iidfile', options.iidFile);
    if (plan.spec.platforms.length === 1)
        args.push('--platform', plan.spec.platforms[0]);
    args.push(...commonFlags(plan));
    args.push(plan.spec.context);
    return args;
}
function dockerPushArgs(plan) {
    return ['push', plan.reference];
}
/** The BuildKit driver `docker buildx inspect` names ("docker", "docker-container", ...). */
function buildxDriver(inspectOutput) {
    return /^Driver:\s+(\S+)/m.exec(inspectOutput)?.[1];
}
/** The images that ask for more platforms than classic `docker build` can make. */
function needingBuildx(specs) {
    return specs.filter((spec) => spec.platforms.length > 1);
}

// EXTERNAL MODULE: ./src/images/decide.ts
var decide = __webpack_require__(6012);
// EXTERNAL MODULE: ./src/images/ecr.ts
var images_ecr = __webpack_require__(1708);
// EXTERNAL MODULE: ./src/images/login.ts
var images_login = __webpack_require__(3975);
;// CONCATENATED MODULE: ./src/images/prepare.ts








/**
 * The build phase: for each image, reuse the tag if ECR has it (build: auto/never) or build and
 * push it (one image after another), then read its digest back from ECR. Every decision is made,
 * and every refusal raised, before the first build starts.
 */
async function prepareImages(inputs, given) {
    if (inputs.images.length === 0)
        return { images: {}, built: [], loggedInTo: undefined };
    const { tag, awsRegion: region } = inputs;
    if (tag === undefined)
        throw new Error('No image tag: set the tag input or GITHUB_SHA.');
    if (region === undefined) {
        throw new Error("Input 'aws-region' is empty. Expected the region of the ECR registry, such as eu-west-1.");
    }
    const deps = { ...given, ecr: given.ecr ?? (await createEcrClient(region)) };
    const login = await (0,images_login/* authorizeEcr */.w)({
        ...deps,
        region,
        registryId: inputs.registryId,
        registry: inputs.registry,
    });
    const planned = await planImages(inputs, deps, { tag, region, account: login.account });
    const toBuild = planned.filter((p) => p.decision.action === 'build');
    const builder = toBuild.length > 0 ? await readyToBuild(toBuild, deps, login) : undefined;
    const images = {};
    const built = [];
    const created = await imageCreatedTime(deps);
    for (const { spec, ref, repo, decision } of planned) {
        const reference = `${login.host}/${spec.name}:${tag}`;
        if (decision.action === 'reuse') {
            deps.logger.info(`${spec.name}: ${reference} is already in ECR (${decision.digest}); reusing it, nothing built.`);
            images[spec.name] = `${reference}@${decision.digest}`;
        }
        else if (decision.action === 'build' && builder) {
            const plan = {
                spec,
                reference,
                repository: `${login.host}/${spec.name}`,
                labels: ociLabels(deps.env, created),
            };
            if (decision.createRepository) {
                deps.logger.info(`${spec.name}: creating ECR repository '${spec.name}' (immutable tags, scan on push).`);
                await (0,images_ecr/* createRepository */.vB)(deps.ecr, ref);
            }
            // A line, not a group: the runner cannot nest groups, and this runs inside 'Images'.
            deps.logger.info(`Building ${reference}`);
            const pushed = await buildImage(plan, decision.existingDigest, { deps, ref, repo, ...builder });
            if (pushed)
                built.push(spec.name);
            images[spec.name] = `${reference}@${await digestAfterPush(deps.ecr, ref, tag, reference)}`;
        }
    }
    return { images, built, loggedInTo: builder ? login.host : undefined };
}
/**
 * The `org.opencontainers.image.created` label. Not the wall clock: a rebuild of the same commit
 * must produce the same image, or `build: always` on an IMMUTABLE tag could never match. So:
 * SOURCE_DATE_EPOCH (the reproducible-builds convention, which BuildKit honours too), else the
 * commit's time from git, else the clock.
 */
async function imageCreatedTime(deps) {
    const epoch = deps.env.SOURCE_DATE_EPOCH?.trim();
    if (epoch && /^\d+$/.test(epoch))
        return new Date(Number(epoch) * 1000);
    const sha = deps.env.GITHUB_SHA?.trim();
    if (sha) {
        const git = await deps.docker
            .run('git', ['show', '-s', '--format=%cI', sha], { cwd: deps.env.GITHUB_WORKSPACE || undefined })
            .catch(() => undefined);
        const time = git?.exitCode === 0 ? new Date(git.stdout.trim()) : undefined;
        if (time && !Number.isNaN(time.getTime()))
            return time;
    }
    return (deps.clock ?? (() => new Date()))();
}
/** Asks ECR about every image and decides; all refusals are raised together, before any build. */
async function planImages(inputs, deps, where) {
    const planned = [];
    for (const spec of inputs.images) {
        const ref = { repositoryName: spec.name, registryId: inputs.registryId, region: where.region };
        const state = await (0,images_ecr/* lookupTag */.nn)(deps.ecr, ref, where.tag);
        // ECR's own answer names the account more surely than a host name does.
        const repo = {
            name: spec.name,
            account: state.registryId ?? where.account,
            region: where.region,
            tag: where.tag,
        };
        planned.push({
            spec,
            ref,
            repo,
            decision: (0,decide/* decideImage */.oM)(inputs.build, state, inputs.createRepositories, repo),
        });
    }
    const refusals = planned.flatMap((p) => (p.decision.action === 'fail' ? [p.decision.message] : []));
    if (refusals.length > 0)
        throw new Error(refusals.join('\n'));
    return planned;
}
/** Picks the build path, checks it can build every image, and logs docker in. */
async function readyToBuild(toBuild, deps, login) {
    const builder = await detectBuilder(deps.docker);
    checkPlatforms(toBuild.map((p) => p.spec), builder.buildx);
    deps.logger.info(`Building with ${builder.buildx ? 'BuildKit (docker buildx)' : 'docker build + docker push'}.`);
    if (builder.buildx && !builder.cacheExport) {
        deps.logger.info("BuildKit's docker driver cannot write a registry cache: reading it only. Set up a builder (e.g. docker/setup-buildx-action) to cache layers in ECR.");
    }
    // Only a build needs docker: promoting existing images works on a runner without it.
    await (0,images_login/* dockerLogin */.a1)(deps.docker, deps.logger, login);
    deps.onLogin?.(login.host);
    return builder;
}
async function digestAfterPush(ecr, ref, tag, reference) {
    const state = await (0,images_ecr/* lookupTag */.nn)(ecr, ref, tag);
    if (state.kind !== 'present') {
        throw new Error(`${reference} was pushed, but ECR does not list tag '${tag}' in repository '${ref.repositoryName}'.`);
    }
    return state.digest;
}
/**
 * BuildKit when `docker buildx version` works; its driver decides whether a registry cache can
 * be exported (not by the `docker` driver, the default builder of a plain Docker install).
 */
async function detectBuilder(docker) {
    const version = await docker.run('docker', ['buildx', 'version']);
    if (version.exitCode !== 0)
        return { buildx: false, cacheExport: false };
    const inspect = await docker.run('docker', ['buildx', 'inspect']);
    const driver = inspect.exitCode === 0 ? buildxDriver(inspect.stdout) : undefined;
    return { buildx: true, cacheExport: driver !== undefined && driver !== 'docker' };
}
function checkPlatforms(specs, buildx) {
    if (buildx)
        return;
    const many = needingBuildx(specs);
    if (many.length === 0)
        return;
    const names = many.map((spec) => `'${spec.name}' (${spec.platforms.join(', ')})`).join(', ');
    throw new Error(`Image ${names} needs several platforms, which only BuildKit can build, and 'docker buildx version' failed on this runner. Set up buildx (e.g. docker/setup-buildx-action) or list one platform per image.`);
}
/** Builds and pushes one image; returns false when an identical image was already there. */
async function buildImage(plan, existingDigest, ctx) {
    const { deps } = ctx;
    if (existingDigest !== undefined) {
        const mutability = await (0,images_ecr/* tagMutability */.zY)(deps.ecr, ctx.ref);
        if (mutability.startsWith('IMMUTABLE'))
            return buildAgainstImmutableTag(plan, existingDigest, ctx);
    }
    if (ctx.buildx) {
        await docker(deps, buildxArgs(plan, { push: true, cacheExport: ctx.cacheExport }), `build and push ${plan.reference}`);
    }
    else {
        await docker(deps, dockerBuildArgs(plan), `build ${plan.reference}`);
        await docker(deps, dockerPushArgs(plan), `push ${plan.reference}`);
    }
    return true;
}
/**
 * build: always on an IMMUTABLE tag that exists: build without pushing, then compare with what
 * ECR holds — identical is fine (nothing to push), different is refused before any push.
 * BuildKit reports the would-be manifest digest; classic docker the config digest (image ID).
 */
async function buildAgainstImmutableTag(plan, existingDigest, ctx) {
    const { deps } = ctx;
    const dir = await (0,promises_.mkdtemp)((0,external_node_path_.join)(deps.tempDir ?? (0,external_node_os_.tmpdir)(), 'k8s-deploy-build-'));
    try {
        let same;
        let builtDigest;
        if (ctx.buildx) {
            const metadataFile = (0,external_node_path_.join)(dir, 'metadata.json');
            await docker(deps, buildxArgs(plan, { push: false, cacheExport: false, metadataFile }), `build ${plan.reference}`);
            const metadata = JSON.parse(await (0,promises_.readFile)(metadataFile, 'utf8'));
            builtDigest = metadata['containerimage.digest'];
            same = builtDigest === existingDigest;
        }
        else {
            const iidFile = (0,external_node_path_.join)(dir, 'image-id');
            await docker(deps, dockerBuildArgs(plan, { iidFile }), `build ${plan.reference}`);
            builtDigest = (await (0,promises_.readFile)(iidFile, 'utf8')).trim();
            const existingConfig = await (0,images_ecr/* configDigest */.xv)(deps.ecr, ctx.ref, ctx.repo.tag);
            same = existingConfig !== undefined && existingConfig === builtDigest;
        }
        if (!same)
            throw new Error((0,decide/* immutableConflict */.Xj)(ctx.repo, existingDigest, builtDigest));
        deps.logger.info(`${plan.reference} is identical to the image ECR already holds; nothing pushed.`);
        return false;
    }
    finally {
        await (0,promises_.rm)(dir, { recursive: true, force: true });
    }
}
async function docker(deps, args, what) {
    const result = await deps.docker.run('docker', args, {
        onStdout: (chunk) => deps.logger.info(chunk.trimEnd()),
        onStderr: (chunk) => deps.logger.info(chunk.trimEnd()),
    });
    if (result.exitCode !== 0) {
        throw new Error(`docker failed to ${what} (exit ${result.exitCode}): ${(0,images_login/* lastLine */.fM)(result.stderr)}`);
    }
}

// EXTERNAL MODULE: ./src/manifests/annotations.ts
var annotations = __webpack_require__(3680);
// EXTERNAL MODULE: ./node_modules/tinyglobby/dist/index.mjs + 1 modules
var tinyglobby_dist = __webpack_require__(3382);
// EXTERNAL MODULE: ./src/manifests/errors.ts
var manifests_errors = __webpack_require__(4711);
;// CONCATENATED MODULE: ./src/manifests/load.ts




/** Names kustomize looks for, in its order. */
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml']);
/**
 * Loads manifest sources from the `manifests` entries, each one of:
 * - a file;
 * - a folder holding a kustomization file: rendered with `kubectl kustomize`;
 * - any other folder: its *.yaml and *.yml files, NOT its subfolders (as `kubectl apply -f`
 *   does; a reference tree of base/ and overlays/ must not be merged by accident — use a glob
 *   such as `k8s/**\/*.yaml` to recurse);
 * - a glob, relative to the workspace (kustomization files it matches are skipped: they are
 *   kustomize's input, not Kubernetes objects).
 * Files come in a stable order: entries as given, the files of a folder or glob sorted by path.
 * Anything that resolves (through symlinks) outside the workspace, or matches nothing, is an error.
 */
async function loadManifestSources(entries, options) {
    if (entries.length === 0) {
        throw new manifests_errors/* ManifestError */.S('No manifests were given; expected at least one file, folder or glob.');
    }
    const workspace = await (0,promises_.realpath)(external_node_path_default().resolve(options.workspace));
    const seen = new Set();
    const sources = [];
    for (const entry of entries) {
        for (const source of await loadEntry(entry, workspace, options)) {
            if (seen.has(source.realPath))
                continue; // listed twice (e.g. a file and its folder)
            seen.add(source.realPath);
            sources.push(source.source);
        }
    }
    return sources;
}
async function loadEntry(entry, workspace, options) {
    if ((0,tinyglobby_dist/* isDynamicPattern */.ey)(entry)) {
        const matches = await (0,tinyglobby_dist/* glob */.TI)(entry, {
            cwd: workspace,
            absolute: true,
            onlyFiles: true,
            expandDirectories: false,
        });
        const files = matches.filter((file) => !KUSTOMIZATION_FILES.includes(external_node_path_default().basename(file))).sort();
        if (files.length === 0) {
            throw new manifests_errors/* ManifestError */.S(`Manifest glob ${JSON.stringify(entry)} matches no files in the workspace ${workspace}.`);
        }
        return Promise.all(files.map((file) => loadFile(file, entry, workspace)));
    }
    const absolute = external_node_path_default().resolve(workspace, entry);
    const info = await (0,promises_.stat)(absolute).catch(() => undefined);
    if (info === undefined) {
        throw new manifests_errors/* ManifestError */.S(`Manifest path ${JSON.stringify(entry)} does not exist; expected a file, folder or glob inside the workspace ${workspace}.`);
    }
    const real = await insideWorkspace(absolute, entry, workspace);
    if (!info.isDirectory())
        return [await loadFile(absolute, entry, workspace)];
    const names = await (0,promises_.readdir)(absolute);
    const kustomization = KUSTOMIZATION_FILES.find((name) => names.includes(name));
    if (kustomization !== undefined)
        return [await kustomize(absolute, real, workspace, options)];
    const files = names.filter((name) => MANIFEST_EXTENSIONS.has(external_node_path_default().extname(name))).sort();
    const loaded = [];
    for (const name of files) {
        const file = external_node_path_default().join(absolute, name);
        if ((await (0,promises_.stat)(file)).isFile())
            loaded.push(await loadFile(file, entry, workspace));
    }
    if (loaded.length === 0) {
        const folder = entry.replace(/\/+$/, '');
        const found = await (0,tinyglobby_dist/* glob */.TI)(['*/kustomization.{yaml,yml}', '*/*/kustomization.{yaml,yml}'], {
            cwd: absolute,
        });
        // Kustomize components are mixed into overlays, never rendered alone.
        const isComponent = async (file) => /^kind:\s*Component\s*$/m.test(await (0,promises_.readFile)(external_node_path_default().join(absolute, file), 'utf8').catch(() => ''));
        const nested = [];
        for (const file of found)
            if (!(await isComponent(file)))
                nested.push(file);
        const suggestion = nested.length > 0
            ? `a kustomize folder such as ${nested
                .map((file) => `${folder}/${external_node_path_default().dirname(file)}`)
                // Overlays (deeper) first: they are what a deploy names; a base is rarely deployed alone.
                .sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b))
                .slice(0, 3)
                .join(' or ')}`
            : `manifests directly in it, or a glob such as ${folder}/**/*.yaml for subfolders`;
        throw new manifests_errors/* ManifestError */.S(`Manifest folder ${JSON.stringify(entry)} has no *.yaml or *.yml files and no kustomization.yaml; expected ${suggestion}.`);
    }
    return loaded;
}
async function loadFile(file, entry, workspace) {
    const realPath = await insideWorkspace(file, entry, workspace);
    let text;
    try {
        text = await (0,promises_.readFile)(realPath, 'utf8');
    }
    catch (error) {
        throw new manifests_errors/* ManifestError */.S(`Cannot read manifest ${relative(workspace, file)}: ${error.message}.`);
    }
    return { realPath, source: { name: relative(workspace, file), text } };
}
async function kustomize(dir, realPath, workspace, options) {
    const name = relative(workspace, dir);
    const kubectl = options.kubectl ?? 'kubectl';
    const result = await options.runner.run(kubectl, ['kustomize', dir], { cwd: workspace });
    if (result.exitCode !== 0) {
        const reason = kustomizeReason(result.stderr) || `exit code ${result.exitCode}`;
        throw new manifests_errors/* ManifestError */.S(`kubectl kustomize ${name} failed: ${reason}`);
    }
    return { realPath, source: { name: `${name} (kubectl kustomize)`, text: result.stdout, generated: true } };
}
/**
 * kubectl's last stderr line, without klog's prefix (`E1122 03:10:36.485988 14898 run.go:72]
 * "command failed" err="…"`) or kubectl's `error: `, so the user reads kustomize's own words.
 */
function kustomizeReason(stderr) {
    const last = stderr.trim().split('\n').pop() ?? '';
    const klog = /^[EWIF]\d{4} [\d:.]+\s+\d+ \S+\] "command failed" err="(.*)"$/.exec(last);
    const text = klog ? JSON.parse(`"${klog[1]}"`) : last;
    return text.replace(/^error: /, '');
}
/** Resolves symlinks and returns the real path; throws when it leaves the workspace. */
async function insideWorkspace(file, entry, workspace) {
    const real = await (0,promises_.realpath)(file);
    if (real !== workspace && !real.startsWith(workspace + (external_node_path_default()).sep)) {
        throw new manifests_errors/* ManifestError */.S(`Manifest path ${JSON.stringify(entry)} resolves to ${real}, outside the workspace ${workspace}; expected manifests inside the repository.`);
    }
    return real;
}
function relative(workspace, file) {
    return external_node_path_default().relative(workspace, file) || '.';
}

// EXTERNAL MODULE: ./src/records.ts
var records = __webpack_require__(4845);
// EXTERNAL MODULE: ./src/manifests/autoscalers.ts
var autoscalers = __webpack_require__(7282);
// EXTERNAL MODULE: ./src/manifests/images.ts + 1 modules
var manifests_images = __webpack_require__(8001);
// EXTERNAL MODULE: ./src/manifests/kinds.ts
var manifests_kinds = __webpack_require__(6521);
// EXTERNAL MODULE: ./node_modules/js-yaml/dist/js-yaml.mjs
var js_yaml = __webpack_require__(3243);
;// CONCATENATED MODULE: ./src/manifests/number-source.ts

const NUMBER_TAGS = new Set(['tag:yaml.org,2002:int', 'tag:yaml.org,2002:float']);
/**
 * The yaml library writes numbers from their value, so the Document API would turn `012`
 * into `12`, `+12` into `12`, `0x1F` into `0x1f` and `12345678901234567890` into
 * `12345678901234567000`. The same number to JavaScript, but not to the cluster: Kubernetes
 * reads YAML 1.1, where `012` is octal 10, and big integers lose their digits. So a number
 * keeps the text it was written in as long as that text still reads as its value; numbers
 * an edit wrote, or changed, are written as usual. For `customTags` wherever a Document that
 * may be written back is parsed.
 */
function number_source_keepNumberSources(tags) {
    const numberTags = tags.filter((tag) => typeof tag !== 'string' && NUMBER_TAGS.has(tag.tag) && 'test' in tag);
    const readsAs = (source, value) => numberTags.some((tag) => {
        if (!tag.test?.test(source))
            return false;
        const read = tag.resolve(source, () => { }, {});
        // Floats resolve to a Scalar node (which remembers trailing zeros).
        return Object.is((0,dist/* isScalar */.jn)(read) ? read.value : read, value);
    });
    return tags.map((tag) => {
        if (typeof tag === 'string' || !NUMBER_TAGS.has(tag.tag) || !('stringify' in tag))
            return tag;
        const stringify = tag.stringify;
        if (stringify === undefined)
            return tag;
        const kept = {
            ...tag,
            stringify(node, ...rest) {
                const { source } = node;
                return node.type === 'PLAIN' && typeof source === 'string' && readsAs(source, node.value)
                    ? source
                    : stringify(node, ...rest);
            },
        };
        return kept;
    });
}

;// CONCATENATED MODULE: ./src/manifests/parse.ts






/**
 * Expanding more aliases than this is refused: a few lines of nested aliases ("billion
 * laughs") would otherwise expand to gigabytes here and in kubectl.
 */
const MAX_ALIAS_COUNT = 100;
/** Anchors, aliases, tags and merge keys: documents using them take the yaml Document API. */
const NEEDS_FULL_PARSER = /(^|[\s[{,])[&*!][^\s,\]}]|<</;
/**
 * Parses every YAML document of a source; empty documents are skipped. Plain documents are
 * read with js-yaml (fast); any document it rejects or that uses anchors, aliases or tags
 * goes through the yaml Document API, whose messages and alias limits are the reference.
 */
function parseSource(source) {
    const pieces = splitDocuments(source.text);
    if (pieces === undefined)
        return parseWithDocumentApi(source, source.text, 0, { count: 0 });
    const counter = { count: 0 };
    const parsed = [];
    for (const piece of pieces) {
        const contentLine = piece.lines.findIndex((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
        if (contentLine === -1)
            continue;
        // Not trimmed: trailing blank lines can belong to a `|+` block scalar.
        const joined = piece.lines.join('\n');
        const text = piece.closed || !joined.endsWith('\n') ? `${joined}\n` : joined;
        const fast = NEEDS_FULL_PARSER.test(text) ? undefined : tryFastLoad(text);
        if (fast === undefined || fast === null) {
            parsed.push(...parseWithDocumentApi(source, text, piece.start, counter));
            continue;
        }
        counter.count++;
        const location = {
            source: source.name,
            line: piece.start + contentLine + 1,
            ...(source.generated ? { document: counter.count } : {}),
        };
        parsed.push(describe(text, undefined, fast, location));
    }
    return parsed;
}
/**
 * Splits a YAML stream at its `---` and `...` lines. A line starting with them always ends
 * a document (YAML 1.2 "c-forbidden"), even inside a block scalar, so this split is exact.
 * Undefined (use the full parser) for directives or content on a `---` line.
 */
function splitDocuments(text) {
    const lines = text.split('\n');
    const pieces = [];
    let current = { start: 0, lines: [], closed: false };
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (line.startsWith('%'))
            return undefined;
        const marker = /^(---|\.\.\.)(?=[ \t]|$)(.*)$/.exec(line);
        if (marker === null) {
            current.lines.push(line);
            continue;
        }
        if (!/^\s*(#.*)?$/.test(marker[2]))
            return undefined;
        current.closed = true;
        pieces.push(current);
        current = { start: i + 1, lines: [], closed: false };
    }
    pieces.push(current);
    return pieces;
}
/** js-yaml as the fast path reads (and serialize re-reads) documents; undefined when it rejects one. */
function tryFastLoad(text) {
    try {
        return (0,js_yaml/* load */.Hh)(text, { schema: js_yaml/* CORE_SCHEMA */.OU });
    }
    catch {
        return undefined; // the Document API says what is wrong, with its line
    }
}
function parseWithDocumentApi(source, text, lineOffset, counter) {
    const lineCounter = new dist/* LineCounter */.HN();
    const parsed = [];
    for (const document of (0,dist/* parseAllDocuments */.hR)(text, {
        lineCounter,
        prettyErrors: true,
        customTags: number_source_keepNumberSources,
    })) {
        const start = document.contents?.range[0] ?? document.range[0];
        const location = {
            source: source.name,
            line: lineCounter.linePos(start).line + lineOffset,
            ...(source.generated ? { document: counter.count + 1 } : {}),
        };
        const error = document.errors[0];
        if (error) {
            const line = (error.linePos?.[0].line ?? location.line - lineOffset) + lineOffset;
            const reason = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
            throw new manifests_errors/* ManifestError */.S(`invalid YAML: ${reason}.`, { ...location, line });
        }
        if (document.contents === null)
            continue;
        const object = toPlainData(document, location);
        if (object === null || object === undefined)
            continue;
        counter.count++;
        parsed.push(describe(text, document, object, location));
    }
    return parsed;
}
function toPlainData(document, location) {
    try {
        return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    }
    catch (error) {
        const message = error.message;
        if (/alias/i.test(message)) {
            throw new manifests_errors/* ManifestError */.S(`YAML aliases expand beyond the limit of ${MAX_ALIAS_COUNT} (an alias bomb?); expected plain data or a few aliases.`, location);
        }
        throw new manifests_errors/* ManifestError */.S(`invalid YAML: ${message.split('\n')[0]}.`, location);
    }
}
function describe(text, document, object, location) {
    if (!(0,records/* isRecord */.u)(object)) {
        throw new manifests_errors/* ManifestError */.S('the document is not a mapping; expected a Kubernetes object with apiVersion, kind and metadata.name.', location);
    }
    const { apiVersion, kind } = object;
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(object.items)) {
        throw new manifests_errors/* ManifestError */.S(`the document is a ${kind} (as \`kubectl get -o yaml\` writes); expected its items as separate documents, one per \`---\`.`, location);
    }
    const metadata = (0,records/* isRecord */.u)(object.metadata) ? object.metadata : {};
    const missing = [
        typeof apiVersion === 'string' && apiVersion !== '' ? undefined : 'apiVersion',
        typeof kind === 'string' && kind !== '' ? undefined : 'kind',
        typeof metadata.name === 'string' && metadata.name !== '' ? undefined : 'metadata.name',
    ].filter((field) => field !== undefined);
    if (missing.length > 0) {
        throw new manifests_errors/* ManifestError */.S(`the document has no ${missing.join(', ')}; every Kubernetes object needs apiVersion, kind and metadata.name.`, location);
    }
    const namespace = metadata.namespace;
    return {
        text,
        document,
        edits: [],
        location,
        object,
        apiVersion: apiVersion,
        kind: kind,
        key: (0,manifests_kinds/* groupKind */.KH)(apiVersion, kind),
        name: metadata.name,
        namespace: typeof namespace === 'string' && namespace !== '' ? namespace : undefined,
    };
}

;// CONCATENATED MODULE: ./src/manifests/intended.ts
/**
 * What a rendered document must read back as: the object as the user wrote it with exactly
 * the recorded edits applied. serializeManifest compares every edited document with it, so a
 * formatting shortcut can never ship a value nobody asked to change.
 */


/** A rendered document that reads back differently from what was intended: our bug, not the user's. */
class RenderInvariantError extends Error {
    name = 'RenderInvariantError';
    constructor(message, location) {
        super(`${(0,manifests_errors/* formatLocation */.j)(location)}: internal error: ${message} Please report this with the manifest.`);
    }
}
/**
 * The object with the edits applied, leaving the object itself alone (it is shared). Follows
 * the Document API's rules: a missing or null parent becomes a mapping, deleting a missing
 * key does nothing, and a path through a scalar is the same error the Document API reports.
 */
function intendedObject(object, edits, location) {
    const root = { ...object };
    for (const edit of edits) {
        let container = root;
        const last = edit.path.length - 1;
        for (let depth = 0; depth < last && container !== undefined; depth++) {
            const key = edit.path[depth];
            const child = get(container, key);
            let next;
            if (Array.isArray(child))
                next = [...child];
            else if ((0,records/* isRecord */.u)(child))
                next = { ...child };
            else if (edit.op === 'delete')
                next = undefined;
            else if (child === undefined || child === null)
                next = {};
            else
                throw pathError(edit, location);
            if (next !== undefined)
                put(container, key, next, edit, location);
            container = next;
        }
        if (container === undefined)
            continue;
        const key = edit.path[last];
        if (edit.op === 'set')
            put(container, key, edit.value, edit, location);
        else if (Array.isArray(container) && typeof key === 'number')
            container.splice(key, 1);
        else if (!Array.isArray(container))
            delete container[String(key)];
    }
    return root;
}
function get(container, key) {
    if (Array.isArray(container))
        return typeof key === 'number' ? container[key] : undefined;
    return Object.hasOwn(container, String(key)) ? container[String(key)] : undefined;
}
function put(container, key, value, edit, location) {
    if (!Array.isArray(container))
        container[String(key)] = value;
    else if (typeof key === 'number')
        container[key] = value;
    else
        throw pathError(edit, location);
}
function pathError(edit, location) {
    return new manifests_errors/* ManifestError */.S(`cannot ${edit.op} ${edit.path.join('.')}: the path goes through a YAML alias or a value that is not a mapping; expected plain mappings and lists there.`, location);
}
/**
 * Where two plain data values first differ ("metadata.annotations.note", "spec.ports[0]"),
 * or undefined when they are equal. Key order is not data; NaN equals NaN.
 */
function firstDifference(actual, expected) {
    const path = differencePath(actual, expected);
    if (path === undefined)
        return undefined;
    if (path.length === 0)
        return '(the whole document)';
    // Built back to front, and only on a difference: every render compares every document.
    return path
        .reverse()
        .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`))
        .join('');
}
/** The path to the first difference, innermost key first. */
function differencePath(actual, expected) {
    if (Object.is(actual, expected))
        return undefined;
    if (Array.isArray(expected)) {
        if (!Array.isArray(actual) || actual.length !== expected.length)
            return [];
        for (let i = 0; i < expected.length; i++) {
            const path = differencePath(actual[i], expected[i]);
            if (path !== undefined)
                return [...path, i];
        }
        return undefined;
    }
    if (ArrayBuffer.isView(expected)) {
        const bytes = (view) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
        if (!ArrayBuffer.isView(actual) || actual.byteLength !== expected.byteLength)
            return [];
        const [a, b] = [bytes(actual), bytes(expected)];
        return a.every((byte, i) => byte === b[i]) ? undefined : [];
    }
    if (!(0,records/* isRecord */.u)(expected) || !(0,records/* isRecord */.u)(actual) || ArrayBuffer.isView(actual))
        return [];
    let count = 0;
    for (const key in expected) {
        if (!Object.hasOwn(expected, key))
            continue;
        count++;
        if (!Object.hasOwn(actual, key))
            return [key];
        const path = differencePath(actual[key], expected[key]);
        if (path !== undefined)
            return [...path, key];
    }
    if (Object.keys(actual).length === count)
        return undefined;
    const extra = Object.keys(actual).find((key) => !Object.hasOwn(expected, key));
    return extra === undefined ? undefined : [extra];
}

;// CONCATENATED MODULE: ./src/manifests/text-edit.ts
/**
 * Edits block-style YAML in place, line by line, so everything we do not touch stays byte for
 * byte as written. It is the fast path of rendering (the yaml library's Document API costs
 * ~1 ms per document; see bench/render): it understands block mappings and sequences, quoted
 * and plain one-line scalars, one-line flow collections and block scalars, and gives up
 * (returns undefined) on anything else, so the caller falls back to the Document API.
 */
const PLAIN_KEY = /^([A-Za-z0-9_][^:#'"]*?|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')[ \t]*:(?=[ \t]|$)/;
/** Applies the edits to one YAML document's text; undefined when any edit needs the slow path. */
function applyTextEdits(text, edits) {
    const lines = text.split('\n');
    const index = scan(lines);
    if (index === undefined)
        return undefined;
    const plan = { replaced: new Map(), deleted: new Set(), created: new Map() };
    for (const edit of edits) {
        const ok = edit.op === 'set'
            ? planSet(plan, lines, index, edit.path, edit.value)
            : planDelete(plan, lines, index, edit.path);
        if (!ok)
            return undefined;
    }
    const inserted = new Map();
    // Where blocks end on the same line, the deeper one's new keys must come first.
    const groups = [...plan.created.values()].sort((a, b) => b.parent.depth - a.parent.depth);
    for (const { parent, keys } of groups) {
        const col = parent.childCol ?? parent.col + 2;
        const step = parent.childCol !== undefined && parent.col >= 0 ? Math.max(parent.childCol - parent.col, 2) : 2;
        const at = parent.lastLine;
        inserted.set(at, [...(inserted.get(at) ?? []), ...renderKeys(keys, col, step)]);
    }
    const output = [];
    lines.forEach((line, i) => {
        if (!plan.deleted.has(i))
            output.push(plan.replaced.get(i) ?? line);
        output.push(...(inserted.get(i) ?? []));
    });
    return output.join('\n');
}
function renderKeys(keys, col, step) {
    const lines = [];
    for (const [key, value] of keys) {
        const name = formatScalar(key, '');
        if (typeof value === 'string')
            lines.push(`${' '.repeat(col)}${name}: ${formatScalar(value, '')}`);
        else
            lines.push(`${' '.repeat(col)}${name}:`, ...renderKeys(value, col + step, step));
    }
    return lines;
}
function indexKey(path) {
    return path.map((key) => `\u0001${typeof key === 'number' ? `#${key}` : key}`).join('');
}
function scan(lines) {
    const index = new Map();
    const root = { key: '', depth: 0, col: -1, line: -1, lastLine: -1, isItem: false, childItems: 0 };
    const stack = [root];
    let lastContent = -1;
    // An entry's block ends at the last content line before the line that closes it.
    const pop = () => {
        stack.pop().lastLine = lastContent;
    };
    const push = (entry) => {
        index.set(entry.key, entry);
        stack.push(entry);
    };
    let blockScalarCol;
    let keepTrailing = false;
    // The empty string after the final line break is not a line: nothing may go after it.
    const end = lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
    for (let i = 0; i < end; i++) {
        const line = lines[i];
        const body = line.trimStart();
        const indent = line.length - body.length;
        const blank = body === '' || body.startsWith('#');
        if (blockScalarCol !== undefined) {
            // Inside a block scalar "#" is text; a keep (`|+`, `>+`) scalar's trailing empty lines
            // are text too, so keys added after it must go below them.
            if (body === '' ? keepTrailing : indent > blockScalarCol) {
                lastContent = i;
                continue;
            }
            if (body === '')
                continue;
            blockScalarCol = undefined;
        }
        if (blank)
            continue;
        if (line.slice(0, indent).includes('\t'))
            return undefined;
        const last = text_edit_top(stack);
        if (last.value !== undefined && last.line !== i && indent > last.col) {
            // A plain scalar folded over several lines (kustomize writes long strings so).
            if (last.value !== 'opaque' && last.value.quote !== '')
                return undefined;
            last.value = 'opaque';
            lastContent = i;
            continue;
        }
        let col = indent;
        let rest = body;
        while (rest === '-' || rest.startsWith('- ')) {
            while (stack.length > 1 && (text_edit_top(stack).col > col || (text_edit_top(stack).col === col && text_edit_top(stack).isItem)))
                pop();
            const parent = text_edit_top(stack);
            if (parent.value !== undefined)
                return undefined; // a continuation of a multi-line scalar
            const item = parent.childItems++;
            push({
                key: `${parent.key}\u0001#${item}`,
                depth: parent.depth + 1,
                col,
                line: i,
                lastLine: i,
                isItem: true,
                childItems: 0,
            });
            const after = rest.slice(1);
            rest = after.trimStart();
            col += 1 + after.length - rest.length;
            if (rest === '')
                break;
        }
        if (rest === '' || rest.startsWith('#')) {
            lastContent = i;
            continue;
        }
        const key = PLAIN_KEY.exec(rest);
        let entry;
        let valueStart;
        if (key) {
            while (stack.length > 1 && text_edit_top(stack).col >= col)
                pop();
            const parent = text_edit_top(stack);
            if (parent.value !== undefined)
                return undefined; // a continuation of a multi-line scalar
            if (parent.childCol === undefined)
                parent.childCol = col;
            const name = unquote(key[1]);
            entry = {
                depth: parent.depth + 1,
                key: `${parent.key}\u0001${name}`,
                col,
                line: i,
                lastLine: i,
                isItem: false,
                childItems: 0,
            };
            push(entry);
            valueStart = col + key[0].length;
        }
        else {
            // A scalar item ("- value"): the item itself holds the value.
            if (text_edit_top(stack).line !== i)
                return undefined; // a continuation line: multi-line scalar
            entry = text_edit_top(stack);
            valueStart = col;
        }
        lastContent = i;
        const value = inlineValue(line, valueStart);
        if (value === undefined)
            return undefined;
        if (value === 'block') {
            entry.value = 'opaque';
            blockScalarCol = entry.isItem ? entry.col : col;
            keepTrailing = /^[|>][1-9]?\+/.test(line.slice(valueStart).trimStart());
        }
        else if (value !== 'none') {
            entry.value = value;
        }
    }
    while (stack.length > 1)
        pop();
    index.set('', root);
    return index;
}
function text_edit_top(stack) {
    return stack[stack.length - 1];
}
function unquote(key) {
    if (key.startsWith('"'))
        return JSON.parse(key);
    if (key.startsWith("'"))
        return key.slice(1, -1).replace(/''/g, "'");
    return key.trimEnd();
}
/** The value that starts at `from` on a line (after "key:" or "- "). */
function inlineValue(line, from) {
    let start = from;
    while (line[start] === ' ' || line[start] === '\t')
        start++;
    const first = line[start];
    if (first === undefined || first === '#')
        return 'none';
    if (first === '|' || first === '>')
        return 'block';
    if (first === '&' || first === '*' || first === '!' || first === '?' || first === '%' || first === '@') {
        return undefined;
    }
    if (first === '"' || first === "'") {
        const end = closingQuote(line, start);
        if (end === undefined || !/^[ \t]*(#.*)?$/.test(line.slice(end)))
            return undefined;
        return { start, end, quote: first };
    }
    if (first === '[' || first === '{')
        return balancedOnLine(line, start) ? 'opaque' : undefined;
    const comment = line.slice(start).search(/[ \t]#/);
    const end = comment === -1 ? line.trimEnd().length : start + comment;
    return { start, end: start + line.slice(start, end).trimEnd().length, quote: '' };
}
function closingQuote(line, start) {
    const quote = line[start];
    for (let i = start + 1; i < line.length; i++) {
        if (quote === '"' && line[i] === '\\')
            i++;
        else if (line[i] === quote) {
            if (quote === "'" && line[i + 1] === "'")
                i++;
            else
                return i + 1;
        }
    }
    return undefined;
}
function balancedOnLine(line, start) {
    let depth = 0;
    for (let i = start; i < line.length; i++) {
        const char = line[i];
        if (char === '"' || char === "'") {
            const end = closingQuote(line, i);
            if (end === undefined)
                return false;
            i = end - 1;
        }
        else if (char === '[' || char === '{')
            depth++;
        else if (char === ']' || char === '}') {
            depth--;
            if (depth === 0)
                return /^[ \t]*(#.*)?$/.test(line.slice(i + 1));
        }
        else if (char === '#' && depth === 0)
            return false;
    }
    return false;
}
const RESERVED_PLAIN = /^(true|false|yes|no|on|off|null|~|y|n|[-+]?(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(inf|nan))$/i;
/** A scalar in the given style; plain only when it reads back as the same string. */
function formatScalar(value, quote) {
    if (quote === "'")
        return `'${value.replace(/'/g, "''")}'`;
    if (quote === '' &&
        /^[A-Za-z0-9_./][^\s#,[\]{}]*$/.test(value) &&
        !/:(\s|$)/.test(value) &&
        !RESERVED_PLAIN.test(value)) {
        return value;
    }
    return JSON.stringify(value);
}
function planSet(plan, lines, index, path, value) {
    const existing = index.get(indexKey(path));
    if (existing !== undefined) {
        const span = existing.value;
        if (span === undefined || span === 'opaque' || existing.childCol !== undefined)
            return false;
        if (plan.replaced.has(existing.line) || plan.deleted.has(existing.line))
            return false;
        const line = lines[existing.line];
        plan.replaced.set(existing.line, line.slice(0, span.start) + formatScalar(value, span.quote) + line.slice(span.end));
        return true;
    }
    // Create the missing keys under the deepest existing block mapping.
    for (let depth = path.length - 1; depth >= 1; depth--) {
        const parentKey = indexKey(path.slice(0, depth));
        const parent = index.get(parentKey);
        if (parent === undefined)
            continue;
        const missing = path.slice(depth);
        if (parent.value !== undefined ||
            parent.childItems > 0 ||
            missing.some((key) => typeof key !== 'string')) {
            return false;
        }
        const group = plan.created.get(parentKey) ?? { parent, keys: new Map() };
        plan.created.set(parentKey, group);
        let keys = group.keys;
        for (const key of missing.slice(0, -1)) {
            const child = keys.get(key);
            if (typeof child === 'string')
                return false;
            const next = child ?? new Map();
            keys.set(key, next);
            keys = next;
        }
        keys.set(missing[missing.length - 1], value);
        return true;
    }
    return false;
}
function planDelete(plan, lines, index, path) {
    const entry = index.get(indexKey(path));
    if (entry === undefined)
        return true;
    const line = lines[entry.line];
    const ownLine = line.length - line.trimStart().length === entry.col;
    if (entry.isItem || !ownLine || entry.lastLine !== entry.line || entry.value === undefined)
        return false;
    if (plan.replaced.has(entry.line))
        return false;
    plan.deleted.add(entry.line);
    return true;
}

;// CONCATENATED MODULE: ./src/manifests/serialize.ts






const counts = { asWritten: 0, textEdited: 0, documentApi: 0, textEditsRejected: 0 };
function serializeCounts() {
    return { ...counts };
}
function resetSerializeCounts() {
    Object.assign(counts, { asWritten: 0, textEdited: 0, documentApi: 0, textEditsRejected: 0 });
}
const UNREADABLE = Symbol('unreadable');
/**
 * The document's text with its recorded edits. Plain block-style documents are edited line
 * by line (everything else stays byte for byte as written); the rest go through the yaml
 * Document API, which keeps comments and key order and re-formats indentation.
 *
 * Either way the result is read back with the parser that read the original and must equal
 * the original object with the edits applied: a text edit that reads back differently is
 * discarded for the Document API, and a Document API result that does is an internal error,
 * since shipping it would deploy a value the user never wrote. `editText` is replaceable so
 * tests can prove the check catches an editor bug on its own.
 */
function serializeManifest(manifest, editText = applyTextEdits) {
    const { edits } = manifest;
    if (manifest.document === undefined && edits.length === 0) {
        counts.asWritten++;
        return withNewline(manifest.text);
    }
    const intended = intendedObject(manifest.object, edits, manifest.location);
    const readBack = manifest.document === undefined ? tryFastLoad : readWithDocumentApi;
    let document = manifest.document;
    if (document === undefined) {
        const edited = editText(manifest.text, edits);
        if (edited !== undefined) {
            const text = withNewline(edited);
            if (firstDifference(readOrMark(readBack, text), intended) === undefined) {
                counts.textEdited++;
                return text;
            }
            counts.textEditsRejected++;
        }
        document = (0,dist/* parseDocument */.Tp)(manifest.text, { customTags: number_source_keepNumberSources });
    }
    counts.documentApi++;
    for (const edit of edits)
        applyToDocument(document, edit, manifest);
    // Our stream places its own separators; a `---` kept from the source would double them.
    if (document.directives)
        document.directives.docStart = null;
    const text = withNewline(document.toString({ lineWidth: 0 }));
    const read = readOrMark(readBack, text);
    const difference = read === UNREADABLE ? 'the whole document' : firstDifference(read, intended);
    if (difference !== undefined) {
        throw new RenderInvariantError(`the rendered document reads back differently from the manifest with its edits applied (at ${difference}${read === UNREADABLE ? ', which no longer parses' : ''}); nothing was deployed.`, manifest.location);
    }
    return text;
}
/** The Document API path on its own, for text without a parsed document (and for tests). */
function applyEditsWithDocumentApi(text, edits, manifest) {
    const document = parseDocument(text, { customTags: keepNumberSources });
    for (const edit of edits)
        applyToDocument(document, edit, manifest);
    return document.toString({ lineWidth: 0 });
}
function withNewline(text) {
    return text.endsWith('\n') ? text : `${text}\n`;
}
function readOrMark(read, text) {
    const value = read(text);
    return value === undefined ? UNREADABLE : value;
}
/** As parse.ts reads documents that need the full parser. */
function readWithDocumentApi(text) {
    const document = (0,dist/* parseDocument */.Tp)(text);
    if (document.errors.length > 0)
        return undefined;
    try {
        return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    }
    catch {
        return undefined;
    }
}
function applyToDocument(document, edit, manifest) {
    try {
        if (edit.op === 'delete') {
            if (document.hasIn(edit.path))
                document.deleteIn(edit.path);
            return;
        }
        const node = document.getIn(edit.path, true);
        if ((0,dist/* isScalar */.jn)(node)) {
            node.value = edit.value; // keeps the node's quoting style and comments
            return;
        }
        // A missing or empty (`annotations:`) parent becomes a fresh mapping.
        for (let depth = 1; depth < edit.path.length; depth++) {
            const parent = document.getIn(edit.path.slice(0, depth), true);
            if (parent === undefined || parent === null || ((0,dist/* isScalar */.jn)(parent) && parent.value === null)) {
                document.setIn(edit.path.slice(0, depth), document.createNode({}));
            }
            else if (!(0,dist/* isMap */.jh)(parent) && typeof edit.path[depth] === 'string') {
                throw new Error('not a mapping');
            }
        }
        document.setIn(edit.path, edit.value);
    }
    catch {
        throw new manifests_errors/* ManifestError */.S(`cannot ${edit.op} ${edit.path.join('.')}: the path goes through a YAML alias or a value that is not a mapping; expected plain mappings and lists there.`, manifest.location);
    }
}

;// CONCATENATED MODULE: ./src/manifests/render.ts








const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/**
 * Renders manifest sources for apply: parses every document, defaults namespaces, replaces
 * images, leaves replicas to autoscalers, annotates workloads, and orders the objects for
 * apply. Pure: no files, processes or clock.
 *
 * The rules only record edits; serializeManifest applies them line by line to plain
 * block-style documents (every other byte, comments included, stays as written) and through
 * the yaml Document API to everything else (anchors, tags, flow-style parents), which keeps
 * comments and key order. Both are checked against each other in text-edit.test.ts.
 */
function renderManifests(sources, options = {}) {
    const { namespace } = options;
    if (namespace !== undefined && (!DNS_LABEL.test(namespace) || namespace.length > 63)) {
        throw new manifests_errors/* ManifestError */.S(`Invalid namespace ${JSON.stringify(namespace)}; expected a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters).`);
    }
    const documents = sources.flatMap(parseSource);
    if (documents.length === 0) {
        throw new manifests_errors/* ManifestError */.S(`The manifests (${sources.map((source) => source.name).join(', ') || 'none given'}) hold no Kubernetes objects; expected at least one.`);
    }
    const clusterScopedCrds = clusterScopedCustomKinds(documents);
    const namespaces = new Map();
    for (const manifest of documents) {
        const namespaced = (0,manifests_kinds/* isNamespaced */.ik)(manifest.key, clusterScopedCrds);
        if (namespaced && manifest.namespace === undefined && namespace !== undefined) {
            setNamespace(manifest, namespace);
            namespaces.set(manifest, namespace);
        }
        else {
            namespaces.set(manifest, namespaced ? manifest.namespace : undefined);
        }
    }
    const namespaceOf = (manifest) => namespaces.get(manifest);
    rejectDuplicates(documents, namespaceOf);
    const imageChanges = (0,manifests_images/* replaceImages */.lm)(documents, options.images ?? new Map());
    const replicasHandovers = (0,autoscalers/* handReplicasToAutoscalers */.A)(documents, namespaceOf);
    (0,annotations/* annotateWorkloads */.FU)(documents, options.traceability ?? {});
    // Array.prototype.sort is stable, so input order holds within a group.
    const ordered = [...documents].sort((a, b) => (0,manifests_kinds/* applyOrder */.Fu)(a.key) - (0,manifests_kinds/* applyOrder */.Fu)(b.key));
    const objects = ordered.map((manifest) => ({
        apiVersion: manifest.apiVersion,
        kind: manifest.kind,
        name: manifest.name,
        namespace: namespaceOf(manifest),
        location: manifest.location,
        yaml: serializeManifest(manifest),
    }));
    return {
        objects,
        yaml: objects.map((object) => object.yaml).join('---\n'),
        imageChanges,
        replicasHandovers,
    };
}
/** group/Kind of the custom resources that CRDs in this set declare cluster-scoped. */
function clusterScopedCustomKinds(documents) {
    const kinds = new Set();
    for (const manifest of documents) {
        if (manifest.key !== 'apiextensions.k8s.io/CustomResourceDefinition')
            continue;
        const spec = manifest.object.spec;
        if (!(0,records/* isRecord */.u)(spec) || spec.scope !== 'Cluster' || !(0,records/* isRecord */.u)(spec.names))
            continue;
        if (typeof spec.group === 'string' && typeof spec.names.kind === 'string') {
            kinds.add((0,manifests_kinds/* groupKind */.KH)(`${spec.group}/v`, spec.names.kind));
        }
    }
    return kinds;
}
function setNamespace(manifest, namespace) {
    manifest.edits.push({ op: 'set', path: ['metadata', 'namespace'], value: namespace });
}
function rejectDuplicates(documents, namespaceOf) {
    const seen = new Map();
    for (const manifest of documents) {
        const namespace = namespaceOf(manifest);
        const id = `${manifest.key}/${namespace ?? ''}/${manifest.name}`;
        const first = seen.get(id);
        if (first !== undefined) {
            const what = `${manifest.kind} ${namespace !== undefined ? `${namespace}/` : ''}${manifest.name}`;
            throw new manifests_errors/* ManifestError */.S(`${what} is defined twice (first at ${(0,manifests_errors/* formatLocation */.j)(first.location)}); expected each object once.`, manifest.location);
        }
        seen.set(id, manifest);
    }
}

// EXTERNAL MODULE: ./src/phases.ts
var phases = __webpack_require__(119);
// EXTERNAL MODULE: ./src/verdict.ts
var verdict = __webpack_require__(3138);
;// CONCATENATED MODULE: ./src/pipeline.ts










/** Where rendered files go: $RUNNER_TEMP/k8s-deploy on a runner, the OS temp dir elsewhere. */
function renderOutputPath(env) {
    return external_node_path_default().join(env.RUNNER_TEMP || external_node_os_default().tmpdir(), 'k8s-deploy', 'rendered.yaml');
}
function workspaceOf(env) {
    return env.GITHUB_WORKSPACE || process.cwd();
}
function traceabilityOf(tag, env) {
    return { tag, commit: env.GITHUB_SHA?.trim() || undefined, runUrl: (0,annotations/* runUrlFromEnv */.kk)(env) };
}
/** Loads and renders the manifests: the render phase, shared by the action and the CLI. */
async function renderPhase(manifests, options, deps) {
    return renderLoaded(await loadSources(manifests, deps), options, deps.logger);
}
function loadSources(manifests, deps) {
    return loadManifestSources(manifests, { workspace: workspaceOf(deps.env), runner: deps.runner });
}
function renderLoaded(sources, options, logger) {
    const result = renderManifests(sources, options);
    for (const change of result.imageChanges) {
        logger.info(`${change.workload} container ${change.container}: ${change.from} → ${change.to}`);
    }
    for (const handover of result.replicasHandovers) {
        logger.info(`${handover.kind}/${handover.name}: replicas left to ${handover.autoscaler}${handover.declaredReplicas !== undefined
            ? ` (the manifest's ${handover.declaredReplicas} removed)`
            : ''}.`);
    }
    return result;
}
/**
 * The action's run, phase by phase. What can be checked without changing anything comes first
 * (the manifests render, every image matches a container, the migration Job exists; the cluster
 * answers), so a typo fails the run before an image is pushed. Then the images are built (or
 * reused), the manifests rendered with their full references, and deployed. Never throws for a
 * failed run: the result says what happened, failures included.
 */
async function runPipeline(inputs, deps) {
    const result = { result: 'failed', images: {}, built: [], cluster: undefined, phases: [] };
    const timed = (0,phases/* phaseTimer */.$)(result.phases, deps.logger, deps.signal);
    try {
        await runPhases(inputs, deps, result, timed);
    }
    catch (error) {
        result.result = 'failed';
        const message = error.message;
        result.verdict = result.deploy ? message : (0,verdict/* nothingChanged */.U)(message);
        deps.logger.debug(error.stack ?? '');
    }
    result.cancelled = deps.signal?.aborted ?? false;
    return result;
}
async function runPhases(inputs, deps, result, timed) {
    const { logger, env } = deps;
    const renderOptions = (images) => ({
        images,
        namespace: inputs.namespace,
        traceability: traceabilityOf(inputs.tag, env),
    });
    const sources = await timed('Check manifests', async () => {
        const loaded = await loadSources(inputs.manifests, deps);
        // Stand-in references of the right names: renderManifests fails on any name no container has.
        const standIns = new Map([
            ...(deps.givenImages ?? new Map()),
            ...inputs.images.map((image) => [image.name, `${image.name}:${inputs.tag}`]),
        ]);
        const checked = renderManifests(loaded, renderOptions(standIns));
        if (inputs.migrationJob !== undefined &&
            !checked.objects.some((o) => o.kind === 'Job' && o.name === inputs.migrationJob)) {
            throw new Error(`Input 'migration-job' is ${JSON.stringify(inputs.migrationJob)}, but the manifests hold no Job of that name (their Jobs: ${checked.objects
                .filter((o) => o.kind === 'Job')
                .map((o) => o.name)
                .join(', ') || 'none'}). Expected the name of a Job in the manifests.`);
        }
        logger.info(`${checked.objects.length} object(s) render; every image matches a container.`);
        return loaded;
    });
    const cluster = await timed('Cluster', () => connectCluster(inputs, { kubectl: deps.runner, logger, env, eks: deps.eks, context: deps.context }));
    result.cluster = cluster;
    if (cluster?.written)
        deps.onCleanup?.({ kubeconfigPath: cluster.kubeconfigPath });
    if (deps.signal?.aborted)
        throw new Error('The run was cancelled before anything was built or applied.');
    const prepared = await timed('Images', () => prepareImages(inputs, {
        ecr: deps.ecr,
        docker: deps.runner,
        logger,
        env,
        tempDir: env.RUNNER_TEMP || undefined,
        onLogin: (registry) => deps.onCleanup?.({ registry }),
    }));
    result.images = { ...Object.fromEntries(deps.givenImages ?? new Map()), ...prepared.images };
    result.built = prepared.built;
    const render = await timed('Render manifests', async () => renderLoaded(sources, renderOptions(new Map(Object.entries(result.images))), logger));
    result.render = render;
    const manifestsPath = deps.workDir ? external_node_path_default().join(deps.workDir, 'rendered.yaml') : renderOutputPath(env);
    await (0,promises_.mkdir)(external_node_path_default().dirname(manifestsPath), { recursive: true });
    // Owner-only: rendered Secrets carry their data.
    await (0,promises_.writeFile)(manifestsPath, render.yaml, { mode: 0o600 });
    result.manifestsPath = manifestsPath;
    logger.info(`Rendered ${render.objects.length} object(s) to ${manifestsPath}.`);
    if (!cluster) {
        result.result = inputs.dryRun ? 'dry-run' : 'success';
        logger.info('No cluster was given (cluster-name or kubeconfig): the manifests were rendered, not deployed.');
        return;
    }
    const releaseName = inputs.releaseName;
    if (releaseName === undefined) {
        throw new Error("Input 'release-name' is empty and GITHUB_REPOSITORY is not set. Expected a name for the release records (the repository's name by default).");
    }
    const [{ deploy }, { Kubectl }] = await Promise.all([
        Promise.all(/* import() */[__webpack_require__.e(613), __webpack_require__.e(358)]).then(__webpack_require__.bind(__webpack_require__, 6358)),
        __webpack_require__.e(/* import() */ 613).then(__webpack_require__.bind(__webpack_require__, 6613)),
    ]);
    const kubectl = new Kubectl({
        runner: deps.runner,
        kubeconfig: cluster.kubeconfigPath,
        context: deps.context,
        env,
        logger,
        signal: deps.signal,
    });
    const trace = traceabilityOf(inputs.tag, env);
    const outcome = await deploy({
        releaseName,
        namespace: inputs.namespace,
        rendered: render.objects,
        replicasHandovers: render.replicasHandovers,
        images: result.images,
        tag: trace.tag,
        commit: trace.commit,
        runUrl: trace.runUrl,
        migrationJob: inputs.migrationJob,
        migrationTimeoutMs: inputs.migrationTimeoutMs,
        rolloutTimeoutMs: inputs.rolloutTimeoutMs,
        crashloopRestarts: inputs.crashloopRestarts,
        rollback: inputs.rollback,
        prune: inputs.prune,
        dryRun: inputs.dryRun,
        historyLimit: inputs.historyLimit,
        diffPath: external_node_path_default().join(external_node_path_default().dirname(manifestsPath), 'diff.txt'),
    }, { kubectl, logger, signal: deps.signal ?? new AbortController().signal, onDeploying: deps.onDeploying });
    result.deploy = outcome;
    result.result = outcome.result;
    result.verdict = outcome.verdict;
}


/***/ }),

/***/ 3138:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   U: () => (/* binding */ nothingChanged)
/* harmony export */ });
/**
 * A verdict of a run that failed before it changed anything says so, once: the person reading it
 * needs to know whether the cluster is still as it was.
 */
function nothingChanged(message) {
    return /nothing (was )?changed/i.test(message) ? message : `${message} Nothing was changed in the cluster.`;
}


/***/ })

};
