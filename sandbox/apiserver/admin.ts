/**
 * The admin endpoint (plain HTTP on loopback): fault injection and the audit log.
 *   POST   /faults   {path, status?, share?, retryAfterSeconds?, latencyMs?, closeWatchAfterEvents?, methods?, count?}
 *   POST   /faults   {refuseConnectionsSeconds}   close the API listener, reopen it on the same port later
 *   POST   /faults   {tokenLifetimeSeconds}   EKS tokens older than this get 401 (until DELETE)
 *   GET    /faults   the active rules with how many requests they saw and hit
 *   DELETE /faults   remove every rule
 *   GET    /audit?since=SEQ|ISO-TIME[&mutating=true]   audit entries as a JSON array
 */
import { createServer, type Server } from 'node:http';
import type { AuditLog } from './audit.js';
import { checkRule, type FaultPlan } from './faults.js';
import { readBody, sendJson } from './http.js';

export interface AdminDeps {
  faults: FaultPlan;
  audit: AuditLog;
  /** Refuse API connections for a while. */
  refuse(seconds: number): Promise<void>;
}

export async function startAdmin(deps: AdminDeps): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    handle(deps, req.method ?? 'GET', req.url ?? '/', () => readBody(req)).then(
      ([code, body]) => sendJson(res, code, body),
      (error: Error) => sendJson(res, 500, { error: error.message }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, server };
}

async function handle(
  deps: AdminDeps,
  method: string,
  rawUrl: string,
  body: () => Promise<string>,
): Promise<[number, unknown]> {
  const url = new URL(rawUrl, 'http://admin');
  if (url.pathname === '/faults' && method === 'GET') return [200, deps.faults.list()];
  if (url.pathname === '/faults' && method === 'DELETE') {
    deps.faults.reset();
    return [200, { reset: true }];
  }
  if (url.pathname === '/faults' && method === 'POST') {
    let input: unknown;
    try {
      input = JSON.parse(await body());
    } catch {
      return [400, { error: 'The body must be a JSON fault rule.' }];
    }
    const seconds = (input as { refuseConnectionsSeconds?: unknown })?.refuseConnectionsSeconds;
    if (seconds !== undefined) {
      if (typeof seconds !== 'number' || seconds <= 0) {
        return [
          400,
          { error: `"refuseConnectionsSeconds" must be a positive number, got ${JSON.stringify(seconds)}.` },
        ];
      }
      await deps.refuse(seconds);
      return [200, { refusingForSeconds: seconds }];
    }
    const lifetime = (input as { tokenLifetimeSeconds?: unknown })?.tokenLifetimeSeconds;
    if (lifetime !== undefined) {
      if (typeof lifetime !== 'number' || lifetime <= 0) {
        return [
          400,
          { error: `"tokenLifetimeSeconds" must be a positive number, got ${JSON.stringify(lifetime)}.` },
        ];
      }
      deps.faults.tokenLifetimeSeconds = lifetime;
      return [200, { tokenLifetimeSeconds: lifetime }];
    }
    const rule = checkRule(input);
    if (typeof rule === 'string') return [400, { error: rule }];
    deps.faults.add(rule);
    return [201, rule];
  }
  if (url.pathname === '/audit' && method === 'GET') {
    try {
      const entries = deps.audit.since(url.searchParams.get('since'));
      const onlyMutating = url.searchParams.get('mutating') === 'true';
      return [200, onlyMutating ? entries.filter((e) => e.mutating) : entries];
    } catch (error) {
      return [400, { error: (error as Error).message }];
    }
  }
  return [404, { error: `No admin route ${method} ${url.pathname}; see sandbox/apiserver/README.md.` }];
}
