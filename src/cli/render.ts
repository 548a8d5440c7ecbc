import { InputError, parseNamespace } from '../inputs.js';
import { StreamLogger } from '../log.js';
import { imageReplacements } from '../manifests/images.js';
import { renderPhase, traceabilityOf } from '../pipeline.js';
import { NodeProcessRunner } from '../process.js';
import { type CliCommand, type CliIo, optionError, parseCommandLine, UsageError } from './command.js';

// The same line as the command table's (src/cli.ts), which `k8s-deploy render --help` shows; a
// test keeps the two equal. This module is loaded only to run, so it cannot share the table.
const USAGE =
  'Usage: k8s-deploy render --manifests PATH [--manifests PATH ...] [--image NAME=REF ...] [--namespace NS]';

/**
 * `render`: prints the rendered manifests on stdout (progress and errors go to stderr, so the
 * output can be piped into `kubectl apply -f -`). Traceability annotations come from the
 * GitHub Actions variables when they are set (GITHUB_SHA, GITHUB_SERVER_URL, ...).
 */
export const renderCommand: CliCommand = {
  async run(args: string[], io: CliIo): Promise<number> {
    try {
      const values = parseCommandLine(
        args,
        {
          manifests: { type: 'string', multiple: true },
          image: { type: 'string', multiple: true },
          namespace: { type: 'string' },
        },
        USAGE,
      );
      if (!values.manifests?.length) throw new UsageError(`Option --manifests is required. ${USAGE}`);
      const images = imageReplacements((values.image ?? []).map(splitImageFlag));
      // Checked as deploy checks it (the action's input), so both say the same and exit 2.
      let namespace: string | undefined;
      try {
        namespace = parseNamespace(values.namespace || undefined);
      } catch (error) {
        throw error instanceof InputError ? optionError(error.message) : error;
      }
      const result = await renderPhase(
        values.manifests,
        { images, namespace, traceability: traceabilityOf(undefined, io.env) },
        {
          runner: new NodeProcessRunner(),
          logger: new StreamLogger((line) => io.stderr(`${line}\n`)),
          env: io.env,
        },
      );
      io.stdout(result.yaml);
      return 0;
    } catch (error) {
      // Every error here is already one sentence (kubectl missing, a bad workspace, a manifest).
      io.stderr(`error: ${(error as Error).message}\n`);
      return error instanceof UsageError ? 2 : 1;
    }
  },
};

export function splitImageFlag(flag: string): [string, string] {
  const eq = flag.indexOf('=');
  if (eq <= 0 || eq === flag.length - 1) {
    throw new UsageError(
      `Option --image ${JSON.stringify(flag)} is not NAME=REF; expected e.g. --image api=123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:v1.`,
    );
  }
  return [flag.slice(0, eq), flag.slice(eq + 1)];
}
