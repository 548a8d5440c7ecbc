import type { ManualRollbackResult } from '../deploy/manual-rollback.js';
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
export const ROLLBACK_USAGE =
  'Usage: k8s-deploy rollback [--to N] [--force] [--release-name N] [--namespace NS] [--rollout-timeout D] [--lock-timeout D] [--kubeconfig PATH] [--context CTX]';

export interface RollbackArgs {
  releaseName: string;
  /** --namespace; unset: the context's, else `default` (see recordsNamespace). */
  namespace: string | undefined;
  to?: number;
  /** --force: re-apply a target whose record ended failed or rolled-back. */
  force?: boolean;
  rolloutTimeoutMs: number;
  crashloopRestarts: number;
  lockTimeoutMs: number;
  kubeconfig?: string;
  context?: string;
}

/** The command line of `rollback`; values are checked as the action checks its inputs. Throws UsageError. */
export function parseRollbackArgs(args: string[], env: NodeJS.ProcessEnv): RollbackArgs {
  const values = parseCommandLine(
    args,
    {
      ...CLUSTER_OPTIONS,
      to: { type: 'string' },
      'release-name': { type: 'string' },
      namespace: { type: 'string' },
      'rollout-timeout': { type: 'string' },
      force: { type: 'boolean' },
      'lock-timeout': { type: 'string' },
    },
    ROLLBACK_USAGE,
  );
  let to: number | undefined;
  if (values.to !== undefined) {
    // `v4` as `history` shows it, or `4`.
    const digits = /^v?(\d+)$/.exec(values.to)?.[1];
    to = digits !== undefined ? Number(digits) : Number.NaN;
    if (!Number.isSafeInteger(to) || to < 1) {
      throw new UsageError(
        `Option --to ${JSON.stringify(values.to)} is not a release number; expected e.g. --to 4 (k8s-deploy history lists them).`,
      );
    }
  }
  const inputs = inputsFromFlags(
    {
      'release-name': values['release-name'],
      namespace: values.namespace,
      'rollout-timeout': values['rollout-timeout'],
      'lock-timeout': values['lock-timeout'],
    },
    env,
  );
  return {
    releaseName: requireReleaseName(inputs, ROLLBACK_USAGE),
    namespace: inputs.namespace,
    ...(to !== undefined ? { to } : {}),
    ...(values.force === true ? { force: true } : {}),
    rolloutTimeoutMs: inputs.rolloutTimeoutMs,
    crashloopRestarts: inputs.crashloopRestarts,
    lockTimeoutMs: inputs.lockTimeoutMs,
    kubeconfig: values.kubeconfig,
    context: values.context,
  };
}

/** The last line of a rollback: what was restored, or why it did not work. */
export function rollbackVerdict(result: ManualRollbackResult, releaseName: string): string {
  if (result.cancelled) return `cancelled: ${result.verdict ?? 'The rollback was cancelled.'}`;
  if (result.status === 'rolled-back') return `rolled back: ${result.verdict ?? 'The rollback failed.'}`;
  if (result.status === 'failed') return `failed: ${result.verdict ?? 'The rollback failed.'}`;
  if (result.outcome?.unchanged) {
    return `success: release ${releaseName} v${result.to} is already live and verified; nothing changed.`;
  }
  const recorded =
    result.release !== undefined ? ` as v${result.release}` : ' (no release record was written)';
  return `success: release ${releaseName} v${result.to} re-applied and verified${recorded}.`;
}

export function rollbackCommand(given: Partial<ClusterCliDeps> = {}): CliCommand {
  const deps: ClusterCliDeps = { runner: new NodeProcessRunner(), interrupts: processInterrupts, ...given };
  return { run: (args, io) => runRollback(args, io, deps) };
}

/**
 * `rollback`: exit 0 restored and verified, 1 failed (or refused: nothing changed), 3 failed and
 * what was live before was restored, 130 cancelled.
 */
function runRollback(args: string[], io: CliIo, deps: ClusterCliDeps): Promise<number> {
  // An error thrown (nothing to roll back to, or the cluster could not be read): nothing changed.
  return runApiCommand(
    io,
    deps,
    () => parseRollbackArgs(args, io.env),
    async (parsed, { kubectl, api, logger, signal }) => {
      // Loaded only now (the engine's verify and its dependencies): a usage error needs none of it.
      const [{ manualRollback }, { lockOwner }] = await Promise.all([
        import('../deploy/manual-rollback.js'),
        import('../deploy/release-lock.js'),
      ]);
      const runUrl = runUrlFromEnv(io.env);
      const namespace = await recordsNamespace(parsed.namespace, kubectl);
      const result = await manualRollback(
        { ...parsed, namespace, ...(runUrl !== undefined ? { runUrl } : {}) },
        { kubectl, api, logger, signal, lockOwner: lockOwner(io.env) },
      );
      const line = rollbackVerdict(result, parsed.releaseName);
      const code = result.cancelled
        ? EXIT.cancelled
        : result.status === 'rolled-back'
          ? EXIT.rolledBack
          : result.status === 'success'
            ? EXIT.success
            : EXIT.failed;
      // As deploy: success on stdout, for scripts; anything else is an error, on stderr.
      if (code === EXIT.success) io.stdout(`${line}\n`);
      else io.stderr(`error: ${line}\n`);
      return code;
    },
  );
}
