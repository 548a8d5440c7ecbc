// The summary's reviewed fixtures: outcomes shaped like real runs (a first deploy, a no-op, a crash
// rolled back, a failed migration, a dry run, a cancelled one), shared by the summary's unit tests
// and its rendered check (rendered.test.ts), which draws them as GitHub does.
import type { DeployOutcome, PhaseTiming } from '../../src/deploy/engine.js';
import type { ObjectRef } from '../../src/deploy/objects.js';
import type { WorkloadResult } from '../../src/deploy/verify.js';
import type { RenderedObject } from '../../src/manifests/render.js';
import type { PipelineResult } from '../../src/pipeline.js';

export const T0 = Date.UTC(2025, 0, 6, 14, 3, 0);
export const NS = 'upload-staging';
export const ref = (kind: string, name: string, apiVersion = 'apps/v1'): ObjectRef => ({
  apiVersion,
  kind,
  name,
  namespace: NS,
});
export const API = ref('Deployment', 'api');
export const WORKER = ref('Deployment', 'worker');
export const CONFIG = ref('ConfigMap', 'config', 'v1');
export const MIGRATION_JOB = ref('Job', 'migrate-3f2a1b9c', 'batch/v1');

export function rendered(kind: string, name: string, source: string, line: number): RenderedObject {
  return { apiVersion: 'v1', kind, name, namespace: NS, location: { source, line }, yaml: '' };
}

export const RENDERED = [
  rendered('ConfigMap', 'config', 'k8s/config.yaml', 1),
  rendered('Job', 'migrate', 'k8s/migrate.yaml', 3),
  rendered('Deployment', 'api', 'k8s/app.yaml', 14),
  rendered('Deployment', 'worker', 'k8s/app.yaml', 52),
];

const API_IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/upload/api:3f2a1b9c@sha256:${'a'.repeat(64)}`;
const WORKER_IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/upload/worker:3f2a1b9c@sha256:${'b'.repeat(64)}`;

let clock = T0 + 42_000;
function phase(name: string, durationMs: number, outcome: PhaseTiming['outcome'] = 'done'): PhaseTiming {
  const timing = { name, startedAt: clock, durationMs, outcome };
  clock += durationMs;
  return timing;
}

export const GOOD_COMMIT = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

export function outcome(fields: Partial<DeployOutcome> & Record<string, unknown>): DeployOutcome {
  clock = T0 + 42_000;
  return {
    result: 'success',
    unchanged: false,
    nothingChanged: false,
    cancelled: false,
    changes: [
      { ref: CONFIG, change: 'update' },
      { ref: API, change: 'update' },
      { ref: WORKER, change: 'unchanged' },
    ],
    pruned: [],
    pruneKept: [],
    phases: [],
    kubectlProcesses: 4,
    releaseName: 'upload-platform',
    namespace: NS,
    // The latest record was a success unless a case says otherwise.
    ...(typeof fields.previousRelease === 'number'
      ? { lastGood: { version: fields.previousRelease, commit: GOOD_COMMIT, tag: 'a1b2c3d4' } }
      : {}),
    ...fields,
  } as DeployOutcome;
}

export function run(deploy: DeployOutcome | undefined, fields: Partial<PipelineResult> = {}): PipelineResult {
  return {
    result: deploy?.result ?? 'failed',
    verdict: deploy?.verdict,
    images: { 'upload/api': API_IMAGE, 'upload/worker': WORKER_IMAGE },
    built: ['upload/api'],
    cluster: {
      kubeconfigPath: '/tmp/kubeconfig',
      source: 'eks',
      written: true,
      authenticationMode: 'API',
      serverVersion: 'v1.31.2',
    },
    render: { objects: RENDERED, yaml: '', imageChanges: [], replicasHandovers: [] },
    deploy,
    cancelled: deploy?.cancelled ?? false,
    phases: [
      { name: 'Check manifests', startedAt: T0, durationMs: 300, outcome: 'done' },
      { name: 'Cluster', startedAt: T0 + 300, durationMs: 800, outcome: 'done' },
      { name: 'Images', startedAt: T0 + 1_100, durationMs: 40_000, outcome: 'done' },
      { name: 'Render manifests', startedAt: T0 + 41_100, durationMs: 60, outcome: 'done' },
    ],
    ...fields,
  };
}

export const current = (r: ObjectRef, summary: string, durationMs: number): WorkloadResult => ({
  ref: r,
  state: 'current',
  summary,
  durationMs,
});

export const crashLooping: WorkloadResult = {
  ref: API,
  state: 'failed',
  summary: `Deployment ${NS}/api pod api-7d9c-xk2 container api is crash-looping (restarted 4 times, last exit code 1)`,
  durationMs: 18_400,
  ready: 0,
  desired: 3,
  problem: {
    pod: 'api-7d9c-xk2',
    container: 'api',
    init: false,
    reason: 'CrashLoopBackOff',
    message: 'back-off 40s restarting failed container',
    restarts: 4,
    exitCode: 1,
    graceMs: 0,
    key: 'api-7d9c-xk2/api/crash',
  },
  events: ['Warning BackOff: Back-off restarting failed container api in pod api-7d9c-xk2'],
  logs: ['starting upload-api 3f2a1b9c', 'Error: DATABASE_URL is not set', '    at config.ts:12'],
  logsFrom: 'previous',
};

export const migrationLogs = [
  'Running migrations for upload-platform',
  'Applying 0042_add_checksum...',
  'ERROR: relation "uploads_checksum_idx" already exists',
];

export const OUTCOMES = {
  success: () =>
    run(
      outcome({
        release: 3,
        previousRelease: 2,
        migration: { job: MIGRATION_JOB, sourceName: 'migrate', status: 'complete', durationMs: 12_300 },
        verify: {
          ok: true,
          workloads: [
            current(API, '3 replicas updated and available', 41_200),
            current(WORKER, '2 replicas updated and available', 20_100),
          ],
          updateRevisions: new Map(),
        },
        pruned: [ref('ConfigMap', 'old-flags', 'v1')],
        pruneKept: [ref('PersistentVolumeClaim', 'scratch', 'v1')],
        phases: [
          phase('Plan', 1_900),
          phase('Apply configuration', 400),
          phase('Migrate', 12_300),
          phase('Apply', 700),
          phase('Verify', 41_200),
          phase('Prune', 300),
          phase('Record', 200),
        ],
      }),
    ),
  unchanged: () =>
    run(
      outcome({
        unchanged: true,
        nothingChanged: true,
        release: 3,
        previousRelease: 3,
        changes: [
          { ref: CONFIG, change: 'unchanged' },
          { ref: API, change: 'unchanged' },
        ],
        phases: [phase('Plan', 1_500)],
      }),
      { built: [] },
    ),
  failedPlan: () =>
    run(
      outcome({
        result: 'failed',
        nothingChanged: true,
        previousRelease: 2,
        changes: [],
        verdict: `The cluster refused the manifests in a server-side dry run, so nothing was changed:\n  The Deployment "api" is invalid: spec.template.spec.containers[0].resources.limits.memory: Invalid value: "512 Mi" (k8s/app.yaml:14)`,
        // What the engine takes from the PlanError's location (the text is not parsed).
        failedAt: { source: 'k8s/app.yaml', line: 14 },
        phases: [phase('Plan', 2_100, 'failed')],
      }),
    ),
  failedMigration: () =>
    run(
      outcome({
        result: 'rolled-back',
        release: 3,
        previousRelease: 2,
        verdict: `The migration failed: Job ${NS}/migrate-3f2a1b9c failed with BackoffLimitExceeded: Job has reached the specified backoff limit`,
        migration: {
          job: MIGRATION_JOB,
          sourceName: 'migrate',
          status: 'failed',
          durationMs: 8_400,
          verdict: `The migration failed: Job ${NS}/migrate-3f2a1b9c failed with BackoffLimitExceeded`,
          verify: {
            ok: false,
            workloads: [
              {
                ref: MIGRATION_JOB,
                state: 'failed',
                summary: `Job ${NS}/migrate-3f2a1b9c: failed with BackoffLimitExceeded`,
                durationMs: 8_400,
                problem: {
                  pod: 'migrate-3f2a1b9c-7kq2p',
                  container: 'migrate',
                  init: false,
                  reason: 'Failed',
                  message: 'exit code 1',
                  exitCode: 1,
                  graceMs: 0,
                  key: 'migrate',
                },
                logs: migrationLogs,
                logsFrom: 'current',
              },
            ],
            updateRevisions: new Map(),
          },
        },
        rollback: {
          to: 2,
          restored: [CONFIG],
          deleted: [],
          kept: [],
          notInRelease: [],
          unconfirmed: [],
          replacedPods: [],
          applied: true,
          verify: { ok: true, workloads: [], updateRevisions: new Map() },
        },
        phases: [
          phase('Plan', 1_900),
          phase('Apply configuration', 400),
          phase('Migrate', 8_400, 'failed'),
          phase('Roll back', 900),
          phase('Record', 200),
        ],
      }),
    ),
  rolledBack: () =>
    run(
      outcome({
        result: 'rolled-back',
        release: 3,
        previousRelease: 2,
        verdict: crashLooping.summary,
        verify: {
          ok: false,
          verdict: crashLooping.summary,
          workloads: [current(WORKER, '2 replicas updated and available', 9_000), crashLooping],
          updateRevisions: new Map(),
        },
        rollback: {
          to: 2,
          restored: [API, WORKER, CONFIG],
          deleted: [ref('ConfigMap', 'new-flags', 'v1')],
          kept: [ref('PersistentVolumeClaim', 'cache', 'v1')],
          notInRelease: [],
          unconfirmed: [],
          replacedPods: [],
          applied: true,
          verify: { ok: true, workloads: [], updateRevisions: new Map() },
        },
        phases: [
          phase('Plan', 1_900),
          phase('Apply configuration', 400),
          phase('Apply', 700),
          phase('Verify', 18_400, 'failed'),
          phase('Roll back', 11_000),
          phase('Record', 200),
        ],
      }),
    ),
  firstRelease: () =>
    run(
      outcome({
        result: 'failed',
        release: 1,
        verdict: crashLooping.summary,
        changes: [
          { ref: CONFIG, change: 'create' },
          { ref: API, change: 'create' },
        ],
        verify: {
          ok: false,
          verdict: crashLooping.summary,
          workloads: [crashLooping, { ref: WORKER, state: 'in-progress', summary: '1/2 updated, 1/2 ready' }],
          updateRevisions: new Map(),
        },
        phases: [
          phase('Plan', 1_200),
          phase('Apply', 600),
          phase('Verify', 18_400, 'failed'),
          phase('Record', 150),
        ],
      }),
    ),
  dryRun: (diffLines = 5_000) =>
    run(
      outcome({
        result: 'dry-run',
        nothingChanged: true,
        previousRelease: 2,
        wouldPrune: [ref('ConfigMap', 'old-flags', 'v1')],
        diff: `# Prune would delete: ConfigMap ${NS}/old-flags\n${Array.from(
          { length: diffLines - 1 },
          (_, i) => `${i % 2 === 0 ? '-' : '+'}  line ${i + 2} of the diff`,
        ).join('\n')}\n`,
        diffPath: '/home/runner/work/_temp/k8s-deploy/diff.txt',
        phases: [phase('Plan', 1_900), phase('Diff', 2_300)],
      }),
    ),
  cancelledMigration: () =>
    run(
      outcome({
        result: 'failed',
        cancelled: true,
        previousRelease: 2,
        release: 3,
        verdict: `The run was cancelled during the migration; Job ${NS}/migrate-3f2a1b9c was left running (stopping a migration halfway is worse than letting it finish) and nothing else was applied.`,
        migration: {
          job: MIGRATION_JOB,
          sourceName: 'migrate',
          status: 'failed',
          durationMs: 5_000,
          leftRunning: true,
          verdict: 'The run was cancelled during the migration.',
        },
        phases: [
          phase('Plan', 1_900),
          phase('Apply configuration', 400),
          phase('Migrate', 5_000, 'cancelled'),
          phase('Record', 200),
        ],
      }),
    ),
};

/** Where the reviewed summaries say they ran: the rendered check and the README screenshots use it. */
export const SUMMARY_CONTEXT = {
  cluster: 'prod-eks',
  region: 'eu-west-1',
  environment: 'staging',
  repositoryUrl: 'https://github.com/acme/upload',
  commit: '3f2a1b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a',
};
