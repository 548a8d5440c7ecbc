export const id = 779;
export const ids = [779];
export const modules = {

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

/***/ 6779:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GitHubRun: () => (/* binding */ GitHubRun),
/* harmony export */   deployedSha: () => (/* binding */ deployedSha)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _manifests_annotations_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3680);


/**
 * The GitHub deployment of one run: created (or GitHub's own found) once the plan passed and the
 * cluster is about to change, finished with the run's outcome. Nothing happens without
 * `environment`, a token and GITHUB_REPOSITORY; a dry run creates none.
 */
class GitHubRun {
    inputs;
    env;
    logger;
    reporter;
    startedAt;
    constructor(inputs, env, logger) {
        this.inputs = inputs;
        this.env = env;
        this.logger = logger;
        // The job started before this step; its own deployment was created then.
        this.startedAt = new Date(Date.now() - process.uptime() * 1000);
    }
    get deploymentId() {
        return this.reporter?.id;
    }
    get enabled() {
        return Boolean(this.inputs.environment && this.inputs.githubToken && this.env.GITHUB_REPOSITORY);
    }
    /** The engine is about to change the cluster (see DeployDeps.onDeploying). */
    async deploying(previous, images, dryRun = false) {
        if (!this.enabled || this.reporter)
            return;
        const { DeploymentReporter } = await __webpack_require__.e(/* import() */ 153).then(__webpack_require__.bind(__webpack_require__, 3153));
        this.reporter = await DeploymentReporter.start({
            token: this.inputs.githubToken ?? '',
            apiUrl: this.env.GITHUB_API_URL || 'https://api.github.com',
            repository: this.env.GITHUB_REPOSITORY ?? '',
            sha: deployedSha(this.env),
            environment: this.inputs.environment ?? '',
            environmentUrl: this.inputs.environmentUrl,
            runUrl: (0,_manifests_annotations_js__WEBPACK_IMPORTED_MODULE_1__/* .runUrlFromEnv */ .kk)(this.env),
            releaseName: this.inputs.releaseName,
            images,
            previousRelease: previous,
            startedAt: this.startedAt,
            logger: this.logger,
            dryRun,
        });
    }
    /** The final status, for every outcome. */
    async finished(result, cancelled) {
        if (result.result === 'dry-run' && result.deploy)
            await this.deploying(result.deploy.previousRelease, result.images, true);
        await this.reporter?.finish({
            result: result.result,
            verdict: result.verdict,
            cancelled,
            nothingChanged: result.deploy?.nothingChanged ?? true,
            release: result.deploy?.release,
            rolledBackTo: result.deploy?.rollback?.to,
            unchanged: result.deploy?.unchanged,
        });
    }
}
/**
 * The commit deployed: GITHUB_SHA, except for pull requests, where GITHUB_SHA is a merge commit
 * and GitHub's own deployment (and the reviewer) know the head commit.
 */
function deployedSha(env) {
    if (env.GITHUB_EVENT_NAME?.startsWith('pull_request') && env.GITHUB_EVENT_PATH) {
        try {
            const event = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(env.GITHUB_EVENT_PATH, 'utf8'));
            const head = event.pull_request?.head?.sha;
            if (head)
                return head;
        }
        catch {
            // no readable event: GITHUB_SHA it is
        }
    }
    return env.GITHUB_SHA ?? '';
}


/***/ })

};
