/**
 * Time to verdict on a broken second release, the engine against `kubectl rollout status`.
 * Three breakages: a missing image (ErrImagePull), a crash loop (image ENV SANDBOX_CRASH=1),
 * a config error (envFrom a ConfigMap that does not exist). The clock starts when a watcher
 * (`kubectl get pods -w`) first sees the fatal waiting reason on a pod; it stops at the engine's
 * "Deploy failed:" line and when deploy() returns (after the rollback and the record).
 * Usage: npx tsx bench/deploy-verdict.ts [runs=3] [kubectlCapSeconds=60]
 */
import { deployYaml, pushImage } from '../__tests__/deploy/support.js';
import { list, median, PodWatcher, s, sleep, startBenchSandbox } from './deploy-support.js';

const [runs = 3, capSeconds = 60] = process.argv.slice(2).map(Number);
const bench = await startBenchSandbox();
const { sandbox } = bench;
const good = await pushImage(sandbox, 'bench/app', 'v1');
const crashing = await pushImage(sandbox, 'bench/app', 'crash', { SANDBOX_CRASH: '1' });
const missing = `${sandbox.env.SANDBOX_REGISTRY}/bench/app:does-not-exist`;

interface Scenario {
  name: string;
  label: string;
  /** Waiting reasons that mark the broken state. */
  reasons: string[];
  image: string;
  envFrom: string;
}
const scenarios: Scenario[] = [
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

async function engineRun(scenario: Scenario, run: number): Promise<EngineRun> {
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

async function kubectlRun(scenario: Scenario): Promise<{ toExit?: number; exitCode: number; last: string }> {
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

console.log(`\nEngine (${runs} runs each; crashloop-restarts 2, the engine's default grace periods)`);
const rows: string[] = [];
for (const scenario of scenarios) {
  const results: EngineRun[] = [];
  for (let run = 1; run <= runs; run++) results.push(await engineRun(scenario, run));
  const lines = results.flatMap((r) => (r.toLine === undefined ? [] : [r.toLine]));
  const returns = results.flatMap((r) => (r.toReturn === undefined ? [] : [r.toReturn]));
  console.log(
    `  ${scenario.label}: fatal state → verdict line median ${s(median(lines))} (${list(lines)}); ` +
      `→ deploy() returned median ${s(median(returns))} (${list(returns)}); ` +
      `result ${results.map((r) => r.result).join(', ')}`,
  );
  console.log(`    verdict: ${results[0]?.verdict}`);
  rows.push(scenario.label);
}

console.log(
  `\nkubectl rollout status --timeout=${capSeconds}s (progressDeadlineSeconds 600), the three at once`,
);
const baselines = await Promise.all(scenarios.map((scenario) => kubectlRun(scenario)));
scenarios.forEach((scenario, index) => {
  const b = baselines[index];
  if (!b) return;
  const capped = b.exitCode !== 0 && (b.toExit ?? 0) >= (capSeconds - 5) * 1000;
  console.log(
    `  ${scenario.label}: ${capped ? `> ${capSeconds} s (waits for the 600 s progress deadline)` : s(b.toExit)}` +
      ` after the fatal state; exit ${b.exitCode}: ${b.last.slice(0, 100)}`,
  );
});
await sandbox.stop();
