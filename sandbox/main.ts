import { parseSandboxArgs } from './args.js';
import { type Sandbox, startSandbox } from './sandbox.js';

let starting: Promise<Sandbox> | undefined;
let stopping = false;

/**
 * Stops every part, then exits. Safe from signals at any moment: during start-up it waits for the
 * start to finish (a failed start has already stopped what it started) and then stops it all.
 */
async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const sandbox = await starting?.catch(() => undefined);
  await sandbox?.close();
  process.stdout.write('sandbox stopped\n');
  process.exit(exitCode);
}

function fail(error: unknown): void {
  process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  void stop(1);
}

async function main(): Promise<void> {
  const options = parseSandboxArgs(process.argv.slice(2));
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  // A test runner that dies cannot send a signal; its end of our stdin closing is the sign.
  if (options.stopOnStdinClose) process.stdin.on('end', () => void stop(0)).resume();
  starting = startSandbox(options);
  await starting;
  if (!stopping) process.stdout.write(`sandbox ready: source ${options.stateDir}/env\n`);
}

main().catch(fail);
