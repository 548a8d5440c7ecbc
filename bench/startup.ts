// What a start of the bundle costs next to a bare `node -e 0`, each in an environment as empty
// as `env -i PATH=... HOME=...`, run in turns so that a busy machine slows all alike:
//   - the action (`node dist/index.js`) reaching its verdict on a bad input (target ≤ 1.3×);
//   - `eks-token`, which kubectl runs for every kubectl process (target ≤ 1.5×);
// and the size of dist/ (target ≤ 3 MB) with its largest files.
// Run: npx tsx bench/startup.ts [runs] [--baseline DIR]   (npm run bench:startup builds dist/ first)
// --baseline DIR times a copy of an earlier dist/ (e.g. `cp -r dist /tmp/before`) in the same
// turns, so that a change is measured side by side with what it replaces.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const baselineAt = args.indexOf('--baseline');
const BASELINE = baselineAt >= 0 ? args.splice(baselineAt, 2)[1] : undefined;
const RUNS = Math.max(15, Number(args[0]) || 21);
const DIST = 'dist';
const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
const runnerFiles = {
  GITHUB_OUTPUT: join(dir, 'output'),
  GITHUB_STATE: join(dir, 'state'),
  GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
};
for (const file of Object.values(runnerFiles)) writeFileSync(file, '');

interface Case {
  label: string;
  args: string[];
  env: Record<string, string>;
  /** What a correct run looks like: the bench must not time a crash. */
  expect: { status: number; stdout: RegExp };
  target?: number;
}

const bundleCases = (dist: string, suffix: string): Case[] => [
  {
    label: `action: verdict on a bad input${suffix}`,
    args: [join(dist, 'index.js')],
    env: { ...runnerFiles, 'INPUT_ROLLOUT-TIMEOUT': 'ten minutes' },
    expect: { status: 1, stdout: /^::error::Invalid value "ten minutes" for input 'rollout-timeout'/m },
    target: 1.3,
  },
  {
    label: `eks-token (per kubectl process)${suffix}`,
    args: [join(dist, 'cli', 'index.js'), 'eks-token', '--cluster-name', 'bench', '--region', 'eu-west-1'],
    env: {
      AWS_ACCESS_KEY_ID: 'AKIABENCHBENCHBENCH',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_SESSION_TOKEN: 'bench',
    },
    expect: { status: 0, stdout: /^\{"kind":"ExecCredential"/ },
    target: 1.5,
  },
];
const CASES: Case[] = [
  { label: 'node -e 0 (the floor)', args: ['-e', '0'], env: {}, expect: { status: 0, stdout: /^$/ } },
  ...bundleCases(DIST, ''),
  ...(BASELINE === undefined ? [] : bundleCases(BASELINE, ' (baseline)')),
];

function run(c: Case) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, c.args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...c.env },
    encoding: 'utf8',
  });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function files(path: string): { path: string; size: number }[] {
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
    const full = join(path, entry.name);
    return entry.isDirectory() ? files(full) : [{ path: relative(DIST, full), size: statSync(full).size }];
  });
}

try {
  for (const c of CASES) {
    const { result } = run(c); // checks the case, and warms the file cache
    if (result.status !== c.expect.status || !c.expect.stdout.test(result.stdout)) {
      throw new Error(
        `${c.label}: expected exit ${c.expect.status} and ${c.expect.stdout}, got exit ${result.status}:\n${result.stdout}${result.stderr}`,
      );
    }
  }
  const times = CASES.map(() => [] as number[]);
  for (let round = 0; round < RUNS; round++) {
    // A different case goes first each round: none always follows the same one.
    for (let i = 0; i < CASES.length; i++) {
      const index = (i + round) % CASES.length;
      times[index].push(run(CASES[index]).ms);
    }
  }
  const floor = median(times[0]);
  console.log(
    `start-up, median of ${RUNS} runs each, in turns, env -i with PATH and HOME, node ${process.version}:`,
  );
  const width = Math.max(...CASES.map((c) => c.label.length));
  CASES.forEach((c, i) => {
    const ms = median(times[i]);
    const ratio = ms / floor;
    const verdict =
      c.target === undefined ? '' : `  (target ≤ ${c.target}×: ${ratio <= c.target ? 'met' : 'NOT met'})`;
    console.log(
      `  ${c.label.padEnd(width)}  ${ms.toFixed(0).padStart(4)} ms  ${ratio.toFixed(2)}×  min ${Math.min(...times[i]).toFixed(0)} ms${verdict}`,
    );
  });
  const all = files(DIST).sort((a, b) => b.size - a.size || a.path.localeCompare(b.path));
  const total = all.reduce((sum, file) => sum + file.size, 0);
  console.log(
    `dist/: ${(total / 1e6).toFixed(2)} MB in ${all.length} files (target ≤ 3 MB: ${total <= 3e6 ? 'met' : 'NOT met'}); largest:`,
  );
  for (const file of all.slice(0, 5)) console.log(`  ${(file.size / 1e6).toFixed(2)} MB  ${file.path}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
