// What a start of the bundle costs over a bare `node -e 0` of the same runtime, in the same run,
// on Node 20 and Node 24 (bench/node-runtimes.ts), each case in an environment as empty as
// `env -i PATH=... HOME=...`, run in turns so that a busy machine slows all alike:
//   - the action (`node dist/index.js`) reaching its verdict on a bad input (target ≤ 10 ms over);
//   - `eks-token`, which kubectl runs for every kubectl process (target ≤ 40 ms over), signing
//     a token, and handing out the one in the run's cache (--token-cache, as the action's
//     kubeconfig runs it);
// and the size of dist/ (target ≤ 3 MB) with its largest files. The figure is the median of
// each round's difference to that round's bare start, so both see the same moment's load.
// Node 24 compiles from its compile cache (enabled by the entries) once the first run wrote it:
// that is every eks-token after the first of a job and the post step; the action's main step on
// a fresh runner starts cold, measured apart with an empty NODE_COMPILE_CACHE each run.
// Run: npx tsx bench/startup.ts [runs] [--baseline DIR] [--json]
// (npm run bench:startup builds dist/ first). --baseline DIR times a copy of an earlier dist/
// (e.g. `cp -r dist /tmp/before`) in the same turns. --json ends with one line
// `startup-json: {...}` for bench/all.ts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type Runtime, runtimes } from './node-runtimes.js';

const args = process.argv.slice(2);
const baselineAt = args.indexOf('--baseline');
const BASELINE = baselineAt >= 0 ? args.splice(baselineAt, 2)[1] : undefined;
const JSON_OUT = args.includes('--json');
const RUNS = Math.max(15, Number(args.find((a) => /^\d+$/.test(a))) || 21);
const DIST = 'dist';
const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
const runnerFiles = {
  GITHUB_OUTPUT: join(dir, 'output'),
  GITHUB_STATE: join(dir, 'state'),
  GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
};
for (const file of Object.values(runnerFiles)) writeFileSync(file, '');
const tokenCache = join(dir, 'k8s-deploy-bench', 'eks-tokens');
mkdirSync(join(dir, 'k8s-deploy-bench'), { mode: 0o700 });
let fresh = 0;

interface Case {
  key: string;
  label: string;
  args: string[];
  env: () => Record<string, string>;
  /** What a correct run looks like: the bench must not time a crash. */
  expect: { status: number; stdout: RegExp };
  /** Target in milliseconds over the bare start. */
  targetMs?: number;
}

const awsEnv = {
  AWS_ACCESS_KEY_ID: 'AKIABENCHBENCHBENCH',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SESSION_TOKEN: 'bench',
};
const eksTokenArgs = (dist: string) => [
  join(dist, 'cli', 'index.js'),
  'eks-token',
  '--cluster-name',
  'bench',
  '--region',
  'eu-west-1',
];
const actionCase = (dist: string, suffix: string, env: () => Record<string, string> = () => ({})): Case => ({
  key: `action${suffix}`,
  label: `action: verdict on a bad input${suffix}`,
  args: [join(dist, 'index.js')],
  env: () => ({ ...runnerFiles, 'INPUT_ROLLOUT-TIMEOUT': 'ten minutes', ...env() }),
  expect: { status: 1, stdout: /^::error::Invalid value "ten minutes" for input 'rollout-timeout'/m },
  targetMs: 10,
});
const bundleCases = (dist: string, suffix: string, runtime: Runtime): Case[] => [
  actionCase(dist, suffix),
  // The main step on a fresh runner: nothing in the compile cache yet (Node 24 only has one).
  ...(runtime.version.startsWith('v20.')
    ? []
    : [
        actionCase(dist, `${suffix}, compile cache cold`, () => {
          const cold = join(dir, `cold-${fresh++}`);
          return { NODE_COMPILE_CACHE: cold };
        }),
      ]),
  {
    key: `eks-token sign${suffix}`,
    label: `eks-token, signing a token${suffix}`,
    args: eksTokenArgs(dist),
    env: () => awsEnv,
    expect: { status: 0, stdout: /^\{"kind":"ExecCredential"/ },
    targetMs: 40,
  },
  {
    key: `eks-token cached${suffix}`,
    label: `eks-token, the run's cached token${suffix}`,
    args: [...eksTokenArgs(dist), '--token-cache', tokenCache],
    env: () => awsEnv,
    expect: { status: 0, stdout: /^\{"kind":"ExecCredential"/ },
    targetMs: 40,
  },
];
const floorCase: Case = {
  key: 'floor',
  label: 'node -e 0 (the floor)',
  args: ['-e', '0'],
  env: () => ({}),
  expect: { status: 0, stdout: /^$/ },
};

function run(node: string, c: Case) {
  const started = process.hrtime.bigint();
  const result = spawnSync(node, c.args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...c.env() },
    encoding: 'utf8',
  });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function files(path: string): { path: string; size: number }[] {
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
    const full = join(path, entry.name);
    return entry.isDirectory() ? files(full) : [{ path: relative(DIST, full), size: statSync(full).size }];
  });
}

export interface StartupRow {
  runtime: string;
  key: string;
  label: string;
  /** Median of the case's own times. */
  ms: number;
  /** Median of the bare start's times in the same rounds. */
  floorMs: number;
  /** Median of each round's (case − bare start). */
  overMs: number;
  targetMs?: number;
}

function measure(runtime: Runtime): StartupRow[] {
  const cases = [
    floorCase,
    ...bundleCases(DIST, '', runtime),
    ...(BASELINE === undefined ? [] : bundleCases(BASELINE, ' (baseline)', runtime)),
  ];
  for (const c of cases) {
    const { result } = run(runtime.node, c); // checks the case, warms the file and compile caches
    if (result.status !== c.expect.status || !c.expect.stdout.test(result.stdout)) {
      throw new Error(
        `${runtime.label}, ${c.label}: expected exit ${c.expect.status} and ${c.expect.stdout}, got exit ${result.status}:\n${result.stdout}${result.stderr}`,
      );
    }
  }
  const times = cases.map(() => [] as number[]);
  for (let round = 0; round < RUNS; round++) {
    // A different case goes first each round: none always follows the same one.
    for (let i = 0; i < cases.length; i++) {
      const index = (i + round) % cases.length;
      times[index]?.push(run(runtime.node, cases[index] as Case).ms);
    }
  }
  const floor = times[0] as number[];
  return cases.map((c, i) => {
    const own = times[i] as number[];
    return {
      runtime: `${runtime.label} (${runtime.version})`,
      key: c.key,
      label: c.label,
      ms: median(own),
      floorMs: median(floor),
      overMs: median(own.map((ms, round) => ms - (floor[round] ?? 0))),
      ...(c.targetMs !== undefined ? { targetMs: c.targetMs } : {}),
    };
  });
}

try {
  const rows: StartupRow[] = [];
  for (const runtime of runtimes()) {
    const measured = measure(runtime);
    rows.push(...measured);
    console.log(
      `start-up on ${runtime.label} (${runtime.version}), median of ${RUNS} runs each, in turns, env -i with PATH and HOME:`,
    );
    const width = Math.max(...measured.map((r) => r.label.length));
    for (const r of measured) {
      const verdict =
        r.targetMs === undefined
          ? ''
          : `  (target ≤ ${r.targetMs} ms over: ${r.overMs <= r.targetMs ? 'met' : 'NOT met'})`;
      const over = r.key === 'floor' ? '' : `  +${r.overMs.toFixed(0)} ms over bare node`;
      console.log(`  ${r.label.padEnd(width)}  ${r.ms.toFixed(0).padStart(4)} ms${over}${verdict}`);
    }
  }
  const all = files(DIST).sort((a, b) => b.size - a.size || a.path.localeCompare(b.path));
  const total = all.reduce((sum, file) => sum + file.size, 0);
  console.log(
    `dist/: ${(total / 1e6).toFixed(2)} MB in ${all.length} files (target ≤ 3 MB: ${total <= 3e6 ? 'met' : 'NOT met'}); largest:`,
  );
  for (const file of all.slice(0, 5)) console.log(`  ${(file.size / 1e6).toFixed(2)} MB  ${file.path}`);
  if (JSON_OUT) console.log(`startup-json: ${JSON.stringify({ rows, distBytes: total, runs: RUNS })}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
