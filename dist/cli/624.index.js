export const id = 624;
export const ids = [624];
export const modules = {

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
