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
