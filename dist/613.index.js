export const id = 613;
export const ids = [613];
export const modules = {

/***/ 4555:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Y5: () => (/* binding */ KubeApi),
/* harmony export */   hD: () => (/* binding */ ApiError),
/* harmony export */   oU: () => (/* binding */ resourcePath)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_http__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _records_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4845);





/** A failed API request, with the HTTP status and the Status message the server sent. */
class ApiError extends Error {
    status;
    name = 'ApiError';
    constructor(message, status) {
        super(message);
        this.status = status;
    }
}
/** Collection paths of the kinds the engine reads and watches itself (everything else goes through kubectl). */
const COLLECTIONS = {
    Deployment: '/apis/apps/v1/deployments',
    ReplicaSet: '/apis/apps/v1/replicasets',
    StatefulSet: '/apis/apps/v1/statefulsets',
    DaemonSet: '/apis/apps/v1/daemonsets',
    ControllerRevision: '/apis/apps/v1/controllerrevisions',
    Job: '/apis/batch/v1/jobs',
    Pod: '/api/v1/pods',
    Event: '/api/v1/events',
    Secret: '/api/v1/secrets',
    CustomResourceDefinition: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
};
/** `/apis/apps/v1/namespaces/NS/deployments[/NAME]` for a kind the engine knows. */
function resourcePath(kind, namespace, name) {
    const collection = COLLECTIONS[kind];
    if (collection === undefined)
        throw new Error(`No API path known for kind ${kind}.`);
    const slash = collection.lastIndexOf('/');
    const base = namespace !== undefined
        ? `${collection.slice(0, slash)}/namespaces/${encodeURIComponent(namespace)}${collection.slice(slash)}`
        : collection;
    return name !== undefined ? `${base}/${encodeURIComponent(name)}` : base;
}
/**
 * Reads, watches and small writes over one `kubectl proxy` on a private unix socket: one
 * process for all of them, whose credentials kubectl keeps fresh (EKS tokens renew through
 * the exec plugin), so a 40-minute rollout never meets an expired token. The socket lives in
 * a 0700 directory, so no other user on the runner can borrow the credentials.
 */
class KubeApi {
    socketPath;
    stop;
    constructor(socketPath, stop) {
        this.socketPath = socketPath;
        this.stop = stop;
    }
    static async start(kubectl) {
        const dir = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdtemp)(node_path__WEBPACK_IMPORTED_MODULE_3___default().join(kubectl.options.env.RUNNER_TEMP || (0,node_os__WEBPACK_IMPORTED_MODULE_2__.tmpdir)(), 'k8s-deploy-api-'));
        const socketPath = node_path__WEBPACK_IMPORTED_MODULE_3___default().join(dir, 'api.sock');
        const stopProxy = new AbortController();
        let output = '';
        const exited = kubectl
            .run(['proxy', `--unix-socket=${socketPath}`, '--keepalive=30s'], {
            timeoutMs: 24 * 3600_000,
            signal: stopProxy.signal,
        })
            .then((result) => {
            output = result.stderr || result.stdout;
        }, () => { });
        // Poll the socket rather than parse "Starting to serve": an answer is what proves it works.
        const api = new KubeApi(socketPath, async () => {
            stopProxy.abort();
            await exited;
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(dir, { recursive: true, force: true });
        });
        const deadline = Date.now() + 30_000;
        for (;;) {
            try {
                await api.request('GET', '/version', { timeoutMs: 2000, retries: 0 });
                return api;
            }
            catch {
                if (stopProxy.signal.aborted || Date.now() > deadline || output !== '') {
                    await api.close();
                    throw new Error(`kubectl proxy did not start: ${output.trim() || 'no answer within 30 s'}`);
                }
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
        }
    }
    close() {
        return this.stop();
    }
    /**
     * One request. GETs are retried (bounded: `retries`, default 4, with back-off) on 429, 5xx
     * and connection errors; the caller sees the last error as one sentence.
     */
    async request(method, requestPath, options = {}) {
        const retries = options.retries ?? (method === 'GET' ? 4 : 0);
        for (let attempt = 0;; attempt++) {
            try {
                return await this.once(method, requestPath, options.body, options.timeoutMs ?? 30_000);
            }
            catch (error) {
                const retryable = !(error instanceof ApiError) || error.status === 429 || error.status >= 500;
                if (!retryable || attempt >= retries)
                    throw error;
                options.onRetry?.(error.message);
                await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
            }
        }
    }
    /** GET that answers undefined for 404. */
    async get(requestPath) {
        try {
            return await this.request('GET', requestPath);
        }
        catch (error) {
            if (error instanceof ApiError && error.status === 404)
                return undefined;
            throw error;
        }
    }
    async list(requestPath, query = {}) {
        const list = await this.request('GET', withQuery(requestPath, query));
        const items = Array.isArray(list.items) ? list.items.filter(_records_js__WEBPACK_IMPORTED_MODULE_4__/* .isRecord */ .u) : [];
        const metadata = (0,_records_js__WEBPACK_IMPORTED_MODULE_4__/* .isRecord */ .u)(list.metadata) ? list.metadata : {};
        return { items, resourceVersion: String(metadata.resourceVersion ?? '') };
    }
    /**
     * A watch stream: resolves when the server ends it (or the signal aborts), rejects when it
     * cannot start. Each event goes to onEvent as it arrives.
     */
    watch(requestPath, query, onEvent, signal) {
        const full = withQuery(requestPath, { ...query, watch: 'true', allowWatchBookmarks: 'false' });
        return new Promise((resolve, reject) => {
            const request = node_http__WEBPACK_IMPORTED_MODULE_1___default().request({ socketPath: this.socketPath, path: full, method: 'GET' }, (response) => {
                if ((response.statusCode ?? 0) >= 300) {
                    readBody(response).then((text) => reject(apiError(response.statusCode ?? 0, text)), reject);
                    return;
                }
                let buffer = '';
                response.setEncoding('utf8');
                response.on('data', (chunk) => {
                    buffer += chunk;
                    let newline = buffer.indexOf('\n');
                    while (newline !== -1) {
                        const line = buffer.slice(0, newline).trim();
                        buffer = buffer.slice(newline + 1);
                        if (line !== '') {
                            try {
                                onEvent(JSON.parse(line));
                            }
                            catch {
                                // a torn line: the stream is broken; ending it makes the caller re-list
                                response.destroy();
                            }
                        }
                        newline = buffer.indexOf('\n');
                    }
                });
                response.on('end', () => resolve());
                response.on('close', () => resolve());
                response.on('error', () => resolve());
            });
            const abort = () => {
                request.destroy();
                resolve();
            };
            signal.addEventListener('abort', abort, { once: true });
            request.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
            request.on('close', () => signal.removeEventListener('abort', abort));
            request.end();
        });
    }
    /** A container's log as text (`tailLines`, `previous`); empty when there is none. */
    async logs(namespace, pod, options) {
        const query = {};
        if (options.container)
            query.container = options.container;
        if (options.tailLines !== undefined)
            query.tailLines = String(options.tailLines);
        if (options.previous)
            query.previous = 'true';
        const requestPath = withQuery(`${resourcePath('Pod', namespace, pod)}/log`, query);
        return new Promise((resolve) => {
            const request = node_http__WEBPACK_IMPORTED_MODULE_1___default().request({ socketPath: this.socketPath, path: requestPath, method: 'GET', timeout: 15_000 }, (response) => {
                readBody(response).then((text) => resolve((response.statusCode ?? 0) < 300 ? text : ''), () => resolve(''));
            });
            request.on('timeout', () => request.destroy());
            request.on('error', () => resolve(''));
            request.end();
        });
    }
    /** Follows a container's log, line by line, until it ends or the signal aborts. */
    follow(namespace, pod, container, onLine, signal) {
        const query = { follow: 'true' };
        if (container)
            query.container = container;
        const requestPath = withQuery(`${resourcePath('Pod', namespace, pod)}/log`, query);
        return new Promise((resolve) => {
            const request = node_http__WEBPACK_IMPORTED_MODULE_1___default().request({ socketPath: this.socketPath, path: requestPath, method: 'GET' }, (response) => {
                if ((response.statusCode ?? 0) >= 300) {
                    response.resume();
                    resolve();
                    return;
                }
                let buffer = '';
                response.setEncoding('utf8');
                response.on('data', (chunk) => {
                    buffer += chunk;
                    const lines = buffer.split('\n');
                    buffer = lines.pop() ?? '';
                    for (const line of lines)
                        onLine(line);
                });
                const done = () => {
                    if (buffer !== '')
                        onLine(buffer);
                    buffer = '';
                    resolve();
                };
                response.on('end', done);
                response.on('close', done);
            });
            const abort = () => {
                request.destroy();
                resolve();
            };
            signal.addEventListener('abort', abort, { once: true });
            request.on('error', () => resolve());
            request.on('close', () => signal.removeEventListener('abort', abort));
            request.end();
        });
    }
    once(method, requestPath, body, timeoutMs) {
        return new Promise((resolve, reject) => {
            const payload = body === undefined ? undefined : JSON.stringify(body);
            const request = node_http__WEBPACK_IMPORTED_MODULE_1___default().request({
                socketPath: this.socketPath,
                path: requestPath,
                method,
                timeout: timeoutMs,
                headers: {
                    accept: 'application/json',
                    // Node sends a DELETE body without framing unless told its length: the proxy then
                    // reads the body as the next request and answers 400 Bad Request.
                    ...(payload !== undefined
                        ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
                        : {}),
                },
            }, (response) => {
                readBody(response).then((text) => {
                    const status = response.statusCode ?? 0;
                    if (status >= 300) {
                        reject(apiError(status, text));
                        return;
                    }
                    try {
                        const parsed = text === '' ? {} : JSON.parse(text);
                        resolve((0,_records_js__WEBPACK_IMPORTED_MODULE_4__/* .isRecord */ .u)(parsed) ? parsed : {});
                    }
                    catch {
                        reject(new ApiError(`The API server sent a response that is not JSON for ${method} ${requestPath}.`, status));
                    }
                }, reject);
            });
            request.on('timeout', () => request.destroy(new Error(`The API server did not answer ${method} ${requestPath} within ${timeoutMs / 1000} s.`)));
            request.on('error', reject);
            request.end(payload);
        });
    }
}
function withQuery(requestPath, query) {
    const search = new URLSearchParams(query).toString();
    return search === '' ? requestPath : `${requestPath}${requestPath.includes('?') ? '&' : '?'}${search}`;
}
function readBody(response) {
    return new Promise((resolve, reject) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
            if (text.length < 4 * 1024 * 1024)
                text += chunk;
        });
        response.on('end', () => resolve(text));
        response.on('error', reject);
    });
}
function apiError(status, text) {
    let message = text.trim().slice(0, 500);
    try {
        const parsed = JSON.parse(text);
        if ((0,_records_js__WEBPACK_IMPORTED_MODULE_4__/* .isRecord */ .u)(parsed) && typeof parsed.message === 'string')
            message = parsed.message;
    }
    catch {
        // not a Status object: keep the text
    }
    return new ApiError(message || `HTTP ${status}`, status);
}


/***/ }),

/***/ 6613:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FIELD_MANAGER: () => (/* binding */ FIELD_MANAGER),
/* harmony export */   Kubectl: () => (/* binding */ Kubectl),
/* harmony export */   KubectlError: () => (/* binding */ KubectlError),
/* harmony export */   errorLines: () => (/* binding */ errorLines)
/* harmony export */ });
/* harmony import */ var _objects_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8495);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5448);


/** The one field manager every apply of this action uses, so ownership never splits. */
const FIELD_MANAGER = 'k8s-deploy-action';
/** A kubectl call that did not finish: timed out or cancelled. */
class KubectlError extends Error {
    name = 'KubectlError';
}
/**
 * kubectl behind one seam: argument arrays (never a shell), the kubeconfig given explicitly,
 * a timeout, cancellation and bounded output on every call, and a count of the processes
 * started (benchmarks hold it constant in the number of objects).
 */
class Kubectl {
    options;
    counter;
    constructor(options, counter = { processes: 0 }) {
        this.options = options;
        this.counter = counter;
    }
    /** kubectl processes started so far, by this seam and the ones detached from it. */
    get processes() {
        return this.counter.processes;
    }
    /**
     * The same kubectl without the run's cancellation: what must finish after a cancel (a
     * rollback started within the runner's grace period) uses this, with its own timeouts.
     */
    detached() {
        return new Kubectl({ ...this.options, signal: undefined, timeoutMs: 30_000 }, this.counter);
    }
    get signal() {
        return this.options.signal;
    }
    /** Runs kubectl; resolves with any exit code, throws only when it timed out or was cancelled. */
    async run(args, options = {}) {
        const { runner, kubeconfig, context, env } = this.options;
        const full = [...(context ? ['--context', context] : []), ...args];
        const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 120_000;
        this.counter.processes++;
        this.options.logger.debug(`kubectl ${full.join(' ')}`);
        const result = await runner.run('kubectl', full, {
            stdin: options.stdin,
            env: { ...env, KUBECONFIG: kubeconfig },
            timeoutMs,
            signal: options.signal ?? this.options.signal,
            maxOutputChars: 16 * 1024 * 1024,
        });
        if (result.cancelled)
            throw new KubectlError(`kubectl ${args[0]} was cancelled.`);
        if (result.timedOut) {
            throw new KubectlError(`kubectl ${args[0]} did not finish within ${Math.round(timeoutMs / 1000)} s; the cluster may have stopped answering.`);
        }
        return result;
    }
    /**
     * Server-side apply of a multi-document YAML with our field manager, taking ownership of
     * conflicting fields as controllers should. kubectl applies every object even when one
     * fails and reports all errors at the end; we return both.
     */
    async apply(yaml, options = {}) {
        const args = [
            'apply',
            '--server-side',
            `--field-manager=${options.fieldManager ?? FIELD_MANAGER}`,
            ...(options.force === false ? [] : ['--force-conflicts']),
            ...(options.dryRun ? ['--dry-run=server'] : []),
            ...(options.validate === false ? ['--validate=false'] : []),
            '--request-timeout=60s',
            '-o',
            'json',
            '-f',
            '-',
        ];
        const result = await this.run(args, { stdin: yaml });
        return { objects: safeJsonStream(result.stdout), errors: errorLines(result) };
    }
    /** The live state of the named objects; those that do not exist are left out. */
    async get(refs, options = {}) {
        if (refs.length === 0)
            return [];
        const args = ['get', '--ignore-not-found', '--request-timeout=60s', '-o', 'json', '-f', '-'];
        if (options.managedFields)
            args.push('--show-managed-fields');
        const result = await this.run(args, { stdin: (0,_plan_js__WEBPACK_IMPORTED_MODULE_0__/* .toYaml */ .fE)(refs) });
        if (result.exitCode !== 0)
            throw new Error(`kubectl get failed: ${errorLines(result).join(' | ')}`);
        return safeJsonStream(result.stdout);
    }
    /** Deletes the named objects (background propagation: dependents go too); missing ones are fine. */
    async delete(refs) {
        if (refs.length === 0)
            return [];
        const result = await this.run(['delete', '--ignore-not-found', '--wait=false', '--request-timeout=60s', '-f', '-'], { stdin: (0,_plan_js__WEBPACK_IMPORTED_MODULE_0__/* .toYaml */ .fE)(refs) });
        return result.exitCode === 0 ? [] : errorLines(result);
    }
}
function safeJsonStream(text) {
    try {
        return (0,_objects_js__WEBPACK_IMPORTED_MODULE_1__/* .parseJsonStream */ .W$)(text);
    }
    catch {
        return [];
    }
}
/** kubectl's error lines, without the usage noise; the last ones when there are many. */
function errorLines(result) {
    if (result.exitCode === 0)
        return [];
    const lines = result.stderr
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('Warning:'));
    return lines.length > 0 ? lines.slice(-50) : [`kubectl exited with code ${result.exitCode}`];
}


/***/ }),

/***/ 7474:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GD: () => (/* binding */ runMigration),
/* harmony export */   mp: () => (/* binding */ migrationJob)
/* harmony export */ });
/* unused harmony exports MIGRATION_LABEL, MIGRATION_JOBS_KEPT, migrationWarnings */
/* harmony import */ var _records_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4845);
/* harmony import */ var _kube_api_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4555);
/* harmony import */ var _objects_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8495);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5448);
/* harmony import */ var _rollout_objects_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(5165);
/* harmony import */ var _verify_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7812);
/* harmony import */ var _watch_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4808);







/** Label on every migration Job this action creates: the source Job's name. */
const MIGRATION_LABEL = 'k8s-deploy-action/migration';
/** The annotation the reference deployment puts on its migration Job for other tools and people. */
const RUN_ANNOTATION = 'k8s-deploy-action/run';
/** Finished migration Jobs kept for `kubectl logs` and post-mortems; older ones are deleted. */
const MIGRATION_JOBS_KEPT = 3;
/**
 * The migration Job of one release: its own name per tag (`NAME-<first 8 of the tag>`), because a
 * Job's pod template is immutable and the same name could never get a new image, and a deadline
 * (`activeDeadlineSeconds` from migration-timeout when it has none) so it cannot hang forever
 * even when nobody watches it any more.
 */
function migrationJob(source, tag, timeoutMs) {
    const job = structuredClone(source);
    const metadata = (0,_objects_js__WEBPACK_IMPORTED_MODULE_4__/* .metadataOf */ .Nk)(job);
    const sourceName = String(metadata.name);
    const suffix = tag
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-')
        .slice(0, 8)
        .replace(/^-+|-+$/g, '') || 'run';
    metadata.name = `${sourceName.slice(0, 63 - suffix.length - 1)}-${suffix}`;
    metadata.labels = { ...(0,_objects_js__WEBPACK_IMPORTED_MODULE_4__/* .labelsOf */ .PC)(job), [MIGRATION_LABEL]: sourceName };
    const annotations = (0,_objects_js__WEBPACK_IMPORTED_MODULE_4__/* .annotationsOf */ .Ih)(job);
    delete annotations[RUN_ANNOTATION];
    if (Object.keys(annotations).length === 0)
        delete metadata.annotations;
    const spec = (0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(job.spec) ? job.spec : {};
    job.spec = spec;
    if (typeof spec.activeDeadlineSeconds !== 'number')
        spec.activeDeadlineSeconds = Math.ceil(timeoutMs / 1000);
    return job;
}
/** What makes migration Jobs hang or lose their logs, as warnings to act on. */
function migrationWarnings(job) {
    const warnings = [];
    const spec = (0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(job.spec) ? job.spec : {};
    const template = (0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(spec.template) ? spec.template : {};
    const pod = (0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(template.spec) ? template.spec : {};
    const name = String((0,_objects_js__WEBPACK_IMPORTED_MODULE_4__/* .metadataOf */ .Nk)(job).name);
    if (pod.restartPolicy === 'OnFailure') {
        warnings.push(`Job ${name} has restartPolicy: OnFailure: a failing migration restarts in the same pod and its earlier logs are lost; restartPolicy: Never keeps one pod and one log per attempt.`);
    }
    const containers = Array.isArray(pod.containers) ? pod.containers : [];
    const annotations = (0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(template.metadata) && (0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(template.metadata.annotations)
        ? template.metadata.annotations
        : {};
    if (containers.length > 1) {
        warnings.push(`Job ${name} runs ${containers.length} containers: a sidecar that never exits keeps the pod running, so the Job never completes; make it a native sidecar (an init container with restartPolicy: Always).`);
    }
    else if (annotations['sidecar.istio.io/inject'] === 'true') {
        warnings.push(`Job ${name} asks for an Istio sidecar, which keeps the pod running after the migration exits; set sidecar.istio.io/inject: "false" or use native sidecars.`);
    }
    if (typeof spec.ttlSecondsAfterFinished === 'number' && spec.ttlSecondsAfterFinished < 600) {
        warnings.push(`Job ${name} is deleted ${spec.ttlSecondsAfterFinished} s after it finishes (ttlSecondsAfterFinished), and its logs with it; keep it an hour or more for post-mortems.`);
    }
    return warnings;
}
/**
 * Runs the migration Job to completion before any workload changes: a Job that completed for
 * this tag is not run again, a failed one is recreated, a running one is waited for. Its pods'
 * logs stream into the log as they are written; a pod that can never run (pull or config
 * error: a Job never fails on those by itself) fails it at once.
 */
async function runMigration(planned, options) {
    const { api, logger, kubectl } = options;
    const started = Date.now();
    const ref = planned.ref;
    const sourceName = (0,_objects_js__WEBPACK_IMPORTED_MODULE_4__/* .labelsOf */ .PC)(planned.object)[MIGRATION_LABEL] ?? ref.name;
    const namespace = ref.namespace ?? 'default';
    const jobPath = (0,_kube_api_js__WEBPACK_IMPORTED_MODULE_0__/* .resourcePath */ .oU)('Job', namespace, ref.name);
    for (const warning of migrationWarnings(planned.object))
        logger.warning(warning);
    const existing = await api.get(jobPath);
    const condition = existing ? finishedCondition(existing) : undefined;
    if (condition === 'Complete') {
        logger.info(`Job ${namespace}/${ref.name} already completed for this tag; the migration is not run again.`);
        return { job: ref, sourceName, status: 'skipped', durationMs: Date.now() - started };
    }
    if (condition === 'Failed') {
        logger.info(`Job ${namespace}/${ref.name} failed before; deleting it to run the migration again.`);
        await deleteAndWait(api, jobPath, options.signal);
    }
    if (!existing || condition === 'Failed') {
        const { errors } = await kubectl.apply((0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .toYaml */ .fE)([planned.object]));
        if (errors.length > 0) {
            return {
                job: ref,
                sourceName,
                status: 'failed',
                durationMs: Date.now() - started,
                verdict: `The migration Job ${namespace}/${ref.name} could not be created: ${errors.join(' | ')}`,
            };
        }
        logger.info(`Created Job ${namespace}/${ref.name}; waiting for it to complete (migration-timeout ${(0,_verify_js__WEBPACK_IMPORTED_MODULE_2__/* .seconds */ .YA)(options.timeoutMs)}).`);
    }
    else {
        logger.info(`Job ${namespace}/${ref.name} is already running (an earlier run started it); waiting for it.`);
    }
    const streams = streamLogs(api, logger, namespace, ref.name, options.signal);
    const verify = await (0,_verify_js__WEBPACK_IMPORTED_MODULE_2__/* .verifyRollout */ .JK)([ref], {
        api,
        logger,
        policy: options.policy,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        since: started,
    });
    await streams.stop();
    const durationMs = Date.now() - started;
    if (verify.ok) {
        logger.info(`Migration Job ${namespace}/${ref.name} completed in ${(0,_verify_js__WEBPACK_IMPORTED_MODULE_2__/* .seconds */ .YA)(durationMs)}.`);
        await cleanUpOldJobs(api, logger, namespace, (0,_objects_js__WEBPACK_IMPORTED_MODULE_4__/* .labelsOf */ .PC)(planned.object)[MIGRATION_LABEL] ?? ref.name, ref.name);
        return { job: ref, sourceName, status: 'complete', durationMs, verify };
    }
    if (verify.cancelled) {
        return {
            job: ref,
            sourceName,
            status: 'failed',
            durationMs,
            leftRunning: true,
            verdict: `The run was cancelled during the migration; Job ${namespace}/${ref.name} was left running (stopping a migration halfway is worse than letting it finish) and nothing else was applied.`,
            verify,
        };
    }
    const timedOut = verify.verdict?.includes('rollout-timeout') ?? false;
    const verdict = timedOut
        ? `The migration Job ${namespace}/${ref.name} did not complete within ${(0,_verify_js__WEBPACK_IMPORTED_MODULE_2__/* .seconds */ .YA)(options.timeoutMs)} (migration-timeout); it stops at its activeDeadlineSeconds.`
        : `The migration failed: ${verify.verdict ?? 'unknown reason'}`;
    return { job: ref, sourceName, status: 'failed', durationMs, verdict, verify };
}
function finishedCondition(job) {
    return ['Complete', 'Failed'].find((type) => (0,_rollout_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .conditionIs */ .OD)(job, type, 'True'));
}
async function deleteAndWait(api, jobPath, signal) {
    try {
        await api.request('DELETE', jobPath, { body: { propagationPolicy: 'Background' } });
    }
    catch (error) {
        if (!(error instanceof _kube_api_js__WEBPACK_IMPORTED_MODULE_0__/* .ApiError */ .hD && error.status === 404))
            throw error;
    }
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !signal.aborted) {
        if ((await api.get(jobPath)) === undefined)
            return;
        await (0,_watch_js__WEBPACK_IMPORTED_MODULE_3__/* .sleep */ .y)(200, signal);
    }
    throw new Error(`The failed Job at ${jobPath} was not deleted within 60 s (a finalizer may hold it).`);
}
/** Follows each pod's first container log once it has started, prefixing lines with the pod. */
function streamLogs(api, logger, namespace, job, signal) {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const following = new Map();
    const cache = new _watch_js__WEBPACK_IMPORTED_MODULE_3__/* .ObjectCache */ .U(api, logger, [{ kind: 'Pod', namespace, query: { labelSelector: `batch.kubernetes.io/job-name=${job}` } }], () => {
        for (const pod of cache.objects('Pod')) {
            const name = String((0,_objects_js__WEBPACK_IMPORTED_MODULE_4__/* .metadataOf */ .Nk)(pod).name);
            if (following.has(name) || !hasStarted(pod))
                continue;
            following.set(name, api.follow(namespace, name, firstContainer(pod), (line) => logger.info(`[${name}] ${line}`), stop.signal));
        }
    });
    const started = cache.start(stop.signal).catch(() => { });
    return {
        async stop() {
            await started;
            // Let the last lines arrive: a finished container's log stream ends by itself.
            await Promise.race([Promise.all(following.values()), (0,_watch_js__WEBPACK_IMPORTED_MODULE_3__/* .sleep */ .y)(2000)]);
            stop.abort();
            signal.removeEventListener('abort', onAbort);
            await cache.stopped();
        },
    };
}
function hasStarted(pod) {
    const status = (0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(pod.status) ? pod.status : {};
    const statuses = Array.isArray(status.containerStatuses) ? status.containerStatuses.filter(_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u) : [];
    return statuses.some((s) => (0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(s.state) && ((0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(s.state.running) || (0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(s.state.terminated)));
}
function firstContainer(pod) {
    const spec = (0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(pod.spec) ? pod.spec : {};
    const containers = Array.isArray(spec.containers) ? spec.containers.filter(_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u) : [];
    return typeof containers[0]?.name === 'string' ? containers[0].name : undefined;
}
/** Deletes finished migration Jobs of the same source beyond the newest few (their pods go with them). */
async function cleanUpOldJobs(api, logger, namespace, source, current) {
    try {
        const { items } = await api.list((0,_kube_api_js__WEBPACK_IMPORTED_MODULE_0__/* .resourcePath */ .oU)('Job', namespace), {
            labelSelector: `${MIGRATION_LABEL}=${source}`,
        });
        const finished = items
            .filter((job) => finishedCondition(job) !== undefined || (0,_objects_js__WEBPACK_IMPORTED_MODULE_4__/* .metadataOf */ .Nk)(job).name === current)
            .sort((a, b) => String((0,_objects_js__WEBPACK_IMPORTED_MODULE_4__/* .metadataOf */ .Nk)(b).creationTimestamp).localeCompare(String((0,_objects_js__WEBPACK_IMPORTED_MODULE_4__/* .metadataOf */ .Nk)(a).creationTimestamp)));
        for (const job of finished.slice(MIGRATION_JOBS_KEPT)) {
            const ref = (0,_objects_js__WEBPACK_IMPORTED_MODULE_4__/* .refOf */ .H8)(job);
            await api.request('DELETE', (0,_kube_api_js__WEBPACK_IMPORTED_MODULE_0__/* .resourcePath */ .oU)('Job', namespace, ref.name), {
                body: { propagationPolicy: 'Background' },
            });
            logger.info(`Deleted the old migration ${(0,_objects_js__WEBPACK_IMPORTED_MODULE_4__/* .describeRef */ .Ro)({ ...ref, kind: 'Job' })}.`);
        }
    }
    catch (error) {
        logger.warning(`Old migration Jobs could not be cleaned up: ${error.message}`);
    }
}


/***/ }),

/***/ 8495:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $N: () => (/* binding */ canonical),
/* harmony export */   E$: () => (/* binding */ redact),
/* harmony export */   H7: () => (/* binding */ controllerUid),
/* harmony export */   H8: () => (/* binding */ refOf),
/* harmony export */   Ih: () => (/* binding */ annotationsOf),
/* harmony export */   LM: () => (/* binding */ refManifest),
/* harmony export */   Nk: () => (/* binding */ metadataOf),
/* harmony export */   PC: () => (/* binding */ labelsOf),
/* harmony export */   Ro: () => (/* binding */ describeRef),
/* harmony export */   TN: () => (/* binding */ keyOf),
/* harmony export */   VX: () => (/* binding */ secretValues),
/* harmony export */   W$: () => (/* binding */ parseJsonStream),
/* harmony export */   Zm: () => (/* binding */ comparable),
/* harmony export */   kz: () => (/* binding */ uidOf)
/* harmony export */ });
/* unused harmony export RUN_ANNOTATIONS */
/* harmony import */ var _records_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4845);

function metadataOf(object) {
    return (0,_records_js__WEBPACK_IMPORTED_MODULE_0__/* .isRecord */ .u)(object.metadata) ? object.metadata : {};
}
function refOf(object) {
    const metadata = metadataOf(object);
    return {
        apiVersion: String(object.apiVersion ?? ''),
        kind: String(object.kind ?? ''),
        name: String(metadata.name ?? ''),
        ...(typeof metadata.namespace === 'string' && metadata.namespace !== ''
            ? { namespace: metadata.namespace }
            : {}),
    };
}
function groupOf(apiVersion) {
    const slash = apiVersion.indexOf('/');
    return slash === -1 ? '' : apiVersion.slice(0, slash);
}
/** Identity of an object across API versions: group, kind, namespace and name. */
function keyOf(ref) {
    return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}
/** `Deployment upload/api`, `Namespace upload`: how objects are named in logs and verdicts. */
function describeRef(ref) {
    return `${ref.kind} ${ref.namespace !== undefined ? `${ref.namespace}/` : ''}${ref.name}`;
}
/** A manifest that only names the object (for `kubectl get -f` / `delete -f`). */
function refManifest(ref) {
    return {
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name: ref.name, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}) },
    };
}
function uidOf(object) {
    const uid = metadataOf(object).uid;
    return typeof uid === 'string' ? uid : undefined;
}
function labelsOf(object) {
    const labels = metadataOf(object).labels;
    return (0,_records_js__WEBPACK_IMPORTED_MODULE_0__/* .isRecord */ .u)(labels) ? labels : {};
}
function annotationsOf(object) {
    const annotations = metadataOf(object).annotations;
    return (0,_records_js__WEBPACK_IMPORTED_MODULE_0__/* .isRecord */ .u)(annotations) ? annotations : {};
}
/** The uid of the object's controller (ownerReferences with controller: true). */
function controllerUid(object) {
    const owners = metadataOf(object).ownerReferences;
    if (!Array.isArray(owners))
        return undefined;
    const owner = owners.find((entry) => (0,_records_js__WEBPACK_IMPORTED_MODULE_0__/* .isRecord */ .u)(entry) && entry.controller === true);
    return (0,_records_js__WEBPACK_IMPORTED_MODULE_0__/* .isRecord */ .u)(owner) && typeof owner.uid === 'string' ? owner.uid : undefined;
}
/** Annotations that change on every run of the same commit; they never make a release differ. */
const RUN_ANNOTATIONS = ['k8s-deploy-action/run-url', 'kubernetes.io/change-cause'];
const SERVER_METADATA = [
    'managedFields',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'uid',
    'selfLink',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
];
/**
 * The object as it would be compared between two states: without what the server maintains
 * (status, resourceVersion, managedFields, ...) and without the annotations each run rewrites.
 */
function comparable(object) {
    const copy = structuredClone(object);
    delete copy.status;
    const metadata = metadataOf(copy);
    for (const field of SERVER_METADATA)
        delete metadata[field];
    const annotations = metadata.annotations;
    if ((0,_records_js__WEBPACK_IMPORTED_MODULE_0__/* .isRecord */ .u)(annotations)) {
        for (const key of RUN_ANNOTATIONS)
            delete annotations[key];
        delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
        if (Object.keys(annotations).length === 0)
            delete metadata.annotations;
    }
    return copy;
}
/** JSON with object keys sorted, so equal objects compare equal as text. */
function canonical(value) {
    if (Array.isArray(value))
        return `[${value.map(canonical).join(',')}]`;
    if ((0,_records_js__WEBPACK_IMPORTED_MODULE_0__/* .isRecord */ .u)(value)) {
        return `{${Object.keys(value)
            .sort()
            .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
            .join(',')}}`;
    }
    return JSON.stringify(value) ?? 'null';
}
/**
 * Splits kubectl's `-o json` output for several objects: it prints one JSON document after
 * another (not a List), each pretty-printed.
 */
function parseJsonStream(text) {
    const objects = [];
    let depth = 0;
    let start = -1;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const char = text[i];
        if (inString) {
            if (char === '\\')
                i++;
            else if (char === '"')
                inString = false;
            continue;
        }
        if (char === '"')
            inString = true;
        else if (char === '{') {
            if (depth === 0)
                start = i;
            depth++;
        }
        else if (char === '}') {
            depth--;
            if (depth === 0 && start !== -1) {
                const parsed = JSON.parse(text.slice(start, i + 1));
                if ((0,_records_js__WEBPACK_IMPORTED_MODULE_0__/* .isRecord */ .u)(parsed))
                    objects.push(parsed);
                start = -1;
            }
        }
    }
    return objects.flatMap((object) => object.kind === 'List' && Array.isArray(object.items) ? object.items.filter(_records_js__WEBPACK_IMPORTED_MODULE_0__/* .isRecord */ .u) : [object]);
}
/** Shorter values are not hidden: masking every "yes" or "1" would garble the text around them. */
const MIN_SECRET_LENGTH = 4;
/**
 * The values a Secret holds, as they can appear in text: `stringData` as written, `data` both
 * base64 and decoded, each line of a multi-line value on its own (diffs print line by line).
 */
function secretValues(secret) {
    if (secret?.kind !== 'Secret')
        return [];
    const values = [];
    const add = (value) => {
        if (typeof value !== 'string')
            return;
        for (const part of [value, ...value.split('\n')]) {
            if (part.trim().length >= MIN_SECRET_LENGTH)
                values.push(part.trim());
        }
    };
    const stringData = (0,_records_js__WEBPACK_IMPORTED_MODULE_0__/* .isRecord */ .u)(secret.stringData) ? secret.stringData : {};
    const data = (0,_records_js__WEBPACK_IMPORTED_MODULE_0__/* .isRecord */ .u)(secret.data) ? secret.data : {};
    for (const value of Object.values(stringData))
        add(value);
    for (const value of Object.values(data)) {
        add(value);
        if (typeof value === 'string')
            add(Buffer.from(value, 'base64').toString('utf8'));
    }
    return values;
}
/** The text with every given secret value replaced by `***`, longest first. */
function redact(text, secrets) {
    const sorted = [...new Set(secrets)].sort((a, b) => b.length - a.length);
    return sorted.reduce((out, secret) => out.split(secret).join('***'), text);
}


/***/ }),

/***/ 5448:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   IL: () => (/* binding */ namespaceOfRecord),
/* harmony export */   PA: () => (/* binding */ dryRun),
/* harmony export */   W6: () => (/* binding */ PlanError),
/* harmony export */   bJ: () => (/* binding */ planDeploy),
/* harmony export */   fE: () => (/* binding */ toYaml),
/* harmony export */   fH: () => (/* binding */ producedByOperators)
/* harmony export */ });
/* unused harmony exports stageOf, prepareObjects, fingerprintOf */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var js_yaml__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3243);
/* harmony import */ var _manifests_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4711);
/* harmony import */ var _manifests_kinds_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6521);
/* harmony import */ var _records_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4845);
/* harmony import */ var _migrate_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7474);
/* harmony import */ var _objects_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8495);







/** A problem found before anything changed: the cluster refused the set in the dry run. */
class PlanError extends Error {
    name = 'PlanError';
}
function stageOf(ref) {
    const order = (0,_manifests_kinds_js__WEBPACK_IMPORTED_MODULE_3__/* .applyOrder */ .Fu)((0,_manifests_kinds_js__WEBPACK_IMPORTED_MODULE_3__/* .groupKind */ .KH)(ref.apiVersion, ref.kind));
    return order === 0 ? 'definitions' : order === 1 ? 'configuration' : 'workloads';
}
/** Parses the rendered objects and pulls the migration Job out of the set. */
function prepareObjects(input) {
    let migration;
    const objects = [];
    for (const rendered of input.rendered) {
        const parsed = (0,js_yaml__WEBPACK_IMPORTED_MODULE_1__/* .load */ .Hh)(rendered.yaml);
        if (!(0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(parsed))
            throw new PlanError(`${(0,_manifests_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .formatLocation */ .j)(rendered.location)}: not an object.`);
        const ref = (0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .refOf */ .H8)(parsed);
        const planned = {
            ref,
            key: (0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .keyOf */ .TN)(ref),
            object: parsed,
            location: rendered.location,
            stage: stageOf(ref),
            change: 'create',
            deferred: false,
        };
        if (input.migrationJobName !== undefined &&
            ref.kind === 'Job' &&
            ref.name === input.migrationJobName &&
            !migration) {
            const job = (0,_migrate_js__WEBPACK_IMPORTED_MODULE_4__/* .migrationJob */ .mp)(parsed, input.tag ?? fingerprintOf([parsed]).slice(0, 8), input.migrationTimeoutMs);
            const jobRef = (0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .refOf */ .H8)(job);
            migration = { ...planned, ref: jobRef, key: (0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .keyOf */ .TN)(jobRef), object: job, sourceName: ref.name };
            continue;
        }
        objects.push(planned);
    }
    if (input.migrationJobName !== undefined && !migration) {
        throw new PlanError(`Input 'migration-job' names ${input.migrationJobName}, but the manifests hold no Job of that name; expected the name of a Job in the manifests.`);
    }
    const all = [...objects.map((o) => o.object), ...(migration ? [migration.object] : [])];
    return { objects, migration, fingerprint: fingerprintOf(all) };
}
function fingerprintOf(objects) {
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256');
    const sorted = [...objects].sort((a, b) => (0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .keyOf */ .TN)((0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .refOf */ .H8)(a)).localeCompare((0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .keyOf */ .TN)((0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .refOf */ .H8)(b))));
    for (const object of sorted)
        hash.update((0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .canonical */ .$N)((0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .comparable */ .Zm)(object))).update('\n');
    return hash.digest('hex');
}
/**
 * The plan phase: what exists, and a server-side dry run of the whole set with the same field
 * manager and options as the apply, so schema errors, unknown fields, immutable fields and
 * admission denials fail the run before its first write. Objects the dry run cannot see yet
 * (their Namespace or CRD is new in this set) are marked deferred.
 */
async function planDeploy(input, kubectl, logger) {
    const prepared = prepareObjects(input);
    const everything = [...prepared.objects, ...(prepared.migration ? [prepared.migration] : [])];
    const newCrdKinds = new Set(prepared.objects
        .filter((o) => o.ref.kind === 'CustomResourceDefinition')
        .map((o) => crdKindKey(o.object))
        .filter((key) => key !== undefined));
    // Kinds of CRDs this set brings cannot even be read before the CRD exists.
    const readable = everything.filter((o) => !newCrdKinds.has((0,_manifests_kinds_js__WEBPACK_IMPORTED_MODULE_3__/* .groupKind */ .KH)(o.ref.apiVersion, o.ref.kind)));
    const live = new Map((await kubectl.get(readable.map((o) => (0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .refManifest */ .LM)(o.ref)))).map((object) => [
        (0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .keyOf */ .TN)((0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .refOf */ .H8)(object)),
        object,
    ]));
    const liveCrds = new Set(prepared.objects
        .filter((o) => o.ref.kind === 'CustomResourceDefinition' && live.has(o.key))
        .map((o) => crdKindKey(o.object)));
    const liveNamespaces = new Set([...live.values()].filter((object) => object.kind === 'Namespace').map((object) => (0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .refOf */ .H8)(object).name));
    const setNamespaces = new Set(prepared.objects.filter((o) => o.ref.kind === 'Namespace').map((o) => o.ref.name));
    for (const planned of everything) {
        planned.live = live.get(planned.key);
        const namespace = planned.ref.namespace;
        const kindKey = (0,_manifests_kinds_js__WEBPACK_IMPORTED_MODULE_3__/* .groupKind */ .KH)(planned.ref.apiVersion, planned.ref.kind);
        planned.deferred =
            (namespace !== undefined && setNamespaces.has(namespace) && !liveNamespaces.has(namespace)) ||
                (newCrdKinds.has(kindKey) && !liveCrds.has(kindKey));
    }
    // A migration Job that exists already ran (or runs) for this tag: the migrate phase decides.
    const checkable = everything.filter((o) => !o.deferred && !(o === prepared.migration && o.live));
    await dryRun(checkable, kubectl, logger);
    const deferred = everything.filter((o) => o.deferred);
    if (deferred.length > 0) {
        logger.info(`${deferred.length} object(s) live in a Namespace or are of a CRD that this set creates; the server can check them only once that exists, so they are dry-run right after the definitions are applied and before they are applied: ${deferred.map((o) => (0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .describeRef */ .Ro)(o.ref)).join(', ')}.`);
    }
    const unchanged = input.lastGood !== undefined &&
        input.latest?.version === input.lastGood.version &&
        input.lastGood.fingerprint === prepared.fingerprint &&
        deferred.length === 0 &&
        everything.every((o) => o.change === 'unchanged' || o === prepared.migration);
    const current = new Set(everything.map((o) => o.key));
    const removed = (input.lastGood?.objects ?? []).filter((ref) => !current.has((0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .keyOf */ .TN)(ref)));
    return { ...prepared, unchanged, removed };
}
/** Dry-runs objects and records per object whether applying would create, change or keep it. */
async function dryRun(objects, kubectl, logger) {
    if (objects.length === 0)
        return;
    const { objects: results, errors } = await kubectl.apply(toYaml(objects.map((o) => o.object)), {
        dryRun: true,
    });
    if (errors.length > 0) {
        // A Job's pod template never changes on a real server: say what to do instead.
        const jobHint = errors.some((line) => /\bJob\b.*spec\.template.*field is immutable/.test(line))
            ? "\nA Job's pod template cannot change once created: make it the migration-job (run once per release under its own name), give it a name per release, or delete it before deploying."
            : '';
        throw new PlanError(`The cluster refused the manifests in a server-side dry run, so nothing was changed:\n${errors
            .map((line) => `  ${locate(line, objects)}`)
            .join('\n')}${jobHint}`);
    }
    const byKey = new Map(results.map((object) => [(0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .keyOf */ .TN)((0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .refOf */ .H8)(object)), object]));
    for (const planned of objects) {
        const after = byKey.get(planned.key);
        if (planned.live === undefined)
            planned.change = 'create';
        else if (after !== undefined && (0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .canonical */ .$N)((0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .comparable */ .Zm)(after)) === (0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .canonical */ .$N)((0,_objects_js__WEBPACK_IMPORTED_MODULE_6__/* .comparable */ .Zm)(planned.live)))
            planned.change = 'unchanged';
        else
            planned.change = 'update';
    }
    const counts = { create: 0, update: 0, unchanged: 0 };
    for (const planned of objects)
        counts[planned.change]++;
    logger.info(`Server-side dry run of ${objects.length} object(s) passed: ${counts.create} to create, ${counts.update} to change, ${counts.unchanged} unchanged.`);
}
/** Appends the manifest's file:line to a kubectl error line that names one of the objects. */
function locate(line, objects) {
    const match = objects.find((o) => line.includes(`"${o.ref.name}"`) && line.toLowerCase().includes(o.ref.kind.toLowerCase()));
    return match ? `${line} (${(0,_manifests_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .formatLocation */ .j)(match.location)})` : line;
}
/**
 * Objects as a multi-document YAML stream whose documents are JSON (JSON is YAML: no second
 * serializer, nothing kubectl could read differently). The leading `---` makes kubectl read a
 * stream: one that starts with `{` is taken for a single JSON document.
 */
function toYaml(objects) {
    return objects.map((object) => `---\n${JSON.stringify(object)}\n`).join('');
}
function crdKindKey(crd) {
    const spec = crd.spec;
    if (!(0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(spec) || !(0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(spec.names))
        return undefined;
    return typeof spec.group === 'string' && typeof spec.names.kind === 'string'
        ? `${spec.group}/${spec.names.kind}`
        : undefined;
}
/** Where the records live: the namespace given, else the set's only namespace, else `default`. */
function namespaceOfRecord(objectNamespaces, given) {
    if (given)
        return given;
    const namespaces = new Set(objectNamespaces.filter((ns) => ns !== undefined));
    return namespaces.size === 1 ? ([...namespaces][0] ?? 'default') : 'default';
}
/**
 * The Secrets an operator creates from objects of the set: an ExternalSecret's target, a
 * SealedSecret, a cert-manager Certificate's secretName. A pod waiting for one of them right
 * after the apply is not broken yet.
 */
function producedByOperators(objects) {
    const produced = new Set();
    for (const { ref, object } of objects) {
        const spec = (0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(object.spec) ? object.spec : {};
        const group = ref.apiVersion.split('/')[0];
        if (group === 'external-secrets.io' && ref.kind === 'ExternalSecret') {
            const target = (0,_records_js__WEBPACK_IMPORTED_MODULE_5__/* .isRecord */ .u)(spec.target) && typeof spec.target.name === 'string' ? spec.target.name : ref.name;
            produced.add(`secret/${target}`);
        }
        else if (group === 'bitnami.com' && ref.kind === 'SealedSecret') {
            produced.add(`secret/${ref.name}`);
        }
        else if (group === 'cert-manager.io' &&
            ref.kind === 'Certificate' &&
            typeof spec.secretName === 'string') {
            produced.add(`secret/${spec.secretName}`);
        }
    }
    return produced;
}


/***/ }),

/***/ 5165:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   LS: () => (/* binding */ plural),
/* harmony export */   OD: () => (/* binding */ conditionIs),
/* harmony export */   V0: () => (/* binding */ records),
/* harmony export */   Vb: () => (/* binding */ nameOf),
/* harmony export */   Wy: () => (/* binding */ labelOf),
/* harmony export */   ZZ: () => (/* binding */ field),
/* harmony export */   bu: () => (/* binding */ num),
/* harmony export */   gE: () => (/* binding */ eventTime),
/* harmony export */   gx: () => (/* binding */ str),
/* harmony export */   nR: () => (/* binding */ timeOf),
/* harmony export */   uH: () => (/* binding */ condition)
/* harmony export */ });
/* harmony import */ var _records_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4845);

/** Reading API objects without trusting their shape: a missing or mistyped field is undefined. */
function field(object, ...path) {
    let value = object;
    for (const key of path) {
        if (!(0,_records_js__WEBPACK_IMPORTED_MODULE_0__/* .isRecord */ .u)(value))
            return undefined;
        value = value[key];
    }
    return value;
}
function str(object, ...path) {
    const value = field(object, ...path);
    return typeof value === 'string' ? value : undefined;
}
function num(object, ...path) {
    const value = field(object, ...path);
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
function records(object, ...path) {
    const value = field(object, ...path);
    return Array.isArray(value) ? value.filter(_records_js__WEBPACK_IMPORTED_MODULE_0__/* .isRecord */ .u) : [];
}
function nameOf(object) {
    return str(object, 'metadata', 'name') ?? '';
}
function labelOf(object, label) {
    return str(object, 'metadata', 'labels', label);
}
/** The condition of that type in status.conditions, if any. */
function condition(object, type) {
    return records(object, 'status', 'conditions').find((c) => c.type === type);
}
function conditionIs(object, type, status) {
    return condition(object, type)?.status === status;
}
/** Milliseconds since the epoch of an RFC 3339 timestamp, or undefined. */
function timeOf(value) {
    if (typeof value !== 'string')
        return undefined;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
}
function plural(count, noun) {
    return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
/** When an Event last happened: lastTimestamp, the series' last observation, eventTime, creation. */
function eventTime(event) {
    return (timeOf(field(event, 'lastTimestamp')) ??
        timeOf(field(event, 'series', 'lastObservedTime')) ??
        timeOf(field(event, 'eventTime')) ??
        timeOf(field(event, 'metadata', 'creationTimestamp')));
}


/***/ }),

/***/ 7812:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Fk: () => (/* binding */ VERIFIED_KINDS),
  rT: () => (/* binding */ logFailureDetails),
  YA: () => (/* binding */ seconds),
  JK: () => (/* binding */ verifyRollout)
});

// UNUSED EXPORTS: describeProblem

// EXTERNAL MODULE: ./src/records.ts
var records = __webpack_require__(4845);
// EXTERNAL MODULE: ./src/deploy/objects.ts
var objects = __webpack_require__(8495);
;// CONCATENATED MODULE: ./src/deploy/rollout/fail-fast.ts
/**
 * Decides when a problem has lasted past its grace. A waiting container state carries no
 * timestamp, so the tracker remembers when it first saw each problem key; the engine creates one
 * per verify phase and, after each rolloutStatus, forgets the keys no longer reported, so a
 * problem that clears and comes back starts its grace again.
 */
class FailFastTracker {
    now;
    firstSeen = new Map();
    constructor(now) {
        this.now = now;
    }
    isFatal(p) {
        if (p.graceMs <= 0)
            return true;
        if (!Number.isFinite(p.graceMs))
            return false;
        const now = this.now();
        const since = this.firstSeen.get(p.key);
        if (since === undefined) {
            this.firstSeen.set(p.key, now);
            return false;
        }
        return now - since >= p.graceMs;
    }
    /** How long the problem has been seen, in ms (0 if it is new): for "retrying for 12 s" messages. */
    seenForMs(key) {
        const since = this.firstSeen.get(key);
        return since === undefined ? 0 : this.now() - since;
    }
    forget(keysStillPresent) {
        for (const key of this.firstSeen.keys())
            if (!keysStillPresent.has(key))
                this.firstSeen.delete(key);
    }
}

// EXTERNAL MODULE: ./src/deploy/rollout/objects.ts
var rollout_objects = __webpack_require__(5165);
;// CONCATENATED MODULE: ./src/deploy/rollout/revisions.ts

/*
 * Which pods belong to the revision being rolled out. Problems of older pods are ignored: they are
 * being replaced, and a crash-looping old pod is the reason for many deploys.
 *
 * | Kind        | New revision                                                | Its pods                                   |
 * | ----------- | ----------------------------------------------------------- | ------------------------------------------ |
 * | Deployment  | ReplicaSet with the highest deployment.kubernetes.io/revision | pod-template-hash label = the RS's       |
 * | StatefulSet | status.updateRevision (a ControllerRevision name)           | controller-revision-hash label = that name |
 * | DaemonSet   | ControllerRevision with the highest .revision               | controller-revision-hash label = its hash  |
 * | Job         | the Job                                                     | all of them                                |
 *
 * Until the controller has observed the latest generation its status and newest revision describe
 * the previous spec, so there is no new revision yet: no pods.
 */
const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const HASH_LABEL = 'controller-revision-hash';
/** kstatus is lenient: without status.observedGeneration (a Job has none) there is nothing to compare. */
function generationObserved(workload) {
    const generation = (0,rollout_objects/* num */.bu)(workload, 'metadata', 'generation');
    const observed = (0,rollout_objects/* num */.bu)(workload, 'status', 'observedGeneration');
    return generation === undefined || observed === undefined || observed >= generation;
}
/** The Deployment's ReplicaSet for its current template, once the controller has made it. */
function newReplicaSet(snapshot) {
    if (!generationObserved(snapshot.workload))
        return undefined;
    return highest(snapshot.replicaSets, (rs) => Number((0,rollout_objects/* str */.gx)(rs, 'metadata', 'annotations', REVISION_ANNOTATION)));
}
function newRevisionPods(snapshot) {
    const { workload, pods } = snapshot;
    switch ((0,rollout_objects/* str */.gx)(workload, 'kind')) {
        case 'Deployment': {
            const rs = newReplicaSet(snapshot);
            if (!rs)
                return [];
            const hash = (0,rollout_objects/* labelOf */.Wy)(rs, 'pod-template-hash');
            const uid = (0,rollout_objects/* str */.gx)(rs, 'metadata', 'uid');
            return pods.filter((pod) => hash ? (0,rollout_objects/* labelOf */.Wy)(pod, 'pod-template-hash') === hash : uid !== undefined && controllerUid(pod) === uid);
        }
        case 'StatefulSet': {
            const revision = generationObserved(workload) ? (0,rollout_objects/* str */.gx)(workload, 'status', 'updateRevision') : undefined;
            return revision ? pods.filter((pod) => (0,rollout_objects/* labelOf */.Wy)(pod, HASH_LABEL) === revision) : [];
        }
        case 'DaemonSet': {
            if (!generationObserved(workload))
                return [];
            const revision = highest(snapshot.controllerRevisions, (cr) => (0,rollout_objects/* num */.bu)(cr, 'revision') ?? Number.NaN);
            const hash = revision && revisionHash(revision, (0,rollout_objects/* nameOf */.Vb)(workload));
            return hash ? pods.filter((pod) => (0,rollout_objects/* labelOf */.Wy)(pod, HASH_LABEL) === hash) : [];
        }
        case 'Job':
            return pods;
        default:
            return [];
    }
}
/**
 * A DaemonSet revision's hash: the controller labels it controller-revision-hash; the generic
 * history code (and our sandbox) label controller.kubernetes.io/hash; the name is "<owner>-<hash>".
 */
function revisionHash(revision, owner) {
    const name = (0,rollout_objects/* nameOf */.Vb)(revision);
    return ((0,rollout_objects/* labelOf */.Wy)(revision, HASH_LABEL) ??
        (0,rollout_objects/* labelOf */.Wy)(revision, 'controller.kubernetes.io/hash') ??
        (name.startsWith(`${owner}-`) ? name.slice(owner.length + 1) : undefined));
}
function highest(objects, rank) {
    let best;
    let bestRank = Number.NEGATIVE_INFINITY;
    for (const object of objects) {
        const value = rank(object);
        if (Number.isFinite(value) && value > bestRank)
            [best, bestRank] = [object, value];
    }
    return best;
}
function controllerUid(object) {
    const owner = (0,rollout_objects/* records */.V0)(object, 'metadata', 'ownerReferences').find((ref) => ref.controller === true);
    return (0,rollout_objects/* str */.gx)(owner, 'uid');
}

;// CONCATENATED MODULE: ./src/deploy/rollout/done.ts


const current = (summary) => ({ state: 'current', summary });
const progress = (summary) => ({ state: 'in-progress', summary });
const MAX_INT32 = 2147483647;
const RULES = {
    Deployment: deployment,
    StatefulSet: statefulSet,
    DaemonSet: daemonSet,
    Job: job,
};
function workloadVerdict(workload) {
    if ((0,rollout_objects/* field */.ZZ)(workload, 'metadata', 'deletionTimestamp') != null)
        return progress('being deleted');
    if (!generationObserved(workload)) {
        return progress(`waiting for the controller to see generation ${(0,rollout_objects/* num */.bu)(workload, 'metadata', 'generation')}`);
    }
    return (RULES[(0,rollout_objects/* str */.gx)(workload, 'kind') ?? ''] ?? generic)(workload);
}
function deployment(d) {
    if ((0,rollout_objects/* field */.ZZ)(d, 'spec', 'paused') === true)
        return current('paused: nothing rolls out until it is resumed');
    const progressing = (0,rollout_objects/* condition */.uH)(d, 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') {
        return {
            state: 'failed',
            reason: 'ProgressDeadlineExceeded',
            message: `progress deadline exceeded (${progressing.message ?? ''})`,
        };
    }
    const spec = (0,rollout_objects/* num */.bu)(d, 'spec', 'replicas') ?? 1;
    const [replicas, updated, ready, available] = [
        'replicas',
        'updatedReplicas',
        'readyReplicas',
        'availableReplicas',
    ].map((key) => (0,rollout_objects/* num */.bu)(d, 'status', key) ?? 0);
    const counts = `${updated}/${spec} updated, ${ready}/${spec} ready`;
    if (spec > replicas || spec > updated)
        return progress(counts);
    if (replicas > spec)
        return progress(waitingForExtra(replicas - spec, replicas - updated));
    if (updated > available)
        return progress(`${updated}/${spec} updated, ${available}/${spec} available`);
    if (spec > ready)
        return progress(counts);
    const deadline = (0,rollout_objects/* num */.bu)(d, 'spec', 'progressDeadlineSeconds');
    if (deadline !== undefined && deadline !== MAX_INT32 && progressing?.reason !== 'NewReplicaSetAvailable') {
        return progress('waiting for the new ReplicaSet to be reported available');
    }
    if (!(0,rollout_objects/* conditionIs */.OD)(d, 'Available', 'True'))
        return progress('waiting for minimum availability');
    return current(`${(0,rollout_objects/* plural */.LS)(spec, 'replica')} updated and available`);
}
function statefulSet(s) {
    const spec = (0,rollout_objects/* num */.bu)(s, 'spec', 'replicas') ?? 1;
    const [replicas, ready, updated, currentCount] = [
        'replicas',
        'readyReplicas',
        'updatedReplicas',
        'currentReplicas',
    ].map((key) => (0,rollout_objects/* num */.bu)(s, 'status', key) ?? 0);
    const counts = `${updated}/${spec} updated, ${ready}/${spec} ready`;
    if (spec > replicas || spec > ready)
        return progress(counts);
    if (replicas > spec)
        return progress(waitingForExtra(replicas - spec, replicas - updated));
    if ((0,rollout_objects/* str */.gx)(s, 'spec', 'updateStrategy', 'type') === 'OnDelete') {
        return current(`${(0,rollout_objects/* plural */.LS)(spec, 'replica')} ready (OnDelete: old pods change only when deleted)`);
    }
    const partition = (0,rollout_objects/* num */.bu)(s, 'spec', 'updateStrategy', 'rollingUpdate', 'partition');
    if (partition !== undefined) {
        const wanted = Math.max(0, spec - partition);
        if (updated < wanted)
            return progress(`${updated}/${wanted} updated (partition ${partition}), ${ready}/${spec} ready`);
        return current(`${(0,rollout_objects/* plural */.LS)(spec, 'replica')} ready, ${updated} updated${partition > 0 ? ` (partition ${partition})` : ''}`);
    }
    if (currentCount < spec || (0,rollout_objects/* str */.gx)(s, 'status', 'currentRevision') !== (0,rollout_objects/* str */.gx)(s, 'status', 'updateRevision')) {
        return progress(counts);
    }
    return current(`${(0,rollout_objects/* plural */.LS)(spec, 'replica')} updated and ready`);
}
function daemonSet(d) {
    // kstatus: a DaemonSet without observedGeneration has not been seen by its controller at all.
    if ((0,rollout_objects/* num */.bu)(d, 'status', 'observedGeneration') === undefined)
        return progress('waiting for the controller');
    const desired = (0,rollout_objects/* num */.bu)(d, 'status', 'desiredNumberScheduled');
    if (desired === undefined)
        return progress('waiting for the controller to count the nodes');
    const [scheduled, updated, available, ready] = [
        'currentNumberScheduled',
        'updatedNumberScheduled',
        'numberAvailable',
        'numberReady',
    ].map((key) => (0,rollout_objects/* num */.bu)(d, 'status', key) ?? 0);
    const onDelete = (0,rollout_objects/* str */.gx)(d, 'spec', 'updateStrategy', 'type') === 'OnDelete';
    if (desired > scheduled || (!onDelete && desired > updated) || desired > ready) {
        return progress(`${onDelete ? scheduled : updated}/${desired} ${onDelete ? 'scheduled' : 'updated'}, ${ready}/${desired} ready`);
    }
    if (desired > available)
        return progress(`${available}/${desired} available`);
    return current(`${(0,rollout_objects/* plural */.LS)(desired, 'node')} ${onDelete ? 'running it (OnDelete: old pods change only when deleted)' : 'updated and available'}`);
}
function job(j) {
    // FailureTarget comes first (while the pods stop), Failed follows with the same reason.
    const failure = [(0,rollout_objects/* condition */.uH)(j, 'Failed'), (0,rollout_objects/* condition */.uH)(j, 'FailureTarget')].find((c) => c?.status === 'True');
    if (failure) {
        const reason = typeof failure.reason === 'string' ? failure.reason : 'Failed';
        return {
            state: 'failed',
            reason,
            message: `failed with ${reason}${failure.message ? `: ${failure.message}` : ''}`,
        };
    }
    const succeeded = (0,rollout_objects/* num */.bu)(j, 'status', 'succeeded') ?? 0;
    if ((0,rollout_objects/* conditionIs */.OD)(j, 'Complete', 'True'))
        return current(`job complete (${succeeded} succeeded)`);
    if ((0,rollout_objects/* conditionIs */.OD)(j, 'SuccessCriteriaMet', 'True'))
        return progress('job succeeded, waiting for its pods to stop');
    if ((0,rollout_objects/* field */.ZZ)(j, 'spec', 'suspend') === true)
        return progress('job suspended');
    if ((0,rollout_objects/* str */.gx)(j, 'status', 'startTime') === undefined)
        return progress('job not started');
    const completions = (0,rollout_objects/* num */.bu)(j, 'spec', 'completions');
    const failed = (0,rollout_objects/* num */.bu)(j, 'status', 'failed') ?? 0;
    const parts = [`${(0,rollout_objects/* num */.bu)(j, 'status', 'active') ?? 0} active`];
    if (succeeded > 0 || (completions ?? 1) > 1)
        parts.push(`${succeeded}/${completions ?? 1} succeeded`);
    if (failed > 0)
        parts.push(`${failed} failed`);
    return progress(`job running (${parts.join(', ')})`);
}
/** Kinds without rules of their own: kstatus' Ready condition, done without one. */
function generic(o) {
    const ready = (0,rollout_objects/* condition */.uH)(o, 'Ready');
    if (ready && ready.status !== 'True')
        return progress(`not ready${ready.message ? `: ${ready.message}` : ''}`);
    return current('ready');
}
function waitingForExtra(extra, old) {
    return old > 0
        ? `waiting for ${(0,rollout_objects/* plural */.LS)(old, 'old pod')} to terminate`
        : `waiting for ${(0,rollout_objects/* plural */.LS)(extra, 'extra pod')} to terminate`;
}

;// CONCATENATED MODULE: ./src/deploy/rollout/failed-create.ts


/*
 * FailedCreate: the controller cannot create pods (PodSecurity admission, a missing ServiceAccount,
 * an exhausted quota, a webhook). The rollout would otherwise just stall until its deadline.
 *
 * | Kind                        | Signal                                                              |
 * | --------------------------- | ------------------------------------------------------------------- |
 * | Deployment                  | new ReplicaSet's ReplicaFailure=True, else FailedCreate Events on it |
 * | StatefulSet, DaemonSet, Job | FailedCreate Events on the workload (they have no such condition)   |
 *
 * The Deployment's own ReplicaFailure condition is not read: the controller copies it from any of
 * its ReplicaSets, old ones included. The ReplicaSet controller clears its condition on success,
 * but an Event stays listed for an hour, so an Event counts only while no pod has been created
 * after it last fired: a later pod means the cause went away.
 */
function failedCreateProblems(snapshot, policy) {
    const { workload } = snapshot;
    // Items of a List carry no kind, so the ReplicaSet's is not read from it.
    const deployment = (0,rollout_objects/* str */.gx)(workload, 'kind') === 'Deployment';
    const creator = deployment ? newReplicaSet(snapshot) : workload;
    if (!creator)
        return [];
    const kind = deployment ? 'ReplicaSet' : ((0,rollout_objects/* str */.gx)(workload, 'kind') ?? '');
    const owner = `${kind}/${(0,rollout_objects/* nameOf */.Vb)(creator)}`;
    const problem = (message) => ({
        pod: '',
        owner,
        init: false,
        reason: 'FailedCreate',
        message,
        graceMs: policy.failedCreateGraceMs,
        key: `${owner}//FailedCreate`,
    });
    const failure = (0,rollout_objects/* condition */.uH)(creator, 'ReplicaFailure');
    if (failure?.status === 'True')
        return [problem(typeof failure.message === 'string' ? failure.message : '')];
    const newestPod = Math.max(Number.NEGATIVE_INFINITY, ...snapshot.pods.map((pod) => (0,rollout_objects/* timeOf */.nR)((0,rollout_objects/* field */.ZZ)(pod, 'metadata', 'creationTimestamp')) ?? 0));
    const events = snapshot.events
        .filter((event) => event.reason === 'FailedCreate' && about(event, creator, kind))
        .map((event) => ({ event, at: (0,rollout_objects/* eventTime */.gE)(event) }))
        .filter(({ at }) => at === undefined || at >= newestPod)
        .sort((a, b) => (b.at ?? 0) - (a.at ?? 0));
    const latest = events[0]?.event;
    return latest ? [problem((0,rollout_objects/* str */.gx)(latest, 'message') ?? (0,rollout_objects/* str */.gx)(latest, 'note') ?? '')] : [];
}
/** Whether the event is about that object: by uid when both have one, else by kind and name. */
function about(event, object, kind) {
    const involved = (0,rollout_objects/* field */.ZZ)(event, 'involvedObject') ?? (0,rollout_objects/* field */.ZZ)(event, 'regarding');
    const uid = (0,rollout_objects/* str */.gx)(involved, 'uid');
    const objectUid = (0,rollout_objects/* str */.gx)(object, 'metadata', 'uid');
    if (uid && objectUid)
        return uid === objectUid;
    return (0,rollout_objects/* str */.gx)(involved, 'kind') === kind && (0,rollout_objects/* str */.gx)(involved, 'name') === (0,rollout_objects/* nameOf */.Vb)(object);
}

;// CONCATENATED MODULE: ./src/deploy/rollout/pod-problems.ts

/*
 * Which pod states fail a rollout, and how fast (graceMs: 0 = at once, Infinity = shown, never fatal).
 * Only pods of the new revision are classified; init containers like containers.
 *
 * | State                              | Reason / message                                         | Grace              |
 * | ---------------------------------- | -------------------------------------------------------- | ------------------ |
 * | waiting                            | ErrImagePull, ImagePullBackOff: not found, manifest/name | 0                  |
 * |                                    |   unknown, unauthorized, denied, forbidden, no such host |                    |
 * | waiting                            | ErrImagePull, ImagePullBackOff: anything else (timeouts, | imagePullGraceMs   |
 * |                                    |   429s, "Back-off pulling image" without the cause)      |                    |
 * | waiting                            | InvalidImageName, ErrImageNeverPull                      | 0                  |
 * | waiting                            | CreateContainerConfigError (also "failed to sync ...     | configErrorGraceMs |
 * |                                    |   cache": the kubelet has not seen the object yet)       |                    |
 * | waiting                            | CreateContainerError: name reserved / deadline exceeded  | configErrorGraceMs |
 * | waiting                            | CreateContainerError (other), RunContainerError          | 0                  |
 * | terminated (state or lastState)    | ContainerCannotRun, exit code != 128                     | 0                  |
 * | terminated (state or lastState)    | StartError: executable not found, no such file, denied,  | 0                  |
 * |                                    |   exec format error (containerd's ContainerCannotRun)    |                    |
 * | restartPolicy Always: crashed      | restarts >= crashloopRestarts, or restarts > it while up | 0                  |
 * |   (CrashLoopBackOff or terminated) | fewer restarts                                           | Infinity           |
 * | restartPolicy Always: phase Failed | any reason but a node's (Evicted, Preempting, Shutdown,  | 0                  |
 * |                                    |   NodeShutdown, Terminated, NodeAffinity, OutOf*)        |                    |
 * | PodScheduled=False                 | Unschedulable (autoscalers add nodes on exactly this)    | Infinity           |
 *
 * One problem per container: waiting reasons first, then a start failure, then the crash loop.
 * Job pods (restartPolicy Never/OnFailure) skip the last two rows that are about exits: the Job's
 * backoffLimit decides, and its Failed condition says so. The rows about pulling, configuring and
 * starting still apply, because a Job never counts those and would wait forever.
 * "crashloopRestarts: 2" lets a container restart twice: it fails on the third crash (waiting with
 * restartCount 2), or once it has restarted a third time even if it is running now.
 */
const PERMANENT_PULL = /not found|manifest unknown|name unknown|unauthorized|denied|forbidden|no such host|does not exist/i;
const TRANSIENT_CREATE = /is reserved for|already in use|deadline exceeded/i;
const EXEC_FAILURE = /executable file not found|no such file or directory|permission denied|exec format error/i;
const NODE_FAILURES = new Set([
    'Evicted',
    'Preempting',
    'Shutdown',
    'NodeShutdown',
    'Terminated',
    'NodeAffinity',
]);
const pullGrace = (message, policy) => PERMANENT_PULL.test(message) ? 0 : policy.imagePullGraceMs;
/** Waiting reasons that are problems, and their grace given the message. */
const WAITING = {
    ErrImagePull: pullGrace,
    ImagePullBackOff: pullGrace,
    InvalidImageName: () => 0,
    ErrImageNeverPull: () => 0,
    CreateContainerConfigError: (message, policy) => configErrorGrace(message, policy),
    CreateContainerError: (message, policy) => (TRANSIENT_CREATE.test(message) ? policy.configErrorGraceMs : 0),
    RunContainerError: () => 0,
};
/** Reasons that alternate for one cause share a key, so the grace runs from the first of them. */
const FAMILY = { ErrImagePull: 'ImagePull', ImagePullBackOff: 'ImagePull' };
function classifyPod(pod, policy) {
    // A pod being deleted (scale-down, replaced) no longer decides anything.
    if ((0,rollout_objects/* field */.ZZ)(pod, 'metadata', 'deletionTimestamp') != null)
        return [];
    const name = (0,rollout_objects/* nameOf */.Vb)(pod);
    const restartsAlways = ((0,rollout_objects/* str */.gx)(pod, 'spec', 'restartPolicy') ?? 'Always') === 'Always';
    const problems = [];
    const scheduled = (0,rollout_objects/* records */.V0)(pod, 'status', 'conditions').find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
        const message = typeof scheduled.message === 'string' ? scheduled.message : '';
        problems.push({
            pod: name,
            init: false,
            reason: 'Unschedulable',
            message,
            graceMs: Infinity,
            key: `${name}//Unschedulable`,
        });
    }
    if (restartsAlways && (0,rollout_objects/* str */.gx)(pod, 'status', 'phase') === 'Failed') {
        const reason = (0,rollout_objects/* str */.gx)(pod, 'status', 'reason') ?? '';
        if (!NODE_FAILURES.has(reason) && !reason.startsWith('OutOf')) {
            const message = [reason, (0,rollout_objects/* str */.gx)(pod, 'status', 'message')].filter(Boolean).join(': ');
            problems.push({
                pod: name,
                init: false,
                reason: 'Failed',
                message,
                graceMs: 0,
                key: `${name}//Failed`,
            });
        }
    }
    for (const [list, init] of [
        ['initContainerStatuses', true],
        ['containerStatuses', false],
    ]) {
        for (const status of (0,rollout_objects/* records */.V0)(pod, 'status', list)) {
            const finding = classifyContainer(status, restartsAlways, policy);
            if (!finding)
                continue;
            const container = (0,rollout_objects/* str */.gx)(status, 'name') ?? '';
            const family = FAMILY[finding.reason] ?? finding.reason;
            problems.push({ pod: name, container, init, ...finding, key: `${name}/${container}/${family}` });
        }
    }
    return problems;
}
function classifyContainer(status, restartsAlways, policy) {
    const waiting = (0,rollout_objects/* field */.ZZ)(status, 'state', 'waiting');
    const waitingReason = (0,rollout_objects/* str */.gx)(waiting, 'reason') ?? '';
    const grace = WAITING[waitingReason];
    if (grace) {
        const message = (0,rollout_objects/* str */.gx)(waiting, 'message') ?? '';
        return { reason: waitingReason, message, graceMs: grace(message, policy) };
    }
    const terminated = (0,rollout_objects/* field */.ZZ)(status, 'state', 'terminated') ?? (0,rollout_objects/* field */.ZZ)(status, 'lastState', 'terminated');
    const startFailure = cannotRun(terminated);
    if (startFailure)
        return startFailure;
    if (restartsAlways)
        return crashLoop(status, policy);
    return undefined;
}
function cannotRun(terminated) {
    const reason = (0,rollout_objects/* str */.gx)(terminated, 'reason');
    const message = (0,rollout_objects/* str */.gx)(terminated, 'message') ?? '';
    const exitCode = exitCodeOf(terminated);
    // Exit code 128 from ContainerCannotRun is the runtime's own trouble on that node (krane's rule).
    const fatal = (reason === 'ContainerCannotRun' && exitCode !== 128) ||
        (reason === 'StartError' && EXEC_FAILURE.test(message));
    return fatal && reason ? { reason, message, exitCode, graceMs: 0 } : undefined;
}
function crashLoop(status, policy) {
    const restarts = typeof status.restartCount === 'number' ? status.restartCount : 0;
    const crashed = (0,rollout_objects/* str */.gx)(status, 'state', 'waiting', 'reason') === 'CrashLoopBackOff' ||
        (0,rollout_objects/* field */.ZZ)(status, 'state', 'terminated') != null;
    const tolerated = policy.crashloopRestarts;
    if (!crashed && restarts <= tolerated)
        return undefined;
    const last = (0,rollout_objects/* field */.ZZ)(status, 'state', 'terminated') ?? (0,rollout_objects/* field */.ZZ)(status, 'lastState', 'terminated');
    const lastReason = (0,rollout_objects/* str */.gx)(last, 'reason');
    // "Error" says nothing beyond the exit code; OOMKilled or a termination message does.
    const message = [lastReason === 'Error' ? undefined : lastReason, firstLine((0,rollout_objects/* str */.gx)(last, 'message'))]
        .filter(Boolean)
        .join(': ');
    const graceMs = (crashed && restarts >= tolerated) || restarts > tolerated ? 0 : Infinity;
    return { reason: 'CrashLoopBackOff', message, restarts, exitCode: exitCodeOf(last), graceMs };
}
function exitCodeOf(terminated) {
    const code = (0,rollout_objects/* field */.ZZ)(terminated, 'exitCode');
    return typeof code === 'number' ? code : undefined;
}
function firstLine(text) {
    const line = text?.trim().split('\n')[0];
    return line && line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
const PHRASES = {
    CrashLoopBackOff: (p) => `is crash-looping (restarted ${(0,rollout_objects/* plural */.LS)(p.restarts ?? 0, 'time')}` +
        `${p.exitCode === undefined ? '' : `, last exit code ${p.exitCode}`}${p.message ? `, ${p.message}` : ''})`,
    ErrImagePull: (p) => `cannot pull its image: ${p.message}`,
    ImagePullBackOff: (p) => `cannot pull its image: ${p.message}`,
    InvalidImageName: (p) => `has an invalid image name: ${p.message}`,
    ErrImageNeverPull: (p) => `has no image on the node and imagePullPolicy Never: ${p.message}`,
    CreateContainerConfigError: (p) => `has a configuration error: ${p.message}`,
    CreateContainerError: (p) => `cannot be created: ${p.message}`,
    RunContainerError: (p) => `cannot start: ${p.message}`,
    ContainerCannotRun: (p) => `cannot run (exit code ${p.exitCode}): ${p.message}`,
    StartError: (p) => `cannot start: ${p.message}`,
    Failed: (p) => `has failed: ${p.message}`,
    Unschedulable: (p) => `cannot be scheduled: ${p.message}`,
    FailedCreate: (p) => `cannot create pods: ${p.message}`,
};
/** One line naming the pod (or owner), the container and what is wrong with it. */
function describeProblem(p) {
    const subject = p.owner
        ? p.owner.replace('/', ' ')
        : `pod ${p.pod}${p.container ? ` ${p.init ? 'init container' : 'container'} ${p.container}` : ''}`;
    const phrase = PHRASES[p.reason]?.(p) ?? `is ${p.reason}: ${p.message}`;
    return `${subject} ${phrase}`.replace(/: $/, '');
}
/** `secret "x" not found` / `configmap "x" not found` about an object an operator will create waits longer. */
function configErrorGrace(message, policy) {
    const missing = /\b(secret|configmap) "([^"]+)" not found/i.exec(message);
    const key = missing ? `${missing[1]?.toLowerCase()}/${missing[2]}` : undefined;
    if (key !== undefined && policy.producedByOperators?.has(key)) {
        return policy.operatorGraceMs ?? policy.configErrorGraceMs;
    }
    return policy.configErrorGraceMs;
}

;// CONCATENATED MODULE: ./src/deploy/rollout/status.ts





/**
 * The verify phase's decision for one workload, recomputed after every change the engine sees:
 * 1. the workload's own status (done.ts): current, failed (ProgressDeadlineExceeded, a failed
 *    Job), or in progress;
 * 2. while in progress, problems of the new revision's pods (pod-problems.ts) and of the object
 *    that creates them (failed-create.ts), each put to `fatal` (the FailFastTracker, or
 *    `() => false` to tolerate failures until the deadline).
 * Every problem goes through `fatal` on every call, so the tracker's clock starts for each one
 * when it is first seen. Of several fatal problems, one fatal at once is named first.
 */
function rolloutStatus(snapshot, policy, fatal) {
    const subject = workloadName(snapshot);
    const verdict = workloadVerdict(snapshot.workload);
    if (verdict.state === 'current')
        return verdict;
    if (verdict.state === 'failed') {
        return { state: 'failed', summary: `${subject}: ${verdict.message}`, reason: verdict.reason };
    }
    const problems = [
        ...failedCreateProblems(snapshot, policy),
        ...newRevisionPods(snapshot).flatMap((pod) => classifyPod(pod, policy)),
    ];
    const fatalProblems = problems.filter((p) => fatal(p));
    const problem = fatalProblems.find((p) => p.graceMs === 0) ?? fatalProblems[0];
    if (problem) {
        // "StatefulSet upload/db cannot create pods", not "StatefulSet upload/db: StatefulSet db cannot ...".
        const sentence = describeProblem(problem);
        const own = `${(0,rollout_objects/* str */.gx)(snapshot.workload, 'kind')} ${(0,rollout_objects/* nameOf */.Vb)(snapshot.workload)} `;
        return {
            state: 'failed',
            summary: sentence.startsWith(own)
                ? `${subject} ${sentence.slice(own.length)}`
                : `${subject}: ${sentence}`,
            reason: problem.reason,
            problem,
        };
    }
    return { state: 'in-progress', summary: verdict.summary, problems };
}
/** "Deployment upload/api", as the failure's summary names it. */
function workloadName(snapshot) {
    const { workload } = snapshot;
    const namespace = (0,rollout_objects/* str */.gx)(workload, 'metadata', 'namespace');
    return `${(0,rollout_objects/* str */.gx)(workload, 'kind') ?? 'Workload'} ${namespace ? `${namespace}/` : ''}${(0,rollout_objects/* nameOf */.Vb)(workload)}`;
}



// EXTERNAL MODULE: ./src/deploy/watch.ts
var watch = __webpack_require__(4808);
;// CONCATENATED MODULE: ./src/deploy/verify.ts






/** Kinds whose rollout the verify phase waits for. */
const VERIFIED_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);
const WATCHED = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ControllerRevision', 'Job', 'Pod'];
/**
 * Watches every target at once under one deadline and decides from kstatus' rules with the
 * corrections in src/deploy/rollout (Jobs done only when Complete, pods of the new revision
 * checked for states that never heal). The first fatal state ends verification at once.
 */
async function verifyRollout(targets, options) {
    const { api, logger, policy, signal } = options;
    const now = options.now ?? Date.now;
    const started = now();
    const results = new Map(targets.map((ref) => [
        (0,objects/* describeRef */.Ro)(ref),
        { ref, state: 'in-progress', summary: 'waiting for the controller' },
    ]));
    const updateRevisions = new Map();
    if (targets.length === 0)
        return { ok: true, workloads: [], updateRevisions };
    const namespaces = [...new Set(targets.map((ref) => ref.namespace ?? 'default'))];
    const specs = namespaces.flatMap((namespace) => [
        ...WATCHED.map((kind) => ({ kind, namespace })),
        { kind: 'Event', namespace, query: { fieldSelector: 'type=Warning' } },
    ]);
    const tracker = new FailFastTracker(now);
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let settle = () => { };
    const finished = new Promise((resolve) => {
        settle = resolve;
    });
    let scheduled = false;
    const cache = new watch/* ObjectCache */.U(api, logger, specs, () => {
        if (scheduled)
            return;
        scheduled = true;
        setTimeout(() => {
            scheduled = false;
            evaluate();
        }, 20);
    });
    function snapshotOf(ref) {
        const namespace = ref.namespace ?? 'default';
        const workload = cache.objects(ref.kind, namespace).find((o) => (0,objects/* metadataOf */.Nk)(o).name === ref.name);
        if (!workload)
            return undefined;
        const uid = (0,objects/* uidOf */.kz)(workload);
        const replicaSets = cache.objects('ReplicaSet', namespace).filter((rs) => (0,objects/* controllerUid */.H7)(rs) === uid);
        const owners = new Set([uid, ...replicaSets.map(objects/* uidOf */.kz)]);
        const pods = cache.objects('Pod', namespace).filter((pod) => owners.has((0,objects/* controllerUid */.H7)(pod)));
        const involved = new Set([...owners, ...pods.map(objects/* uidOf */.kz)]);
        const events = cache
            .objects('Event', namespace)
            .filter((event) => (0,records/* isRecord */.u)(event.involvedObject) && involved.has(event.involvedObject.uid))
            .filter((event) => ((0,rollout_objects/* eventTime */.gE)(event) ?? 0) >= options.since - 1000);
        const controllerRevisions = cache
            .objects('ControllerRevision', namespace)
            .filter((revision) => (0,objects/* controllerUid */.H7)(revision) === uid);
        return { workload, replicaSets, controllerRevisions, pods, events };
    }
    function evaluate() {
        if (cache.failure) {
            settle({ ok: false, verdict: cache.failure.message });
            return;
        }
        const present = new Set();
        for (const result of results.values()) {
            if (result.state !== 'in-progress')
                continue;
            const snapshot = snapshotOf(result.ref);
            if (!snapshot) {
                result.summary = 'not found yet';
                continue;
            }
            const status = rolloutStatus(snapshot, policy, (problem) => {
                present.add(problem.key);
                return tracker.isFatal(problem);
            });
            if (result.ref.kind === 'StatefulSet') {
                const revision = (0,records/* isRecord */.u)(snapshot.workload.status)
                    ? snapshot.workload.status.updateRevision
                    : undefined;
                if (typeof revision === 'string')
                    updateRevisions.set((0,objects/* describeRef */.Ro)(result.ref), revision);
            }
            result.summary = status.summary;
            if (status.state === 'current') {
                result.state = 'current';
                result.durationMs = now() - started;
                logger.info(`${(0,objects/* describeRef */.Ro)(result.ref)}: ${result.ref.kind === 'Job' ? 'complete' : 'rolled out'} (${status.summary}) in ${seconds(result.durationMs)}.`);
            }
            else if (status.state === 'failed') {
                result.state = 'failed';
                result.durationMs = now() - started;
                result.problem = status.problem;
                logger.info(`${(0,objects/* describeRef */.Ro)(result.ref)}: failed after ${seconds(result.durationMs)}.`);
                settle({ ok: false, verdict: status.summary });
                return;
            }
            else {
                for (const problem of status.problems)
                    present.add(problem.key);
            }
        }
        tracker.forget(present);
        if ([...results.values()].every((result) => result.state === 'current'))
            settle({ ok: true });
    }
    // A progress line per unfinished workload when its state changed, at most one per interval.
    const interval = options.progressIntervalMs ?? 5000;
    const printed = new Map();
    const progress = setInterval(() => {
        evaluate(); // grace periods run out with time, not only with events
        for (const [name, result] of results) {
            const last = printed.get(name);
            if (result.state !== 'in-progress' || last?.summary === result.summary)
                continue;
            if (last && now() - last.at < interval)
                continue;
            printed.set(name, { summary: result.summary, at: now() });
            logger.info(`${name}: ${result.summary}`);
        }
    }, Math.min(interval, 1000));
    const deadline = setTimeout(() => {
        const waiting = [...results.values()].filter((result) => result.state === 'in-progress');
        settle({
            ok: false,
            verdict: `The rollout did not finish within ${seconds(options.timeoutMs)} (rollout-timeout): ${waiting
                .map((result) => `${(0,objects/* describeRef */.Ro)(result.ref)} ${result.summary}`)
                .join('; ')}.`,
        });
    }, options.timeoutMs);
    signal.addEventListener('abort', () => settle({ ok: false, cancelled: true, verdict: 'Verification was cancelled.' }), {
        once: true,
    });
    try {
        await cache.start(stop.signal);
        evaluate();
        const outcome = await finished;
        const workloads = [...results.values()];
        const failed = workloads.find((result) => result.state === 'failed');
        if (failed?.problem)
            await addDetails(failed, api);
        return { ...outcome, workloads, updateRevisions };
    }
    catch (error) {
        return {
            ok: false,
            verdict: `Verification could not read the cluster: ${error.message}`,
            workloads: [...results.values()],
            updateRevisions,
        };
    }
    finally {
        clearInterval(progress);
        clearTimeout(deadline);
        signal.removeEventListener('abort', onAbort);
        stop.abort();
        await cache.stopped();
    }
}
/** The failing pod's recent events and the last 20 lines of its log (the previous run's for a crash). */
async function addDetails(result, api) {
    const problem = result.problem;
    if (!problem?.pod)
        return;
    const namespace = result.ref.namespace ?? 'default';
    try {
        const { items } = await api.list(`/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, {
            fieldSelector: `involvedObject.name=${problem.pod}`,
        });
        result.events = items
            .sort((a, b) => ((0,rollout_objects/* eventTime */.gE)(a) ?? 0) - ((0,rollout_objects/* eventTime */.gE)(b) ?? 0))
            .slice(-8)
            .map((event) => `${event.type ?? ''} ${event.reason ?? ''}: ${event.message ?? ''}`.trim());
    }
    catch {
        result.events = [];
    }
    const previous = (problem.restarts ?? 0) > 0;
    result.logsFrom = previous ? 'previous' : 'current';
    const text = await api.logs(namespace, problem.pod, {
        container: problem.container,
        tailLines: 20,
        previous,
    });
    result.logs = text
        .split('\n')
        .filter((line) => line !== '')
        .slice(-20);
}
/** The failing pod's events and log lines, printed under the verdict for whoever reads the log. */
function logFailureDetails(result, logger) {
    const failed = result?.workloads.find((workload) => workload.state === 'failed');
    const problem = failed?.problem;
    if (!failed || !problem?.pod)
        return;
    if (failed.events?.length) {
        logger.info(`Recent events of pod ${problem.pod}:\n${failed.events.map((line) => `  ${line}`).join('\n')}`);
    }
    if (failed.logs?.length) {
        const which = failed.logsFrom === 'previous' ? ' (the run before the last restart)' : '';
        logger.info(`Last ${failed.logs.length} log line(s) of ${problem.pod}${problem.container ? ` container ${problem.container}` : ''}${which}:\n${failed.logs
            .map((line) => `  ${line}`)
            .join('\n')}`);
    }
}
function seconds(ms) {
    return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}



/***/ }),

/***/ 4808:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   U: () => (/* binding */ ObjectCache),
/* harmony export */   y: () => (/* binding */ sleep)
/* harmony export */ });
/* harmony import */ var _kube_api_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4555);
/* harmony import */ var _objects_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8495);


/** How long the API server may stay unreachable before the watch gives a verdict instead of waiting. */
const UNREACHABLE_BUDGET_MS = 30_000;
/**
 * A local copy of some kinds in some namespaces, kept current by one list and one watch
 * stream each (no process per poll): what client-go calls an informer, reduced to what the
 * engine needs. A stream the server ends is resumed from its last resourceVersion, or listed
 * again when that is too old (410); an API server that stays unreachable for 30 s sets
 * `failure`, so the caller gives a verdict rather than a hang.
 */
class ObjectCache {
    api;
    logger;
    specs;
    onChange;
    stores = new Map();
    loops = [];
    failure;
    constructor(api, logger, specs, onChange) {
        this.api = api;
        this.logger = logger;
        this.specs = specs;
        this.onChange = onChange;
    }
    /** Lists everything once (so the first evaluation sees the whole state), then watches. */
    async start(signal) {
        const versions = await Promise.all(this.specs.map((spec) => this.firstList(spec, signal)));
        this.specs.forEach((spec, index) => {
            this.loops.push(this.watchLoop(spec, versions[index] ?? '', signal));
        });
    }
    /** Resolves when every watch loop has stopped (after the signal aborted). */
    async stopped() {
        await Promise.all(this.loops);
    }
    objects(kind, namespace) {
        const result = [];
        for (const spec of this.specs) {
            if (spec.kind !== kind || (namespace !== undefined && spec.namespace !== namespace))
                continue;
            result.push(...(this.stores.get(storeKey(spec))?.values() ?? []));
        }
        return result;
    }
    /** The first list, retried like a watch within the unreachable budget: a blip is no verdict. */
    async firstList(spec, signal) {
        const started = Date.now();
        for (let attempt = 1;; attempt++) {
            try {
                return await this.relist(spec);
            }
            catch (error) {
                if (signal.aborted || Date.now() - started > UNREACHABLE_BUDGET_MS)
                    throw error;
                this.logger.info(`Listing ${spec.kind} in ${spec.namespace} failed (${error.message}); retry ${attempt}.`);
                await sleep(Math.min(2 ** attempt, 8) * 250, signal);
            }
        }
    }
    async relist(spec) {
        const { items, resourceVersion } = await this.api.list((0,_kube_api_js__WEBPACK_IMPORTED_MODULE_0__/* .resourcePath */ .oU)(spec.kind, spec.namespace), spec.query ?? {});
        const store = new Map();
        for (const item of items) {
            const uid = (0,_objects_js__WEBPACK_IMPORTED_MODULE_1__/* .uidOf */ .kz)(item);
            if (uid !== undefined)
                store.set(uid, { kind: spec.kind, ...item });
        }
        this.stores.set(storeKey(spec), store);
        return resourceVersion;
    }
    async watchLoop(spec, initialVersion, signal) {
        let resourceVersion = initialVersion;
        let failingSince;
        let attempt = 0;
        const store = () => this.stores.get(storeKey(spec)) ?? new Map();
        while (!signal.aborted) {
            let expired = false;
            try {
                await this.api.watch((0,_kube_api_js__WEBPACK_IMPORTED_MODULE_0__/* .resourcePath */ .oU)(spec.kind, spec.namespace), { ...(spec.query ?? {}), resourceVersion }, (event) => {
                    if (event.type === 'ERROR') {
                        expired = true;
                        return;
                    }
                    const uid = (0,_objects_js__WEBPACK_IMPORTED_MODULE_1__/* .uidOf */ .kz)(event.object);
                    const version = (0,_objects_js__WEBPACK_IMPORTED_MODULE_1__/* .metadataOf */ .Nk)(event.object).resourceVersion;
                    if (typeof version === 'string')
                        resourceVersion = version;
                    if (uid === undefined || event.type === 'BOOKMARK')
                        return;
                    if (event.type === 'DELETED')
                        store().delete(uid);
                    else
                        store().set(uid, { kind: spec.kind, ...event.object });
                    failingSince = undefined;
                    attempt = 0;
                    this.onChange();
                }, signal);
                if (expired) {
                    resourceVersion = await this.relist(spec);
                    this.onChange();
                }
                failingSince = undefined;
            }
            catch (error) {
                if (signal.aborted)
                    break;
                failingSince ??= Date.now();
                attempt++;
                const why = error instanceof _kube_api_js__WEBPACK_IMPORTED_MODULE_0__/* .ApiError */ .hD ? `${error.status} ${error.message}` : error.message;
                this.logger.info(`Watching ${spec.kind} in ${spec.namespace} failed (${why}); retry ${attempt} in ${Math.min(2 ** attempt, 8) * 250} ms.`);
                if (Date.now() - failingSince > UNREACHABLE_BUDGET_MS) {
                    this.failure = new Error(`The API server stopped answering for more than ${UNREACHABLE_BUDGET_MS / 1000} s while watching ${spec.kind} in ${spec.namespace} (${why}).`);
                    this.onChange();
                    return;
                }
                await sleep(Math.min(2 ** attempt, 8) * 250, signal);
                try {
                    resourceVersion = await this.relist(spec);
                    this.onChange();
                }
                catch {
                    // still unreachable: the next round counts against the budget
                }
            }
        }
    }
}
function storeKey(spec) {
    return `${spec.kind}/${spec.namespace}/${JSON.stringify(spec.query ?? {})}`;
}
function sleep(ms, signal) {
    return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
    });
}


/***/ })

};
