/**
 * The whole deploy of the reference deployment (k8s/overlays/staging, as `npm run demo` runs
 * it): the bundled action from its start to its verdict, main and post step, through the runner
 * stand-in, and the share of each phase (read from the job summary's timeline). Per run, a new
 * commit: deployed to staging (builds both images), the same commit again (no change), then
 * promoted to production (k8s/overlays/production; the images are in ECR already, so reused).
 * Usage: npx tsx bench/whole-deploy.ts [runs=3]
 */
import { seedDockerHubImage } from '../sandbox/seed-images.js';
import {
  groupPhases,
  jobEnv,
  newCommit,
  PHASE_GROUPS,
  type TimedRun,
  timedAction,
} from './action-support.js';
import { type BenchSandbox, isMain, list, median, s, startBenchSandbox } from './deploy-support.js';

export interface WholeDeployRow {
  label: string;
  runs: TimedRun[];
}

export interface WholeDeployResult {
  first: WholeDeployRow;
  again: WholeDeployRow;
  promotion: WholeDeployRow;
}

const IMAGES = [
  'laravel-app:',
  '  context: sandbox/demo/laravel-app',
  'frontend:',
  '  context: sandbox/demo/frontend',
].join('\n');

function inputs(bench: BenchSandbox, environment: 'staging' | 'production'): Record<string, string> {
  return {
    images: IMAGES,
    'create-repositories': 'true',
    'cluster-name': bench.sandbox.env.SANDBOX_CLUSTER_NAME ?? '',
    manifests: `k8s/overlays/${environment}`,
    'migration-job': 'migrate',
    // The staging overlay's smoke test runs after verify (its Job is not applied with the rest).
    ...(environment === 'staging' ? { 'post-deploy-jobs': 'smoke-test' } : {}),
    'rollout-timeout': '2m',
    environment,
  };
}

export async function wholeDeploy(bench: BenchSandbox, runs: number): Promise<WholeDeployResult> {
  // The platform's Docker Hub images, where the nodes' pull-through cache would hold them.
  for (const image of ['nginxinc/nginx-unprivileged:1.27-alpine', 'postgres:17-alpine']) {
    await seedDockerHubImage(bench.sandbox.env, image);
  }
  const result: WholeDeployResult = {
    first: { label: 'new commit to staging (builds 2 images)', runs: [] },
    again: { label: 'same commit to staging again (no change)', runs: [] },
    promotion: { label: 'same commit promoted to production (images reused)', runs: [] },
  };
  for (let run = 1; run <= runs; run++) {
    const commit = newCommit();
    const steps: [WholeDeployRow, 'staging' | 'production'][] = [
      [result.first, 'staging'],
      [result.again, 'staging'],
      [result.promotion, 'production'],
    ];
    for (const [row, environment] of steps) {
      const timed = await timedAction(bench, {
        inputs: inputs(bench, environment),
        env: jobEnv(bench, commit),
      });
      if (timed.exitCode !== 0) {
        throw new Error(`${row.label}, run ${run}: ${timed.result}\n${timed.log.slice(-3000)}`);
      }
      row.runs.push(timed);
    }
  }
  return result;
}

/** Median of each phase group over the runs, with its share of the median wall time. */
export function phaseShares(row: WholeDeployRow): string {
  const grouped = row.runs.map(groupPhases);
  const wall = median(row.runs.map((r) => r.wallMs));
  const names = [...PHASE_GROUPS.map(([group]) => group), 'between', 'outside'];
  return names
    .flatMap((name) => {
      const values = grouped.map((g) => g.get(name)).filter((v): v is number => v !== undefined);
      if (values.length === 0) return [];
      const ms = median(values);
      return [`${name} ${s(ms)} (${Math.round((100 * ms) / wall)} %)`];
    })
    .join(', ');
}

export function printWholeDeploy(result: WholeDeployResult): void {
  const runs = result.first.runs.length;
  console.log(
    `\nWhole deploy of the reference deployment, bundled action main + post step (${runs} run(s); medians)`,
  );
  for (const row of [result.first, result.again, result.promotion]) {
    const walls = row.runs.map((r) => r.wallMs);
    console.log(
      `  ${row.label}: ${s(median(walls))} (${list(walls)}); images built ${row.runs
        .map((r) => r.built.length)
        .join(', ')}; kubectl processes ${row.runs.map((r) => r.kubectlProcesses).join(', ')}; ` +
        `EKS tokens the cluster saw ${row.runs.map((r) => r.eksTokens).join(', ')} (eks-token starts ${row.runs.map((r) => r.pluginStarts).join(', ')})`,
    );
    console.log(`      phases: ${phaseShares(row)}`);
  }
  const last = result.first.runs.at(-1);
  if (last) {
    console.log(
      `      (last new-commit run, every phase: ${last.phases.map((p) => `${p.name} ${s(p.durationMs)}`).join(', ')})`,
    );
  }
  const ratio =
    median(result.promotion.runs.map((r) => r.wallMs)) / median(result.first.runs.map((r) => r.wallMs));
  console.log(`  promotion / new-commit deploy: ${ratio.toFixed(2)}×`);
}

if (isMain(import.meta.url)) {
  const [runs = 3] = process.argv.slice(2).map(Number);
  const bench = await startBenchSandbox();
  try {
    printWholeDeploy(await wholeDeploy(bench, runs));
  } finally {
    await bench.sandbox.stop();
  }
}
