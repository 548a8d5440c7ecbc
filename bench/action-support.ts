/**
 * Shared by the whole-deploy benchmarks: runs the bundled action (dist/index.js, main and post
 * step) through the runner stand-in against a bench sandbox, and reads back what a reviewer
 * sees: wall time, the `built` output, the phase timings of the job summary's timeline, and the
 * kubectl processes the PATH shim counted.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runAction } from '../sandbox/runner.js';
import type { BenchSandbox } from './deploy-support.js';

export interface Phase {
  name: string;
  /** Epoch ms, as the action's clock read it. */
  startedAt: number;
  durationMs: number;
}

export interface TimedRun {
  wallMs: number;
  exitCode: number;
  result: string;
  built: string[];
  phases: Phase[];
  kubectlProcesses: number;
  /** Distinct EKS tokens the sandbox's cluster was shown during the run (its own count). */
  eksTokens: number;
  /** eks-token processes kubectl started (each signed a token before the run's token cache). */
  pluginStarts: number;
  outputs: Record<string, string>;
  log: string;
}

/**
 * The job summary's timeline is a mermaid gantt, one line per phase:
 * `  Images 6.1 s :done, p2, 1796162679242, 6128ms`; the last field is the exact duration.
 */
export function phasesOfSummary(summary: string): Phase[] {
  const phases: Phase[] = [];
  for (const match of summary.matchAll(/^ {2}(.+?) :[a-z, ]*p\d+, (\d+), (\d+)ms$/gm)) {
    const name = (match[1] ?? '').replace(/ (\d+ min )?\d+(\.\d+)? s$/, '');
    phases.push({ name, startedAt: Number(match[2]), durationMs: Number(match[3]) });
  }
  return phases;
}

export const newCommit = (): string => randomBytes(20).toString('hex');

/** The sandbox's env as a runner job gets it: no KUBECONFIG (the action writes its own for EKS). */
export function jobEnv(bench: BenchSandbox, commit: string, extra: Record<string, string> = {}) {
  const { KUBECONFIG: _static, ...env } = bench.sandbox.env;
  return {
    ...env,
    GITHUB_SHA: commit,
    GITHUB_REPOSITORY: 'acme/upload-platform',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: String(Date.now()),
    ...extra,
  };
}

export async function timedAction(
  bench: BenchSandbox,
  options: { inputs: Record<string, string>; env: Record<string, string>; workspace?: string },
): Promise<TimedRun> {
  const before = await bench.kubectlCount();
  const admin = `${bench.sandbox.env.SANDBOX_AWS_ADMIN_URL}/eks/tokens`;
  await fetch(admin, { method: 'DELETE' });
  // Every node process of the run appends a line at its exit (bench/max-rss.cjs): the plugin's
  // carry `eks-token` in their arguments.
  // (bench/deploy-memory.ts hands in its own log for the same preload: it is read, not replaced.)
  const processLog =
    options.env.BENCH_RSS_LOG ??
    join(bench.sandbox.stateDir, `processes-${randomBytes(4).toString('hex')}.log`);
  if (!options.env.BENCH_RSS_LOG) await writeFile(processLog, '');
  const started = performance.now();
  const run = await runAction({
    ...options,
    env: {
      ...options.env,
      NODE_OPTIONS: `--require ${resolve('bench/max-rss.cjs')}`,
      BENCH_RSS_LOG: processLog,
    },
  });
  const wallMs = performance.now() - started;
  const eksTokens = ((await (await fetch(admin)).json()) as string[]).length;
  const pluginStarts = (await readFile(processLog, 'utf8'))
    .split('\n')
    .filter((line) => line && (JSON.parse(line) as { args: string[] }).args.includes('eks-token')).length;
  let built: string[] = [];
  try {
    built = JSON.parse(run.outputs.built ?? '[]') as string[];
  } catch {
    built = [];
  }
  return {
    wallMs,
    exitCode: run.exitCode,
    result: run.outputs.result ?? `exit ${run.exitCode}`,
    built,
    phases: phasesOfSummary(run.summary),
    kubectlProcesses: (await bench.kubectlCount()) - before,
    eksTokens,
    pluginStarts,
    outputs: run.outputs,
    log: run.log,
  };
}

/**
 * The action's phases grouped as the README describes the run. What the timeline does not cover
 * is split in two: "between" is the time between one phase's end and the next one's start
 * (loading the deploy engine, the GitHub deployment API, writing the rendered file); "outside"
 * is the rest of the wall time (Node's start and module loading before the first phase, the
 * GitHub status, the summary and the post step after the last).
 */
export const PHASE_GROUPS: [group: string, phases: string[]][] = [
  ['render', ['Check manifests', 'Render manifests']],
  ['connect', ['Cluster']],
  ['build', ['Images']],
  ['plan', ['Plan', 'Diff']],
  ['apply', ['Apply definitions', 'Apply configuration', 'Apply', 'Prune']],
  ['migrate', ['Migrate']],
  ['verify', ['Verify']],
  ['rollback', ['Roll back']],
  ['record', ['Record']],
];

export function groupPhases(run: TimedRun): Map<string, number> {
  const groups = new Map<string, number>();
  let covered = 0;
  for (const phase of run.phases) {
    const group = PHASE_GROUPS.find(([, names]) => names.includes(phase.name))?.[0] ?? phase.name;
    groups.set(group, (groups.get(group) ?? 0) + phase.durationMs);
    covered += phase.durationMs;
  }
  const first = run.phases[0];
  const last = run.phases.at(-1);
  const span = first && last ? last.startedAt + last.durationMs - first.startedAt : 0;
  groups.set('between', Math.max(0, span - covered));
  groups.set('outside', Math.max(0, run.wallMs - span));
  return groups;
}
