/**
 * `npm run bench`: every figure of BENCHMARKS.md in one run, on one sandbox started once.
 * Builds the bundle when a file in src/ is newer than dist/index.js (the whole-deploy, memory
 * and startup figures run dist/), then: render and
 * cold start (their own processes, before the sandbox starts, so nothing else competes), then on
 * the sandbox the whole deploy and promotion, peak memory, time to verdict, parallel
 * verification with kubectl processes; then one table, each figure with its peer where there is
 * one, the ratio, and the command that reproduces it alone.
 * Usage: npm run bench [-- --quick] [-- --build | --no-build] [-- --runs N]
 *   --quick     one run of each sandbox figure, a 15 s cap for kubectl rollout status
 *   --build     build the bundle even when dist/ looks current; --no-build: use dist/ as it is
 *   --runs N    runs per sandbox figure (default 3; medians are printed)
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { deployMemory, type MemoryRun, mib, printMemory } from './deploy-memory.js';
import { deployParallel, printParallel } from './deploy-parallel.js';
import { median, s, startBenchSandbox } from './deploy-support.js';
import { deployVerdict, printVerdict } from './deploy-verdict.js';
import { printRolloutVerdict, rolloutVerdict } from './rollout-verdict.js';
import { phaseShares, printWholeDeploy, wholeDeploy } from './whole-deploy.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : quick ? 1 : 3;
const capSeconds = quick ? 15 : 60;
const readyAfter = 30;
const renderRuns = quick ? 2 : 5;
const began = performance.now();

const elapsed = () => `${((performance.now() - began) / 1000).toFixed(0)} s`;
const say = (text: string) => process.stdout.write(`\n\x1b[1m[${elapsed()}] ${text}\x1b[0m\n`);

/** The newest modification time of a file under `dir`. */
function newest(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile())
      .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
  );
}
const distIsStale = () =>
  !existsSync('dist/index.js') ||
  !existsSync('dist/cli/index.js') ||
  newest('src') > statSync('dist/index.js').mtimeMs;

/** Runs a command with its output shown as it comes and kept; rejects on a non-zero exit. */
function run(command: string, commandArgs: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${commandArgs.join(' ')}: exit ${code}`)),
    );
  });
}

interface TableRow {
  figure: string;
  what: string;
  measured: string;
  peer: string;
  ratio: string;
  command: string;
}
const table: TableRow[] = [];
const ratio = (peer: number, ours: number, prefix = '') => {
  const value = peer / ours;
  return `${prefix}${value >= 10 ? value.toFixed(0) : value.toFixed(1)}×`;
};
/** Lines printed under the table: what does not fit in a cell (phase shares). */
const notes: string[] = [];

process.stdout.write(
  `k8s-deploy-action benchmarks, ${new Date().toISOString()}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(', ')} (${cpus().length} cores)\n`,
);
if (args.includes('--build') || (!args.includes('--no-build') && distIsStale())) {
  say('Building the bundle (npm run build)…');
  await run('npm', ['run', 'build', '--silent']);
} else {
  say('dist/ is newer than every file in src/: not rebuilt (--build to force)');
}

say(`6a. Render 5,000 documents (${renderRuns} runs, best)`);
const renderOut = await run('npx', ['tsx', 'bench/render.ts'], {
  ...process.env,
  BENCH_RUNS: String(renderRuns),
});
const renderBest = /best (\d+) ms wall, (\d+) ms CPU/.exec(renderOut);
table.push({
  figure: '6',
  what: 'render 5,000 documents with the read-back check (target < 1 s)',
  measured: renderBest ? `best ${renderBest[1]} ms wall, ${renderBest[2]} ms CPU` : 'see above',
  peer: '',
  ratio: '',
  command: `BENCH_RUNS=${renderRuns} npm run bench:render`,
});

say('5. Start-up over a bare node start on Node 20 and Node 24, bundle size (bench/startup.ts)');
const startupOut = await run('npx', ['tsx', 'bench/startup.ts', '--json']);
const startupJson = /^startup-json: (.*)$/m.exec(startupOut)?.[1];
const startup = startupJson
  ? (JSON.parse(startupJson) as {
      rows: {
        runtime: string;
        key: string;
        label: string;
        ms: number;
        floorMs: number;
        overMs: number;
        targetMs?: number;
      }[];
      distBytes: number;
    })
  : undefined;
for (const row of startup?.rows ?? []) {
  if (row.key === 'floor') continue;
  const met = row.targetMs === undefined ? '' : row.overMs <= row.targetMs ? ', met' : ', NOT met';
  table.push({
    figure: '5',
    what: `${row.runtime}: ${row.label} (target ≤ ${row.targetMs} ms over bare node${met})`,
    measured: `+${row.overMs.toFixed(0)} ms over (${row.ms.toFixed(0)} ms)`,
    peer: `node -e 0 ${row.floorMs.toFixed(0)} ms`,
    ratio: `${(row.ms / row.floorMs).toFixed(2)}× the floor`,
    command: 'npx tsx bench/startup.ts (after npm run build)',
  });
}
if (startup) {
  table.push({
    figure: '5',
    what: 'dist/ size (target ≤ 3 MB)',
    measured: `${(startup.distBytes / 1e6).toFixed(2)} MB`,
    peer: '',
    ratio: '',
    command: 'npx tsx bench/startup.ts',
  });
}

say('Starting the sandbox (once, for every figure below)…');
const bench = await startBenchSandbox();
try {
  say(`4 and 7. Whole deploy of k8s/overlays/staging, then promotion to production (${runs} run(s))`);
  const whole = await wholeDeploy(bench, runs);
  printWholeDeploy(whole);
  const wall = (rows: typeof whole.first) => median(rows.runs.map((r) => r.wallMs));
  notes.push(
    `fig 4, phases of the new-commit deploy: ${phaseShares(whole.first)}`,
    `fig 4, phases of the no-change deploy: ${phaseShares(whole.again)}`,
    `fig 7, phases of the promotion: ${phaseShares(whole.promotion)}`,
  );
  table.push(
    {
      figure: '4',
      what: 'whole deploy of k8s/overlays/staging, new commit (builds 2 images, migrates, applies, verifies)',
      measured: s(wall(whole.first)),
      peer: '',
      ratio: '',
      command: `npx tsx bench/whole-deploy.ts ${runs}`,
    },
    {
      figure: '4',
      what: 'EKS tokens minted per deploy, new commit (distinct tokens the sandbox cluster was shown; target ≤ 2)',
      measured: String(median(whole.first.runs.map((r) => r.eksTokens))),
      peer: `eks-token starts in the same runs ${median(whole.first.runs.map((r) => r.pluginStarts))} (each signed a token without the run's cache)`,
      ratio: ratio(
        median(whole.first.runs.map((r) => r.pluginStarts)),
        median(whole.first.runs.map((r) => r.eksTokens)),
      ),
      command: `npx tsx bench/whole-deploy.ts ${runs}`,
    },
    {
      figure: '4',
      what: 'EKS tokens minted per deploy, no change (target ≤ 2)',
      measured: String(median(whole.again.runs.map((r) => r.eksTokens))),
      peer: `eks-token starts ${median(whole.again.runs.map((r) => r.pluginStarts))}`,
      ratio: ratio(
        median(whole.again.runs.map((r) => r.pluginStarts)),
        median(whole.again.runs.map((r) => r.eksTokens)),
      ),
      command: `npx tsx bench/whole-deploy.ts ${runs}`,
    },
    {
      figure: '4',
      what: 'whole deploy, the same commit again (no change)',
      measured: s(wall(whole.again)),
      peer: `new commit ${s(wall(whole.first))}`,
      ratio: ratio(wall(whole.first), wall(whole.again)),
      command: `npx tsx bench/whole-deploy.ts ${runs}`,
    },
    {
      figure: '7',
      what: `promotion of the built commit to production; images built ${whole.promotion.runs
        .map((r) => r.built.length)
        .join(', ')} (new commit: ${whole.first.runs.map((r) => r.built.length).join(', ')})`,
      measured: s(wall(whole.promotion)),
      peer: `new commit to staging ${s(wall(whole.first))}`,
      ratio: ratio(wall(whole.first), wall(whole.promotion)),
      command: `npx tsx bench/whole-deploy.ts ${runs}`,
    },
  );

  say('6b. Peak memory of the action process (1 and 50 workloads)');
  const memory: MemoryRun[] = [await deployMemory(bench, 1), await deployMemory(bench, 50)];
  printMemory(memory);
  const [one, fifty] = memory;
  if (one && fifty) {
    table.push({
      figure: '6',
      what: 'max RSS of the action (main step), first deploy of 50 workloads',
      measured: mib(fifty.mainKiB),
      peer: `1 workload ${mib(one.mainKiB)} (a reference, not a peer)`,
      ratio: '',
      command: 'npx tsx bench/deploy-memory.ts 50',
    });
  }

  say(`1. Time to verdict on a broken release (${runs} run(s); kubectl capped at ${capSeconds} s)`);
  const verdicts = await deployVerdict(bench, runs, capSeconds);
  printVerdict(verdicts, capSeconds);
  for (const row of verdicts) {
    const ours = median(row.toVerdict);
    const peer = row.kubectlCapped ? capSeconds * 1000 : (row.kubectl.toExit ?? Number.NaN);
    table.push({
      figure: '1',
      what: `verdict on a ${row.label} (returned, with rollback: ${s(median(row.toReturn))})`,
      measured: s(ours),
      peer: `kubectl rollout status ${row.kubectlCapped ? `> ${capSeconds} s (gave up at the cap)` : s(peer)}`,
      ratio: ratio(peer, ours, row.kubectlCapped ? '> ' : ''),
      command: `npx tsx bench/deploy-verdict.ts ${runs} ${capSeconds}`,
    });
  }

  say(
    `1b. Time to verdict on a crash-looping Argo Rollout (${runs} run(s); Argo's deadline ${capSeconds / 2} s)`,
  );
  const rollout = await rolloutVerdict(bench, runs, capSeconds / 2);
  printRolloutVerdict(rollout);
  table.push({
    figure: '1b',
    what: `verdict on a crash-looping Argo Rollout canary (returned, with rollback: ${s(median(rollout.toReturn))})`,
    measured: s(median(rollout.toVerdict)),
    peer: `Argo Degraded at progressDeadlineSeconds: ${s(rollout.argoToDegraded)} with ${capSeconds / 2} s (600 s by default)`,
    ratio: ratio(rollout.argoToDegraded ?? Number.NaN, median(rollout.toVerdict), ''),
    command: `npx tsx bench/rollout-verdict.ts ${runs} ${capSeconds / 2}`,
  });

  say(`2 and 3. Parallel verification of 1 / 10 / 50 Deployments (${runs} run(s))`);
  const parallel = await deployParallel(bench, runs, readyAfter);
  printParallel(parallel, readyAfter);
  for (const [count, row] of parallel) {
    table.push({
      figure: '2',
      what: `verify ${count} Deployment(s) × 2 replicas (whole engine deploy ${s(median(row.total))})`,
      measured: s(median(row.verify)),
      peer: `serial rollout status ${s(median(row.serial))}`,
      ratio: ratio(median(row.serial), median(row.verify)),
      command: `npx tsx bench/deploy-parallel.ts ${runs} ${readyAfter}`,
    });
  }
  for (const [count, row] of parallel) {
    table.push(
      {
        figure: '2',
        what: `changed release of ${count} Deployment(s), whole engine deploy (plan, apply, verify, record), settle off (target ≤ 1.1× the script: ratio ≥ 0.91)`,
        measured: s(median(row.changed)),
        peer: `apply --server-side + rollout status each ${s(median(row.naive))}`,
        ratio: ratio(median(row.naive), median(row.changed)),
        command: `npx tsx bench/deploy-parallel.ts ${runs} ${readyAfter}`,
      },
      {
        figure: '2',
        what: `…the same with the default 5 s settle window`,
        measured: s(median(row.changedSettled)),
        peer: `apply --server-side + rollout status each ${s(median(row.naive))}`,
        ratio: ratio(median(row.naive), median(row.changedSettled)),
        command: `npx tsx bench/deploy-parallel.ts ${runs} ${readyAfter}`,
      },
    );
  }
  for (const [count, row] of parallel) {
    notes.push(
      `fig 2, phases of the changed release of ${count} (settle off, last run): ${row.changedPhases}`,
    );
  }
  for (const [count, row] of parallel) {
    table.push({
      figure: '3',
      what: `kubectl processes per deploy, ${count} workload(s) (engine; PATH shim: ${row.shim.join(', ')})`,
      measured: String(median(row.processes)),
      peer: `apply + rollout status loop ${count + 1}`,
      ratio: ratio(count + 1, median(row.processes)),
      command: `npx tsx bench/deploy-parallel.ts ${runs} ${readyAfter}`,
    });
  }
} finally {
  await bench.sandbox.stop();
}

const minutes = (performance.now() - began) / 60_000;
process.stdout.write(
  `\nload average at the end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(', ')} (${cpus().length} cores)\n`,
);
say(
  `Results (${quick ? 'quick: ' : ''}${runs} run(s) per sandbox figure, medians; ratio = peer / ours; ${minutes.toFixed(1)} min in all)`,
);
console.log('| fig | what | measured | peer | ratio | command |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of table) {
  console.log(
    `| ${row.figure} | ${row.what} | ${row.measured} | ${row.peer} | ${row.ratio} | \`${row.command}\` |`,
  );
}
console.log('');
for (const note of notes) console.log(note);
console.log(
  'Phase groups: render = Check manifests + Render manifests; apply = Apply definitions + Apply configuration + Apply; ' +
    'between = gaps between phases (the deploy engine loads, kubectl proxy starts, the GitHub deployment is created); ' +
    'outside = before the first phase and after the last (Node start, summary, post step).',
);
