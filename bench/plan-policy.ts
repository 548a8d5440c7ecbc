/**
 * The plan's added cost of the built-in policy rules and of the quota and limits check (issue 18):
 * the engine's Plan phase (`dry-run: true`) against the sandbox, for
 *  - the reference deployment (k8s/overlays/staging, images patched as the action patches them),
 *    with `policy: enforce` and `policy: off`;
 *  - 50 Deployments with distinct pod templates in one namespace, with `policy: off` in a plain
 *    namespace (the baseline: the quota check lists the namespace's quotas and limits and stops),
 *    with `policy: enforce`, and with `policy: enforce` in a namespace with a ResourceQuota and a
 *    LimitRange (50 dry-run pods, the sums against the quota).
 * Also the rules alone (a pure function) over the reference deployment, in process.
 * Usage: npx tsx bench/plan-policy.ts [runs=5]
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { keyOf, refOf } from '../src/deploy/objects.js';
import type { PlannedObject } from '../src/deploy/plan.js';
import { evaluateRules } from '../src/deploy/rules.js';
import { renderManifests } from '../src/manifests/render.js';
import { deployYaml, isMain, list, median, startBenchSandbox } from './deploy-support.js';

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

function reference(): string {
  return execFileSync('kubectl', ['kustomize', 'k8s/overlays/staging'], { encoding: 'utf8' }).replace(
    /^(\s*-?\s*image:\s*)(laravel-app|frontend)\s*$/gm,
    `$1${IMAGE}/$2:3f2c1a9`,
  );
}

/** 50 Deployments, each with its own template (an env value), all passing every rule, and their PDBs. */
function fifty(namespace: string): string {
  return Array.from(
    { length: 50 },
    (_, i) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web-${i}, namespace: ${namespace}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web-${i}}}
  template:
    metadata: {labels: {app: web-${i}}}
    spec:
      containers:
        - name: web
          image: ${IMAGE}/web:3f2c1a9
          env: [{name: INDEX, value: "${i}"}]
          resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 16Mi}}
          readinessProbe: {httpGet: {path: /, port: 8080}}
          securityContext: {allowPrivilegeEscalation: false}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web-${i}, namespace: ${namespace}}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: web-${i}}}}
`,
  ).join('---\n');
}

async function planSeconds(yaml: string, policy: 'enforce' | 'off', release: string): Promise<number> {
  const run = await deployYaml(bench.sandbox, yaml, { releaseName: release, policy, dryRun: true });
  if (run.outcome.result !== 'dry-run') throw new Error(`${release}: ${run.outcome.verdict}`);
  if (
    release === 'fifty-limited' &&
    !run.log.some((line) => line.includes('Quota and limits: 50 pod template(s)'))
  )
    throw new Error('the quota check did not dry-run the 50 templates');
  const plan = run.outcome.phases.find((p) => p.name === 'Plan');
  return (plan?.durationMs ?? Number.NaN) / 1000;
}

let bench: Awaited<ReturnType<typeof startBenchSandbox>>;

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  bench = await startBenchSandbox();
  try {
    const constraints = join(bench.sandbox.stateDir, 'constraints.yaml');
    await writeFile(
      constraints,
      `apiVersion: v1
kind: Namespace
metadata: {name: limited}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: limited}
spec: {hard: {pods: "500", requests.memory: 8Gi, limits.memory: 8Gi}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: bounds, namespace: limited}
spec: {limits: [{type: Container, max: {memory: 1Gi}, defaultRequest: {cpu: 10m}}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: plain}
`,
    );
    const applied = await bench.kubectl(['apply', '-f', constraints]);
    if (applied.exitCode !== 0) throw new Error(applied.stderr);
    const cases: [string, () => Promise<number>][] = [
      ['reference deployment, policy off', () => planSeconds(reference(), 'off', 'ref')],
      ['reference deployment, policy enforce', () => planSeconds(reference(), 'enforce', 'ref')],
      ['50 Deployments, policy off, no quota (baseline)', () => planSeconds(fifty('plain'), 'off', 'fifty')],
      ['50 Deployments, policy enforce, no quota', () => planSeconds(fifty('plain'), 'enforce', 'fifty')],
      [
        '50 Deployments, policy enforce, ResourceQuota + LimitRange',
        () => planSeconds(fifty('limited'), 'enforce', 'fifty-limited'),
      ],
    ];
    const results = new Map<string, number[]>(cases.map(([name]) => [name, []]));
    // Interleaved, so load from other processes falls on every case alike.
    for (let i = 0; i < runs; i++) {
      for (const [name, run] of cases) results.get(name)?.push(await run());
    }
    for (const [name, values] of results) {
      console.log(`${name}: ${list(values.map((v) => v * 1000))} — median ${median(values).toFixed(2)} s`);
    }
    for (const [name, text] of [
      ['the reference deployment', reference()],
      ['the 50 Deployments and their PDBs', fifty('plain')],
    ] as const) {
      const objects: PlannedObject[] = renderManifests([{ name, text }]).objects.map((r) => {
        const object = load(r.yaml) as Record<string, unknown>;
        const ref = refOf(object);
        return {
          ref,
          key: keyOf(ref),
          object,
          location: r.location,
          stage: 'workloads',
          change: 'create',
          deferred: false,
        };
      });
      const started = performance.now();
      for (let i = 0; i < 1000; i++) evaluateRules(objects, { skip: new Set() });
      console.log(
        `rules alone over ${name} (${objects.length} objects): ${((performance.now() - started) / 1000).toFixed(3)} ms per evaluation (1000 runs)`,
      );
    }
  } finally {
    await bench.sandbox.stop();
  }
}

if (isMain(import.meta.url)) await main();
