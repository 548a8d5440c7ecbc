import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Where a command writes, and the environment it reads; tests hand in their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** A bad command line; the message is one sentence. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * A bad value as the action's input checks word it ("Invalid value "x" for input 'namespace'"),
 * as a usage error worded for the command line ("... for option --namespace"): the same check
 * and sentence, naming what was typed.
 */
export function optionError(inputMessage: string): UsageError {
  return new UsageError(
    inputMessage.replace(/\b[Ii]nputs? '([a-z-]+)'/g, (_match, name: string) => `option --${name}`),
  );
}

/**
 * node:util parseArgs, strict, with its messages turned into one sentence each
 * (its own run over several lines and mention internals).
 */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  usage: string,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const flag = /'(-[^' ]*)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`Unknown option ${flag}. ${usage}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
      throw new UsageError(`Option ${flag} needs a value. ${usage}`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const value = /'([^']*)'/.exec(message)?.[1] ?? '';
      throw new UsageError(`Unexpected argument ${JSON.stringify(value)}. ${usage}`);
    }
    throw new UsageError(`${message.split('\n')[0]} ${usage}`);
  }
}

/**
 * Exit codes of every command, so that scripts and CI can tell a failed deploy from a rolled-back
 * one. `k8s-deploy --help` and the README list them from EXIT_CODE_MEANINGS below.
 */
export const EXIT = {
  success: 0,
  failed: 1,
  usage: 2,
  /** The deploy failed and the previous release was restored. */
  rolledBack: 3,
  /** Interrupted (Ctrl-C): 128 + SIGINT, what a shell reports for a process SIGINT ended. */
  cancelled: 130,
} as const;

export const EXIT_CODE_MEANINGS: readonly (readonly [code: number, meaning: string])[] = [
  [EXIT.success, 'success; for deploy, promote and reject also: waiting for promotion'],
  [EXIT.failed, 'the deploy or command failed; for diff: something would change'],
  [
    EXIT.usage,
    'usage error (unknown command or option, missing or malformed value); for diff also: it failed',
  ],
  [EXIT.rolledBack, 'rolled back: the deploy failed and the previous release was restored'],
  [EXIT.cancelled, 'cancelled (interrupted, e.g. with Ctrl-C)'],
];

/**
 * One subcommand: everything `--help` shows, and how to load its code. Help never loads the
 * module, so `k8s-deploy --help` stays instant and the module's dependencies are not needed.
 */
export interface CommandEntry {
  /** What is typed after `k8s-deploy`. */
  name: string;
  /** One line for the command list of `k8s-deploy --help`. */
  summary: string;
  /** `Usage: k8s-deploy NAME ...`, one line; the command repeats it after a usage error. */
  usage: string;
  /** Flag and one-line explanation, for `k8s-deploy NAME --help`. */
  options?: readonly (readonly [flag: string, text: string])[];
  load: () => Promise<CliCommand>;
}
