import { timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RepositoryCatalog } from '../aws/repositories.js';
import type { RegistryClient } from './client.js';
import type { RegistryFaultPlan } from './faults.js';
import { ecrRegistryVerdict, parseRepositoryRoute } from './push-rules.js';

export interface RegistryProxyOptions {
  tls: { cert: string; key: string };
  /** The real registry, plain HTTP on loopback. */
  backendUrl: string;
  /** The only credentials the registry accepts (ECR's user is always AWS). */
  user: string;
  password: string;
  /**
   * Opens the ECR repository catalog once the proxy knows its own host:port (repository URIs name
   * it). The proxy listens on a port the system picks, so no other process can take it first.
   */
  openCatalog(registryHost: string): Promise<RepositoryCatalog>;
  registry: RegistryClient;
  /** Faults tests inject (admin route /registry/faults): answered before anything else. */
  faults?: RegistryFaultPlan;
}

export interface RegistryProxyHandle {
  /** host:port as clients (podman, kubelet) name the registry. */
  host: string;
  catalog: RepositoryCatalog;
  close(): Promise<void>;
}

/**
 * The registry's public face: TLS with the sandbox CA, then ECR's rules (repositories must exist,
 * IMMUTABLE tags never move), then the real registry, which still does the authentication itself.
 * Injected faults (see faults.ts) come first: a failing registry fails before it checks anything.
 */
export async function startRegistryProxy(options: RegistryProxyOptions): Promise<RegistryProxyHandle> {
  const expected = Buffer.from(
    `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`,
  );
  const authenticated = (req: IncomingMessage): boolean => {
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  let catalogOpened: Promise<RepositoryCatalog> | undefined;

  const server: Server = createServer(options.tls, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) reply(res, 500, 'UNKNOWN', `sandbox registry proxy: ${String(error)}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fault = options.faults?.take(req.method ?? 'GET', req.url ?? '/');
    if (fault) {
      req.resume(); // an upload's body is read and dropped, as a failing registry would
      return reply(res, fault.status, fault.code, fault.message);
    }
    const route = parseRepositoryRoute(req.url ?? '');
    // Unauthenticated requests go straight through: the registry answers with its own challenge.
    if (!route || !authenticated(req)) return forward(req, res);
    const catalog = await catalogOpened;
    if (!catalog) throw new Error('the repository catalog is not open yet');
    const repository = await catalog.find(route.repository);
    const isManifestPut = req.method === 'PUT' && route.kind === 'manifests';
    const verdict = ecrRegistryVerdict({
      method: req.method ?? 'GET',
      route,
      registryId: catalog.registryId,
      mutability: repository?.imageTagMutability,
      currentDigest:
        isManifestPut && repository?.imageTagMutability === 'IMMUTABLE'
          ? await options.registry.digestOf(route.repository, route.reference)
          : undefined,
    });
    if (verdict) return reply(res, verdict.status, verdict.code, verdict.message);
    return forward(req, res);
  }

  function forward(req: IncomingMessage, res: ServerResponse): void {
    const upstream = request(
      `${options.backendUrl}${req.url ?? '/'}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) reply(res, 502, 'UNAVAILABLE', `registry unreachable: ${error.message}`);
      else res.destroy();
    });
    req.pipe(upstream);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  catalogOpened = options.openCatalog(host);
  try {
    return { host, catalog: await catalogOpened, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The registry API's error shape; docker and podman print "<code lower-cased>: <message>". */
function reply(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ errors: [{ code, message, detail: null }] });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'docker-distribution-api-version': 'registry/2.0',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
