import { isRecord } from '../records.js';
import { ApiError, type KubeApi } from './kube-api.js';
import type { Kubectl } from './kubectl.js';
import { type Json, metadataOf, type ObjectRef, refOf } from './objects.js';

/**
 * Object identity, fixed once before the plan and used by every phase and every kubectl call.
 *
 * The namespace of a namespaced object, by one precedence: the object's own, else the
 * `namespace` input, else the namespace of the kubeconfig's context, else `default` — the
 * namespace kubectl itself would apply it into, now written into the object so that no later
 * call (verify's watches, the rollback, the records, prune) depends on kubectl's defaulting.
 * Whether a kind is namespaced is the server's answer (discovery), or the scope of a
 * CustomResourceDefinition the set itself brings; a cluster-scoped object that names a
 * namespace loses it, as the API server drops it on create.
 */

/** One kind as discovery serves it. */
export interface ServedKind {
  /** The resource (plural) name: `deployments`. */
  resource: string;
  namespaced: boolean;
}

/** `apps/v1/Deployment` → what the server serves under it. */
export type Discovery = Map<string, ServedKind>;

function discoveryKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/** The API path of a group/version's resource list: `/api/v1`, `/apis/apps/v1`. */
function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/**
 * Reads discovery for the given API versions (only those: a cluster serves hundreds), over the
 * engine's API client. A group/version the server does not serve is left out: the plan names it.
 */
export async function discover(api: KubeApi, apiVersions: Iterable<string>): Promise<Discovery> {
  const discovery: Discovery = new Map();
  const versions = [...new Set(apiVersions)].filter((v) => /^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(v));
  const lists = await Promise.all(
    versions.map(async (apiVersion) => {
      try {
        return { apiVersion, list: await api.request('GET', groupVersionPath(apiVersion)) };
      } catch (error) {
        if (error instanceof ApiError && (error.status === 404 || error.status === 503))
          return { apiVersion, list: {} };
        throw error;
      }
    }),
  );
  for (const { apiVersion, list } of lists) {
    const resources = Array.isArray(list.resources) ? list.resources.filter(isRecord) : [];
    for (const resource of resources) {
      const name = String(resource.name ?? '');
      if (name === '' || name.includes('/') || typeof resource.kind !== 'string') continue;
      discovery.set(discoveryKey(apiVersion, resource.kind), {
        resource: name,
        namespaced: resource.namespaced === true,
      });
    }
  }
  return discovery;
}

/** The kinds the set's own CustomResourceDefinitions define, each version of each. */
export function crdKinds(objects: readonly Json[]): Discovery {
  const kinds: Discovery = new Map();
  for (const crd of objects) {
    if (crd.kind !== 'CustomResourceDefinition' || !isRecord(crd.spec)) continue;
    const { group, names, scope, versions } = crd.spec;
    if (typeof group !== 'string' || !isRecord(names) || typeof names.kind !== 'string') continue;
    if (typeof names.plural !== 'string' || !Array.isArray(versions)) continue;
    for (const version of versions) {
      if (!isRecord(version) || typeof version.name !== 'string') continue;
      kinds.set(discoveryKey(`${group}/${version.name}`, names.kind), {
        resource: names.plural,
        namespaced: scope !== 'Cluster',
      });
    }
  }
  return kinds;
}

/** How the objects of one run are named: the default namespace and the served kinds. */
export class Identities {
  constructor(
    /** Where a namespaced object that names no namespace goes (see the precedence above). */
    readonly defaultNamespace: string,
    private readonly served: Discovery,
  ) {}

  /** Adds what discovery says of API versions not asked before (a release record's older ones). */
  async learn(api: KubeApi, apiVersions: Iterable<string>): Promise<void> {
    const known = new Set([...this.served.keys()].map((key) => key.slice(0, key.lastIndexOf('/'))));
    const missing = [...apiVersions].filter((version) => !known.has(version));
    if (missing.length === 0) return;
    for (const [key, served] of await discover(api, missing)) this.served.set(key, served);
  }

  /** Undefined for a kind neither the server nor the set defines (the plan refuses it). */
  kindOf(apiVersion: string, kind: string): ServedKind | undefined {
    return this.served.get(discoveryKey(apiVersion, kind));
  }

  /**
   * The object with its namespace resolved (a copy only when it changes): set when the kind is
   * namespaced and the object names none, removed when the kind is cluster-scoped. A kind
   * nobody serves keeps what it has; a namespace-less one is still given the default (as
   * kubectl would, were the kind to exist by the time it applies).
   */
  resolve(object: Json): Json {
    const metadata = metadataOf(object);
    const served = this.kindOf(String(object.apiVersion ?? ''), String(object.kind ?? ''));
    const has = typeof metadata.namespace === 'string' && metadata.namespace !== '';
    if (served?.namespaced === false) {
      if (!has && metadata.namespace === undefined) return object;
      const { namespace: _dropped, ...rest } = metadata;
      return { ...object, metadata: rest };
    }
    if (has) return object;
    return { ...object, metadata: { ...metadata, namespace: this.defaultNamespace } };
  }

  /** The identity of a stored reference (a release record's), resolved the same way. */
  resolveRef(ref: ObjectRef): ObjectRef {
    return refOf(
      this.resolve({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name: ref.name, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}) },
      }),
    );
  }

  /** The object's own API path (`/api/v1/namespaces/web/services/web`), or undefined for an unserved kind. */
  pathOf(ref: ObjectRef): string | undefined {
    const served = this.kindOf(ref.apiVersion, ref.kind);
    if (!served) return undefined;
    const scope =
      served.namespaced && ref.namespace !== undefined
        ? `/namespaces/${encodeURIComponent(ref.namespace)}`
        : '';
    return `${groupVersionPath(ref.apiVersion)}${scope}/${served.resource}/${encodeURIComponent(ref.name)}`;
  }
}

/**
 * The identities of a set: discovery for its API versions (the set's own CRDs win: the server
 * may serve an older scope until they apply), and the default namespace by the precedence above.
 */
export async function identitiesOf(
  objects: readonly Json[],
  given: string | undefined,
  api: KubeApi,
  kubectl: Kubectl,
): Promise<Identities> {
  const [served, contextNamespace] = await Promise.all([
    discover(
      api,
      objects.map((object) => String(object.apiVersion ?? '')),
    ),
    given === undefined ? kubectl.contextNamespace() : Promise.resolve(undefined),
  ]);
  for (const [key, kind] of crdKinds(objects)) served.set(key, kind);
  return new Identities(given ?? contextNamespace ?? 'default', served);
}
