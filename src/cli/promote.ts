import type { DeployOutcome } from '../deploy/outcome.js';
import type { PromotionAction } from '../deploy/promotion.js';
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
import { type CliCommand, EXIT, parseCommandLine } from './command.js';
import { verdictLine } from './deploy.js';

// The same lines as the command table's (src/cli.ts), which `--help` shows.
const OPTIONS_USAGE =
  '[--release-name N] [--namespace NS] [--rollout-timeout D] [--lock-timeout D] [--kubeconfig PATH] [--context CTX]';
export const PROMOTE_USAGE = `Usage: k8s-deploy promote ${OPTIONS_USAGE}`;
export const REJECT_USAGE = `Usage: k8s-deploy reject ${OPTIONS_USAGE}`;

/**
 * `promote` / `reject`: the action's `action: promote` / `reject` from a terminal, on the release
 * waiting for promotion (deploy/promotion.ts). Exit 0 promoted (or rejected) and verified — or
 * waiting again at the next pause —, 1 failed or refused (nothing changed), 3 failed and the last
 * good release restored, 130 cancelled.
 */
export function promotionCommand(action: PromotionAction, given: Partial<ClusterCliDeps> = {}): CliCommand {
  const deps: ClusterCliDeps = { runner: new NodeProcessRunner(), interrupts: processInterrupts, ...given };
  const usage = action === 'promote' ? PROMOTE_USAGE : REJECT_USAGE;
  return {
    run: (args, io) =>
      runApiCommand(
        io,
        deps,
        () => {
          const values = parseCommandLine(
            args,
            {
              ...CLUSTER_OPTIONS,
              'release-name': { type: 'string' },
              namespace: { type: 'string' },
              'rollout-timeout': { type: 'string' },
              'lock-timeout': { type: 'string' },
            },
            usage,
          );
          const inputs = inputsFromFlags(
            {
              'release-name': values['release-name'],
              namespace: values.namespace,
              'rollout-timeout': values['rollout-timeout'],
              'lock-timeout': values['lock-timeout'],
            },
            io.env,
          );
          return {
            releaseName: requireReleaseName(inputs, usage),
            namespace: inputs.namespace,
            rolloutTimeoutMs: inputs.rolloutTimeoutMs,
            rolloutSettleMs: inputs.rolloutSettleMs,
            crashloopRestarts: inputs.crashloopRestarts,
            lockTimeoutMs: inputs.lockTimeoutMs,
            kubeconfig: values.kubeconfig,
            context: values.context,
          };
        },
        async (parsed, { kubectl, api, logger, signal }) => {
          const [{ continueRelease }, { lockOwner }] = await Promise.all([
            import('../deploy/promotion.js'),
            import('../deploy/release-lock.js'),
          ]);
          const runUrl = runUrlFromEnv(io.env);
          const namespace = await recordsNamespace(parsed.namespace, kubectl);
          const outcome = await continueRelease(
            { ...parsed, action, namespace, ...(runUrl !== undefined ? { runUrl } : {}) },
            { kubectl, api, logger, signal, lockOwner: lockOwner(io.env) },
          );
          const code = exitCodeOf(outcome);
          const result = {
            ...{ images: {}, built: [], cluster: undefined, phases: [] },
            result: outcome.result,
            verdict: outcome.verdict,
            deploy: outcome,
            cancelled: outcome.cancelled,
          };
          const line = verdictLine(result, parsed.releaseName, outcome.cancelled);
          if (code === EXIT.success) io.stdout(`${line}\n`);
          else io.stderr(`error: ${line}\n`);
          return code;
        },
      ),
  };
}

function exitCodeOf(outcome: DeployOutcome): number {
  if (outcome.cancelled) return EXIT.cancelled;
  if (outcome.result === 'rolled-back') return EXIT.rolledBack;
  return outcome.result === 'failed' ? EXIT.failed : EXIT.success;
}
