import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pushImage } from '../sandbox/engine-deploy.js';
import { type ActionRun, runAction } from '../sandbox/runner.js';
import { type RunningSandbox, startSandbox } from '../sandbox/testing.js';

// Release jobs (issue 17) through the bundled action (dist/, as a runner runs it) and through the
// CLI (src/cli.ts in its own process), against the sandbox: what a user sees — exit code, outputs,
// summary, stderr — and what the cluster's audit log says was written.

let sandbox: RunningSandbox;
let workspace: string;
let image: string;
const SHA = (c: string) => c.repeat(40);

function app(namespace: string, config: string, smokeExit = '0'): string {
  const job = (name: string, exit: string) => `apiVersion: batch/v1
kind: Job
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: ${name}
          image: ${image}
          env:
            - {name: SANDBOX_EXIT_CODE, value: "${exit}"}
            - {name: SANDBOX_LOG, value: "${name}: checked /healthz\\n${name}: ${exit === '0' ? 'all good' : 'error: /api answered 500'}"}
`;
  return [
    `apiVersion: v1
kind: Namespace
metadata: {name: ${namespace}}
`,
    `apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ${namespace}}
data: {value: ${config}}
`,
    job('migrate', '0'),
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${namespace}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations: {config: ${config}}
    spec:
      containers:
        - {name: web, image: ${image}}
`,
    job('smoke', smokeExit),
  ].join('---\n');
}

function audit(): { path: string; mutating?: boolean; dryRun?: boolean; status?: number }[] {
  const log = sandbox.env.SANDBOX_AUDIT_LOG ?? '';
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** Writes (not dry runs, not the release lock's Lease) after `mark` entries of the audit log. */
function writesAfter(mark: number, namespace: string): string[] {
  return audit()
    .slice(mark)
    .filter(
      (e) =>
        e.mutating &&
        !e.dryRun &&
        (e.status ?? 200) < 300 &&
        e.path.includes(`/namespaces/${namespace}/`) &&
        !e.path.includes('/leases/'),
    )
    .map((e) => e.path);
}

async function action(namespace: string, file: string, sha: string, inputs: Record<string, string>) {
  const env: Record<string, string> = {
    ...(sandbox.env as Record<string, string>),
    GITHUB_SHA: sha,
    GITHUB_REPOSITORY: 'acme/shop',
  };
  delete env.KUBECONFIG;
  return runAction({
    inputs: {
      manifests: file,
      'cluster-name': sandbox.env.SANDBOX_CLUSTER_NAME ?? '',
      'release-name': 'shop',
      namespace,
      'migration-job': 'migrate',
      'rollout-settle': '0',
      ...inputs,
    },
    env,
    workspace,
  });
}

const CLI = path.resolve('src/cli.ts');
const TSX_LOADER = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GITHUB_')));
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI, ...args], {
    env: { ...clean, ...sandbox.env },
    cwd: workspace,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function annotation(namespace: string): Promise<string> {
  const { NodeProcessRunner } = await import('../src/process.js');
  const result = await new NodeProcessRunner().run(
    'kubectl',
    ['get', 'deployment/web', '-n', namespace, '-o', 'jsonpath={.spec.template.metadata.annotations.config}'],
    { env: { ...process.env, ...sandbox.env } },
  );
  return result.stdout;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  workspace = await mkdtemp(path.join(os.tmpdir(), 'release-jobs-'));
  image = await pushImage(sandbox, 'release-jobs/app', 'v1');
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

describe('the bundled action: migrations only and skip', () => {
  const ns = 'rj-action';
  let refused: ActionRun;
  let refusedWrites: string[];
  let only: ActionRun;
  let onlyWrites: string[];
  let skipped: ActionRun;

  beforeAll(async () => {
    await writeFile(path.join(workspace, 'v1.yaml'), app(ns, 'one'));
    await writeFile(path.join(workspace, 'v2.yaml'), app(ns, 'two'));
    const first = await action(ns, 'v1.yaml', SHA('1'), {});
    expect(first.outputs.result).toBe('success');
    let mark = audit().length;
    refused = await action(ns, 'v2.yaml', SHA('2'), { migrations: 'skip' });
    refusedWrites = writesAfter(mark, ns);
    mark = audit().length;
    only = await action(ns, 'v2.yaml', SHA('2'), { migrations: 'only' });
    onlyWrites = writesAfter(mark, ns);
    skipped = await action(ns, 'v2.yaml', SHA('2'), { migrations: 'skip' });
  }, 300_000);

  it('skip before the migration ran fails the step with the sentence naming the commit, and writes nothing', () => {
    expect(refused.exitCode).not.toBe(0);
    expect(refused.outputs.result).toBe('failed');
    const sentence = `the migration of commit ${SHA('2')} has not completed in this cluster`;
    expect(refused.log).toContain(sentence);
    expect(refused.summary).toContain(sentence);
    expect(refusedWrites).toEqual([]);
  });

  it('only runs the migration Job and changes no workload or configuration, recorded as a migration', () => {
    expect(only.exitCode).toBe(0);
    expect(only.outputs.result).toBe('success');
    expect(only.log).toMatch(/Migration Job rj-action\/migrate-2{8} completed/);
    expect(onlyWrites.filter((p) => !/\/(jobs|pods|secrets|events)(\/|$)/.test(p))).toEqual([]);
    expect(onlyWrites.some((p) => /\/jobs\/migrate-2{8}$/.test(p))).toBe(true);
    expect(only.summary).toContain('`migrations: only`: the migration ran and no workload was changed.');
    expect(only.summary).toContain('migrate: all good');
    expect(only.summary).toMatch(/^## ✅ Migrated `shop` v2 in `rj-action`.*: no workload changed/);
  });

  it('skip after only deploys the commit without running its migration again', async () => {
    expect(skipped.exitCode).toBe(0);
    expect(skipped.outputs.result).toBe('success');
    expect(skipped.log).toContain(`The migration of ${SHA('2')} completed in this cluster`);
    expect(await annotation(ns)).toBe('two');
  });
});

describe('the bundled action: post-deploy-jobs', () => {
  it('a failing smoke-test Job rolls the workloads back; the summary shows its last log lines', async () => {
    const ns = 'rj-smoke-action';
    await writeFile(path.join(workspace, 's1.yaml'), app(ns, 'one'));
    await writeFile(path.join(workspace, 's2.yaml'), app(ns, 'two', '1'));
    const good = await action(ns, 's1.yaml', SHA('3'), { 'post-deploy-jobs': 'smoke' });
    expect(good.outputs.result).toBe('success');
    expect(good.summary).toMatch(/### Post-deploy Jobs[\s\S]*✅ `rj-smoke-action\/smoke-3{8}` completed/);
    const bad = await action(ns, 's2.yaml', SHA('4'), { 'post-deploy-jobs': 'smoke' });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.outputs.result).toBe('rolled-back');
    expect(bad.summary).toContain('The post-deploy Job smoke failed');
    expect(bad.summary).toContain('smoke: error: /api answered 500');
    expect(await annotation(ns)).toBe('one');
  }, 300_000);
});

describe('the CLI: migrations only and skip', () => {
  it('refuses skip before the migration ran, then deploys after --migrations only', async () => {
    const ns = 'rj-cli';
    await writeFile(path.join(workspace, 'c1.yaml'), app(ns, 'one'));
    await writeFile(path.join(workspace, 'c2.yaml'), app(ns, 'two'));
    const common = ['--release-name', 'shop', '--migration-job', 'migrate', '--rollout-settle', '0'];
    const first = await cli(['deploy', '--manifests', 'c1.yaml', '--commit', SHA('5'), ...common]);
    expect(first.code).toBe(0);
    const mark = audit().length;
    const refused = await cli([
      'deploy',
      '--manifests',
      'c2.yaml',
      '--commit',
      SHA('6'),
      '--migrations',
      'skip',
      ...common,
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`the migration of commit ${SHA('6')} has not completed in this cluster`);
    expect(writesAfter(mark, ns)).toEqual([]);
    const only = await cli([
      'deploy',
      '--manifests',
      'c2.yaml',
      '--commit',
      SHA('6'),
      '--migrations',
      'only',
      ...common,
    ]);
    expect(only.code).toBe(0);
    expect(only.stderr + only.stdout).toContain(
      'success: the migration of release shop ran (recorded as v2, migrated); no workload was changed.',
    );
    expect(await annotation(ns)).toBe('one');
    const history = await cli(['history', '--release-name', 'shop', '--namespace', ns]);
    expect(history.stdout).toMatch(/migrated/);
    const deployed = await cli([
      'deploy',
      '--manifests',
      'c2.yaml',
      '--commit',
      SHA('6'),
      '--migrations',
      'skip',
      ...common,
    ]);
    expect(deployed.code).toBe(0);
    expect(await annotation(ns)).toBe('two');
  }, 300_000);

  it('names a bad --migrations value and what was expected, before touching the cluster', async () => {
    const mark = audit().length;
    const bad = await cli([
      'deploy',
      '--manifests',
      'c1.yaml',
      '--release-name',
      'shop',
      '--migrations',
      'later',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(
      'Invalid value "later" for option --migrations. Expected one of run, skip, only.',
    );
    expect(audit().length).toBe(mark);
  }, 60_000);
});
