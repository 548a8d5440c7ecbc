import { parseSandboxArgs } from './args.js';
import { startSandbox } from './sandbox.js';

async function main(): Promise<void> {
  const options = parseSandboxArgs(process.argv.slice(2));
  const sandbox = await startSandbox(options);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await sandbox.close();
    process.stdout.write('sandbox stopped\n');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // A test runner that dies cannot send a signal; its end of our stdin closing is the sign.
  if (options.stopOnStdinClose) process.stdin.on('end', stop).resume();
  process.stdout.write(`sandbox ready: source ${options.stateDir}/env\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
