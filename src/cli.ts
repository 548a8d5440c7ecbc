import type { CliCommand } from './cli/command.js';

/**
 * Subcommands by name; a new one is one line here and a module in src/cli/. Each is loaded
 * only when run: kubectl starts `eks-token` for every token, and it needs no YAML parser.
 */
const COMMANDS: Record<string, () => Promise<CliCommand>> = {
  render: async () => (await import('./cli/render.js')).renderCommand,
  'eks-token': async () => {
    const { eksToken } = await import('./cli/eks-token.js');
    return {
      run: (args, io) =>
        eksToken(args, { stdout: { write: io.stdout }, stderr: { write: io.stderr }, env: io.env }),
    };
  },
};

const USAGE = `Usage: k8s-deploy <${Object.keys(COMMANDS).join('|')}> [options]`;

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const load = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) {
    process.stderr.write(
      `${name === undefined ? 'No command given' : `Unknown command ${JSON.stringify(name)}`}. ${USAGE}\n`,
    );
    return 2;
  }
  const command = await load();
  return command.run(args, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  });
}

process.exitCode = await main(process.argv.slice(2));
