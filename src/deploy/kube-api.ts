import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { forgetCachedTokens } from '../cluster/token-cache.js';
import type { Logger } from '../log.js';
import { isRecord } from '../records.js';
import { sleep } from '../sleep.js';
import type { Kubectl } from './kubectl.js';
import type { Json } from './objects.js';

/**
 * A failed API request, with the HTTP status and the Status message the server sent; `reason` is
 * the Status reason (`AlreadyExists` and `Conflict` are both 409, and mean different things).
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR' | 'BOOKMARK';
  object: Json;
}

/** Collection paths of the kinds the engine reads and watches itself (everything else goes through kubectl). */
const COLLECTIONS: Record<string, string> = {
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
  Lease: '/apis/coordination.k8s.io/v1/leases',
};

/** `/apis/apps/v1/namespaces/NS/deployments[/NAME]` for a kind the engine knows. */
export function resourcePath(kind: string, namespace?: string, name?: string): string {
  const collection = COLLECTIONS[kind];
  if (collection === undefined) throw new Error(`No API path known for kind ${kind}.`);
  const slash = collection.lastIndexOf('/');
  const base =
    namespace !== undefined
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
export class KubeApi {
  private constructor(
    private readonly socketPath: string,
    private readonly stop: () => Promise<void>,
    private readonly logger?: Logger,
    /** Drops the run's cached EKS token after a 401; true when there was a cache (token-cache.ts). */
    private readonly forgetTokens: () => boolean = () => false,
  ) {}

  static async start(kubectl: Kubectl): Promise<KubeApi> {
    const dir = await mkdtemp(path.join(kubectl.options.env.RUNNER_TEMP || tmpdir(), 'k8s-deploy-api-'));
    const socketPath = path.join(dir, 'api.sock');
    const stopProxy = new AbortController();
    let output = '';
    const exited = kubectl
      .run(['proxy', `--unix-socket=${socketPath}`, '--keepalive=30s'], {
        timeoutMs: 24 * 3600_000,
        signal: stopProxy.signal,
      })
      .then(
        (result) => {
          output = result.stderr || result.stdout;
        },
        () => {},
      );
    // Poll the socket rather than parse "Starting to serve": an answer is what proves it works.
    const api = new KubeApi(
      socketPath,
      async () => {
        stopProxy.abort();
        await exited;
        await rm(dir, { recursive: true, force: true });
      },
      kubectl.options.logger,
      () => forgetCachedTokens(kubectl.options.kubeconfig),
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await api.request('GET', '/version', { timeoutMs: 2000, retries: 0 });
        return api;
      } catch {
        if (stopProxy.signal.aborted || Date.now() > deadline || output !== '') {
          await api.close();
          throw new Error(`kubectl proxy did not start: ${output.trim() || 'no answer within 30 s'}`);
        }
        await sleep(100, stopProxy.signal);
      }
    }
  }

  close(): Promise<void> {
    return this.stop();
  }

  /**
   * One request, retried (bounded: `retries`, default 4, with back-off; each retry logged) when
   * the server did not act on it: 401 (the proxy's exec plugin fetches a new token after one, as
   * client-go does, but does not repeat the request) and 429 (priority and fairness rejects
   * before anything happens), for any method; 5xx and connection errors for GETs only. The
   * caller sees the last error as one sentence.
   */
  async request(
    method: string,
    requestPath: string,
    options: {
      body?: unknown;
      timeoutMs?: number;
      retries?: number;
      contentType?: string;
      /** Safe to repeat after a 5xx or a lost answer (a delete with a uid precondition): retried like a GET. */
      idempotent?: boolean;
      /** Receives the texts of the answer's `Warning: 299` headers (admission's, deprecations). */
      warnings?: string[];
    } = {},
  ): Promise<Json> {
    const retries = options.retries ?? 4;
    const repeatable = method === 'GET' || options.idempotent === true;
    // After a refused token the proxy's plugin is asked again at once, and with a cache it hands
    // out the same token: the cache is dropped, and one more 401 lets the proxy fetch a new one.
    let refusedRetries = 1;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(
          method,
          requestPath,
          options.body,
          options.timeoutMs ?? 30_000,
          options.contentType ?? 'application/json',
          options.warnings,
        );
      } catch (error) {
        const status = error instanceof ApiError ? error.status : undefined;
        // One 401 is a token that ran out; a second one is a credential that is wrong.
        if (status === 401 && attempt === 0 && this.forgetTokens()) refusedRetries = 2;
        const unprocessed = (status === 401 && attempt < refusedRetries) || status === 429;
        const retryable = unprocessed || (repeatable && (status === undefined || status >= 500));
        if (!retryable || attempt >= retries) throw error;
        const delayMs = status === 401 ? 0 : 250 * 2 ** attempt;
        this.logger?.info(
          `${method} ${requestPath.split('?')[0]} failed (${status ?? 'no answer'}: ${(error as Error).message}); retry ${attempt + 1} of ${retries}${delayMs ? ` in ${delayMs} ms` : ''}.`,
        );
        // Not cut short by the run's cancellation: the rollback after a cancel uses this client too.
        await sleep(delayMs);
      }
    }
  }

  /** GET that answers undefined for 404. */
  async get(requestPath: string): Promise<Json | undefined> {
    try {
      return await this.request('GET', requestPath);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  async list(
    requestPath: string,
    query: Record<string, string> = {},
  ): Promise<{ items: Json[]; resourceVersion: string }> {
    const list = await this.request('GET', withQuery(requestPath, query));
    const items = Array.isArray(list.items) ? list.items.filter(isRecord) : [];
    const metadata = isRecord(list.metadata) ? list.metadata : {};
    return { items, resourceVersion: String(metadata.resourceVersion ?? '') };
  }

  /**
   * A watch stream: resolves when the server ends it (or the signal aborts), rejects when it
   * cannot start. Each event goes to onEvent as it arrives.
   */
  watch(
    requestPath: string,
    query: Record<string, string>,
    onEvent: (event: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const full = withQuery(requestPath, { ...query, watch: 'true', allowWatchBookmarks: 'false' });
    return new Promise((resolve, reject) => {
      const request = http.request({ socketPath: this.socketPath, path: full, method: 'GET' }, (response) => {
        if ((response.statusCode ?? 0) >= 300) {
          readBody(response).then((text) => reject(apiError(response.statusCode ?? 0, text)), reject);
          return;
        }
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let newline = buffer.indexOf('\n');
          while (newline !== -1) {
            const line = buffer.slice(0, newline).trim();
            buffer = buffer.slice(newline + 1);
            if (line !== '') {
              try {
                onEvent(JSON.parse(line) as WatchEvent);
              } catch {
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
  async logs(
    namespace: string,
    pod: string,
    options: { container?: string; tailLines?: number; previous?: boolean },
  ): Promise<string> {
    const query: Record<string, string> = {};
    if (options.container) query.container = options.container;
    if (options.tailLines !== undefined) query.tailLines = String(options.tailLines);
    if (options.previous) query.previous = 'true';
    const requestPath = withQuery(`${resourcePath('Pod', namespace, pod)}/log`, query);
    return new Promise((resolve) => {
      const request = http.request(
        { socketPath: this.socketPath, path: requestPath, method: 'GET', timeout: 15_000 },
        (response) => {
          readBody(response).then(
            (text) => resolve((response.statusCode ?? 0) < 300 ? text : ''),
            () => resolve(''),
          );
        },
      );
      request.on('timeout', () => request.destroy());
      request.on('error', () => resolve(''));
      request.end();
    });
  }

  /** Follows a container's log, line by line, until it ends or the signal aborts. */
  follow(
    namespace: string,
    pod: string,
    container: string | undefined,
    onLine: (line: string) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const query: Record<string, string> = { follow: 'true' };
    if (container) query.container = container;
    const requestPath = withQuery(`${resourcePath('Pod', namespace, pod)}/log`, query);
    return new Promise((resolve) => {
      const request = http.request(
        { socketPath: this.socketPath, path: requestPath, method: 'GET' },
        (response) => {
          if ((response.statusCode ?? 0) >= 300) {
            response.resume();
            resolve();
            return;
          }
          let buffer = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            buffer += chunk;
            const lines = buffer.split('\n');
            buffer = lines.pop() ?? '';
            for (const line of lines) onLine(line);
          });
          const done = () => {
            if (buffer !== '') onLine(buffer);
            buffer = '';
            resolve();
          };
          response.on('end', done);
          response.on('close', done);
        },
      );
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

  private once(
    method: string,
    requestPath: string,
    body: unknown,
    timeoutMs: number,
    contentType: string,
    warnings: string[] | undefined,
  ): Promise<Json> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const request = http.request(
        {
          socketPath: this.socketPath,
          path: requestPath,
          method,
          timeout: timeoutMs,
          headers: {
            accept: 'application/json',
            // Node sends a DELETE body without framing unless told its length: the proxy then
            // reads the body as the next request and answers 400 Bad Request.
            ...(payload !== undefined
              ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (response) => {
          readBody(response).then((text) => {
            const status = response.statusCode ?? 0;
            warnings?.push(...warningTexts(response.headers.warning));
            if (status >= 300) {
              reject(apiError(status, text));
              return;
            }
            try {
              const parsed: unknown = text === '' ? {} : JSON.parse(text);
              resolve(isRecord(parsed) ? parsed : {});
            } catch {
              reject(
                new ApiError(
                  `The API server sent a response that is not JSON for ${method} ${requestPath}.`,
                  status,
                ),
              );
            }
          }, reject);
        },
      );
      request.on('timeout', () =>
        request.destroy(
          new Error(`The API server did not answer ${method} ${requestPath} within ${timeoutMs / 1000} s.`),
        ),
      );
      request.on('error', reject);
      request.end(payload);
    });
  }
}

/**
 * The texts of `Warning` headers (RFC 7234: `299 - "text"`, several joined by commas, quotes and
 * backslashes escaped), as client-go's ParseWarningHeaders reads them; only code 299, as kubectl.
 */
export function warningTexts(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(', ') : (header ?? '');
  const texts: string[] = [];
  for (const match of joined.matchAll(/(\d{3}) \S+ "((?:[^"\\]|\\.)*)"/g)) {
    if (match[1] === '299') texts.push((match[2] ?? '').replace(/\\(.)/g, '$1'));
  }
  return texts;
}

function withQuery(requestPath: string, query: Record<string, string>): string {
  const search = new URLSearchParams(query).toString();
  return search === '' ? requestPath : `${requestPath}${requestPath.includes('?') ? '&' : '?'}${search}`;
}

function readBody(response: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      if (text.length < 4 * 1024 * 1024) text += chunk;
    });
    response.on('end', () => resolve(text));
    response.on('error', reject);
  });
}

function apiError(status: number, text: string): ApiError {
  let message = text.trim().slice(0, 500);
  let reason: string | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed) && typeof parsed.message === 'string') message = parsed.message;
    if (isRecord(parsed) && typeof parsed.reason === 'string') reason = parsed.reason;
  } catch {
    // not a Status object: keep the text
  }
  return new ApiError(message || `HTTP ${status}`, status, reason);
}
