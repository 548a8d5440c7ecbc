/** Turns a request path into what it addresses: discovery, OpenAPI, or a resource (and subresource). */
import type { TypeInfo, TypeRegistry } from './types.js';

export type Route =
  | { kind: 'version' }
  | { kind: 'api' }
  | { kind: 'apis' }
  | { kind: 'resourceList'; group: string; version: string }
  | { kind: 'openapiIndex' }
  | { kind: 'openapi'; path: string }
  | { kind: 'resource'; type: TypeInfo; namespace?: string; name?: string; subresource?: string }
  | { kind: 'unknownResource'; group: string; version: string; resource: string }
  | { kind: 'notFound' };

export function route(registry: TypeRegistry, pathname: string): Route {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (pathname === '/version' || pathname === '/version/') return { kind: 'version' };
  if (parts[0] === 'openapi' && parts[1] === 'v3') {
    return parts.length === 2
      ? { kind: 'openapiIndex' }
      : { kind: 'openapi', path: parts.slice(2).join('/') };
  }
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { kind: 'api' };
    [group, version, rest] = ['', parts[1], parts.slice(2)];
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { kind: 'apis' };
    if (parts.length === 2) return { kind: 'notFound' };
    [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
  } else {
    return { kind: 'notFound' };
  }
  if (rest.length === 0) return { kind: 'resourceList', group, version };
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (extra.length > 0) return { kind: 'notFound' };
  const type = registry.byResource(group, version, resource);
  if (!type) return { kind: 'unknownResource', group, version, resource };
  return { kind: 'resource', type, namespace, name, subresource };
}
