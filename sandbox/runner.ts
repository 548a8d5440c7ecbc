import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A stand-in for the GitHub Actions runner: runs the bundled action (dist/index.js, then again as
 * its post step, with the state the main step saved) with INPUT_* variables and the runner's file commands, and reads back
 * what a runner would: outputs, saved state, the job summary, and the log with secrets masked.
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface ActionRun {
  exitCode: number;
  postExitCode: number;
  /** What the processes printed, unmasked, exactly as the runner receives it. */
  rawOutput: string;
  /** The log as the runner shows it: the job token, secrets and `::add-mask::` values replaced by `***`. */
  log: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** Everything RUNNER_TEMP and HOME held when the run ended (path → content), then removed. */
  leftBehind: Record<string, string>;
  /** Everything RUNNER_TEMP and HOME held after the main step, before the post step ran. */
  betweenSteps: Record<string, string>;
  /** The values the action asked the runner to mask. */
  masked: string[];
}

export interface RunActionOptions {
  /**
   * Action inputs by their kebab-case names. `github-token` defaults to the env's
   * SANDBOX_GITHUB_TOKEN, as GitHub evaluates the input's default `${{ github.token }}`.
   */
  inputs: Record<string, string>;
  /**
   * The environment (the sandbox's env, GITHUB_SHA, ...), on top of PATH and HOME. The sandbox's
   * GitHub tokens (SANDBOX_GITHUB_TOKEN, SANDBOX_GITHUB_READONLY_TOKEN) are not passed on: an
   * action sees a token only through its input.
   */
  env: Record<string, string>;
  /** Where the workflow's checkout is; default the repository root. */
  workspace?: string;
  /** The script to run as the action (main and post step); default the bundle, dist/index.js. */
  entry?: string;
  /** Cancel the run as GitHub does (SIGINT, SIGTERM 7.5 s later) once its output matches this. */
  cancelWhen?: RegExp;
  /**
   * Kill the main step with SIGKILL (its whole process group, kubectl included) once its output
   * matches this: a runner that died, or a job past `timeout-minutes`. The post step still runs.
   */
  killWhen?: RegExp;
  /** Echo the log (masked) as it arrives. */
  echo?: (text: string) => void;
}

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const root = await mkdtemp(join(tmpdir(), 'k8s-deploy-runner-'));
  try {
    return await runIn(root, options);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function runIn(root: string, options: RunActionOptions): Promise<ActionRun> {
  // A runner's own HOME and RUNNER_TEMP: what the action (and docker, kubectl) leave there is seen.
  const home = join(root, 'home');
  const runnerTemp = join(root, 'temp');
  await mkdir(home, { recursive: true });
  await mkdir(runnerTemp, { recursive: true });
  const files = {
    GITHUB_OUTPUT: join(root, 'output'),
    GITHUB_STATE: join(root, 'state'),
    GITHUB_STEP_SUMMARY: join(root, 'summary.md'),
    GITHUB_ENV: join(root, 'env'),
    GITHUB_PATH: join(root, 'path'),
  };
  await Promise.all(Object.values(files).map((file) => writeFile(file, '')));
  // The job's token reaches the action only as the `github-token` input, whose default
  // `${{ github.token }}` GitHub evaluates; a test may pass its own (e.g. the read-only token).
  const {
    SANDBOX_GITHUB_TOKEN: jobToken,
    SANDBOX_GITHUB_READONLY_TOKEN: readOnlyToken,
    ...actionEnv
  } = options.env;
  const inputs = { ...options.inputs };
  if (inputs['github-token'] === undefined && jobToken) inputs['github-token'] = jobToken;
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace ?? REPO_ROOT,
    RUNNER_TEMP: runnerTemp,
    // Where docker keeps its login on a runner (docker's default, ~/.docker): named here because the
    // sandbox's docker shim otherwise keeps it in the sandbox's state directory.
    DOCKER_CONFIG: join(home, '.docker'),
    ...files,
    ...actionEnv, // GITHUB_API_URL included: the sandbox's GitHub stand-in
    ...inputEnv,
  };
  const entry = options.entry ?? join(REPO_ROOT, 'dist/index.js');
  const masked: string[] = [];
  // The runner masks the job token (and secrets) before any step runs, without an ::add-mask::.
  const runnerSecrets = [jobToken, readOnlyToken, inputs['github-token']].filter((secret): secret is string =>
    Boolean(secret),
  );
  const mask = (text: string) =>
    [...runnerSecrets, ...masked].reduce((out, secret) => out.split(secret).join('***'), text);
  let rawOutput = '';
  let log = '';
  const onOutput = (chunk: string) => {
    rawOutput += chunk;
    for (const match of chunk.matchAll(/^::add-mask::(.*)$/gm)) if (match[1]) masked.push(match[1]);
    const shown = mask(chunk);
    log += shown;
    options.echo?.(shown);
  };

  const exitCode = await runNode(
    entry,
    env,
    options.workspace ?? REPO_ROOT,
    onOutput,
    options.cancelWhen,
    options.killWhen,
  );
  const betweenSteps = await readTree([runnerTemp, home]);
  const state = parseFileCommands(await readFile(files.GITHUB_STATE, 'utf8'));
  const stateEnv = Object.fromEntries(Object.entries(state).map(([name, value]) => [`STATE_${name}`, value]));
  const postExitCode = await runNode(
    entry,
    { ...env, ...stateEnv },
    options.workspace ?? REPO_ROOT,
    onOutput,
  );
  return {
    exitCode,
    postExitCode,
    rawOutput,
    log,
    outputs: parseFileCommands(await readFile(files.GITHUB_OUTPUT, 'utf8')),
    state,
    summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
    leftBehind: await readTree([runnerTemp, home]),
    betweenSteps,
    masked,
  };
}

/** What GitHub's runner does when a workflow is cancelled: SIGINT, then SIGTERM 7.5 s later. */
const CANCEL_TERM_AFTER_MS = 7500;

function runNode(
  script: string,
  env: Record<string, string>,
  cwd: string,
  onOutput: (chunk: string) => void,
  cancelWhen?: RegExp,
  killWhen?: RegExp,
) {
  return new Promise<number>((done, fail) => {
    const child = spawn(process.execPath, [script], {
      env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      // A group of its own to kill whole, as a runner kills a step's process tree.
      detached: killWhen !== undefined,
    });
    let output = '';
    let term: NodeJS.Timeout | undefined;
    let killed = false;
    let seen = '';
    const watch = (chunk: string) => {
      onOutput(chunk);
      if (killWhen && !killed) {
        seen += chunk;
        if (killWhen.test(seen)) {
          killed = true;
          process.kill(-(child.pid ?? 0), 'SIGKILL');
        }
      }
      if (!cancelWhen || term) return;
      output += chunk;
      if (cancelWhen.test(output)) {
        child.kill('SIGINT');
        term = setTimeout(() => child.kill('SIGTERM'), CANCEL_TERM_AFTER_MS);
      }
    };
    child.stdout.setEncoding('utf8').on('data', watch);
    child.stderr.setEncoding('utf8').on('data', watch);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      if (term) clearTimeout(term);
      done(code ?? (signal ? 128 : 1));
    });
  });
}

async function readTree(dirs: string[]): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const dir of dirs) {
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) {
        const path = join(entry.parentPath, entry.name);
        files[path] = await readFile(path, 'utf8');
      }
    }
  }
  return files;
}

/** Reads the runner's file-command format: `name=value` lines and `name<<DELIM … DELIM` blocks. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter ?? '', i + 1);
      if (end < 0) throw new Error(`File command '${name}' has no closing delimiter.`);
      values[name ?? ''] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return values;
}
