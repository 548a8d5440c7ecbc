/**
 * How long `npm run sandbox` takes from spawn to "sandbox ready", and to stop (issue 4: under 5 s).
 * Usage: npx tsx bench/sandbox-start.ts [runs] [--without-kubernetes]
 */
import { performance } from 'node:perf_hooks';
import { startSandbox } from '../sandbox/testing.js';

const runs = Number(process.argv[2] ?? 5);
const kubernetes = !process.argv.includes('--without-kubernetes');
const starts: number[] = [];
const stops: number[] = [];
for (let run = 0; run < runs; run++) {
  const begin = performance.now();
  const sandbox = await startSandbox({ kubernetes });
  starts.push(performance.now() - begin);
  const stopBegin = performance.now();
  await sandbox.stop();
  stops.push(performance.now() - stopBegin);
}
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return `median ${(median / 1000).toFixed(2)} s, max ${((sorted.at(-1) ?? 0) / 1000).toFixed(2)} s`;
};
console.log(`sandbox (${kubernetes ? 'with' : 'without'} kubernetes), ${runs} runs`);
console.log(`  spawn → ready: ${summary(starts)}`);
console.log(`  stop:          ${summary(stops)}`);
