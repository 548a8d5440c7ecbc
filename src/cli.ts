const USAGE = 'Usage: k8s-deploy <render> [options]';

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  process.stderr.write(`Unknown command ${JSON.stringify(command ?? '')}. ${USAGE}\n`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
