/** Discovery (legacy JSON form), /version and the OpenAPI v3 documents kubectl fetches before apply. */
import { apiVersionOf, type TypeInfo, type TypeRegistry } from './types.js';

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function resourceEntries(type: TypeInfo): Record<string, unknown>[] {
  const main = {
    name: type.resource,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: VERBS,
    ...(type.shortNames.length > 0 ? { shortNames: type.shortNames } : {}),
    ...(type.categories.length > 0 ? { categories: type.categories } : {}),
  };
  const subs: Record<string, unknown>[] = [];
  if (type.subresources.status) {
    subs.push({
      name: `${type.resource}/status`,
      singularName: '',
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: ['get', 'patch', 'update'],
    });
  }
  if (type.subresources.scale) {
    subs.push({
      name: `${type.resource}/scale`,
      singularName: '',
      namespaced: type.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
  }
  if (type.group === '' && type.resource === 'pods') {
    subs.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
  }
  return [main, ...subs];
}

export function apiVersions(host: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }],
  };
}

export function apiGroupList(registry: TypeRegistry) {
  const groups = [...registry.groups()]
    .filter(([group]) => group !== '')
    .map(([name, versions]) => ({
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    }));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** The APIResourceList of a group-version, or undefined when it is not served. */
export function apiResourceList(registry: TypeRegistry, group: string, version: string) {
  const types = registry.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources: types.flatMap(resourceEntries),
  };
}

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

export function openApiIndex(registry: TypeRegistry) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, versions] of registry.groups()) {
    for (const version of versions) {
      const path = gvPath(group, version);
      paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=sandbox` };
    }
  }
  return { paths };
}

function schemaName(type: TypeInfo): string {
  if (type.crd) return `${type.group.split('.').reverse().join('.')}.${type.version}.${type.kind}`;
  const group =
    type.group === '' ? 'core' : type.group.replace(/\.k8s\.io$/, '').replace(/\.authorization$/, '');
  return `io.k8s.api.${group.split('.')[0]}.${type.version}.${type.kind}`;
}

const PATCH_PARAMETERS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string' },
  uniqueItems: true,
}));

/**
 * The OpenAPI v3 document of a group-version. PATCH operations declare `fieldValidation`, which
 * is what makes kubectl leave validation to the server (`fieldValidation=Strict`).
 */
export function openApiDocument(registry: TypeRegistry, path: string) {
  const types = registry.all().filter((t) => gvPath(t.group, t.version) === path);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const type of types) {
    const gvk = { group: type.group, version: type.version, kind: type.kind };
    const ref = { $ref: `#/components/schemas/${schemaName(type)}` };
    const scope = type.namespaced ? 'namespaces/{namespace}/' : '';
    const operation = (action: string) => ({
      operationId: `${action}${type.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: action === 'patch' ? PATCH_PARAMETERS : [],
      responses: { '200': { content: { 'application/json': { schema: ref } } } },
    });
    paths[`/${path}/${scope}${type.resource}/{name}`] = {
      get: operation('get'),
      put: operation('put'),
      patch: operation('patch'),
      delete: operation('delete'),
    };
    paths[`/${path}/${scope}${type.resource}`] = { get: operation('list'), post: operation('post') };
    const crdSchema = type.crd?.schema as Record<string, unknown> | undefined;
    schemas[schemaName(type)] = {
      type: 'object',
      ...(crdSchema ?? {}),
      'x-kubernetes-group-version-kind': [gvk],
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (sandbox)', version: VERSION_INFO.gitVersion },
    paths,
    components: { schemas },
  };
}

export { apiVersionOf };
