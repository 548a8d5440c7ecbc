import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerGitHubAdmin, type GitHubAdminState } from './admin.js';
import {
  DEPLOYMENT_STATES,
  type DeploymentState,
  DeploymentStore,
  GITHUB_ACTIONS_BOT,
  type NewDeployment,
  resolveSha,
} from './store.js';

export interface GitHubServiceOptions {
  port?: number;
  now?: () => Date;
}

export interface GitHubServiceHandle {
  /** http://127.0.0.1:PORT: the value of GITHUB_API_URL. */
  url: string;
  /** Unauthenticated test controls (admin.ts). */
  adminUrl: string;
  /** A job's GITHUB_TOKEN with `deployments: write`. */
  token: string;
  /** A read-only job token, as a workflow run from a fork gets. */
  readOnlyToken: string;
  close(): Promise<void>;
}

const ADMIN_PREFIX = '/_sandbox';
const MAX_CALLS_KEPT = 10_000;
const DOCS = 'https://docs.github.com/rest';
const DOCS_DEPLOYMENTS = `${DOCS}/deployments/deployments`;
const DOCS_STATUSES = `${DOCS}/deployments/statuses`;

/** An error answer in GitHub's shape: {message, documentation_url, status, errors?}. */
export class GitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly documentationUrl: string = DOCS,
    readonly errors?: unknown[],
  ) {
    super(message);
  }
}

type Access = 'write' | 'read';

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A job token: GitHub's installation tokens start with `ghs_` and hold 36 more characters. */
function jobToken(): string {
  return `ghs_${randomBytes(27).toString('base64url')}`;
}

/** Validation the way GitHub's schema check words it: "Invalid request.\n\n<detail>". */
function invalid(documentationUrl: string, detail: string, field: string, code: string): GitHubError {
  return new GitHubError(422, `Invalid request.\n\n${detail}`, documentationUrl, [
    { resource: documentationUrl === DOCS_STATUSES ? 'DeploymentStatus' : 'Deployment', field, code },
  ]);
}

function optionalString(body: Record<string, unknown>, name: string, docs: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw invalid(
      docs,
      `For 'properties/${name}', ${JSON.stringify(value)} is not a string.`,
      name,
      'invalid',
    );
  }
  return value;
}

function optionalBoolean(body: Record<string, unknown>, name: string, docs: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') {
    throw invalid(
      docs,
      `For 'properties/${name}', ${JSON.stringify(value)} is not a boolean.`,
      name,
      'invalid',
    );
  }
  return value;
}

function parseBody(text: string, docs: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new GitHubError(400, 'Problems parsing JSON', docs);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GitHubError(400, 'Problems parsing JSON', docs);
  }
  return value as Record<string, unknown>;
}

/** POST /deployments: GitHub's defaults, and its 202 / 409 answers where the sandbox can tell. */
function deploymentInput(repository: string, body: Record<string, unknown>): NewDeployment | Answer {
  const docs = `${DOCS_DEPLOYMENTS}#create-a-deployment`;
  const ref = optionalString(body, 'ref', docs);
  if (ref === undefined) throw invalid(docs, '"ref" wasn\'t supplied.', 'ref', 'missing_field');
  const task = optionalString(body, 'task', docs) ?? 'deploy';
  const environment = optionalString(body, 'environment', docs) ?? 'production';
  const description = optionalString(body, 'description', docs) ?? null;
  const autoMerge = optionalBoolean(body, 'auto_merge', docs) ?? true;
  const transient = optionalBoolean(body, 'transient_environment', docs) ?? false;
  const production = optionalBoolean(body, 'production_environment', docs) ?? environment === 'production';
  let payload: Record<string, unknown> | string = {};
  if (typeof body.payload === 'string') {
    // GitHub stores a JSON string's object; any other string stays a string.
    try {
      const parsed: unknown = JSON.parse(body.payload);
      payload =
        typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
          ? (parsed as Record<string, unknown>)
          : body.payload;
    } catch {
      payload = body.payload;
    }
  } else if (typeof body.payload === 'object' && body.payload !== null && !Array.isArray(body.payload)) {
    payload = body.payload as Record<string, unknown>;
  } else if (body.payload !== undefined && body.payload !== null) {
    throw invalid(
      docs,
      `For 'properties/payload', ${JSON.stringify(body.payload)} is not an object or a string.`,
      'payload',
      'invalid',
    );
  }
  const contexts = body.required_contexts;
  if (contexts !== undefined && !(Array.isArray(contexts) && contexts.every((c) => typeof c === 'string'))) {
    throw invalid(
      docs,
      `For 'properties/required_contexts', ${JSON.stringify(contexts)} is not an array of strings.`,
      'required_contexts',
      'invalid',
    );
  }
  // No commit has a status check in the sandbox: the default (every context) passes, and a named
  // context is missing, which GitHub answers with 409.
  if (Array.isArray(contexts) && contexts.length > 0) {
    return {
      status: 409,
      body: {
        message: `Conflict: Commit status checks failed for ${ref}.`,
        errors: [
          {
            contexts: contexts.map((context) => ({ context, state: 'missing' })),
            resource: 'Deployment',
            field: 'required_contexts',
            code: 'invalid',
          },
        ],
        documentation_url: docs,
        status: '409',
      },
    };
  }
  const isSha = /^[0-9a-f]{40}$/i.test(ref);
  // GitHub merges the default branch into a branch that is behind it and answers 202 without a
  // deployment. The sandbox has no git history, so every non-sha ref with auto_merge counts as behind.
  if (autoMerge && !isSha) {
    return { status: 202, body: { message: `Auto-merged main into ${ref} on deployment.` } };
  }
  return {
    ref,
    sha: resolveSha(repository, ref),
    task,
    payload,
    environment,
    description,
    transient_environment: transient,
    production_environment: production,
  };
}

function page<T>(items: T[], query: URLSearchParams, requestUrl: URL): { items: T[]; link?: string } {
  const perPage = Math.min(Math.max(Number(query.get('per_page') ?? 30) || 30, 1), 100);
  const pageNumber = Math.max(Number(query.get('page') ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const at = (n: number) => {
    const url = new URL(requestUrl);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return url.toString();
  };
  const links: string[] = [];
  if (pageNumber > 1) links.push(`<${at(pageNumber - 1)}>; rel="prev"`, `<${at(1)}>; rel="first"`);
  if (pageNumber < last) links.push(`<${at(pageNumber + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
  return {
    items: items.slice((pageNumber - 1) * perPage, pageNumber * perPage),
    ...(links.length > 0 ? { link: links.join(', ') } : {}),
  };
}

/**
 * A GitHub REST stand-in for the deployments and deployment-statuses endpoints, on loopback.
 * Any owner/repo works (each has its own deployments); the two job tokens work for all of them.
 */
export async function startGitHubService(options: GitHubServiceOptions = {}): Promise<GitHubServiceHandle> {
  const token = jobToken();
  const readOnlyToken = jobToken();
  let store: DeploymentStore | undefined;
  const admin: GitHubAdminState = {
    calls: [],
    faults: [],
    store: () => {
      if (!store) throw new Error('The GitHub stand-in is not listening yet.');
      return store;
    },
  };

  function access(req: IncomingMessage): Access {
    const header = String(req.headers.authorization ?? '');
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim());
    if (match?.[1] === token) return 'write';
    if (match?.[1] === readOnlyToken) return 'read';
    throw new GitHubError(401, 'Bad credentials');
  }

  function route(req: IncomingMessage, requestUrl: URL, text: string): Answer {
    const method = req.method ?? 'GET';
    const path = requestUrl.pathname.replace(/\/+$/, '');
    const repoMatch = /^\/repos\/([^/]+)\/([^/]+)\/deployments(?:\/([^/]+))?(\/statuses)?$/.exec(path);
    if (!repoMatch) throw new GitHubError(404, 'Not Found');
    const canAccess = access(req);
    const repository = `${decodeURIComponent(repoMatch[1] ?? '')}/${decodeURIComponent(repoMatch[2] ?? '')}`;
    const idText = repoMatch[3];
    const isStatuses = repoMatch[4] !== undefined;
    const db = admin.store();
    const query = requestUrl.searchParams;
    const writeAccess = (docs: string) => {
      if (canAccess !== 'write') throw new GitHubError(403, 'Resource not accessible by integration', docs);
    };

    if (idText === undefined) {
      if (method === 'GET') {
        const filter = Object.fromEntries(
          ['sha', 'ref', 'task', 'environment'].flatMap((name) => {
            const value = query.get(name);
            return value === null ? [] : [[name, value]];
          }),
        );
        const { items, link } = page(db.list(repository, filter), query, requestUrl);
        return { status: 200, body: items, headers: link ? { link } : {} };
      }
      if (method === 'POST') {
        const docs = `${DOCS_DEPLOYMENTS}#create-a-deployment`;
        writeAccess(docs);
        const input = deploymentInput(repository, parseBody(text, docs));
        if ('status' in input) return input;
        return { status: 201, body: db.create(repository, input, GITHUB_ACTIONS_BOT) };
      }
      throw new GitHubError(404, 'Not Found');
    }

    const id = /^\d+$/.test(idText) ? Number(idText) : Number.NaN;
    const deployment = Number.isNaN(id) ? undefined : db.get(repository, id);
    if (!isStatuses) {
      if (method !== 'GET') throw new GitHubError(404, 'Not Found');
      if (!deployment) throw new GitHubError(404, 'Not Found', `${DOCS_DEPLOYMENTS}#get-a-deployment`);
      return { status: 200, body: deployment };
    }
    if (method === 'GET') {
      if (!deployment) {
        throw new GitHubError(404, 'Not Found', `${DOCS_STATUSES}#list-deployment-statuses`);
      }
      const { items, link } = page(db.statuses(repository, deployment.id), query, requestUrl);
      return { status: 200, body: items, headers: link ? { link } : {} };
    }
    if (method === 'POST') {
      const docs = `${DOCS_STATUSES}#create-a-deployment-status`;
      writeAccess(docs);
      if (!deployment) throw new GitHubError(404, 'Not Found', docs);
      const body = parseBody(text, docs);
      const state = body.state;
      if (state === undefined) throw invalid(docs, '"state" wasn\'t supplied.', 'state', 'missing_field');
      if (!DEPLOYMENT_STATES.includes(state as DeploymentState)) {
        throw invalid(
          docs,
          `For 'properties/state', ${JSON.stringify(state)} is not one of ${DEPLOYMENT_STATES.map((s) => `"${s}"`).join(', ')}.`,
          'state',
          'invalid',
        );
      }
      const description = optionalString(body, 'description', docs) ?? '';
      if (description.length > 140) {
        throw new GitHubError(422, 'Validation Failed', docs, [
          {
            resource: 'DeploymentStatus',
            code: 'custom',
            field: 'description',
            message: 'description is too long (maximum is 140 characters)',
          },
        ]);
      }
      const logUrl = optionalString(body, 'log_url', docs) ?? optionalString(body, 'target_url', docs) ?? '';
      const status = db.addStatus(
        repository,
        deployment,
        {
          state: state as DeploymentState,
          description,
          log_url: logUrl,
          environment_url: optionalString(body, 'environment_url', docs) ?? '',
          environment: optionalString(body, 'environment', docs),
          auto_inactive: optionalBoolean(body, 'auto_inactive', docs) ?? true,
        },
        GITHUB_ACTIONS_BOT,
      );
      return { status: 201, body: status };
    }
    throw new GitHubError(404, 'Not Found');
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const requestUrl = new URL(req.url ?? '/', url);
      if (requestUrl.pathname.startsWith(`${ADMIN_PREFIX}/`)) {
        const answer = answerGitHubAdmin(
          admin,
          req.method ?? 'GET',
          requestUrl.pathname.slice(ADMIN_PREFIX.length),
          text,
        );
        send(res, answer.status, answer.body);
        return;
      }
      let answer: Answer;
      const fault = admin.faults.find((rule) => rule.matches(req.method ?? 'GET', requestUrl.pathname));
      if (fault) {
        fault.take();
        answer = fault.answer();
        admin.faults = admin.faults.filter((rule) => !rule.spent());
      } else {
        try {
          answer = route(req, requestUrl, text);
        } catch (error) {
          const failure =
            error instanceof GitHubError ? error : new GitHubError(500, `Server Error: ${String(error)}`);
          answer = {
            status: failure.status,
            body: {
              message: failure.message,
              ...(failure.errors ? { errors: failure.errors } : {}),
              documentation_url: failure.documentationUrl,
              status: String(failure.status),
            },
          };
        }
      }
      let requestBody: unknown = text;
      try {
        requestBody = text === '' ? undefined : JSON.parse(text);
      } catch {}
      admin.calls.push({
        time: new Date().toISOString(),
        method: req.method ?? 'GET',
        path: requestUrl.pathname,
        query: Object.fromEntries(requestUrl.searchParams),
        // Which token, never the token itself.
        auth: authKind(req),
        status: answer.status,
        ...(requestBody === undefined ? {} : { body: requestBody }),
        response: answer.body,
      });
      if (admin.calls.length > MAX_CALLS_KEPT) admin.calls.splice(0, admin.calls.length - MAX_CALLS_KEPT);
      send(res, answer.status, answer.body, answer.headers);
    });
  });

  function authKind(req: IncomingMessage): 'write' | 'read-only' | 'unknown' | 'none' {
    if (!req.headers.authorization) return 'none';
    try {
      return access(req) === 'write' ? 'write' : 'read-only';
    } catch {
      return 'unknown';
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  store = new DeploymentStore(url, options.now);
  return {
    url,
    adminUrl: `${url}${ADMIN_PREFIX}`,
    token,
    readOnlyToken,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-github-request-id': randomUUID().toUpperCase(),
    'x-github-api-version-selected': '2022-11-28',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-resource': 'core',
    ...headers,
  });
  res.end(text);
}
