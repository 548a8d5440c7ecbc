import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Rehearsal, rehearse } from '../../sandbox/rehearsal/harness.js';
import { type ActionRun, runAction } from '../../sandbox/runner.js';
import { seedDockerHubImage } from '../../sandbox/seed-images.js';
import { type RunningSandbox, startSandbox } from '../../sandbox/testing.js';

// The reusable workflow with production-migrations: separate (issue 17), rehearsed against the
// sandbox: production's deploy runs with migrations: skip, so before the commit's migration ran
// there the plan is refused with the sentence naming the commit and nothing reaches production;
// once the migration ran (the step workflows/migrate.yml runs, as its job would after the
// production-migrations approval) the same workflow deploys production without migrating.
//
// The harness runs reusable workflows only (on: workflow_call alone), so migrate.yml's step is run
// here as the bundled action with its inputs, from a run whose GITHUB_SHA is another commit (a
// dispatch from main's head), as on GitHub.

const WORKFLOW = resolve('.github/workflows/deploy.yml');
const STAGING = 'upload-staging-eu';
const PRODUCTION = 'upload-production-eu';
const commit = `${Date.now().toString(16)}${'e'.repeat(40)}`.slice(0, 40);
const IMAGES =
  'laravel-app:\n  context: sandbox/demo/laravel-app\nfrontend:\n  context: sandbox/demo/frontend';

interface ClusterInfo {
  name: string;
  kubeconfig: string;
  auditLog: string;
}

let sandbox: RunningSandbox;
let clusters: Record<string, ClusterInfo>;
let refused: Rehearsal;
let productionWritesAfterRefused: number;
let migrated: ActionRun;
let productionJobWritesAfterMigration: string[];
let productionPathsAfterMigration: string[];
let deployed: Rehearsal;

function productionWrites(): { verb: string; path: string }[] {
  const log = clusters[PRODUCTION]?.auditLog ?? '';
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { verb: string; path: string; mutating: boolean; dryRun?: boolean })
    .filter((e) => e.mutating && !e.dryRun && e.path.includes('/namespaces/upload-production'));
}

const jobWrites = () =>
  productionWrites()
    .map((e) => e.path)
    .filter((path) => /\/jobs(\/|$)/.test(path));

function run(): Promise<Rehearsal> {
  const region = sandbox.env.AWS_REGION ?? '';
  const account = sandbox.env.SANDBOX_ACCOUNT_ID ?? '';
  const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;
  return rehearse({
    workflow: WORKFLOW,
    sandboxEnv: sandbox.env,
    github: { sha: commit, repository: 'acme/upload-platform', ref: 'refs/heads/main', event_name: 'push' },
    inputs: {
      images: IMAGES,
      'staging-targets': JSON.stringify([{ cluster: STAGING, region }]),
      'production-targets': JSON.stringify([{ cluster: PRODUCTION, region }]),
      'migration-job': 'migrate',
      'staging-post-deploy-jobs': 'smoke-test',
      'production-migrations': 'separate',
    },
    vars: { AWS_BUILD_ROLE_ARN: role('upload-build'), AWS_REGION: region },
    environments: {
      staging: { vars: { AWS_DEPLOY_ROLE_ARN: role('upload-deploy-staging') } },
      'production-plan': { vars: { AWS_DEPLOY_ROLE_ARN: role('upload-plan-production') } },
      production: { vars: { AWS_DEPLOY_ROLE_ARN: role('upload-deploy-production') } },
    },
    approve: () => true,
  });
}

/** workflows/migrate.yml's action step for one production cluster, after its approval. */
function migrate(): Promise<ActionRun> {
  const env: Record<string, string> = {
    ...(sandbox.env as Record<string, string>),
    // A dispatched run's GITHUB_SHA is the head of the branch it was started from.
    GITHUB_SHA: 'd'.repeat(40),
    GITHUB_REPOSITORY: 'acme/upload-platform',
  };
  delete env.KUBECONFIG;
  return runAction({
    inputs: {
      images: IMAGES,
      tag: commit,
      build: 'never',
      'cluster-name': PRODUCTION,
      manifests: 'k8s/overlays/production',
      'migration-job': 'migrate',
      'migration-timeout': '15m',
      migrations: 'only',
    },
    env,
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ clusterName: STAGING, extraClusters: [PRODUCTION] });
  clusters = Object.fromEntries(
    (JSON.parse(sandbox.env.SANDBOX_CLUSTERS ?? '[]') as ClusterInfo[]).map((cluster) => [
      cluster.name,
      cluster,
    ]),
  );
  for (const image of ['nginxinc/nginx-unprivileged:1.27-alpine', 'postgres:17-alpine']) {
    await seedDockerHubImage(sandbox.env, image);
  }
  const { CreateRepositoryCommand, ECRClient } = await import('@aws-sdk/client-ecr');
  const ecr = new ECRClient({
    region: sandbox.env.AWS_REGION,
    endpoint: sandbox.env.AWS_ENDPOINT_URL_ECR,
    credentials: {
      accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: sandbox.env.AWS_SECRET_ACCESS_KEY ?? '',
    },
  });
  for (const repositoryName of ['laravel-app', 'frontend']) {
    await ecr.send(new CreateRepositoryCommand({ repositoryName, imageTagMutability: 'IMMUTABLE' }));
  }
  ecr.destroy();

  refused = await run();
  productionWritesAfterRefused = productionWrites().length;
  migrated = await migrate();
  productionJobWritesAfterMigration = jobWrites();
  productionPathsAfterMigration = productionWrites().map((e) => e.path);
  deployed = await run();
}, 900_000);

afterAll(async () => {
  await sandbox?.stop();
});

const actionStep = (rehearsal: Rehearsal, job: string) =>
  rehearsal.jobs[job]?.legs[0]?.steps.find((step) => step.uses?.includes('k8s-deploy-action'));

describe('production-migrations: separate, rehearsed', () => {
  it('before the migration ran: staging deploys, the production plan is refused with the sentence, production is untouched', () => {
    expect(refused.jobs['deploy-staging']?.result).toBe('success');
    expect(refused.jobs['plan-production']?.result).toBe('failure');
    const plan = actionStep(refused, 'plan-production');
    expect(plan?.log).toContain(`the migration of commit ${commit} has not completed in this cluster`);
    expect(plan?.summary).toContain('migrations: only');
    expect(refused.jobs['deploy-production']?.result).toBe('skipped');
    expect(productionWritesAfterRefused).toBe(0);
  });

  it('the migrate step runs the migration Job alone and records it', () => {
    expect(migrated.exitCode).toBe(0);
    expect(migrated.outputs.result).toBe('success');
    expect(migrated.log).toMatch(/Migration Job upload-production\/migrate-[0-9a-f]{8} completed/);
    expect(
      productionPathsAfterMigration.filter((path) => /\/(deployments|statefulsets|daemonsets)\//.test(path)),
    ).toEqual([]);
    expect(productionPathsAfterMigration.some((path) => /\/jobs\/migrate-/.test(path))).toBe(true);
    expect(migrated.summary).toContain('`migrations: only`');
  });

  it('after the migration: the plan passes and production deploys without migrating again', () => {
    expect(deployed.result).toBe('success');
    expect(deployed.jobs['plan-production']?.result).toBe('success');
    const step = actionStep(deployed, 'deploy-production');
    expect(step?.outputs.result).toBe('success');
    expect(step?.log).toContain('completed in this cluster');
    expect(jobWrites()).toEqual(productionJobWritesAfterMigration);
    expect(productionWrites().some((e) => /\/deployments\//.test(e.path))).toBe(true);
  });
});
