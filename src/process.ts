import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Written to the process's standard input, then closed. Secrets go here, never in args. */
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called with each chunk of output as it arrives (for streaming logs). */
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with an argument array (never through a shell). Resolves with any exit code. */
export interface ProcessRunner {
  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

export class NodeProcessRunner implements ProcessRunner {
  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        options.onStdout?.(chunk);
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        options.onStderr?.(chunk);
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        reject(error.code === 'ENOENT' ? new Error(`${command} was not found on PATH.`) : error);
      });
      child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr }));
      child.stdin.on('error', () => {}); // the program may exit before reading its input
      child.stdin.end(options.stdin ?? '');
    });
  }
}
