/**
 * Shared by the deploy benchmarks: a sandbox whose env is in process.env (as the engine tests
 * do), a kubectl PATH shim that logs every process started, and small timing helpers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningSandbox, startSandbox } from '../sandbox/testing.js';
import { NodeProcessRunner, type RunResult } from '../src/process.js';

export interface BenchSandbox {
  sandbox: RunningSandbox;
  /** kubectl processes started so far (every caller: engine, watchers, baselines). */
  kubectlCount(): Promise<number>;
  /** The kubectl processes started so far: process id and first argument (the command). */
  kubectlCalls(): Promise<{ pid: number; command: string }[]>;
  kubectl(args: string[], options?: { stdin?: string; timeoutMs?: number }): Promise<RunResult>;
}

export async function startBenchSandbox(): Promise<BenchSandbox> {
  const started = performance.now();
  const sandbox = await startSandbox();
  console.log(`sandbox ready in ${((performance.now() - started) / 1000).toFixed(1)} s (time scale 0.05)`);
  // A shim first on PATH counts the kubectl processes whoever starts them. It logs its own pid,
  // which the exec'd kubectl keeps, so a credential plugin's parent pid names its kubectl.
  const real = (await new NodeProcessRunner().run('sh', ['-c', 'command -v kubectl'])).stdout.trim();
  const shimDir = await mkdtemp(join(sandbox.stateDir, 'kubectl-shim-'));
  const log = join(shimDir, 'calls.log');
  await writeFile(log, '');
  await writeFile(join(shimDir, 'kubectl'), `#!/bin/sh\necho "$$ $1" >> '${log}'\nexec '${real}' "$@"\n`);
  await chmod(join(shimDir, 'kubectl'), 0o755);
  sandbox.env.PATH = `${shimDir}:${sandbox.env.PATH ?? process.env.PATH}`;
  Object.assign(process.env, sandbox.env);
  const runner = new NodeProcessRunner();
  return {
    sandbox,
    kubectlCount: async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean).length,
    kubectlCalls: async () =>
      (await readFile(log, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => ({ pid: Number(line.split(' ')[0]), command: line.split(' ')[1] ?? '' })),
    kubectl: (args, options = {}) =>
      runner.run('kubectl', args, {
        stdin: options.stdin,
        env: { ...process.env, ...sandbox.env },
        timeoutMs: options.timeoutMs ?? 120_000,
      }),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export const s = (ms: number | undefined): string =>
  ms === undefined || Number.isNaN(ms) ? '—' : `${(ms / 1000).toFixed(2)} s`;

export function list(values: number[]): string {
  return values.map((ms) => (ms / 1000).toFixed(2)).join(', ');
}

/**
 * Watches a namespace's pods with `kubectl get pods -w` (one process, events as they come) and
 * remembers when each waiting reason of `reasons` first showed on any container.
 */
export class PodWatcher {
  readonly firstSeen = new Map<string, number>();
  private readonly child: ChildProcess;

  constructor(namespace: string, reasons: readonly string[]) {
    // -w with jsonpath prints every pod as it changes, one line each.
    const template = '{.metadata.name}{" "}{.status.containerStatuses[*].state.waiting.reason}{"\\n"}';
    this.child = spawn('kubectl', ['get', 'pods', '-n', namespace, '-w', '-o', `jsonpath=${template}`], {
      env: process.env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let buffer = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      const at = performance.now();
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        for (const reason of reasons) {
          if (line.includes(reason) && !this.firstSeen.has(reason)) this.firstSeen.set(reason, at);
        }
      }
    });
  }

  first(): number | undefined {
    const times = [...this.firstSeen.values()];
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when this module is the script tsx was asked to run (not imported by bench/all.ts). */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(moduleUrl);
}

// The engine deploy and the image push the tests use too: they live with the sandbox, free of
// jest, so neither the benchmarks nor the tests import the other's files.
export { deployYaml, pushImage } from '../sandbox/engine-deploy.js';
