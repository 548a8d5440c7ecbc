import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Written to the process's standard input, then closed. Secrets go here, never in args. */
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called with each chunk of output as it arrives (for streaming logs). */
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** Killed (SIGTERM, then SIGKILL 2 s later) when it runs longer; the result says timedOut. */
  timeoutMs?: number;
  /** Killed the same way when this aborts; the result says cancelled. */
  signal?: AbortSignal;
  /**
   * At most this many characters of each stream are kept (the last ones: errors come at the end);
   * the callbacks still see everything. Default 8 MiB.
   */
  maxOutputChars?: number;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the process was killed for running past timeoutMs. */
  timedOut?: boolean;
  /** Set when the process was killed because the signal aborted. */
  cancelled?: boolean;
}

/** Runs a program with an argument array (never through a shell). Resolves with any exit code. */
export interface ProcessRunner {
  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

const DEFAULT_MAX_OUTPUT = 8 * 1024 * 1024;
const KILL_GRACE_MS = 2000;

export class NodeProcessRunner implements ProcessRunner {
  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        resolve({ exitCode: 130, stdout: '', stderr: '', cancelled: true });
        return;
      }
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const max = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT;
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      let cancelled = false;
      let killTimer: NodeJS.Timeout | undefined;
      const stop = () => {
        child.kill('SIGTERM');
        killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
        killTimer.unref();
      };
      const timer =
        options.timeoutMs !== undefined
          ? setTimeout(() => {
              timedOut = true;
              stop();
            }, options.timeoutMs)
          : undefined;
      const onAbort = () => {
        cancelled = true;
        stop();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout = bounded(stdout + chunk, max);
        options.onStdout?.(chunk);
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = bounded(stderr + chunk, max);
        options.onStderr?.(chunk);
      });
      const settle = () => {
        if (timer) clearTimeout(timer);
        if (killTimer) clearTimeout(killTimer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      child.on('error', (error: NodeJS.ErrnoException) => {
        settle();
        reject(error.code === 'ENOENT' ? new Error(`${command} was not found on PATH.`) : error);
      });
      child.on('close', (code, signal) => {
        settle();
        resolve({
          exitCode: code ?? (signal ? 128 : 1),
          stdout,
          stderr,
          ...(timedOut ? { timedOut } : {}),
          ...(cancelled ? { cancelled } : {}),
        });
      });
      child.stdin.on('error', () => {}); // the program may exit before reading its input
      child.stdin.end(options.stdin ?? '');
    });
  }
}

function bounded(text: string, max: number): string {
  return text.length > max ? text.slice(text.length - max) : text;
}
