/**
 * The HTTPS front of the simulated API server: authentication, fault injection, the audit log,
 * then discovery/OpenAPI or the resource handlers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { ApiServerHandle, ApiServerOptions } from '../kube/contract.js';
import { startAdmin } from './admin.js';
import { AuditLog } from './audit.js';
import { type AuditNotes, isDryRun, type Outcome, type RequestContext } from './context.js';
import {
  apiGroupList,
  apiResourceList,
  apiVersions,
  openApiDocument,
  openApiIndex,
  VERSION_INFO,
} from './discovery.js';
import { FaultPlan } from './faults.js';
import { ApiError, readRawBody, sendError, sendJson, statusObject } from './http.js';
import { read } from './read.js';
import { type Route, route } from './routing.js';
import { MemoryStore, StoreError } from './store.js';
import { create, patch, remove, replace } from './write.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function verbOf(method: string, target: Route, query: URLSearchParams): string {
  if (target.kind !== 'resource') return method.toLowerCase();
  const named = target.name !== undefined;
  switch (method) {
    case 'GET':
      if (named) return 'get';
      return query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServerHandle> {
  if (!(options.store instanceof MemoryStore)) {
    throw new Error('startApiServer needs the store made by createStore() from sandbox/apiserver.');
  }
  const store = options.store;
  const audit = new AuditLog(options.auditLogPath);
  const faults = new FaultPlan();

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    target: Route,
    auditNotes: AuditNotes,
  ) {
    const method = req.method ?? 'GET';
    const host = req.headers.host ?? '127.0.0.1';
    const decision = faults.decide(method, url.pathname, isDryRun(url.searchParams));
    if (decision.latencyMs > 0) {
      await sleep(decision.latencyMs);
      // A client that gave up meanwhile cancelled the request (a real API server's handler sees
      // its context cancelled before it writes): a killed `kubectl apply` changes nothing late.
      if (req.socket.destroyed) return;
    }
    const injectFault = (failWith: NonNullable<typeof decision.failWith>) => {
      const { status, retryAfterSeconds } = failWith;
      const reason =
        status === 429
          ? 'TooManyRequests'
          : status === 504
            ? 'Timeout'
            : status >= 500
              ? 'InternalError'
              : 'BadRequest';
      const headers: Record<string, string> =
        retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) };
      sendJson(
        res,
        status,
        statusObject(status, reason, `injected fault (sandbox admin endpoint): ${status}`),
        headers,
      );
    };
    if (decision.failWith && !decision.failWith.afterServing) {
      injectFault(decision.failWith);
      return;
    }
    switch (target.kind) {
      case 'version':
        return sendJson(res, 200, VERSION_INFO);
      case 'api':
        return sendJson(res, 200, apiVersions(host));
      case 'apis':
        return sendJson(res, 200, apiGroupList(store.types));
      case 'resourceList': {
        const list = apiResourceList(store.types, target.group, target.version);
        if (!list) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
        return sendJson(res, 200, list);
      }
      case 'openapiIndex':
        return sendJson(res, 200, openApiIndex(store.types));
      case 'openapi': {
        const doc = openApiDocument(store.types, target.path);
        if (!doc) throw new ApiError(404, 'NotFound', `no OpenAPI document for ${target.path}`);
        return sendJson(res, 200, doc);
      }
      case 'unknownResource':
      case 'notFound':
        throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    let bodyRead: Promise<Buffer> | undefined;
    const rawBody = () => {
      bodyRead ??= readRawBody(req);
      return bodyRead;
    };
    const ctx: RequestContext = {
      store,
      podLogs: options.podLogs,
      type: target.type,
      namespace: target.type.namespaced ? target.namespace : undefined,
      name: target.name,
      subresource: target.subresource,
      query: url.searchParams,
      contentType: req.headers['content-type'] ?? 'application/json',
      accept: req.headers.accept ?? 'application/json',
      userAgent: req.headers['user-agent'] ?? '',
      body: async () => (await rawBody()).toString('utf8'),
      rawBody,
      res,
      warnings: [],
      closeWatchAfterEvents: decision.closeWatchAfterEvents,
      auditNotes,
    };
    let outcome: Outcome;
    if (method === 'GET') outcome = read(ctx);
    else if (method === 'POST' && target.name === undefined) outcome = await create(ctx);
    else if (method === 'PUT' && target.name !== undefined) outcome = await replace(ctx);
    else if (method === 'PATCH' && target.name !== undefined) outcome = await patch(ctx);
    else if (method === 'DELETE') outcome = await remove(ctx);
    else throw new ApiError(405, 'MethodNotAllowed', `${method} is not supported on ${url.pathname}`);
    if (outcome === 'streamed') return;
    // Served (the write took effect), but the client is told it failed.
    if (decision.failWith?.afterServing) {
      injectFault(decision.failWith);
      return;
    }
    const headers: Record<string, string> = {};
    if (ctx.warnings.length > 0)
      headers.Warning = ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
    sendJson(res, outcome.code, outcome.body, headers);
  }

  const server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://sandbox');
    const method = req.method ?? 'GET';
    const target = route(store.types, url.pathname);
    let user = '';
    const auditNotes: AuditNotes = {};
    res.on('close', () => {
      audit.record({
        time: new Date().toISOString(),
        user,
        verb: verbOf(method, target, url.searchParams),
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status: res.statusCode,
        fieldManager: url.searchParams.get('fieldManager') ?? undefined,
        contentType: req.headers['content-type'],
        dryRun: auditNotes.dryRun ?? isDryRun(url.searchParams),
        changed: auditNotes.changed ?? false,
        ...(auditNotes.annotations ? { annotations: auditNotes.annotations } : {}),
      });
    });
    const fail = (error: unknown) => {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (error instanceof ApiError) return sendError(res, error);
      if (error instanceof StoreError)
        return sendError(res, new ApiError(error.code, error.reason, error.message));
      if (error instanceof SyntaxError) return sendError(res, new ApiError(400, 'BadRequest', error.message));
      sendError(
        res,
        new ApiError(500, 'InternalError', `sandbox API server error: ${(error as Error).message}`),
      );
    };
    const token = bearerToken(req);
    if (!token) return sendError(res, new ApiError(401, 'Unauthorized', 'Unauthorized'));
    options
      .authenticate(token)
      .then((result) => {
        if (!result.ok) return sendError(res, new ApiError(401, 'Unauthorized', 'Unauthorized'));
        const lifetime = faults.tokenLifetimeSeconds;
        if (
          lifetime !== undefined &&
          result.issuedAt &&
          Date.now() > result.issuedAt.getTime() + lifetime * 1000
        ) {
          // What EKS does with a token past its window: 401, the reason only in its own log.
          return sendError(res, new ApiError(401, 'Unauthorized', 'Unauthorized'));
        }
        user = result.user;
        return serve(req, res, url, target, auditNotes);
      })
      .catch(fail);
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const port = await listen(options.port ?? 0);
  // Every TCP connection, TLS handshakes in progress included (closeAllConnections only knows
  // the ones that carry HTTP requests), so that a refusal can cut them all at once.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  let reopenTimer: NodeJS.Timeout | undefined;
  const admin = await startAdmin({
    faults,
    audit,
    refuse: async (seconds) => {
      if (!server.listening) return;
      // The window starts now: waiting for server.close's callback would stretch it by however
      // long the clients take to let go of their connections.
      server.close();
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      // Listen on the same port again; if something else grabbed it meanwhile, keep trying.
      const reopen = () => {
        listen(port).catch(() => {
          reopenTimer = setTimeout(reopen, 100);
        });
      };
      reopenTimer = setTimeout(reopen, seconds * 1000);
    },
  });
  return {
    url: `https://127.0.0.1:${port}`,
    adminUrl: admin.url,
    close: async () => {
      clearTimeout(reopenTimer);
      audit.close();
      admin.server.closeAllConnections();
      await new Promise<void>((resolve) => admin.server.close(() => resolve()));
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
