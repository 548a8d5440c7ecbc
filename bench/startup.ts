// How long `node dist/index.js` takes to reach its first verdict on the inputs (target < 150 ms),
// and how big the bundle is. Run: npm run bench:startup
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = 15;
const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
const outputFile = join(dir, 'output');
writeFileSync(outputFile, '');

function timeRun(env: Record<string, string>): number {
  const started = process.hrtime.bigint();
  spawnSync(process.execPath, ['dist/index.js'], {
    env: { PATH: process.env.PATH ?? '', GITHUB_OUTPUT: outputFile, ...env },
    stdio: 'ignore',
  });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function dirSize(path: string): number {
  return readdirSync(path, { withFileTypes: true }).reduce(
    (sum, entry) =>
      sum + (entry.isDirectory() ? dirSize(join(path, entry.name)) : statSync(join(path, entry.name)).size),
    0,
  );
}

const verdicts: Record<string, Record<string, string>> = {
  'rejected input (bad rollout-timeout)': { 'INPUT_ROLLOUT-TIMEOUT': 'ten minutes' },
};
timeRun({}); // warm the file cache
console.log(`node dist/index.js, median of ${RUNS} runs:`);
for (const [label, env] of Object.entries(verdicts)) {
  const times = Array.from({ length: RUNS }, () => timeRun(env));
  console.log(`  ${label}: ${median(times).toFixed(0)} ms (min ${Math.min(...times).toFixed(0)} ms)`);
}
const bare = Array.from({ length: RUNS }, () => {
  const started = process.hrtime.bigint();
  spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - started) / 1e6;
});
console.log(`  node -e 0 (the floor): ${median(bare).toFixed(0)} ms`);
console.log(`dist/ size: ${(dirSize('dist') / 1e6).toFixed(2)} MB`);
