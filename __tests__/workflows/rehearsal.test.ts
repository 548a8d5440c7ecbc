import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Rehearsal, rehearse } from '../../sandbox/rehearsal/harness.js';
import { seedDockerHubImage } from '../../sandbox/seed-images.js';
import { type RunningSandbox, startSandbox } from '../../sandbox/testing.js';
import { NodeProcessRunner } from '../../src/process.js';

// A local rehearsal of the reusable workflow: its job graph, run by sandbox/rehearsal against one
// sandbox with three EKS clusters (staging, and production in two "regions"), real images built
// and pushed by the action's build job, the reference overlays k8s/overlays/{staging,production}.
//
// It runs the REAL .github/workflows/deploy.yml. REHEARSAL_WORKFLOW=path runs another copy (the
// harness's own fixture, sandbox/rehearsal/fixtures/deploy.yml, while the real one is written).

const WORKFLOW = resolve(process.env.REHEARSAL_WORKFLOW ?? '.github/workflows/deploy.yml');
const STAGING = 'upload-staging-eu';
const PRODUCTION = ['upload-production-eu', 'upload-production-us'];
const commit = `${Date.now().toString(16)}${'b'.repeat(40)}`.slice(0, 40);

interface ClusterInfo {
  name: string;
  kubeconfig: string;
  auditLog: string;
}

let sandbox: RunningSandbox;
let clusters: Record<string, ClusterInfo>;
let rejected: Rehearsal;
let approved: Rehearsal;
const asked: { environment: string; job: string; planFinished: boolean }[] = [];
let dockerAfterRejected: string[][];
let productionMutationsAfterRejected: number;

function dockerCalls(): string[][] {
  const log = sandbox.env.SANDBOX_DOCKER_LOG ?? '';
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { argv: string[] }).argv);
}

/** The action's own builds and pushes (the Docker Hub stand-ins seeded before are not counted). */
function ourBuildsAndPushes(calls: string[][]): string[] {
  return calls
    .filter(
      (argv) =>
        (argv[0] === 'build' || argv[0] === 'push') &&
        argv.some((arg) => /\/(laravel-app|frontend):/.test(arg)),
    )
    .map(
      (argv) =>
        `${argv[0]} ${argv.find((arg) => /\/(laravel-app|frontend):/.test(arg))?.replace(/^.*\//, '')}`,
    );
}

function mutations(cluster: string, namespace: string): { verb: string; path: string }[] {
  const log = clusters[cluster]?.auditLog ?? '';
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { verb: string; path: string; mutating: boolean })
    .filter((entry) => entry.mutating && entry.path.includes(`/namespaces/${namespace}`));
}

async function podImages(cluster: string, namespace: string): Promise<string[]> {
  const result = await new NodeProcessRunner().run(
    'kubectl',
    [
      'get',
      'pods',
      '-n',
      namespace,
      '-o',
      'jsonpath={range .items[*]}{range .spec.containers[*]}{.image}{"\\n"}{end}{end}',
    ],
    { env: { ...process.env, ...sandbox.env, KUBECONFIG: clusters[cluster]?.kubeconfig ?? '' } },
  );
  if (result.exitCode !== 0)
    throw new Error(`kubectl get pods -n ${namespace} on ${cluster}: ${result.stderr}`);
  return [...new Set(result.stdout.split('\n').filter(Boolean))];
}

function run(approveProduction: boolean) {
  const region = sandbox.env.AWS_REGION ?? '';
  const account = sandbox.env.SANDBOX_ACCOUNT_ID ?? '';
  const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;
  return rehearse({
    workflow: WORKFLOW,
    sandboxEnv: sandbox.env,
    github: { sha: commit, repository: 'acme/upload-platform', ref: 'refs/heads/main', event_name: 'push' },
    inputs: {
      images:
        'laravel-app:\n  context: sandbox/demo/laravel-app\nfrontend:\n  context: sandbox/demo/frontend',
      'staging-targets': JSON.stringify([{ cluster: STAGING, region }]),
      'production-targets': JSON.stringify(PRODUCTION.map((cluster) => ({ cluster, region }))),
      'migration-job': 'migrate',
      'staging-post-deploy-jobs': 'smoke-test',
    },
    vars: { AWS_BUILD_ROLE_ARN: role('upload-build'), AWS_REGION: region },
    environments: {
      staging: { vars: { AWS_DEPLOY_ROLE_ARN: role('upload-deploy-staging') } },
      'production-plan': { vars: { AWS_DEPLOY_ROLE_ARN: role('upload-plan-production') } },
      production: { vars: { AWS_DEPLOY_ROLE_ARN: role('upload-deploy-production') } },
    },
    approve: (environment, request) => {
      const planFinished = request.timeline.some(
        (event) => event.job === 'plan-production' && event.event === 'job-finished',
      );
      asked.push({ environment, job: request.job, planFinished });
      return environment === 'production' ? approveProduction : true;
    },
  });
}

beforeAll(async () => {
  if (!existsSync(WORKFLOW)) {
    throw new Error(
      `The rehearsal runs the real reusable workflow, ${WORKFLOW}, which does not exist in this checkout. ` +
        'Merge the branch that adds .github/workflows/deploy.yml, or set REHEARSAL_WORKFLOW=sandbox/rehearsal/fixtures/deploy.yml to rehearse the harness fixture.',
    );
  }
  sandbox = await startSandbox({ clusterName: STAGING, extraClusters: PRODUCTION });
  clusters = Object.fromEntries(
    (JSON.parse(sandbox.env.SANDBOX_CLUSTERS ?? '[]') as ClusterInfo[]).map((cluster) => [
      cluster.name,
      cluster,
    ]),
  );
  // The platform's Docker Hub images, where every node's pull-through cache would hold them.
  for (const image of ['nginxinc/nginx-unprivileged:1.27-alpine', 'postgres:17-alpine']) {
    await seedDockerHubImage(sandbox.env, image);
  }
  // The ECR repositories exist before the workflow runs (the build job does not create them).
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

  // First run: the reviewer rejects production. Second run of the same commit: approved.
  rejected = await run(false);
  dockerAfterRejected = dockerCalls();
  productionMutationsAfterRejected = PRODUCTION.flatMap((cluster) =>
    mutations(cluster, 'upload-production'),
  ).length;
  asked.push({ environment: '--- second run ---', job: '', planFinished: false });
  approved = await run(true);
}, 900_000);

afterAll(async () => {
  await sandbox?.stop();
});

const leg = (rehearsal: Rehearsal, job: string) => rehearsal.jobs[job]?.legs ?? [];
const stepOf = (rehearsal: Rehearsal, job: string, id: string) =>
  leg(rehearsal, job).map((one) =>
    one.steps.find((step) => step.id === id || step.uses?.includes('k8s-deploy-action')),
  );

describe('the reusable workflow, rehearsed against the sandbox', () => {
  it('builds once: the build job builds and pushes each image once; no deploy job builds', () => {
    expect(rejected.jobs.build?.result).toBe('success');
    expect(ourBuildsAndPushes(dockerAfterRejected).sort()).toEqual(
      [
        `build laravel-app:${commit}`,
        `build frontend:${commit}`,
        `push laravel-app:${commit}`,
        `push frontend:${commit}`,
      ].sort(),
    );
    // The second run of the same commit finds the images in ECR and builds nothing.
    expect(ourBuildsAndPushes(dockerCalls())).toHaveLength(4);
    for (const job of ['deploy-staging', 'plan-production', 'deploy-production']) {
      for (const step of stepOf(approved, job, 'deploy'))
        expect(JSON.parse(step?.outputs.built ?? 'null')).toEqual([]);
    }
  });

  it('deploys the identical digests to staging and to both production clusters', async () => {
    const images = JSON.parse(approved.outputs.images ?? '{}') as Record<string, string>;
    expect(Object.keys(images).sort()).toEqual(['frontend', 'laravel-app']);
    for (const reference of Object.values(images))
      expect(reference).toMatch(new RegExp(`:${commit}@sha256:[0-9a-f]{64}$`));
    expect(JSON.parse(rejected.outputs.images ?? '{}')).toEqual(images);
    for (const job of ['deploy-staging', 'deploy-production']) {
      for (const step of stepOf(approved, job, 'deploy'))
        expect(JSON.parse(step?.outputs.images ?? '{}')).toEqual(images);
    }
    const ours = (list: string[]) => list.filter((image) => /\/(laravel-app|frontend):/.test(image)).sort();
    const expected = Object.values(images).sort();
    expect(ours(await podImages(STAGING, 'upload-staging'))).toEqual(expected);
    for (const cluster of PRODUCTION)
      expect(ours(await podImages(cluster, 'upload-production'))).toEqual(expected);
  });

  it('runs production only after the plan and after the approval', () => {
    expect(approved.result).toBe('success');
    expect(approved.outputs['production-result']).toBe('success');
    const productionAsked = asked.filter((entry) => entry.environment === 'production');
    expect(productionAsked).toEqual([
      { environment: 'production', job: 'deploy-production', planFinished: true },
      { environment: 'production', job: 'deploy-production', planFinished: true },
    ]);
    const seq = (job: string, event: string) =>
      approved.timeline.find((entry) => entry.job === job && entry.event === event)?.seq ?? Number.NaN;
    expect(seq('plan-production', 'job-finished')).toBeLessThan(seq('deploy-production', 'approval-asked'));
    expect(seq('deploy-staging', 'job-finished')).toBeLessThan(seq('deploy-production', 'approval-asked'));
    expect(seq('deploy-production', 'approval-asked')).toBeLessThan(seq('deploy-production', 'approved'));
    expect(seq('deploy-production', 'approved')).toBeLessThan(seq('deploy-production', 'leg-started'));
    for (const one of leg(approved, 'plan-production')) {
      const plan = one.steps.find((step) => step.uses?.includes('k8s-deploy-action'));
      expect(plan?.outputs.result).toBe('dry-run');
    }
  });

  it('leaves production untouched when the reviewer rejects: no mutating request to the production namespace', () => {
    expect(rejected.result).toBe('failure');
    expect(rejected.jobs['deploy-staging']?.result).toBe('success');
    expect(rejected.jobs['plan-production']?.result).toBe('success');
    expect(rejected.jobs['deploy-production']?.result).toBe('failure');
    for (const one of leg(rejected, 'deploy-production')) {
      expect(one.environment?.approved).toBe(false);
      expect(one.steps).toEqual([]);
    }
    // A job output ('' when the job never ran its steps) or the job's result ('failure'): never success.
    expect(['', 'failure']).toContain(rejected.outputs['production-result']);
    expect(productionMutationsAfterRejected).toBe(0);
    // The approved run did change production, so the audit check above can see a change.
    for (const cluster of PRODUCTION)
      expect(mutations(cluster, 'upload-production').length).toBeGreaterThan(0);
  });

  it('fans production out to two clusters, side by side, released by one approval', () => {
    const legs = leg(approved, 'deploy-production');
    expect(
      legs.map((one) => one.matrix?.target && (one.matrix.target as { cluster: string }).cluster),
    ).toEqual(PRODUCTION);
    expect(legs.every((one) => one.result === 'success' && one.token === 'write')).toBe(true);
    expect(
      legs.every((one) => one.assumedRoles.every((role) => role.endsWith(':role/upload-deploy-production'))),
    ).toBe(true);
    expect(approved.jobs['deploy-production']?.strategy?.failFast).toBe(false);
    // One review per run (asserted above) releases both legs: they run at the same time.
    const at = (name: string, event: string) =>
      approved.timeline.find((entry) => entry.leg === name && entry.event === event)?.seq ?? Number.NaN;
    const [first, second] = legs.map((one) => one.name);
    expect(at(second ?? '', 'leg-started')).toBeLessThan(at(first ?? '', 'leg-finished'));
    expect(new Set(legs.map((one) => one.concurrency?.group)).size).toBe(2);
    for (const group of legs.map((one) => one.concurrency?.group ?? ''))
      expect(group).not.toMatch(/Deploy|deploy\.yml/);
  });
});
