/**
 * Peak memory (max RSS) of the action process deploying N workloads: the bundled action
 * (dist/index.js) through the runner stand-in, preloaded with bench/max-rss.cjs, which writes
 * `process.resourceUsage().maxRSS` at exit. A workspace of its own: one FROM-scratch image built
 * and pushed, N Deployments × 2 replicas using it, each with a Service. 1 workload for scale.
 * Usage: npx tsx bench/deploy-memory.ts [workloads=50]
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jobEnv, newCommit, type TimedRun, timedAction } from './action-support.js';
import { type BenchSandbox, isMain, s, startBenchSandbox } from './deploy-support.js';

const PRELOAD = join(dirname(fileURLToPath(import.meta.url)), 'max-rss.cjs');

function manifests(namespace: string, count: number): string {
  const workloads = Array.from(
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
          image: bench-app
          ports: [{containerPort: 8080}]
          resources: {requests: {cpu: 50m, memory: 64Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: svc-${i}, namespace: ${namespace}}
spec:
  selector: {app: svc-${i}}
  ports: [{port: 80, targetPort: 8080}]
`,
  );
  return [`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${namespace}}\n`, ...workloads].join('---\n');
}

export interface MemoryRun {
  workloads: number;
  /** Peak RSS of the main step's process, KiB. */
  mainKiB: number;
  postKiB?: number;
  /** Node processes kubectl started for its credentials (the kubeconfig's exec plugin). */
  tokenProcesses: number;
  /** The same, by the command of the kubectl that started them: `proxy 3, apply 2, …`. */
  tokensByCommand: string;
  run: TimedRun;
}

export async function deployMemory(bench: BenchSandbox, workloads: number): Promise<MemoryRun> {
  const workspace = await mkdtemp(join(bench.sandbox.stateDir, `memory-${workloads}-`));
  await mkdir(join(workspace, 'app'));
  await mkdir(join(workspace, 'k8s'));
  await writeFile(join(workspace, 'app/Dockerfile'), 'FROM scratch\nCOPY release.txt /release.txt\n');
  await writeFile(join(workspace, 'app/release.txt'), `${workspace}\n`);
  await writeFile(join(workspace, 'k8s/workloads.yaml'), manifests(`memory-${workloads}`, workloads));
  const rssLog = join(workspace, 'rss.jsonl');
  const callsBefore = (await bench.kubectlCalls()).length;
  await writeFile(rssLog, '');
  const run = await timedAction(bench, {
    workspace,
    inputs: {
      images: 'bench-app:\n  context: app',
      'create-repositories': 'true',
      'cluster-name': bench.sandbox.env.SANDBOX_CLUSTER_NAME ?? '',
      manifests: 'k8s',
      'release-name': `memory-${workloads}`,
      'rollout-timeout': '2m',
    },
    env: jobEnv(bench, newCommit(), { NODE_OPTIONS: `--require ${PRELOAD}`, BENCH_RSS_LOG: rssLog }),
  });
  if (run.exitCode !== 0)
    throw new Error(`deploy of ${workloads} workloads: ${run.result}\n${run.log.slice(-3000)}`);
  const lines = (await readFile(rssLog, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map(
      (line) =>
        JSON.parse(line) as {
          script: string;
          ppid: number;
          args: string[];
          post: boolean;
          maxRssKiB: number;
        },
    );
  // Only the action's own processes: NODE_OPTIONS also reaches the eks-token plugin kubectl starts.
  const action = lines.filter((l) => resolve(l.script).endsWith(join('dist', 'index.js')));
  const main = action.find((l) => !l.post);
  if (!main) throw new Error(`no max RSS was written for dist/index.js (log: ${lines.length} lines)`);
  const tokens = lines.filter((l) => l.args.includes('eks-token'));
  const calls = (await bench.kubectlCalls()).slice(callsBefore);
  const byCommand = new Map<string, { kubectl: number; tokens: number }>();
  for (const call of calls) {
    const entry = byCommand.get(call.command) ?? { kubectl: 0, tokens: 0 };
    entry.kubectl += 1;
    entry.tokens += tokens.filter((t) => t.ppid === call.pid).length;
    byCommand.set(call.command, entry);
  }
  return {
    workloads,
    mainKiB: main.maxRssKiB,
    postKiB: action.find((l) => l.post)?.maxRssKiB,
    tokenProcesses: tokens.length,
    tokensByCommand: [...byCommand]
      .map(([command, { kubectl, tokens }]) => `${command} ×${kubectl}: ${tokens}`)
      .join(', '),
    run,
  };
}

export const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;

export function printMemory(runs: MemoryRun[]): void {
  console.log('\nPeak memory (max RSS) of the action process, bundled action, first deploy of N workloads');
  for (const m of runs) {
    console.log(
      `  ${String(m.workloads).padStart(2)} workload(s) (Deployment + Service each): main step ${mib(m.mainKiB)}` +
        `${m.postKiB === undefined ? '' : `, post step ${mib(m.postKiB)}`}; deploy took ${s(m.run.wallMs)}, ` +
        `${m.run.kubectlProcesses} kubectl processes, ${m.tokenProcesses} eks-token processes (the exec plugin; ` +
        `by kubectl command: ${m.tokensByCommand})`,
    );
  }
}

if (isMain(import.meta.url)) {
  const [workloads = 50] = process.argv.slice(2).map(Number);
  const bench = await startBenchSandbox();
  try {
    printMemory([await deployMemory(bench, 1), await deployMemory(bench, workloads)]);
  } finally {
    await bench.sandbox.stop();
  }
}
