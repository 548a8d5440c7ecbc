export const id = 856;
export const ids = [856];
export const modules = {

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

/***/ 856:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   failureAnnotation: () => (/* binding */ failureAnnotation),
/* harmony export */   locationInMessage: () => (/* binding */ locationInMessage),
/* harmony export */   renderedObject: () => (/* binding */ renderedObject)
/* harmony export */ });
/* harmony import */ var _manifests_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4711);

/**
 * The error annotation for a failed, rolled-back or cancelled run: the verdict, pointing at the
 * manifest's file and line where one is known: the engine's `failedAt`, the failing workload or
 * the migration Job as rendered, a `file:line` a plan or manifest error names. Undefined for a
 * run that did not fail (success, dry run).
 */
function failureAnnotation(result) {
    if (result.result !== 'failed' && result.result !== 'rolled-back')
        return undefined;
    const deploy = result.deploy;
    const message = (result.verdict ?? deploy?.verdict ?? 'The deploy failed.').trim();
    const location = failureLocation(result, deploy, message);
    if (!location)
        return { message };
    if (location.document !== undefined) {
        // Kustomize output has no file to point at: the message says where instead.
        const where = (0,_manifests_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .formatLocation */ .j)(location);
        return { message: message.includes(where) ? message : `${message} (${where})` };
    }
    return { message, file: location.source, startLine: location.line };
}
function failureLocation(result, deploy, message) {
    if (deploy?.failedAt)
        return deploy.failedAt;
    const objects = result.render?.objects ?? [];
    const failedWorkload = deploy?.verify?.workloads.find((w) => w.state === 'failed');
    if (failedWorkload) {
        const object = renderedObject(objects, failedWorkload.ref);
        if (object)
            return object.location;
    }
    if (deploy?.migration?.status === 'failed') {
        const job = migrationSource(objects, deploy.migration);
        if (job)
            return job.location;
    }
    return locationInMessage(message);
}
function renderedObject(objects, ref) {
    return objects.find((o) => o.kind === ref.kind &&
        o.name === ref.name &&
        (ref.namespace === undefined || o.namespace === undefined || o.namespace === ref.namespace));
}
/** The rendered Job a migration Job was made from (the engine renames it `NAME-<tag>`). */
function migrationSource(objects, migration) {
    return objects.find((o) => o.kind === 'Job' &&
        o.name === migration.sourceName &&
        (migration.job.namespace === undefined ||
            o.namespace === undefined ||
            o.namespace === migration.job.namespace));
}
/**
 * A `file:line` a message names: ManifestError starts with `file:line: `, a plan error appends
 * `(file:line)` to the kubectl line that names an object. Only paths that look like files.
 */
function locationInMessage(message) {
    const patterns = [/^([^\s:()]+\.(?:ya?ml|json)):(\d+): /m, /\(([^\s:()]+\.(?:ya?ml|json)):(\d+)\)/];
    for (const pattern of patterns) {
        const match = pattern.exec(message);
        if (match?.[1] && match[2])
            return { source: match[1], line: Number(match[2]) };
    }
    return undefined;
}


/***/ })

};
