/**
 * Time to verdict on a broken second release, the engine against `kubectl rollout status`.
 * Three breakages: a missing image (ErrImagePull), a crash loop (image ENV SANDBOX_CRASH=1),
 * a config error (envFrom a ConfigMap that does not exist). The clock starts when a watcher
 * (`kubectl get pods -w`) first sees the fatal waiting reason on a pod; it stops at the engine's
 * "Deploy failed:" line and when deploy() returns (after the rollback and the record).
 * Usage: npx tsx bench/deploy-verdict.ts [runs=3] [kubectlCapSeconds=60]
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

interface Scenario {
  name: string;
  label: string;
  /** Waiting reasons that mark the broken state. */
  reasons: string[];
  image: string;
  envFrom: string;
}

function scenariosOf(good: string, crashing: string, missing: string): Scenario[] {
  return [
    {
      name: 'image',
      label: 'missing image (ErrImagePull)',
      reasons: ['ErrImagePull', 'ImagePullBackOff'],
      image: missing,
      envFrom: 'settings',
    },
    {
      name: 'crash',
      label: 'crash loop (SANDBOX_CRASH=1)',
      reasons: ['CrashLoopBackOff'],
      image: crashing,
      envFrom: 'settings',
    },
    {
      name: 'config',
      label: 'config error (envFrom a missing ConfigMap)',
      reasons: ['CreateContainerConfigError'],
      image: good,
      envFrom: 'no-such-config',
    },
  ];
}

function app(namespace: string, image: string, envFrom: string): string {
  return `apiVersion: v1
kind: Namespace
metadata: {name: ${namespace}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ${namespace}}
data: {value: one}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${namespace}}
spec:
  replicas: 2
  progressDeadlineSeconds: 600
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ${image}
          envFrom: [{configMapRef: {name: ${envFrom}}}]
          readinessProbe:
            httpGet: {path: /healthz, port: 8080}
            initialDelaySeconds: 5
`;
}

interface EngineRun {
  toLine?: number;
  toReturn?: number;
  result: string;
  verdict: string;
}

async function engineRun(
  bench: BenchSandbox,
  good: string,
  scenario: Scenario,
  run: number,
): Promise<EngineRun> {
  const { sandbox } = bench;
  const namespace = `verdict-${scenario.name}-${run}`;
  const first = await deployYaml(sandbox, app(namespace, good, 'settings'), { releaseName: 'web' });
  if (first.outcome.result !== 'success') throw new Error(`good release failed: ${first.outcome.verdict}`);
  const watcher = new PodWatcher(namespace, scenario.reasons);
  await sleep(300); // the watcher's initial list
  let lineAt: number | undefined;
  const { outcome } = await deployYaml(
    sandbox,
    app(namespace, scenario.image, scenario.envFrom),
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
  return {
    toLine: seen !== undefined && lineAt !== undefined ? lineAt - seen : undefined,
    toReturn: seen !== undefined ? returnedAt - seen : undefined,
    result: outcome.result,
    verdict: (outcome.verdict ?? '').split('\n')[0]?.slice(0, 110) ?? '',
  };
}

interface KubectlRun {
  toExit?: number;
  exitCode: number;
  last: string;
}

async function kubectlRun(
  bench: BenchSandbox,
  good: string,
  scenario: Scenario,
  capSeconds: number,
): Promise<KubectlRun> {
  const namespace = `kubectl-${scenario.name}`;
  await bench.kubectl(['apply', '-f', '-'], { stdin: app(namespace, good, 'settings') });
  await bench.kubectl(['rollout', 'status', 'deployment/web', '-n', namespace, '--timeout=60s']);
  const watcher = new PodWatcher(namespace, scenario.reasons);
  await sleep(300);
  await bench.kubectl(['apply', '-f', '-'], { stdin: app(namespace, scenario.image, scenario.envFrom) });
  const result = await bench.kubectl(
    ['rollout', 'status', 'deployment/web', '-n', namespace, `--timeout=${capSeconds}s`],
    { timeoutMs: (capSeconds + 30) * 1000 },
  );
  const exitedAt = performance.now();
  watcher.stop();
  const seen = watcher.first();
  const last = `${result.stdout}${result.stderr}`.trim().split('\n').pop() ?? '';
  return { toExit: seen !== undefined ? exitedAt - seen : undefined, exitCode: result.exitCode, last };
}

export interface VerdictRow {
  label: string;
  /** Fatal state → the engine's "Deploy failed:" line, one per run. */
  toVerdict: number[];
  /** Fatal state → deploy() returned (rollback and record done). */
  toReturn: number[];
  results: string[];
  verdict: string;
  kubectl: KubectlRun;
  /** kubectl rollout status gave up at the cap without a verdict. */
  kubectlCapped: boolean;
}

export async function deployVerdict(
  bench: BenchSandbox,
  runs: number,
  capSeconds: number,
): Promise<VerdictRow[]> {
  const { sandbox } = bench;
  const good = await pushImage(sandbox, 'bench/app', 'v1');
  const crashing = await pushImage(sandbox, 'bench/app', 'crash', { SANDBOX_CRASH: '1' });
  const missing = `${sandbox.env.SANDBOX_REGISTRY}/bench/app:does-not-exist`;
  const scenarios = scenariosOf(good, crashing, missing);
  const engine: EngineRun[][] = [];
  for (const scenario of scenarios) {
    const results: EngineRun[] = [];
    for (let run = 1; run <= runs; run++) results.push(await engineRun(bench, good, scenario, run));
    engine.push(results);
  }
  // The baselines run side by side: each waits for the cap.
  const baselines = await Promise.all(
    scenarios.map((scenario) => kubectlRun(bench, good, scenario, capSeconds)),
  );
  return scenarios.map((scenario, index) => {
    const results = engine[index] ?? [];
    const kubectl = baselines[index] ?? { exitCode: -1, last: '' };
    return {
      label: scenario.label,
      toVerdict: results.flatMap((r) => (r.toLine === undefined ? [] : [r.toLine])),
      toReturn: results.flatMap((r) => (r.toReturn === undefined ? [] : [r.toReturn])),
      results: results.map((r) => r.result),
      verdict: results[0]?.verdict ?? '',
      kubectl,
      kubectlCapped: kubectl.exitCode !== 0 && (kubectl.toExit ?? 0) >= (capSeconds - 5) * 1000,
    };
  });
}

export function printVerdict(rows: VerdictRow[], capSeconds: number): void {
  const runs = rows[0]?.toVerdict.length ?? 0;
  console.log(
    `\nTime to verdict on a broken release, engine (${runs} runs each; crashloop-restarts 2, default grace periods)`,
  );
  for (const row of rows) {
    console.log(
      `  ${row.label}: fatal state → verdict line median ${s(median(row.toVerdict))} (${list(row.toVerdict)}); ` +
        `→ deploy() returned median ${s(median(row.toReturn))} (${list(row.toReturn)}); result ${row.results.join(', ')}`,
    );
    console.log(`    verdict: ${row.verdict}`);
  }
  console.log(
    `kubectl rollout status --timeout=${capSeconds}s (progressDeadlineSeconds 600), the three at once`,
  );
  for (const row of rows) {
    const b = row.kubectl;
    console.log(
      `  ${row.label}: ${row.kubectlCapped ? `> ${capSeconds} s (waits for the 600 s progress deadline)` : s(b.toExit)}` +
        ` after the fatal state; exit ${b.exitCode}: ${b.last.slice(0, 100)}`,
    );
  }
}

if (isMain(import.meta.url)) {
  const [runs = 3, capSeconds = 60] = process.argv.slice(2).map(Number);
  const bench = await startBenchSandbox();
  try {
    printVerdict(await deployVerdict(bench, runs, capSeconds), capSeconds);
  } finally {
    await bench.sandbox.stop();
  }
}
