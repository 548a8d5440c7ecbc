import { type CliIo, type CommandEntry, EXIT, EXIT_CODE_MEANINGS, UsageError } from './command.js';

/**
 * The top level of `k8s-deploy`: `--version`, help (`--help`, `-h`, `help [COMMAND]`, `COMMAND --help`),
 * answered from the command table alone, or the named command, loaded only now (kubectl starts
 * `eks-token` for every token, and it needs neither the YAML parser nor the deploy engine).
 * Resolves to the exit code; a usage error is one line on stderr and exit code 2.
 */
export async function runCli(
  argv: readonly string[],
  commands: readonly CommandEntry[],
  io: CliIo,
): Promise<number> {
  const find = (name: string) => commands.find((command) => command.name === name);
  const expected = `Expected one of ${commands.map((command) => command.name).join(', ')} (k8s-deploy --help says what each does).`;
  const usageError = (sentence: string) => {
    io.stderr(`error: ${sentence}\n`);
    return EXIT.usage;
  };
  const [name, ...args] = argv;
  if (name === undefined) return usageError(`No command given. ${expected}`);
  if (name === '--version') {
    if (args.length > 0) {
      return usageError(
        `Unexpected argument ${JSON.stringify(args[0])} after --version. Expected --version alone.`,
      );
    }
    // Loaded only when asked: kubectl starts eks-token, through this file, for every token.
    io.stdout(`k8s-deploy ${(await import('../version.js')).VERSION}\n`);
    return EXIT.success;
  }
  if (name === '--help' || name === '-h' || (name === 'help' && args.length === 0)) {
    io.stdout(topLevelHelp(commands));
    return EXIT.success;
  }
  if (name === 'help') {
    const [topic = '', ...rest] = args;
    const command = find(topic);
    if (command === undefined) return usageError(`Unknown command ${JSON.stringify(topic)}. ${expected}`);
    if (rest.length > 0) {
      return usageError(
        `Unexpected argument ${JSON.stringify(rest[0])} after 'help ${topic}'. Expected one command name at most.`,
      );
    }
    io.stdout(commandHelp(command));
    return EXIT.success;
  }
  const command = find(name);
  if (command === undefined) {
    const what = name.startsWith('-') ? 'option' : 'command';
    return usageError(`Unknown ${what} ${JSON.stringify(name)}. ${expected}`);
  }
  // Anywhere among the options, as people type it last; after `--` it is a value, not a flag.
  const end = args.indexOf('--');
  if ((end < 0 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h')) {
    io.stdout(commandHelp(command));
    return EXIT.success;
  }
  try {
    return await (await command.load()).run([...args], io);
  } catch (error) {
    // Commands report their own errors; this is the net for one that throws instead.
    io.stderr(`error: ${(error as Error).message}\n`);
    return error instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
}

/** `k8s-deploy --help`: every command with its one-line summary, and the exit codes. */
export function topLevelHelp(commands: readonly CommandEntry[]): string {
  return [
    'k8s-deploy: the command line of k8s-deploy-action (the same code the action runs).',
    '',
    'Usage: k8s-deploy <command> [options]',
    '       k8s-deploy help <command>     the options of one command, as does <command> --help',
    '       k8s-deploy --version          the version of k8s-deploy-action this is',
    '',
    'Commands:',
    ...table(commands.map((command) => [command.name, command.summary])),
    '',
    ...exitCodes(),
  ].join('\n');
}

/** `k8s-deploy NAME --help` and `k8s-deploy help NAME`. */
export function commandHelp(command: CommandEntry): string {
  const options: (readonly [string, string])[] = [
    ...(command.options ?? []),
    ['-h, --help', 'Show this help.'],
  ];
  return [
    `k8s-deploy ${command.name}: ${command.summary}`,
    '',
    command.usage,
    '',
    'Options:',
    ...table(options),
    '',
    ...exitCodes(),
  ].join('\n');
}

function exitCodes(): string[] {
  return ['Exit codes:', ...table(EXIT_CODE_MEANINGS.map(([code, meaning]) => [String(code), meaning])), ''];
}

/** Two columns, the first padded to its widest entry. */
function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}
