import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeRef } from '../deploy/objects.js';
import { StreamLogger } from '../log.js';
import { parseImageReference } from '../manifests/image-reference.js';
import { imageReplacements } from '../manifests/images.js';
import type { PipelineResult } from '../pipeline.js';
import { NodeProcessRunner } from '../process.js';
import { asSentence } from '../verdict.js';
import {
  CLUSTER_OPTIONS,
  type ClusterCliDeps,
  inputsFromFlags,
  interruptible,
  processInterrupts,
  requireReleaseName,
} from './cluster.js';
import { type CliCommand, type CliIo, EXIT, parseCommandLine, UsageError } from './command.js';
import { runCliPipeline } from './deploy-pipeline.js';
import { splitImageFlag } from './render.js';

// The same lines as the command table's (src/cli.ts), which `--help` shows; a test keeps them equal.
export const DEPLOY_USAGE =
  'Usage: k8s-deploy deploy --manifests PATH [--manifests PATH ...] [--image NAME=REF ...] [--commit SHA] [--tag T] [--kubeconfig PATH] [--context CTX] [--namespace NS] [--release-name N] [--migration-job J] [--migration-timeout D] [--migrations run|skip|only] [--migration-not-needed SHA] [--post-deploy-jobs J ...] [--policy warn|enforce|off] [--policy-skip RULE ...] [--rollout-timeout D] [--rollout-settle D] [--crashloop-restarts N] [--allow-paused] [--no-rollback] [--prune] [--dry-run] [--history-limit N] [--lock-timeout D]';
export const DIFF_USAGE =
  'Usage: k8s-deploy diff --manifests PATH [--manifests PATH ...] [--image NAME=REF ...] [--commit SHA] [--tag T] [--kubeconfig PATH] [--context CTX] [--namespace NS] [--release-name N] [--migration-job J] [--migration-timeout D] [--migrations run|skip|only] [--migration-not-needed SHA] [--post-deploy-jobs J ...] [--policy warn|enforce|off] [--policy-skip RULE ...] [--prune]';

/** What diff and deploy share: the manifests, the images, the cluster and what plans the set. */
const PLAN_OPTIONS = {
  ...CLUSTER_OPTIONS,
  manifests: { type: 'string', multiple: true },
  image: { type: 'string', multiple: true },
  namespace: { type: 'string' },
  'release-name': { type: 'string' },
  'migration-job': { type: 'string' },
  'migration-timeout': { type: 'string' },
  migrations: { type: 'string' },
  'migration-not-needed': { type: 'string' },
  'post-deploy-jobs': { type: 'string', multiple: true },
  policy: { type: 'string' },
  'policy-skip': { type: 'string', multiple: true },
  commit: { type: 'string' },
  tag: { type: 'string' },
  prune: { type: 'boolean' },
} as const;

const DEPLOY_OPTIONS = {
  ...PLAN_OPTIONS,
  'rollout-timeout': { type: 'string' },
  'rollout-settle': { type: 'string' },
  'crashloop-restarts': { type: 'string' },
  'allow-paused': { type: 'boolean' },
  'no-rollback': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  'history-limit': { type: 'string' },
  'lock-timeout': { type: 'string' },
} as const;

interface Parsed {
  inputs: ReturnType<typeof inputsFromFlags>;
  images: ReturnType<typeof imageReplacements>;
  /** --commit: the commit the release records and annotates (what GITHUB_SHA is in a workflow). */
  commit?: string;
  kubeconfig?: string;
  context?: string;
}

/**
 * The command line of deploy (or diff, which passes dryRun) as the action's Inputs: each flag
 * becomes the input of the same name and parseInputs checks it. Throws UsageError.
 */
export function parseDeployArgs(args: string[], env: NodeJS.ProcessEnv, mode: 'deploy' | 'diff'): Parsed {
  const usage = mode === 'deploy' ? DEPLOY_USAGE : DIFF_USAGE;
  const values: Partial<Record<keyof typeof DEPLOY_OPTIONS, string | string[] | boolean>> = parseCommandLine(
    args,
    mode === 'deploy' ? DEPLOY_OPTIONS : PLAN_OPTIONS,
    usage,
  );
  const text = (name: keyof typeof DEPLOY_OPTIONS) => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const manifests = values.manifests;
  if (!Array.isArray(manifests) || manifests.length === 0)
    throw new UsageError(`Option --manifests is required. ${usage}`);
  const images = imageReplacements((Array.isArray(values.image) ? values.image : []).map(splitImageFlag));
  const commit = text('commit');
  if (commit !== undefined && !/^[0-9a-f]{7,40}$/i.test(commit)) {
    throw new UsageError(
      `Option --commit ${JSON.stringify(commit)} is not a commit SHA; expected 7 to 40 hexadecimal digits, such as $(git rev-parse HEAD).`,
    );
  }
  const shaEnv = commit !== undefined ? { ...env, GITHUB_SHA: commit } : env;
  const inputs = inputsFromFlags(
    {
      // One per line, as the action's input: a comma belongs to brace globs.
      manifests: manifests.join('\n'),
      namespace: text('namespace'),
      'release-name': text('release-name'),
      'migration-job': text('migration-job'),
      'migration-timeout': text('migration-timeout'),
      migrations: text('migrations'),
      'migration-not-needed': text('migration-not-needed'),
      'post-deploy-jobs': Array.isArray(values['post-deploy-jobs'])
        ? values['post-deploy-jobs'].join('\n')
        : undefined,
      policy: text('policy'),
      'policy-skip': Array.isArray(values['policy-skip']) ? values['policy-skip'].join('\n') : undefined,
      'rollout-timeout': text('rollout-timeout'),
      'rollout-settle': text('rollout-settle'),
      'crashloop-restarts': text('crashloop-restarts'),
      'history-limit': text('history-limit'),
      'allow-paused': values['allow-paused'] === true ? 'true' : 'false',
      'lock-timeout': text('lock-timeout'),
      rollback: values['no-rollback'] === true ? 'false' : 'true',
      prune: values.prune === true ? 'true' : 'false',
      'dry-run': mode === 'diff' || values['dry-run'] === true ? 'true' : 'false',
      // The release's tag: --tag, else the commit, else the one tag all --image references share.
      tag: text('tag') ?? (shaEnv.GITHUB_SHA?.trim() ? undefined : sharedTag(images)),
    },
    shaEnv,
  );
  requireReleaseName(inputs, usage);
  return {
    inputs,
    images,
    ...(commit !== undefined ? { commit } : {}),
    kubeconfig: text('kubeconfig'),
    context: text('context'),
  };
}

/** The tag every given image reference has, when they agree on one (`…/api:1.4.2`, `…/web:1.4.2`). */
function sharedTag(images: ReturnType<typeof imageReplacements>): string | undefined {
  const tags = new Set([...images.values()].map((reference) => parseImageReference(reference)?.tag));
  const [only] = tags;
  return tags.size === 1 && only !== undefined ? only : undefined;
}

/**
 * True when the dry run found something to change. Objects planned for create or update, or a
 * prune's deletions, say so; so does any line of kubectl's diff — the engine's own notes (lines
 * starting "# ", which no line of a unified diff does) only describe.
 */
export function wouldChange(result: PipelineResult): boolean {
  const outcome = result.deploy;
  if (outcome === undefined) return false;
  if (outcome.changes.some((c) => c.change !== 'unchanged') || (outcome.wouldPrune?.length ?? 0) > 0)
    return true;
  return (outcome.diff ?? '').split('\n').some((line) => line !== '' && !line.startsWith('# '));
}

/** The last line of a deploy: the result and, unless it succeeded, why. */
export function verdictLine(result: PipelineResult, releaseName: string, cancelled: boolean): string {
  const outcome = result.deploy;
  const why = result.verdict ?? `The deploy ended ${result.result}.`;
  if (cancelled) return `cancelled: ${why}`;
  switch (result.result) {
    case 'success':
      if (outcome?.unchanged) {
        return `success: release ${releaseName} v${outcome.release} already has these manifests; nothing changed.`;
      }
      if (outcome?.migrationOnly) {
        return `success: the migration of release ${releaseName} ran (recorded as v${outcome.release ?? '?'}, migrated); no workload was changed.`;
      }
      return `success: release ${releaseName}${outcome?.release !== undefined ? ` v${outcome.release}` : ''} deployed and verified${notRolledOut(outcome)}${onlyApplied(outcome)}.`;
    case 'dry-run': {
      const changing = outcome?.changes.filter((c) => c.change !== 'unchanged').length ?? 0;
      return `dry-run: ${changing} object(s) would be created or changed; nothing was changed${outcome?.diffPath ? ` (the diff is in ${outcome.diffPath})` : ''}.`;
    }
    case 'rolled-back':
      return `rolled back: ${asSentence(why)} Release v${outcome?.rollback?.to} was restored.`;
    case 'waiting-for-promotion':
      return `waiting for promotion: ${why}`;
    default:
      return `failed: ${why}`;
  }
}

/** ", except Deployment x/y (not rolled out: …)" for what verify let pass without rolling it out. */
function notRolledOut(outcome: PipelineResult['deploy']): string {
  const held = outcome?.verify?.workloads.filter((w) => w.notRolledOut) ?? [];
  if (held.length === 0) return '';
  return `, except ${held.map((w) => `${describeRef(w.ref)} (not rolled out: ${w.summary})`).join(', ')}`;
}

/** "; applied, not verified: CronJob x/y (its Jobs run at its schedule)": said, not counted. */
function onlyApplied(outcome: PipelineResult['deploy']): string {
  const list = outcome?.notVerified ?? [];
  if (list.length === 0) return '';
  return `; applied, not verified: ${list.map((n) => `${describeRef(n.ref)} (${n.why})`).join(', ')}`;
}

export function exitCodeOf(result: PipelineResult, cancelled: boolean): number {
  if (cancelled) return EXIT.cancelled;
  if (result.result === 'rolled-back') return EXIT.rolledBack;
  return result.result === 'failed' ? EXIT.failed : EXIT.success;
}

const DEFAULT_DEPS: ClusterCliDeps = { runner: new NodeProcessRunner(), interrupts: processInterrupts };

/**
 * `deploy`: the action's pipeline from a terminal, images given as references (nothing is
 * built). Progress on stderr; the verdict is the last line: on stdout when the deploy succeeded
 * (or was a dry run), else on stderr as `error: …`. Exit 0 success, dry run or waiting for promotion, 1 failed, 3
 * rolled back, 130 cancelled.
 */
export function deployCommand(given: Partial<ClusterCliDeps> = {}): CliCommand {
  return { run: (args, io) => runDeploy(args, io, { ...DEFAULT_DEPS, ...given }, 'deploy') };
}

/**
 * `diff`: `deploy --dry-run` with the diff on stdout. Exit codes as `kubectl diff`'s: 0 nothing
 * would change, 1 something would, 2 (and up) it could not tell — a usage error or a failure.
 */
export function diffCommand(given: Partial<ClusterCliDeps> = {}): CliCommand {
  return { run: (args, io) => runDeploy(args, io, { ...DEFAULT_DEPS, ...given }, 'diff') };
}

async function runDeploy(
  args: string[],
  io: CliIo,
  deps: ClusterCliDeps,
  mode: 'deploy' | 'diff',
): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseDeployArgs(args, io.env, mode);
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n`);
    return error instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
  const logger = new StreamLogger((line) => io.stderr(`${line}\n`));
  const workDir = await mkdtemp(path.join(io.env.RUNNER_TEMP || os.tmpdir(), 'k8s-deploy-'));
  let keep = false;
  try {
    return await interruptible(deps, logger, async (signal) => {
      const result = await runCliPipeline(
        parsed.inputs,
        { images: parsed.images, kubeconfig: parsed.kubeconfig, context: parsed.context, workDir },
        {
          runner: deps.runner,
          logger,
          env: parsed.commit !== undefined ? { ...io.env, GITHUB_SHA: parsed.commit } : io.env,
          signal,
        },
      );
      const cancelled = result.cancelled;
      // A dry run's diff stays for the user to read (the log names its file); nothing else of the run is kept.
      keep = result.result === 'dry-run' && result.deploy?.diffPath !== undefined;
      if (mode === 'diff') {
        if (result.result !== 'dry-run') {
          io.stderr(`error: ${result.verdict ?? `The dry run ended ${result.result}.`}\n`);
          return cancelled ? EXIT.cancelled : EXIT.usage;
        }
        io.stdout(result.deploy?.diff ?? '');
        return wouldChange(result) ? EXIT.failed : EXIT.success;
      }
      const line = verdictLine(result, parsed.inputs.releaseName ?? '', cancelled);
      const code = exitCodeOf(result, cancelled);
      // Success on stdout, for scripts; a failure, rollback or cancellation is an error, on stderr.
      if (code === EXIT.success) io.stdout(`${line}\n`);
      else io.stderr(`error: ${line}\n`);
      return code;
    });
  } finally {
    if (keep) await rm(path.join(workDir, 'rendered.yaml'), { force: true });
    else await rm(workDir, { recursive: true, force: true });
  }
}
