import { expect } from '@jest/globals';
import type { RunningSandbox } from '../../sandbox/testing.js';
import { addFault, clearFaults, configValue, kubectlRun } from '../deploy/support.js';

/** What the cluster holds for the test app: the live image and ConfigMap value, the records. */
export interface ClusterState {
  image: string;
  config: string;
  /** Release records, newest first: `v3 rolled-back`. */
  records: string[];
}

export async function clusterState(
  sandbox: RunningSandbox,
  namespace: string,
  release: string,
): Promise<ClusterState> {
  const image = await kubectlRun(sandbox, [
    'get',
    'deployment/web',
    '-n',
    namespace,
    '-o',
    'jsonpath={.spec.template.spec.containers[0].image}',
  ]);
  const records = await kubectlRun(sandbox, [
    'get',
    'secrets',
    '-n',
    namespace,
    '-l',
    `k8s-deploy-action/release=${release}`,
    '-o',
    'jsonpath={range .items[*]}{.metadata.labels.k8s-deploy-action/version} {.metadata.labels.k8s-deploy-action/status}{"\\n"}{end}',
  ]);
  return {
    image,
    config: await configValue(sandbox, namespace),
    records: records
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => `v${line}`)
      .sort((a, b) => Number.parseInt(b.slice(1), 10) - Number.parseInt(a.slice(1), 10)),
  };
}

/** Every ready pod of Deployment web runs `image` (the rollout really finished). */
export async function podsRun(sandbox: RunningSandbox, namespace: string): Promise<string[]> {
  const text = await kubectlRun(sandbox, [
    'get',
    'pods',
    '-n',
    namespace,
    '-l',
    'app=web',
    '-o',
    'jsonpath={range .items[*]}{.spec.containers[0].image}{"\\n"}{end}',
  ]);
  return [...new Set(text.trim().split('\n').filter(Boolean))];
}

/** Runs `work` with a fault rule in place, and always clears the faults afterwards. */
export async function withFaults<T>(
  sandbox: RunningSandbox,
  rules: Record<string, unknown>[],
  work: () => Promise<T>,
): Promise<T> {
  try {
    for (const rule of rules) await addFault(sandbox, rule);
    return await work();
  } finally {
    await clearFaults(sandbox);
  }
}

/** The log lines that name a retry, for "bounded and visible" assertions. */
export function retryLines(log: string): string[] {
  return log.split('\n').filter((line) => /\bretry \d+( of \d+)?\b/.test(line));
}

/** Every retry line's attempt number stays within its bound ("retry N of M": N ≤ M). */
export function expectBoundedRetries(lines: string[]): void {
  for (const line of lines) {
    const match = /retry (\d+) of (\d+)/.exec(line);
    if (match) expect(Number(match[1])).toBeLessThanOrEqual(Number(match[2]));
  }
}
