import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StartSandboxOptions {
  /** Default: a fresh temporary directory, removed on stop. */
  stateDir?: string;
  timeScale?: number;
  /** false: registry, docker shim and ECR/EKS only. Default true. */
  kubernetes?: boolean;
  clusterName?: string;
  /** More EKS clusters (`--extra-cluster`), each its own API server; listed in env.SANDBOX_CLUSTERS. */
  extraClusters?: string[];
}

export interface RunningSandbox {
  /** The variables of STATE/env, to spread into a child process's environment. */
  env: Record<string, string>;
  stateDir: string;
  /** The sandbox's process id, so tests can prove it is gone after stop(). */
  pid: number;
  /** Settles when the sandbox process exits, with its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const READY_TIMEOUT_MS = 20_000;

/** Parses the `export NAME='value'` lines the sandbox writes. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^export ([A-Z_][A-Z0-9_]*)='(.*)'$/.exec(line);
    if (match?.[1]) env[match[1]] = (match[2] ?? '').replaceAll("'\\''", "'");
  }
  return env;
}

/**
 * Starts the sandbox the way `npm run sandbox` does (same entry point, in a child process),
 * waits for "sandbox ready" and reads STATE/env. stop() sends SIGTERM and waits for the exit.
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'k8s-deploy-sandbox-')));
  const args = ['--import', 'tsx', join(REPO_ROOT, 'sandbox/main.ts'), '--state-dir', stateDir];
  args.push('--time-scale', String(options.timeScale ?? 0.05), '--stop-on-stdin-close');
  if (options.kubernetes === false) args.push('--without-kubernetes');
  if (options.clusterName) args.push('--cluster-name', options.clusterName);
  for (const name of options.extraClusters ?? []) args.push('--extra-cluster', name);
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitForReady(child);
  } catch (error) {
    child.kill('SIGKILL'); // docker-registry follows: its supervising pipe closes with the sandbox
    if (!options.stateDir) await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
  const env = parseEnvFile(await readFile(join(stateDir, 'env'), 'utf8'));
  return {
    env,
    stateDir,
    pid: child.pid ?? 0,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      // The sandbox removes it itself, unless it was killed outright.
      if (env.SANDBOX_PODMAN_RUNROOT) await rm(env.SANDBOX_PODMAN_RUNROOT, { recursive: true, force: true });
      if (!options.stateDir) await rm(stateDir, { recursive: true, force: true });
    },
  };
}

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`The sandbox did not get ready within ${READY_TIMEOUT_MS} ms:\n${output}`)),
      READY_TIMEOUT_MS,
    );
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('sandbox ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The sandbox exited with code ${code} before it was ready:\n${output}`));
    });
  });
}
