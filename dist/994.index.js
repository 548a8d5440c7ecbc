export const id = 994;
export const ids = [994];
export const modules = {

/***/ 8495:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $N: () => (/* binding */ canonical),
/* harmony export */   H7: () => (/* binding */ controllerUid),
/* harmony export */   H8: () => (/* binding */ refOf),
/* harmony export */   Ih: () => (/* binding */ annotationsOf),
/* harmony export */   LM: () => (/* binding */ refManifest),
/* harmony export */   Nk: () => (/* binding */ metadataOf),
/* harmony export */   PC: () => (/* binding */ labelsOf),
/* harmony export */   Ro: () => (/* binding */ describeRef),
/* harmony export */   TN: () => (/* binding */ keyOf),
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


/***/ }),

/***/ 7994:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runSummary: () => (/* binding */ runSummary)
/* harmony export */ });
/* harmony import */ var _deploy_objects_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8495);

const HEADLINES = {
    success: '✅ Deployed',
    'dry-run': '📝 Dry run: nothing was changed',
    'rolled-back': '↩️ Failed and rolled back',
    failed: '❌ Failed',
};
/** The job summary of a run, as markdown: the verdict first, then what each phase did. */
function runSummary(result) {
    const deploy = result.deploy;
    const lines = [`## ${headline(result)}`, ''];
    if (result.verdict)
        lines.push(quote(result.verdict), '');
    const names = Object.keys(result.images);
    if (names.length > 0) {
        lines.push('| Image | Reference | |', '| --- | --- | --- |');
        for (const name of names) {
            const built = result.built.includes(name);
            lines.push(`| \`${name}\` | \`${result.images[name]}\` | ${built ? 'built and pushed' : 'reused from ECR'} |`);
        }
        lines.push('');
    }
    if (result.cluster) {
        const version = result.cluster.serverVersion ? `, Kubernetes ${result.cluster.serverVersion}` : '';
        lines.push(`Cluster: connected through ${describeSource(result.cluster.source)}${version}.`, '');
    }
    if (result.render) {
        lines.push(`Rendered ${result.render.objects.length} object(s): ${countKinds(result.render.objects.map((o) => o.kind))}.`, '');
    }
    if (deploy) {
        if (deploy.release !== undefined) {
            lines.push(`Release v${deploy.release}${deploy.previousRelease !== undefined && deploy.previousRelease !== deploy.release ? ` (replacing v${deploy.previousRelease})` : ''}${deploy.unchanged ? ': already deployed, nothing changed' : ''}.`, '');
        }
        const counts = { create: 0, update: 0, unchanged: 0 };
        for (const change of deploy.changes)
            counts[change.change]++;
        if (deploy.changes.length > 0) {
            lines.push(`Plan: ${counts.create} to create, ${counts.update} to change, ${counts.unchanged} unchanged.`, '');
        }
        const migration = deploy.migration;
        if (migration) {
            lines.push(`Migration: Job \`${migration.job.name}\` ${migration.status === 'skipped' ? 'already completed for this tag (not run again)' : migration.status} in ${(migration.durationMs / 1000).toFixed(1)} s.`, '');
        }
        const workloads = deploy.verify?.workloads ?? [];
        if (workloads.length > 0) {
            lines.push('| Workload | Rollout | Time |', '| --- | --- | --- |');
            for (const workload of workloads) {
                const time = workload.durationMs !== undefined ? `${(workload.durationMs / 1000).toFixed(1)} s` : '';
                lines.push(`| ${(0,_deploy_objects_js__WEBPACK_IMPORTED_MODULE_0__/* .describeRef */ .Ro)(workload.ref)} | ${workload.state}: ${escapeCell(workload.summary)} | ${time} |`);
            }
            lines.push('');
            const failed = workloads.find((w) => w.state === 'failed');
            if (failed?.events?.length || failed?.logs?.length) {
                lines.push('<details><summary>Events and last log lines of the failing pod</summary>', '', '```');
                lines.push(...(failed.events ?? []), ...(failed.logs?.length ? ['--- log', ...failed.logs] : []), '```', '</details>', '');
            }
        }
        const rollback = deploy.rollback;
        if (rollback) {
            lines.push(`Rollback to v${rollback.to}: restored ${rollback.restored.length}, deleted ${rollback.deleted.length} created object(s)${rollback.kept.length > 0 ? `, kept ${rollback.kept.map(_deploy_objects_js__WEBPACK_IMPORTED_MODULE_0__/* .describeRef */ .Ro).join(', ')}` : ''}; ${rollback.verify?.ok ? 'verified' : (rollback.problem ?? 'not verified')}.`, '');
        }
        if (deploy.pruned.length > 0)
            lines.push(`Pruned: ${deploy.pruned.map(_deploy_objects_js__WEBPACK_IMPORTED_MODULE_0__/* .describeRef */ .Ro).join(', ')}.`, '');
        if (deploy.diff !== undefined) {
            lines.push('<details><summary>Server-side diff</summary>', '', '```diff', deploy.diff.trimEnd() || '(no changes)', '```', '</details>', '');
        }
    }
    return `${lines.join('\n')}\n`;
}
function headline(result) {
    if (result.result === 'success' && !result.deploy)
        return '✅ Rendered (no cluster given: nothing deployed)';
    return HEADLINES[result.result];
}
function quote(text) {
    return text
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
}
function escapeCell(text) {
    return text.replaceAll('|', '\\|');
}
function describeSource(source) {
    if (source === 'eks')
        return 'EKS with exec-plugin tokens';
    return source === 'input' ? "the 'kubeconfig' input" : 'KUBECONFIG';
}
function countKinds(kinds) {
    const counts = new Map();
    for (const kind of kinds)
        counts.set(kind, (counts.get(kind) ?? 0) + 1);
    return [...counts].map(([kind, count]) => `${count} ${kind}`).join(', ') || 'none';
}


/***/ })

};
