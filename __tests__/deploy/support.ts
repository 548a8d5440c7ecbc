import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll } from '@jest/globals';
import { pushImage } from '../../sandbox/engine-deploy.js';
import { type RunningSandbox, startSandbox } from '../../sandbox/testing.js';
import { NodeProcessRunner } from '../../src/process.js';

export interface TestSandbox {
  sandbox: RunningSandbox;
  /** The app image, pushed as `<repository>:v1`. */
  image: string;
  /** `<repository>:crash` (SANDBOX_CRASH=1), pushed only when asked for; '' otherwise. */
  crashing: string;
}

/**
 * Starts a sandbox for the file (beforeAll), with the sandbox's environment in process.env, and
 * pushes the app image to `repository`; afterAll restores process.env and stops the sandbox.
 * The fields of the returned object are filled in by beforeAll.
 */
export function useSandbox(repository: string, options: { crashing?: boolean } = {}): TestSandbox {
  const setup = { image: '', crashing: '' } as TestSandbox;
  let savedEnv: NodeJS.ProcessEnv | undefined;
  beforeAll(async () => {
    setup.sandbox = await startSandbox();
    savedEnv = { ...process.env };
    Object.assign(process.env, setup.sandbox.env);
    setup.image = await pushImage(setup.sandbox, repository, 'v1');
    if (options.crashing) {
      setup.crashing = await pushImage(setup.sandbox, repository, 'crash', { SANDBOX_CRASH: '1' });
    }
  }, 120_000);
  afterAll(async () => {
    if (savedEnv) process.env = savedEnv;
    await setup.sandbox?.stop();
  });
  return setup;
}

export interface WebAppOptions {
  /** The value of ConfigMap `settings`; no ConfigMap when undefined. */
  config?: string;
  /** Whether the container reads `settings` through envFrom (default: when there is a ConfigMap). */
  envFrom?: boolean;
  /** A pod-template annotation `config`, so that the template itself changes with it. */
  configAnnotation?: string;
  replicas?: number;
  /** The `app` label the Deployment selects and its pods carry. */
  selector?: string;
  /** Plain env entries of the container, in order. */
  env?: Record<string, string>;
  /** An HTTP readiness probe: pods are not ready for 5 s, so a crash loop shows before they are. */
  readinessProbe?: boolean;
  /** Whole documents between the ConfigMap and the Deployment. */
  before?: string[];
  /** Whole documents after the Deployment. */
  after?: string[];
}

/**
 * The test app: Namespace, ConfigMap `settings` (when `config` is given), then Deployment `web`
 * (default 2 replicas, container `web`), documents joined by `---`.
 */
export function webApp(namespace: string, image: string, options: WebAppOptions = {}): string {
  const {
    config,
    envFrom = config !== undefined,
    configAnnotation,
    replicas = 2,
    selector = 'web',
  } = options;
  const docs = [
    `apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
`,
  ];
  if (config !== undefined) {
    docs.push(`apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${namespace}
data:
  value: ${config}
`);
  }
  docs.push(...(options.before ?? []));
  const annotations =
    configAnnotation === undefined ? '' : `\n      annotations: {config: ${configAnnotation}}`;
  const envFromLines = envFrom ? '\n          envFrom:\n            - configMapRef: {name: settings}' : '';
  const envEntries = Object.entries(options.env ?? {});
  const envLines = envEntries.length
    ? `\n          env:${envEntries.map(([name, value]) => `\n            - {name: ${name}, value: "${value}"}`).join('')}`
    : '';
  const probeLines = options.readinessProbe
    ? '\n          readinessProbe:\n            httpGet: {path: /healthz, port: 8080}\n            initialDelaySeconds: 5'
    : '';
  docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${selector}}
  template:
    metadata:
      labels: {app: ${selector}}${annotations}
    spec:
      containers:
        - name: web
          image: ${image}${envFromLines}${envLines}${probeLines}
`);
  docs.push(...(options.after ?? []));
  return docs.join('---\n');
}

/** The value of ConfigMap `settings` in `namespace`. */
export async function configValue(sandbox: RunningSandbox, namespace: string): Promise<string> {
  return kubectlRun(sandbox, ['get', 'configmap/settings', '-n', namespace, '-o', 'jsonpath={.data.value}']);
}

export { deployYaml, pushImage, type TestDeploy } from '../../sandbox/engine-deploy.js';

/** One entry of the sandbox API server's audit log (sandbox/apiserver/audit.ts). */
export interface AuditEntry {
  seq: number;
  time: string;
  verb: string;
  method: string;
  path: string;
  status: number;
  fieldManager?: string;
  dryRun: boolean;
  changed: boolean;
  mutating: boolean;
}

/** A request to the admin endpoint, without keep-alive (an idle socket would keep jest running). */
function admin(
  sandbox: RunningSandbox,
  path: string,
  init: { method?: string; body?: string } = {},
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${sandbox.env.SANDBOX_ADMIN_URL}${path}`,
      { method: init.method ?? 'GET', agent: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 300) reject(new Error(`admin ${path}: ${status} ${body}`));
          else resolve(body ? JSON.parse(body) : undefined);
        });
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
}

/** The sequence number of the audit log's latest entry: pass it to `mutationsAfter`. */
export async function auditMark(sandbox: RunningSandbox): Promise<number> {
  const entries = (await admin(sandbox, '/audit')) as AuditEntry[];
  return entries.at(-1)?.seq ?? 0;
}

/** Every API request after `mark`, reads and dry runs included. */
export async function requestsAfter(sandbox: RunningSandbox, mark: number): Promise<AuditEntry[]> {
  return (await admin(sandbox, `/audit?since=${mark}`)) as AuditEntry[];
}

/**
 * Mutating API requests (not dry runs, answered 2xx) made after `mark`, the release lock's apart:
 * taking and clearing the lock (a Lease) changes nothing that is deployed. `lockWritesAfter`
 * has those.
 */
export async function mutationsAfter(sandbox: RunningSandbox, mark: number): Promise<AuditEntry[]> {
  const entries = (await admin(sandbox, `/audit?since=${mark}&mutating=true`)) as AuditEntry[];
  return entries.filter((entry) => !entry.path.startsWith(LEASES));
}

const LEASES = '/apis/coordination.k8s.io/';

/** The writes to release locks (Leases) after `mark`. */
export async function lockWritesAfter(sandbox: RunningSandbox, mark: number): Promise<AuditEntry[]> {
  const entries = (await admin(sandbox, `/audit?since=${mark}&mutating=true`)) as AuditEntry[];
  return entries.filter((entry) => entry.path.startsWith(LEASES));
}

/** Adds a fault rule to the sandbox API server (see sandbox/apiserver/README.md). */
export async function addFault(sandbox: RunningSandbox, rule: Record<string, unknown>): Promise<void> {
  await admin(sandbox, '/faults', { method: 'POST', body: JSON.stringify(rule) });
}

export async function clearFaults(sandbox: RunningSandbox): Promise<void> {
  await admin(sandbox, '/faults', { method: 'DELETE' });
}

/** Runs the real kubectl against the sandbox; throws on a non-zero exit. */
export async function kubectlRun(sandbox: RunningSandbox, args: string[]): Promise<string> {
  const result = await new NodeProcessRunner().run('kubectl', args, {
    env: { ...process.env, ...sandbox.env },
  });
  if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}
