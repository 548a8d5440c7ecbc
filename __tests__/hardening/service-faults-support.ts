import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { type ActionRun, runAction } from '../../sandbox/runner.js';
import { type RunningSandbox, startSandbox } from '../../sandbox/testing.js';
import { type AuditEntry, auditMark, kubectlRun, mutationsAfter, webApp } from '../deploy/support.js';

export interface FaultRun extends ActionRun {
  /** A variable only this run's processes (and their children) carry: finds what it left running. */
  marker: string;
  /** Mutating API requests during the run. */
  mutations: AuditEntry[];
  tag: string;
}

export function startFaultSandbox(): Promise<RunningSandbox> {
  return startSandbox();
}

/** An admin request (no keep-alive, so jest is not held open) to the AWS (default) or GitHub stand-in. */
export function admin(
  sandbox: RunningSandbox,
  method: string,
  path: string,
  body?: unknown,
  service: 'aws' | 'github' = 'aws',
): Promise<unknown> {
  const base = service === 'aws' ? sandbox.env.SANDBOX_AWS_ADMIN_URL : sandbox.env.SANDBOX_GITHUB_ADMIN_URL;
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
        else resolve(text ? JSON.parse(text) : undefined);
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

export interface DeployRunOptions {
  /** Build under the tag of this commit number (a new tag: built and pushed). */
  commit?: number;
  /** Reuse the tag of an earlier run (already in ECR: nothing is built). */
  reuseTagOf?: FaultRun;
  /** The ConfigMap's value: a change the cluster sees without a new image. */
  config?: string;
  environment?: string;
  githubToken?: string;
  /** A 100 MB build context, so that a build takes a few seconds. */
  bigContext?: boolean;
  cancelWhen?: RegExp;
  build?: 'auto' | 'always' | 'never';
  /** More ConfigMaps in the manifests (a longer render). */
  extraConfigMaps?: number;
}

/** The action on the app `svc-app` (Namespace, ConfigMap, Deployment web), through EKS, as acme/svc. */
export async function deployRun(
  sandbox: RunningSandbox,
  namespace: string,
  options: DeployRunOptions,
): Promise<FaultRun> {
  const workspace = await mkdtemp(join(sandbox.stateDir, 'workspace-'));
  await mkdir(join(workspace, 'app'));
  await writeFile(join(workspace, 'app', 'Dockerfile'), 'FROM scratch\nCOPY . /srv/\n');
  await writeFile(join(workspace, 'app', 'release.txt'), `${randomUUID()}\n`);
  if (options.bigContext)
    await writeFile(join(workspace, 'app', 'big.bin'), Buffer.alloc(100 * 1024 * 1024, 7));
  await writeFile(
    join(workspace, 'app.yaml'),
    webApp(namespace, 'svc-app', {
      config: options.config ?? 'one',
      replicas: 1,
      after: Array.from(
        { length: options.extraConfigMaps ?? 0 },
        (_, i) =>
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra-${i}\n  namespace: ${namespace}\ndata:\n  value: "${i}"\n`,
      ),
    }),
  );
  const tag =
    options.reuseTagOf?.tag ?? `${(options.commit ?? 0).toString(16).padStart(8, '0')}${'c'.repeat(32)}`;
  const marker = randomUUID();
  const mark = await auditMark(sandbox);
  const run = await runAction({
    inputs: {
      images: 'svc-app:\n  context: app',
      'create-repositories': 'true',
      build: options.build ?? 'auto',
      tag,
      manifests: 'app.yaml',
      'cluster-name': sandbox.env.SANDBOX_CLUSTER_NAME ?? '',
      'release-name': 'svc',
      'rollout-timeout': '60s',
      // The test app breaks built-in rules (no resources, no probe): their warnings are not these tests' subject.
      policy: 'off',
      ...(options.environment ? { environment: options.environment } : {}),
      ...(options.githubToken !== undefined ? { 'github-token': options.githubToken } : {}),
    },
    env: {
      ...sandbox.env,
      KUBECONFIG: '',
      GITHUB_SHA: tag,
      GITHUB_REPOSITORY: 'acme/svc',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: String(Date.now()),
      SERVICE_FAULTS_RUN: marker,
    },
    workspace,
    cancelWhen: options.cancelWhen,
  });
  return { ...run, marker, tag, mutations: await mutationsAfter(sandbox, mark) };
}

/** The runner's output without its mask commands (a runner never shows those lines). */
export const shown = (run: ActionRun) =>
  run.rawOutput
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');

/** The image of Deployment web's container as the cluster has it. */
export async function liveImage(sandbox: RunningSandbox, namespace: string): Promise<string> {
  return kubectlRun(sandbox, [
    'get',
    'deployment/web',
    '-n',
    namespace,
    '-o',
    'jsonpath={.spec.template.spec.containers[0].image}',
  ]);
}

/** The release numbers whose records (Secrets k8s-deploy.svc.vN) the cluster holds, ascending. */
export async function recordVersions(sandbox: RunningSandbox, namespace: string): Promise<number[]> {
  const names = await kubectlRun(sandbox, ['get', 'secrets', '-n', namespace, '-o', 'name']);
  return names
    .split('\n')
    .flatMap((line) => /^secret\/k8s-deploy\.svc\.v(\d+)$/.exec(line.trim())?.slice(1) ?? [])
    .map(Number)
    .sort((a, b) => a - b);
}

/** Processes (pid and command) whose environment holds SERVICE_FAULTS_RUN=marker. */
export async function processesOf(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    try {
      const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
      if (!environ.split('\0').includes(`SERVICE_FAULTS_RUN=${marker}`)) continue;
      found.push(`${pid} ${(await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ')}`);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}
