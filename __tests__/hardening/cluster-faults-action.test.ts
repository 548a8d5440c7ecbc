import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ActionRun, runAction } from '../../sandbox/runner.js';
import {
  addFault,
  auditMark,
  clearFaults,
  deployYaml,
  kubectlRun,
  mutationsAfter,
  pushImage,
  useSandbox,
} from '../deploy/support.js';
import { clusterState, expectBoundedRetries, podsRun, retryLines } from './cluster-faults-support.js';

/*
 * Issue 11, cluster side, through the bundled action as a runner runs it (build dist/ first):
 * an EKS token expiring mid-rollout, and a cancelled workflow (SIGINT, SIGTERM 7.5 s later) in
 * each cluster phase. Release v1 is deployed with the engine; v2 goes through the action.
 */

const ctx = useSandbox('faults/app', { crashing: true });
const images: Record<'good1' | 'good2' | 'crash', string> = { good1: '', good2: '', crash: '' };
const root = mkdtempSync(join(tmpdir(), 'cluster-faults-action-'));
let env: Record<string, string>;

beforeAll(async () => {
  images.good1 = await pushImage(ctx.sandbox, 'faults/app', 'good1');
  images.good2 = await pushImage(ctx.sandbox, 'faults/app', 'good2');
  images.crash = await pushImage(ctx.sandbox, 'faults/app', 'crash', { SANDBOX_CRASH: '1' });
  env = { ...ctx.sandbox.env, GITHUB_SHA: 'f'.repeat(40), GITHUB_REPOSITORY: 'acme/faults' };
  delete env.KUBECONFIG; // the action connects with EKS tokens from its own exec plugin
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

interface AppOptions {
  config: string;
  /** SANDBOX_* behaviours of the web container. */
  env?: Record<string, string>;
  /** A migration Job `migrate` whose run lasts this many (time-scaled) seconds. */
  migrationSeconds?: number;
}

/** The manifests: Namespace, ConfigMap `settings`, Deployment `web` (image `faults/app`), maybe Job `migrate`. */
function manifests(namespace: string, image: string, options: AppOptions): string {
  const env = Object.entries({ UNUSED: 'x', ...options.env })
    .map(([name, value]) => `\n            - {name: ${name}, value: "${value}"}`)
    .join('');
  const docs = [
    `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${namespace}}\n`,
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: ${namespace}}\ndata: {value: ${options.config}}\n`,
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${namespace}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ${image}
          envFrom: [{configMapRef: {name: settings}}]
          env:${env}
`,
  ];
  if (options.migrationSeconds !== undefined) {
    docs.push(`apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: ${namespace}}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: ${image}
          env: [{name: SANDBOX_RUN_SECONDS, value: "${options.migrationSeconds}"}]
`);
  }
  return docs.join('---\n');
}

/** Release v1 (image good1, config `one`) through the engine. */
async function firstRelease(namespace: string): Promise<void> {
  const { outcome } = await deployYaml(ctx.sandbox, manifests(namespace, images.good1, { config: 'one' }), {
    releaseName: 'web',
  });
  expect(outcome.result).toBe('success');
}

/** Release v2 through the bundled action, with image `tag` (build: never reuses what ECR has). */
async function actionRelease(
  namespace: string,
  tag: keyof typeof images,
  options: AppOptions & {
    cancelWhen?: RegExp;
    env?: Record<string, string>;
    runnerEnv?: Record<string, string>;
  },
): Promise<ActionRun> {
  const workspace = join(root, `${namespace}-${Date.now()}`);
  mkdirSync(join(workspace, 'k8s'), { recursive: true });
  writeFileSync(join(workspace, 'k8s', 'app.yaml'), manifests(namespace, 'faults/app', options));
  return runAction({
    inputs: {
      images: 'faults/app',
      tag,
      build: 'never',
      'cluster-name': env.SANDBOX_CLUSTER_NAME ?? '',
      manifests: 'k8s',
      'release-name': 'web',
      'rollout-timeout': '60s',
      ...(options.migrationSeconds !== undefined ? { 'migration-job': 'migrate' } : {}),
    },
    env: { ...env, ...options.runnerEnv },
    workspace,
    cancelWhen: options.cancelWhen,
    echo: process.env.FAULTS_DEBUG ? (text) => process.stdout.write(text) : undefined,
  });
}

/** The image a pushed reference is deployed as: `registry/faults/app:TAG@sha256:…`. */
const deployedAs = (tag: string) =>
  expect.stringMatching(new RegExp(`/faults/app:${tag}(@sha256:[0-9a-f]{64})?$`));

async function expectState(namespace: string, tag: string, config: string, records: string[]) {
  expect(await clusterState(ctx.sandbox, namespace, 'web')).toEqual({
    image: deployedAs(tag),
    config,
    records,
  });
  expect(await podsRun(ctx.sandbox, namespace)).toEqual([deployedAs(tag)]);
}

describe('an EKS token expiring mid-rollout', () => {
  it('the token kubectl holds runs out during a rollout longer than its lifetime: renewed by the exec plugin, the new release verified', async () => {
    const ns = 'token-renewed';
    await firstRelease(ns);
    const mark = await auditMark(ctx.sandbox);
    await addFault(ctx.sandbox, { tokenLifetimeSeconds: 3 });
    let run: ActionRun;
    try {
      // EKS accepts a token for 15 minutes and the plugin renews it after 14; here 3 s and 2 s,
      // while the pods take 6 s to become ready.
      run = await actionRelease(ns, 'good2', {
        config: 'two',
        env: { SANDBOX_READY_AFTER_SECONDS: '120' },
        runnerEnv: { K8S_DEPLOY_TOKEN_LIFETIME: '2s' },
      });
    } finally {
      await clearFaults(ctx.sandbox);
    }
    expect(run.outputs.result).toBe('success');
    expect(run.exitCode).toBe(0);
    expect(run.log).toMatch(/Deployment token-renewed\/web: rolled out/);
    await expectState(ns, 'good2', 'two', ['v2 success', 'v1 success']);
    // No token was refused: the plugin renewed each before the server stopped accepting it.
    expect(run.log).not.toMatch(/failed \(401/);
    const writes = (await mutationsAfter(ctx.sandbox, mark)).filter((entry) => entry.path.includes(ns));
    expect(writes.every((entry) => entry.status < 300)).toBe(true);
  }, 120_000);

  it('a token the server refuses before the plugin expected (401): the next request carries a new one, the retry is logged, the new release verified', async () => {
    const ns = 'token-refused';
    await firstRelease(ns);
    await addFault(ctx.sandbox, { tokenLifetimeSeconds: 3 });
    let run: ActionRun;
    try {
      run = await actionRelease(ns, 'good2', { config: 'two', env: { SANDBOX_READY_AFTER_SECONDS: '120' } });
    } finally {
      await clearFaults(ctx.sandbox);
    }
    expect(run.outputs.result).toBe('success');
    const retries = retryLines(run.log);
    expect(retries.some((line) => /failed \(401/.test(line))).toBe(true);
    expectBoundedRetries(retries);
    await expectState(ns, 'good2', 'two', ['v2 success', 'v1 success']);
  }, 120_000);
});

describe('a cancelled workflow (SIGINT, then SIGTERM 7.5 s later) in each cluster phase', () => {
  it('during the plan: stops, and nothing in the cluster changed', async () => {
    const ns = 'cancel-plan';
    await firstRelease(ns);
    // The plan's read of the release records takes 3 s: long enough for the SIGINT to land in it.
    await addFault(ctx.sandbox, {
      path: `^/api/v1/namespaces/${ns}/secrets$`,
      methods: ['GET'],
      latencyMs: 3000,
    });
    const mark = await auditMark(ctx.sandbox);
    let run: ActionRun;
    try {
      run = await actionRelease(ns, 'good2', { config: 'two', cancelWhen: /^::group::Plan$/m });
    } finally {
      await clearFaults(ctx.sandbox);
    }
    expect(run.log).toContain('Received SIGINT: cancelling the run.');
    expect(run.outputs.result).toBe('failed');
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/nothing (was )?changed/i);
    expect(await mutationsAfter(ctx.sandbox, mark)).toEqual([]);
    await expectState(ns, 'good1', 'one', ['v1 success']);
  }, 120_000);

  it('during the migration: the Job is left running and the run says so; no workload changed', async () => {
    const ns = 'cancel-migrate';
    await firstRelease(ns);
    const run = await actionRelease(ns, 'good2', {
      config: 'two',
      migrationSeconds: 600, // 30 s at the sandbox's time scale
      cancelWhen: /^Created Job cancel-migrate\/migrate-/m,
    });
    expect(run.log).toContain('Received SIGINT: cancelling the run.');
    expect(run.outputs.result).toBe('failed');
    expect(run.log).toMatch(/Job cancel-migrate\/migrate-\S+ was left running/);
    const jobs = await kubectlRun(ctx.sandbox, [
      'get',
      'jobs',
      '-n',
      ns,
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.status.active}{"\\n"}{end}',
    ]);
    expect(jobs).toMatch(/^migrate-\S+ 1$/m);
    // The workloads were never applied; the configuration the migration runs with was.
    expect(await clusterState(ctx.sandbox, ns, 'web')).toEqual({
      image: deployedAs('good1'),
      config: 'two',
      records: ['v2 failed', 'v1 success'],
    });
  }, 120_000);

  it('during the apply: rolled back to the previous release and verified', async () => {
    const ns = 'cancel-apply';
    await firstRelease(ns);
    // The apply of the Deployment takes 4 s (once): the SIGINT lands in it.
    await addFault(ctx.sandbox, {
      path: `^/apis/apps/v1/namespaces/${ns}/deployments/web$`,
      methods: ['PATCH'],
      dryRun: false,
      latencyMs: 4000,
      count: 1,
    });
    let run: ActionRun;
    try {
      run = await actionRelease(ns, 'good2', {
        config: 'two',
        cancelWhen: /^Applied 1 configuration object/m,
      });
    } finally {
      await clearFaults(ctx.sandbox);
    }
    expect(run.log).toContain('Received SIGINT: cancelling the run.');
    expect(run.outputs.result).toBe('rolled-back');
    expect(run.log).toMatch(/Rollback to release v1 verified\./);
    await expectState(ns, 'good1', 'one', ['v2 rolled-back', 'v1 success']);
  }, 120_000);

  it('during the verify: rolled back to the previous release and verified', async () => {
    const ns = 'cancel-verify';
    await firstRelease(ns);
    const run = await actionRelease(ns, 'good2', {
      config: 'two',
      env: { SANDBOX_NEVER_READY: '1' },
      cancelWhen: /Waiting for \d+ workload\(s\) at once/,
    });
    expect(run.log).toContain('Received SIGINT: cancelling the run.');
    expect(run.outputs.result).toBe('rolled-back');
    expect(run.log).toMatch(/Rollback to release v1 verified\./);
    await expectState(ns, 'good1', 'one', ['v2 rolled-back', 'v1 success']);
  }, 120_000);

  it('during a rollback: the rollback completes and is verified', async () => {
    const ns = 'cancel-rollback';
    await firstRelease(ns);
    // The rollback's apply of the Deployment takes 3 s: the SIGINT lands in it.
    await addFault(ctx.sandbox, {
      path: `^/apis/apps/v1/namespaces/${ns}/deployments/web$`,
      methods: ['PATCH'],
      dryRun: false,
      latencyMs: 3000,
    });
    let run: ActionRun;
    try {
      // Not ready for 5 s, so the crash loop shows before the pods count as available.
      run = await actionRelease(ns, 'crash', {
        config: 'two',
        env: { SANDBOX_READY_AFTER_SECONDS: '100' },
        cancelWhen: /Rolling back to release v1/,
      });
    } finally {
      await clearFaults(ctx.sandbox);
    }
    expect(run.log).toContain('Received SIGINT: cancelling the run.');
    expect(run.outputs.result).toBe('rolled-back');
    expect(run.log).toMatch(/Rollback to release v1 verified\./);
    await expectState(ns, 'good1', 'one', ['v2 rolled-back', 'v1 success']);
  }, 120_000);
});
