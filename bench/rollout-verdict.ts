/**
 * Time to verdict on a crash-looping Argo Rollout (canary steps, image ENV SANDBOX_CRASH=1, a
 * readiness probe so the canary never counts available), the engine against Argo's own verdict:
 * the stand-in controller's Degraded "ProgressDeadlineExceeded" at `progressDeadlineSeconds`.
 * The clock starts when a `kubectl get pods -w` watcher first sees CrashLoopBackOff; the engine's
 * stops at its "Deploy failed:" line and when deploy() returns (rollback and record done), Argo's
 * when a poll (every 250 ms) reads phase Degraded. Argo's run uses a shortened deadline (the cap)
 * so the bench ends: with the default 600 s its verdict comes 600 s after the last progress.
 * Usage: npx tsx bench/rollout-verdict.ts [runs=3] [argoDeadlineSeconds=30]
 */
import {
  type BenchSandbox,
  deployYaml,
  isMain,
  list,
  median,
  PodWatcher,
  pushImage,
  s,
  sleep,
  startBenchSandbox,
} from './deploy-support.js';

function rolloutApp(namespace: string, image: string, deadlineSeconds: number): string {
  return `apiVersion: v1
kind: Namespace
metadata: {name: ${namespace}}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: ${namespace}}
spec:
  replicas: 4
  progressDeadlineSeconds: ${deadlineSeconds}
  selector: {matchLabels: {app: web}}
  strategy:
    canary:
      steps: [{setWeight: 25}, {pause: {}}, {setWeight: 50}, {pause: {}}]
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ${image}
          readinessProbe:
            httpGet: {path: /healthz, port: 8080}
            initialDelaySeconds: 5
`;
}

export interface RolloutVerdictRow {
  toVerdict: number[];
  toReturn: number[];
  results: string[];
  verdict: string;
  /** CrashLoopBackOff seen → Argo's phase Degraded, with progressDeadlineSeconds = argoDeadline. */
  argoToDegraded?: number;
  argoMessage: string;
  argoDeadlineSeconds: number;
}

async function phase(bench: BenchSandbox, namespace: string): Promise<{ phase: string; message: string }> {
  const result = await bench.kubectl([
    'get',
    'rollouts.argoproj.io/web',
    '-n',
    namespace,
    '-o',
    'jsonpath={.status.phase}{"\\t"}{.status.message}',
  ]);
  const [p = '', message = ''] = result.stdout.split('\t');
  return { phase: p, message };
}

export async function rolloutVerdict(
  bench: BenchSandbox,
  runs: number,
  argoDeadlineSeconds: number,
): Promise<RolloutVerdictRow> {
  const { sandbox } = bench;
  const good = await pushImage(sandbox, 'bench/rollout', 'v1');
  const crashing = await pushImage(sandbox, 'bench/rollout', 'crash', { SANDBOX_CRASH: '1' });
  const row: RolloutVerdictRow = {
    toVerdict: [],
    toReturn: [],
    results: [],
    verdict: '',
    argoMessage: '',
    argoDeadlineSeconds,
  };
  for (let run = 1; run <= runs; run++) {
    const namespace = `ro-verdict-${run}`;
    const first = await deployYaml(sandbox, rolloutApp(namespace, good, 600), { releaseName: 'web' });
    if (first.outcome.result !== 'success') throw new Error(`good release failed: ${first.outcome.verdict}`);
    const watcher = new PodWatcher(namespace, ['CrashLoopBackOff']);
    await sleep(300);
    let lineAt: number | undefined;
    const { outcome } = await deployYaml(
      sandbox,
      rolloutApp(namespace, crashing, 600),
      { releaseName: 'web' },
      {
        onLine: (line) => {
          if (lineAt === undefined && line.startsWith('Deploy failed:')) lineAt = performance.now();
        },
      },
    );
    const returnedAt = performance.now();
    watcher.stop();
    const seen = watcher.first();
    if (seen !== undefined && lineAt !== undefined) row.toVerdict.push(lineAt - seen);
    if (seen !== undefined) row.toReturn.push(returnedAt - seen);
    row.results.push(outcome.result);
    row.verdict ||= (outcome.verdict ?? '').split('\n')[0]?.slice(0, 140) ?? '';
  }
  // Argo's own verdict: the same broken release applied with kubectl, phase polled until Degraded.
  const namespace = 'ro-verdict-argo';
  await bench.kubectl(['apply', '--server-side', '-f', '-'], {
    stdin: rolloutApp(namespace, good, argoDeadlineSeconds),
  });
  for (let i = 0; i < 240 && (await phase(bench, namespace)).phase !== 'Healthy'; i++) await sleep(250);
  const watcher = new PodWatcher(namespace, ['CrashLoopBackOff']);
  await sleep(300);
  await bench.kubectl(['apply', '--server-side', '-f', '-'], {
    stdin: rolloutApp(namespace, crashing, argoDeadlineSeconds),
  });
  const limit = performance.now() + (argoDeadlineSeconds + 60) * 1000;
  for (;;) {
    const now = await phase(bench, namespace);
    if (now.phase === 'Degraded') {
      const seen = watcher.first();
      if (seen !== undefined) row.argoToDegraded = performance.now() - seen;
      row.argoMessage = now.message;
      break;
    }
    if (performance.now() > limit) {
      row.argoMessage = `not Degraded after ${argoDeadlineSeconds + 60} s (phase ${now.phase}: ${now.message})`;
      break;
    }
    await sleep(250);
  }
  watcher.stop();
  return row;
}

export function printRolloutVerdict(row: RolloutVerdictRow): void {
  console.log(
    `\nTime to verdict on a crash-looping Argo Rollout (canary 25% step, 4 replicas, readiness probe), engine (${row.results.length} runs; progressDeadlineSeconds 600)`,
  );
  console.log(
    `  CrashLoopBackOff → verdict line median ${s(median(row.toVerdict))} (${list(row.toVerdict)}); → deploy() returned median ${s(median(row.toReturn))} (${list(row.toReturn)}); result ${row.results.join(', ')}`,
  );
  console.log(`    verdict: ${row.verdict}`);
  console.log(
    `Argo's own verdict with progressDeadlineSeconds ${row.argoDeadlineSeconds}: CrashLoopBackOff → phase Degraded ${s(row.argoToDegraded)}: ${row.argoMessage}`,
  );
}

if (isMain(import.meta.url)) {
  const [runs = 3, argoDeadlineSeconds = 30] = process.argv.slice(2).map(Number);
  const bench = await startBenchSandbox();
  try {
    printRolloutVerdict(await rolloutVerdict(bench, runs, argoDeadlineSeconds));
  } finally {
    await bench.sandbox.stop();
  }
}
