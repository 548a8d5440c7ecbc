/** What a resource handler gets to know about one request. */
import type { ServerResponse } from 'node:http';
import type { KubeObject, PodLogs } from '../kube/contract.js';
import { ApiError } from './http.js';
import type { MemoryStore } from './store.js';
import { apiVersionOf, type TypeInfo } from './types.js';

/** What the audit log should know that only the handler finds out. */
export interface AuditNotes {
  /** A dry run asked for in a DeleteOptions body. */
  dryRun?: boolean;
  /** Whether the store changed (a no-op update or a dry run does not). */
  changed?: boolean;
  /** Admission's audit annotations (`pod-security.kubernetes.io/audit-violations`). */
  annotations?: Record<string, string>;
}

export interface RequestContext {
  store: MemoryStore;
  podLogs: PodLogs;
  type: TypeInfo;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  query: URLSearchParams;
  contentType: string;
  /** The Accept header: kubectl get asks for the Table form. */
  accept: string;
  userAgent: string;
  body(): Promise<string>;
  /** The body as bytes (protobuf); the same bytes `body()` reads as text. */
  rawBody(): Promise<Buffer>;
  res: ServerResponse;
  /** Warning headers to send (`299 - "..."`). */
  warnings: string[];
  closeWatchAfterEvents?: number;
  auditNotes: AuditNotes;
}

export interface Reply {
  code: number;
  body: unknown;
}

/** A handler either answers with a JSON body or has already streamed its answer. */
export type Outcome = Reply | 'streamed';

export function qualifiedResource(type: TypeInfo): string {
  return type.group === '' ? type.resource : `${type.resource}.${type.group}`;
}

export function qualifiedKind(type: TypeInfo): string {
  return type.group === '' ? type.kind : `${type.kind}.${type.group}`;
}

export function requireObject(ctx: RequestContext): KubeObject {
  const name = ctx.name ?? '';
  const object = ctx.store.get(ctx.type, ctx.namespace, name);
  if (!object)
    throw new ApiError(404, 'NotFound', `${qualifiedResource(ctx.type)} "${name}" not found`, {
      name,
      group: ctx.type.group,
      kind: ctx.type.resource,
    });
  return object;
}

export function isDryRun(query: URLSearchParams): boolean {
  return query.getAll('dryRun').includes('All');
}

/** The field manager: the fieldManager parameter, else the user agent up to its first '/'. */
export function fieldManagerOf(ctx: RequestContext): string {
  return ctx.query.get('fieldManager') || ctx.userAgent.split('/')[0] || 'unknown';
}

export function served(ctx: RequestContext, object: KubeObject): KubeObject {
  return { ...object, apiVersion: apiVersionOf(ctx.type), kind: ctx.type.kind };
}
