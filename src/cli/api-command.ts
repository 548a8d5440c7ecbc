import { KubeApi } from '../deploy/kube-api.js';
import type { Kubectl } from '../deploy/kubectl.js';
import { type Logger, StreamLogger } from '../log.js';
import { type ClusterCliDeps, interruptible, openKubectl } from './cluster.js';
import { type CliIo, EXIT, UsageError } from './command.js';

/** What a command working through the Kubernetes API is handed once connected. */
export interface ApiCommandContext {
  kubectl: Kubectl;
  api: KubeApi;
  logger: Logger;
  signal: AbortSignal;
}

/**
 * The frame of `history` and `rollback`: `parse` the command line (an error is one `error:` line
 * and exits 2 for a UsageError, else 1); then, under Ctrl-C/SIGTERM, a proven Kubectl and a
 * started KubeApi for `work`, whose exit code is the command's. An error thrown on the way is one
 * `error:` line and exits 1, or 130 when cancelled; the KubeApi is closed in every case.
 */
export async function runApiCommand<A extends { kubeconfig?: string; context?: string }>(
  io: CliIo,
  deps: ClusterCliDeps,
  parse: () => A,
  work: (args: A, context: ApiCommandContext) => Promise<number>,
): Promise<number> {
  let args: A;
  try {
    args = parse();
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n`);
    return error instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
  const logger = new StreamLogger((line) => io.stderr(`${line}\n`));
  return interruptible(deps, logger, async (signal) => {
    let api: KubeApi | undefined;
    try {
      const kubectl = await openKubectl(args, { runner: deps.runner, env: io.env, logger, signal });
      api = await KubeApi.start(kubectl);
      return await work(args, { kubectl, api, logger, signal });
    } catch (error) {
      io.stderr(`error: ${(error as Error).message}\n`);
      return signal.aborted ? EXIT.cancelled : EXIT.failed;
    } finally {
      await api?.close();
    }
  });
}

/**
 * Where a command looks for release records: --namespace, else the kubeconfig context's
 * namespace (where a deploy without the namespace input put them), else `default`.
 */
export async function recordsNamespace(given: string | undefined, kubectl: Kubectl): Promise<string> {
  return given ?? (await kubectl.contextNamespace()) ?? 'default';
}
