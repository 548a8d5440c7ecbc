import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { proveConnection } from '../cluster/connect.js';
import { Kubectl } from '../deploy/kubectl.js';
import { InputError, type Inputs, parseInputs } from '../inputs.js';
import type { Logger } from '../log.js';
import type { ProcessRunner } from '../process.js';
import { EXIT, optionError, UsageError } from './command.js';

/** What the cluster commands need from the outside world; tests hand in fakes. */
export interface ClusterCliDeps {
  runner: ProcessRunner;
  /**
   * Installs the SIGINT/SIGTERM handlers of one run and returns their removal; `abort` is called
   * with the signal's name. Default: processInterrupts.
   */
  interrupts: (abort: (signal: string) => void) => () => void;
}

/** The options every cluster command takes, in parseArgs form. */
export const CLUSTER_OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
} as const;

/**
 * The action's own Inputs from command-line values keyed by input name, so that every value is
 * checked by the same code with the same sentence; only "input 'x'" becomes "option --x", since
 * that is what was typed. A bad value is a usage error.
 */
export function inputsFromFlags(
  flags: Readonly<Record<string, string | undefined>>,
  env: NodeJS.ProcessEnv,
): Inputs {
  try {
    return parseInputs((name) => flags[name] ?? '', env);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw optionError(error.message);
  }
}

/** The release name: --release-name, else the action's default from GITHUB_REPOSITORY. */
export function requireReleaseName(inputs: Inputs, usage: string): string {
  if (inputs.releaseName !== undefined) return inputs.releaseName;
  throw new UsageError(
    `Option --release-name is required when GITHUB_REPOSITORY is not set (the action names the release after the repository). ${usage}`,
  );
}

/**
 * The kubeconfig kubectl would read: --kubeconfig, else KUBECONFIG (a list, of which kubectl
 * reads the files that exist), else ~/.kube/config. When none of them exists kubectl does not
 * fail: it tries http://localhost:8080 and blames the network ("the connection to the server
 * localhost:8080 was refused"), so that case is one sentence naming the file(s) instead.
 */
export function resolveKubeconfig(option: string | undefined, env: NodeJS.ProcessEnv): string {
  if (option !== undefined) {
    if (!existsSync(option)) {
      throw new Error(
        `Option --kubeconfig names ${option}, which does not exist. Expected the path of a kubeconfig file.`,
      );
    }
    return option;
  }
  if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(path.delimiter).filter((file) => file !== '');
    if (!files.some((file) => existsSync(file))) {
      throw new Error(
        `KUBECONFIG names ${files.join(path.delimiter)}, which does not exist. Expected the path of a kubeconfig file there, or --kubeconfig PATH.`,
      );
    }
    return env.KUBECONFIG;
  }
  // kubectl's own ~ is the HOME of the environment it runs with.
  const home = path.join(env.HOME || os.homedir(), '.kube', 'config');
  if (!existsSync(home)) {
    throw new Error(
      `No kubeconfig: ${home} does not exist and neither --kubeconfig nor KUBECONFIG is given. Expected --kubeconfig PATH, KUBECONFIG or ${home}.`,
    );
  }
  return home;
}

/**
 * A Kubectl over a plain kubeconfig (resolveKubeconfig) and context (--context, else the current
 * one), proven with one read-only `kubectl version` so that a wrong context or expired login is
 * one sentence up front.
 */
export async function openKubectl(
  options: { kubeconfig?: string; context?: string },
  deps: { runner: ProcessRunner; env: NodeJS.ProcessEnv; logger: Logger; signal: AbortSignal },
): Promise<Kubectl> {
  const kubeconfig = resolveKubeconfig(options.kubeconfig, deps.env);
  const kubectl = new Kubectl({
    runner: deps.runner,
    kubeconfig,
    context: options.context,
    env: deps.env,
    logger: deps.logger,
    signal: deps.signal,
  });
  const where = `${options.context !== undefined ? `context ${options.context} of ` : ''}${kubeconfig}`;
  await proveConnection(
    { kubectl: deps.runner, logger: deps.logger, env: deps.env, context: options.context },
    kubeconfig,
    undefined,
    undefined,
    where,
  );
  return kubectl;
}

/**
 * Ctrl-C (SIGINT) or SIGTERM aborts the run once, so the engine can stop or roll back cleanly
 * (a rollback after a cancelled verify finishes on its own signal). A second one exits at once
 * with 130: whoever presses Ctrl-C twice wants out now, whatever is left half done.
 */
export function processInterrupts(abort: (signal: string) => void): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals) => {
    received++;
    if (received > 1) process.exit(EXIT.cancelled);
    abort(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Runs `work` with an AbortSignal that Ctrl-C/SIGTERM abort; the handlers are removed after. */
export async function interruptible<T>(
  deps: Pick<ClusterCliDeps, 'interrupts'>,
  logger: Logger,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const remove = deps.interrupts((signal) => {
    logger.info(`Received ${signal}: cancelling (press Ctrl-C again to quit at once).`);
    controller.abort();
  });
  try {
    return await work(controller.signal);
  } finally {
    remove();
  }
}
