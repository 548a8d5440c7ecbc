import type { KubeObject } from '../kube/contract.js';
import {
  canonicalJson,
  clone,
  fnv32a,
  type Json,
  normalized,
  ownerReference,
  safeEncode,
} from './objects.js';
import type { Runtime } from './runtime.js';

/**
 * ControllerRevisions of StatefulSets and DaemonSets: each distinct pod template is stored once as
 * the patch `kubectl rollout undo` applies ({"spec":{"template":{..., "$patch":"replace"}}}),
 * numbered in order of use; going back to an old template renumbers that revision as the newest.
 */
export function revisionData(template: Json): Json {
  // Keys in sorted order, as Go's json.Marshal writes the patch kubectl compares against.
  return JSON.parse(canonicalJson({ spec: { template: { ...clone(template), $patch: 'replace' } } }));
}

export function templateOfRevision(revision: Json): Json {
  const { $patch: _, ...template } = revision.data?.spec?.template ?? {};
  return template;
}

export function revisionsOf(runtime: Runtime, owner: KubeObject): Json[] {
  return runtime
    .ownedBy(owner, 'ControllerRevision')
    .sort((a: Json, b: Json) => Number(a.revision) - Number(b.revision));
}

/** The revision for the owner's current template, created or renumbered as needed. */
export function currentRevision(runtime: Runtime, owner: Json, revisions: Json[]): Json {
  const data = revisionData(owner.spec?.template ?? {});
  const latest = revisions.at(-1);
  const next = Number(latest?.revision ?? 0) + 1;
  const same = (a: unknown, b: unknown) =>
    canonicalJson(normalized(a) ?? {}) === canonicalJson(normalized(b) ?? {});
  const equal = revisions.find((cr) => same(cr.data, data));
  if (equal) {
    if (equal === latest) return equal;
    return runtime.store.update({ ...equal, revision: next });
  }
  let collisions = Number(owner.status?.collisionCount ?? 0);
  for (;;) {
    const hash = safeEncode(String(fnv32a(canonicalJson(data) + (collisions > 0 ? `#${collisions}` : ''))));
    const name = `${owner.metadata.name}-${hash}`;
    if (runtime.get(runtime.kinds.ControllerRevision, owner.metadata.namespace, name)) {
      collisions++;
      continue;
    }
    return runtime.store.create({
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name,
        namespace: owner.metadata.namespace,
        labels: { ...(owner.spec?.template?.metadata?.labels ?? {}), 'controller.kubernetes.io/hash': hash },
        ownerReferences: [ownerReference(owner)],
      },
      data,
      revision: next,
    });
  }
}

export function hashOfRevision(revision: Json): string {
  return revision.metadata.labels?.['controller.kubernetes.io/hash'] ?? '';
}

/** Deletes the oldest revisions beyond revisionHistoryLimit that no pod and no status uses. */
export function pruneRevisions(runtime: Runtime, owner: Json, revisions: Json[], inUse: Set<string>): void {
  const limit = Number(owner.spec?.revisionHistoryLimit ?? 10);
  const unused = revisions.filter((cr) => !inUse.has(cr.metadata.name));
  for (const cr of unused.slice(0, Math.max(0, unused.length - limit))) {
    runtime.store.delete(runtime.kinds.ControllerRevision, cr.metadata.namespace, cr.metadata.name);
  }
}
