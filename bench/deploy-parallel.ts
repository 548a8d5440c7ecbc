/**
 * Verification of 1, 10 and 50 Deployments whose pods get ready after a delay, the engine
 * (all watched at once: its Verify phase) against a serial loop of
 * `kubectl rollout status deployment/X` as Azure/k8s-deploy does it, each on a fresh
 * namespace; and the kubectl processes per deploy (outcome.kubectlProcesses, and a PATH shim).
 * Usage: npx tsx bench/deploy-parallel.ts [runs=2] [readyAfterSeconds=30] (simulated seconds;
 * at the sandbox's time scale 0.05, 30 s is 1.5 s real)
 */
import {
  type BenchSandbox,
  deployYaml,
  isMain,
  list,
  median,
  pushImage,
  s,
  startBenchSandbox,
} from './deploy-support.js';

export const SIZES = [1, 10, 50];

function workloads(
  image: string,
  readyAfter: number,
  namespace: string,
  count: number,
  version = 'v1',
): string {
  const deployments = Array.from(
    { length: count },
    (_, i) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: svc-${i}, namespace: ${namespace}}
spec:
  replicas: 2
  selector: {matchLabels: {app: svc-${i}}}
  template:
    metadata: {labels: {app: svc-${i}}}
    spec:
      containers:
        - name: app
          image: ${image}
          env: [{name: SANDBOX_READY_AFTER_SECONDS, value: "${readyAfter}"}, {name: RELEASE, value: "${version}"}]
`,
  );
  return [`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${namespace}}\n`, ...deployments].join('---\n');
}

export interface ParallelRow {
  verify: number[];
  total: number[];
  processes: number[];
  phases: string;
  shim: number[];
  serial: number[];
  serialApply: number[];
  /** A changed release (every pod template) over the first: the engine's whole deploy, settle off. */
  changed: number[];
  /** …the same with the default 5 s settle window. */
  changedSettled: number[];
  /** …and `kubectl apply --server-side -f` then `kubectl rollout status` per Deployment, whole. */
  naive: number[];
  /** Phases of the last changed release (settle off). */
  changedPhases: string;
}

export async function deployParallel(
  bench: BenchSandbox,
  runs: number,
  readyAfter: number,
  sizes: number[] = SIZES,
): Promise<Map<number, ParallelRow>> {
  const { sandbox } = bench;
  const image = await pushImage(sandbox, 'bench/app', 'v1');
  const rows = new Map<number, ParallelRow>();
  for (const count of sizes) {
    const row: ParallelRow = {
      verify: [],
      total: [],
      processes: [],
      phases: '',
      shim: [],
      serial: [],
      serialApply: [],
      changed: [],
      changedSettled: [],
      naive: [],
      changedPhases: '',
    };
    rows.set(count, row);
    for (let run = 1; run <= runs; run++) {
      // The engine: one deploy of the whole set, first release.
      const before = await bench.kubectlCount();
      const started = performance.now();
      const { outcome } = await deployYaml(
        sandbox,
        workloads(image, readyAfter, `engine-${count}-${run}`, count),
        {
          releaseName: 'bench',
          rolloutTimeoutMs: 120_000,
          // Like for like with `kubectl rollout status`, which is done at readiness: no settle
          // window (with the default 5 s, Verify is max(readiness, 5 s) at every count).
          rolloutSettleMs: 0,
        },
      );
      row.total.push(performance.now() - started);
      if (outcome.result !== 'success')
        throw new Error(`engine deploy of ${count} failed: ${outcome.verdict}`);
      row.verify.push(outcome.phases.find((p) => p.name === 'Verify')?.durationMs ?? Number.NaN);
      row.processes.push(outcome.kubectlProcesses);
      row.phases = outcome.phases.map((p) => `${p.name} ${s(p.durationMs)}`).join(', ');
      row.shim.push((await bench.kubectlCount()) - before);

      // The serial loop: apply, then rollout status one Deployment after the other.
      const namespace = `serial-${count}-${run}`;
      const applyStarted = performance.now();
      const applied = await bench.kubectl(['apply', '--server-side', '-f', '-'], {
        stdin: workloads(image, readyAfter, namespace, count),
      });
      if (applied.exitCode !== 0) throw new Error(`kubectl apply failed: ${applied.stderr}`);
      const loopStarted = performance.now();
      row.serialApply.push(loopStarted - applyStarted);
      for (let i = 0; i < count; i++) {
        const result = await bench.kubectl([
          'rollout',
          'status',
          `deployment/svc-${i}`,
          '-n',
          namespace,
          '--timeout=120s',
        ]);
        if (result.exitCode !== 0) throw new Error(`rollout status svc-${i}: ${result.stderr}`);
      }
      row.serial.push(performance.now() - loopStarted);

      // A changed release over the first, side by side: the engine (settle off, then on) and
      // the naive script, each the whole thing from its start to its verdict.
      const engineNs = `engine-${count}-${run}`;
      const changedStarted = performance.now();
      const changed = await deployYaml(sandbox, workloads(image, readyAfter, engineNs, count, 'v2'), {
        releaseName: 'bench',
        rolloutTimeoutMs: 120_000,
        rolloutSettleMs: 0,
      });
      row.changed.push(performance.now() - changedStarted);
      if (changed.outcome.result !== 'success')
        throw new Error(`changed release of ${count} failed: ${changed.outcome.verdict}`);
      row.changedPhases = changed.outcome.phases.map((p) => `${p.name} ${s(p.durationMs)}`).join(', ');
      const settledStarted = performance.now();
      const settled = await deployYaml(sandbox, workloads(image, readyAfter, engineNs, count, 'v3'), {
        releaseName: 'bench',
        rolloutTimeoutMs: 120_000,
        rolloutSettleMs: 5000,
      });
      row.changedSettled.push(performance.now() - settledStarted);
      if (settled.outcome.result !== 'success')
        throw new Error(`changed release (settle 5 s) of ${count} failed: ${settled.outcome.verdict}`);
      const naiveStarted = performance.now();
      const reapplied = await bench.kubectl(['apply', '--server-side', '-f', '-'], {
        stdin: workloads(image, readyAfter, namespace, count, 'v2'),
      });
      if (reapplied.exitCode !== 0) throw new Error(`kubectl apply failed: ${reapplied.stderr}`);
      for (let i = 0; i < count; i++) {
        const result = await bench.kubectl([
          'rollout',
          'status',
          `deployment/svc-${i}`,
          '-n',
          namespace,
          '--timeout=120s',
        ]);
        if (result.exitCode !== 0) throw new Error(`rollout status svc-${i}: ${result.stderr}`);
      }
      row.naive.push(performance.now() - naiveStarted);
    }
  }
  return rows;
}

export function printParallel(rows: Map<number, ParallelRow>, readyAfter: number): void {
  const runs = rows.values().next().value?.verify.length ?? 0;
  console.log(
    `\nVerification of N Deployments, engine vs a serial kubectl rollout status loop (${runs} run(s) per size; ` +
      `2 replicas each, ready ${readyAfter} s simulated = ${(readyAfter * 0.05).toFixed(2)} s real after start; engine with rollout-settle 0, as rollout status has none)`,
  );
  for (const [count, row] of rows) {
    console.log(
      `  ${String(count).padStart(2)} Deployments: engine Verify median ${s(median(row.verify))} (${list(row.verify)}), ` +
        `whole deploy ${s(median(row.total))} (${list(row.total)}); ` +
        `serial rollout status median ${s(median(row.serial))} (${list(row.serial)}) after apply ${s(median(row.serialApply))}; ` +
        `kubectl processes per deploy ${row.processes.join(', ')} (shim: ${row.shim.join(', ')})`,
    );
    console.log(`      engine phases (last run): ${row.phases}`);
    console.log(
      `      changed release: engine ${s(median(row.changed))} (${list(row.changed)}), with the 5 s settle window ${s(median(row.changedSettled))} (${list(row.changedSettled)}); ` +
        `apply --server-side + rollout status per Deployment ${s(median(row.naive))} (${list(row.naive)})`,
    );
    console.log(`      engine phases, changed release (last run): ${row.changedPhases}`);
  }
}

if (isMain(import.meta.url)) {
  const [runs = 2, readyAfter = 30] = process.argv.slice(2).map(Number);
  const bench = await startBenchSandbox();
  try {
    printParallel(await deployParallel(bench, runs, readyAfter), readyAfter);
  } finally {
    await bench.sandbox.stop();
  }
}
