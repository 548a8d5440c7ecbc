export const id = 275;
export const ids = [275];
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

/***/ 608:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  bp: () => (/* binding */ connectCluster),
  Jy: () => (/* binding */ proveConnection)
});

// UNUSED EXPORTS: explainUnauthorized, parseServerVersion, requireCluster

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: ./src/aws/clients.ts
var clients = __webpack_require__(201);
// EXTERNAL MODULE: ./src/aws/errors.ts
var errors = __webpack_require__(9378);
;// CONCATENATED MODULE: ./src/cluster/eks.ts

/** Clusters in these states serve the Kubernetes API; the others cannot take a deploy. */
const USABLE = new Set(['ACTIVE', 'UPDATING']);
/** DescribeCluster, checked: the cluster exists, serves its API, and has an endpoint and CA. */
async function describeUsableCluster(eks, name, region) {
    const { DescribeClusterCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(524)]).then(__webpack_require__.t.bind(__webpack_require__, 4524, 19));
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

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
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
        const eks = await (deps.eks ?? clients/* createEksClient */.xW)(region);
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


/***/ }),

/***/ 5625:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   r: () => (/* binding */ StreamLogger)
/* harmony export */ });
/** A logger for terminals and tests: masks registered secrets, writes to the given sink. */
class StreamLogger {
    write;
    verbose;
    secrets = [];
    constructor(write = (line) => process.stderr.write(`${line}\n`), verbose = false) {
        this.write = write;
        this.verbose = verbose;
    }
    info(message) {
        this.write(this.mask(message));
    }
    warning(message) {
        this.write(this.mask(`warning: ${message}`));
    }
    debug(message) {
        if (this.verbose)
            this.write(this.mask(`debug: ${message}`));
    }
    setSecret(value) {
        if (value !== '')
            this.secrets.push(value);
    }
    async group(title, work) {
        this.info(`== ${title}`);
        return work();
    }
    mask(message) {
        return this.secrets.reduce((text, secret) => text.split(secret).join('***'), message);
    }
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

/***/ 1625:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   u: () => (/* binding */ NodeProcessRunner)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);

const DEFAULT_MAX_OUTPUT = 8 * 1024 * 1024;
const KILL_GRACE_MS = 2000;
class NodeProcessRunner {
    run(command, args, options = {}) {
        return new Promise((resolve, reject) => {
            if (options.signal?.aborted) {
                resolve({ exitCode: 130, stdout: '', stderr: '', cancelled: true });
                return;
            }
            const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(command, args, {
                cwd: options.cwd,
                env: options.env ?? process.env,
                stdio: ['pipe', 'pipe', 'pipe'],
            });
            const max = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT;
            let stdout = '';
            let stderr = '';
            let timedOut = false;
            let cancelled = false;
            let killTimer;
            const stop = () => {
                child.kill('SIGTERM');
                killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
                killTimer.unref();
            };
            const timer = options.timeoutMs !== undefined
                ? setTimeout(() => {
                    timedOut = true;
                    stop();
                }, options.timeoutMs)
                : undefined;
            const onAbort = () => {
                cancelled = true;
                stop();
            };
            options.signal?.addEventListener('abort', onAbort, { once: true });
            child.stdout.setEncoding('utf8').on('data', (chunk) => {
                stdout = bounded(stdout + chunk, max);
                options.onStdout?.(chunk);
            });
            child.stderr.setEncoding('utf8').on('data', (chunk) => {
                stderr = bounded(stderr + chunk, max);
                options.onStderr?.(chunk);
            });
            const settle = () => {
                if (timer)
                    clearTimeout(timer);
                if (killTimer)
                    clearTimeout(killTimer);
                options.signal?.removeEventListener('abort', onAbort);
            };
            child.on('error', (error) => {
                settle();
                reject(error.code === 'ENOENT' ? new Error(`${command} was not found on PATH.`) : error);
            });
            child.on('close', (code, signal) => {
                settle();
                resolve({
                    exitCode: code ?? (signal ? 128 : 1),
                    stdout,
                    stderr,
                    ...(timedOut ? { timedOut } : {}),
                    ...(cancelled ? { cancelled } : {}),
                });
            });
            child.stdin.on('error', () => { }); // the program may exit before reading its input
            child.stdin.end(options.stdin ?? '');
        });
    }
}
function bounded(text, max) {
    return text.length > max ? text.slice(text.length - max) : text;
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
