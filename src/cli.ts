import type { CliCommand } from './cli/command.js';
import { renderCommand } from './cli/render.js';

/** Subcommands by name; a new one is one line here and a module in src/cli/. */
const COMMANDS: Record<string, CliCommand> = {
  render: renderCommand,
};

const USAGE = `Usage: k8s-deploy <${Object.keys(COMMANDS).join('|')}> [options]`;

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name !== undefined ? COMMANDS[name] : undefined;
  if (command === undefined) {
    process.stderr.write(
      `${name === undefined ? 'No command given' : `Unknown command ${JSON.stringify(name)}`}. ${USAGE}\n`,
    );
    return 2;
  }
  return command.run(args, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  });
}

process.exitCode = await main(process.argv.slice(2));
