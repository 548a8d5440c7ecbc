import os from 'node:os';
import { ApiError, type KubeApi, resourcePath } from '../deploy/kube-api.js';
import { annotationsOf, metadataOf } from '../deploy/objects.js';
import { readHistory, recordName, UNLOCKS_ANNOTATION } from '../deploy/release.js';
import { unlockRelease } from '../deploy/release-unlock.js';
import { runUrlFromEnv } from '../manifests/annotations.js';
import { NodeProcessRunner } from '../process.js';
import { recordsNamespace, runApiCommand } from './api-command.js';
import {
  CLUSTER_OPTIONS,
  type ClusterCliDeps,
  inputsFromFlags,
  processInterrupts,
  requireReleaseName,
} from './cluster.js';
import { type CliCommand, type CliIo, EXIT, parseCommandLine, UsageError } from './command.js';

// The same line as the command table's (src/cli.ts), which `--help` shows; a test keeps them equal.
export const UNLOCK_USAGE =
  'Usage: k8s-deploy unlock --holder ID [--release-name N] [--namespace NS] [--kubeconfig PATH] [--context CTX]';

interface UnlockArgs {
  releaseName: string;
  /** --namespace; unset: the context's, else `default` (see recordsNamespace). */
  namespace: string | undefined;
  holder: string;
  kubeconfig?: string;
  context?: string;
}

function parseUnlockArgs(args: string[], env: NodeJS.ProcessEnv): UnlockArgs {
  const values = parseCommandLine(
    args,
    {
      ...CLUSTER_OPTIONS,
      holder: { type: 'string' },
      'release-name': { type: 'string' },
      namespace: { type: 'string' },
    },
    UNLOCK_USAGE,
  );
  if (values.holder === undefined || values.holder.trim() === '') {
    throw new UsageError(
      `Option --holder is required: the exact holder of the lock, as k8s-deploy history shows it. ${UNLOCK_USAGE}`,
    );
  }
  const inputs = inputsFromFlags(
    { 'release-name': values['release-name'], namespace: values.namespace },
    env,
  );
  return {
    releaseName: requireReleaseName(inputs, UNLOCK_USAGE),
    namespace: inputs.namespace,
    holder: values.holder,
    kubeconfig: values.kubeconfig,
    context: values.context,
  };
}

export function unlockCommand(given: Partial<ClusterCliDeps> = {}): CliCommand {
  const deps: ClusterCliDeps = { runner: new NodeProcessRunner(), interrupts: processInterrupts, ...given };
  return { run: (args, io) => runUnlock(args, io, deps) };
}

/**
 * `unlock`: the human override for a lock whose holder is gone and which has not expired yet (or
 * a holder that hangs). Refuses a holder other than the one holding it; the override is noted on
 * the Lease and on the latest release record, where `history` shows it.
 */
function runUnlock(args: string[], io: CliIo, deps: ClusterCliDeps): Promise<number> {
  return runApiCommand(
    io,
    deps,
    () => parseUnlockArgs(args, io.env),
    async (given, { api, kubectl, logger }) => {
      const parsed = { ...given, namespace: await recordsNamespace(given.namespace, kubectl) };
      const by = runUrlFromEnv(io.env) ?? `${os.userInfo().username}@${os.hostname()}`;
      const { note } = await unlockRelease(api, {
        namespace: parsed.namespace,
        release: parsed.releaseName,
        holder: parsed.holder,
        by,
      });
      logger.info(`Unlocked: ${note}.`);
      const version = await noteOnLatestRecord(api, parsed, note);
      io.stdout(
        `unlocked: release ${parsed.releaseName} was locked by ${parsed.holder}; the lock is removed${
          version !== undefined ? ` and the override noted on v${version}` : ''
        }.\n`,
      );
      return EXIT.success;
    },
  );
}

/** Appends the override to the latest record's annotation; the release's version, if any. */
async function noteOnLatestRecord(
  api: KubeApi,
  parsed: UnlockArgs & { namespace: string },
  note: string,
): Promise<number | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const latest = (await readHistory(api, parsed))[0];
    if (latest === undefined) return undefined;
    const path = resourcePath('Secret', parsed.namespace, recordName(parsed.releaseName, latest.version));
    const secret = await api.get(path);
    if (secret === undefined) continue;
    const before = annotationsOf(secret)[UNLOCKS_ANNOTATION];
    try {
      await api.request('PATCH', path, {
        contentType: 'application/merge-patch+json',
        body: {
          metadata: {
            resourceVersion: metadataOf(secret).resourceVersion,
            annotations: { [UNLOCKS_ANNOTATION]: before ? `${before}\n${note}` : note },
          },
        },
      });
      return latest.version;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
    }
  }
  return undefined;
}
