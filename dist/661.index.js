export const id = 661;
export const ids = [661];
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

/***/ 6661:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   cleanUp: () => (/* binding */ cleanUp)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _images_login_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3975);



/**
 * The post step: log docker out of the registry and delete the kubeconfig this run wrote.
 * Runs even after a failed main step; it warns rather than fails, so cleanup never hides the
 * main step's own verdict.
 */
async function cleanUp(state, deps) {
    if (state.registry) {
        try {
            await (0,_images_login_js__WEBPACK_IMPORTED_MODULE_2__/* .logoutFromRegistry */ .a4)(deps.docker, deps.logger, state.registry);
        }
        catch (error) {
            deps.logger.warning(`docker logout ${state.registry} failed: ${error.message}`);
        }
    }
    if (state.kubeconfigPath) {
        // writeKubeconfig made a private folder k8s-deploy-XXXXXX for the file; remove it whole.
        const folder = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.dirname)(state.kubeconfigPath);
        const target = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.basename)(folder).startsWith('k8s-deploy-') ? folder : state.kubeconfigPath;
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(target, { recursive: true, force: true });
        deps.logger.info(`Removed the kubeconfig ${state.kubeconfigPath}.`);
    }
}


/***/ })

};
