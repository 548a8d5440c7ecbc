import { forgetCachedTokens } from '../cluster/token-cache.js';
import type { Logger } from '../log.js';
import type { ProcessRunner, RunResult } from '../process.js';
import { isRecord } from '../records.js';
import { sleep } from '../sleep.js';
import { type Json, parseJsonStream, toYaml } from './objects.js';

/** The one field manager every apply of this action uses, so ownership never splits. */
export const FIELD_MANAGER = 'k8s-deploy-action';

export interface KubectlOptions {
  runner: ProcessRunner;
  kubeconfig: string;
  /** A context of the kubeconfig (CLI `--context`); the current one otherwise. */
  context?: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Cancels every call (the run was cancelled). */
  signal?: AbortSignal;
  /** Per call; default 2 minutes. A call past it is killed and reported. */
  timeoutMs?: number;
  /** The first wait before a call that met transient API errors runs again; doubles each time (1 s). */
  retryDelayMs?: number;
  /** How often such a call runs again (3: within about 7 s). */
  transientRetries?: number;
}

/** How often a call that failed only with transient API errors is run again (1, 2, 4 s apart). */
const TRANSIENT_RETRIES = 3;

/**
 * kubectl's words for errors that a moment later may be gone: the server's 500, 503, 504 and
 * 429 Status reasons (client-go retried the latter only while Retry-After allowed), and a
 * connection that failed or broke.
 */
const TRANSIENT =
  /\((InternalError|ServiceUnavailable|Timeout|ServerTimeout|TooManyRequests)\)|connection refused|The connection to the server \S+ was refused|connection reset|Unable to connect to the server|i\/o timeout|TLS handshake timeout|unexpected EOF|: EOF$|http2: server sent GOAWAY/;

/** kubectl's words for a refused token (401). */
const UNAUTHORIZED = /\bUnauthorized\b|must be logged in to the server/;

export function isTransient(errorLine: string): boolean {
  return TRANSIENT.test(errorLine);
}

/** A kubectl call that did not finish: timed out or cancelled. */
export class KubectlError extends Error {
  override name = 'KubectlError';
}

/**
 * kubectl behind one seam: argument arrays (never a shell), the kubeconfig given explicitly,
 * a timeout, cancellation and bounded output on every call, and a count of the processes
 * started (benchmarks hold it constant in the number of objects).
 */
export class Kubectl {
  constructor(
    readonly options: KubectlOptions,
    private readonly counter = { processes: 0 },
  ) {}

  /** kubectl processes started so far, by this seam and the ones detached from it. */
  get processes(): number {
    return this.counter.processes;
  }

  /**
   * The same kubectl without the run's cancellation: what must finish after a cancel (a
   * rollback started within the runner's grace period) uses this, with its own timeouts.
   */
  detached(transientRetries?: number): Kubectl {
    return new Kubectl(
      {
        ...this.options,
        signal: undefined,
        timeoutMs: 30_000,
        ...(transientRetries !== undefined ? { transientRetries } : {}),
      },
      this.counter,
    );
  }

  get signal(): AbortSignal | undefined {
    return this.options.signal;
  }

  /** Runs kubectl; resolves with any exit code, throws only when it timed out or was cancelled. */
  async run(
    args: readonly string[],
    options: { stdin?: string; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<RunResult> {
    const { runner, kubeconfig, context, env } = this.options;
    const full = [...(context ? ['--context', context] : []), ...args];
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 120_000;
    this.counter.processes++;
    this.options.logger.debug(`kubectl ${full.join(' ')}`);
    const result = await runner.run('kubectl', full, {
      stdin: options.stdin,
      env: { ...env, KUBECONFIG: kubeconfig },
      timeoutMs,
      signal: options.signal ?? this.options.signal,
      maxOutputChars: 16 * 1024 * 1024,
    });
    if (result.cancelled) throw new KubectlError(`kubectl ${args[0]} was cancelled.`);
    if (result.timedOut) {
      throw new KubectlError(
        `kubectl ${args[0]} did not finish within ${Math.round(timeoutMs / 1000)} s; the cluster may have stopped answering.`,
      );
    }
    return result;
  }

  /**
   * Server-side apply of a multi-document YAML with our field manager, taking ownership of
   * conflicting fields as controllers should. kubectl applies every object even when one
   * fails and reports all errors at the end; we return both.
   */
  async apply(
    yaml: string,
    options: { dryRun?: boolean; fieldManager?: string; force?: boolean; validate?: boolean } = {},
  ): Promise<{ objects: Json[]; errors: string[]; warnings: string[] }> {
    const args = [
      'apply',
      '--server-side',
      `--field-manager=${options.fieldManager ?? FIELD_MANAGER}`,
      ...(options.force === false ? [] : ['--force-conflicts']),
      ...(options.dryRun ? ['--dry-run=server'] : []),
      ...(options.validate === false ? ['--validate=false'] : []),
      '--request-timeout=60s',
      '-o',
      'json',
      '-f',
      '-',
    ];
    const result = await this.runRetrying(args, yaml);
    return {
      objects: safeJsonStream(result.stdout),
      errors: errorLines(result),
      warnings: warningLines(result),
    };
  }

  /**
   * Runs a call whose repetition is harmless (server-side apply, get, delete --ignore-not-found)
   * again when it failed only with transient API errors. kubectl itself retries a 429 or 5xx only
   * when the server sends Retry-After (client-go's checkWait), so a 500 during an apply would
   * otherwise fail the stage. Bounded, and every retry is logged.
   */
  private async runRetrying(args: readonly string[], stdin: string): Promise<RunResult> {
    const retries = this.options.transientRetries ?? TRANSIENT_RETRIES;
    let refused = false;
    for (let attempt = 1; ; attempt++) {
      const result = await this.run(args, { stdin });
      const errors = errorLines(result);
      const signal = this.options.signal;
      // A token from the run's cache the server refused before its time: once, drop the cache
      // and run again, so the plugin mints a new one (nothing was done with a refused token).
      if (
        !refused &&
        errors.some((line) => UNAUTHORIZED.test(line)) &&
        forgetCachedTokens(this.options.kubeconfig)
      ) {
        refused = true;
        attempt--;
        this.options.logger.info(
          `kubectl ${args[0]} was refused (401 Unauthorized); running it again with a new EKS token.`,
        );
        continue;
      }
      if (errors.length === 0 || !errors.every(isTransient) || attempt > retries || signal?.aborted) {
        return result;
      }
      const delayMs = (this.options.retryDelayMs ?? 1000) * 2 ** (attempt - 1);
      this.options.logger.info(
        `kubectl ${args[0]} met a transient API error (${errors.at(-1)}); retry ${attempt} of ${retries} in ${delayMs / 1000} s.`,
      );
      await sleep(delayMs, signal);
    }
  }

  /**
   * The namespace the kubeconfig's context (the given one, else the current one) sets, as kubectl
   * resolves it; undefined when it sets none or kubectl cannot say (no current context: every
   * other call fails then and says why).
   */
  async contextNamespace(): Promise<string | undefined> {
    const result = await this.run(['config', 'view', '--minify', '-o', 'json'], { timeoutMs: 30_000 });
    if (result.exitCode !== 0) return undefined;
    try {
      return contextNamespaceOf(JSON.parse(result.stdout) as Json);
    } catch {
      return undefined;
    }
  }

  /** The live state of the named objects; those that do not exist are left out. */
  async get(refs: readonly Json[], options: { managedFields?: boolean } = {}): Promise<Json[]> {
    if (refs.length === 0) return [];
    const args = ['get', '--ignore-not-found', '--request-timeout=60s', '-o', 'json', '-f', '-'];
    if (options.managedFields) args.push('--show-managed-fields');
    const result = await this.runRetrying(args, toYaml(refs));
    if (result.exitCode !== 0) throw new Error(`kubectl get failed: ${errorLines(result).join(' | ')}`);
    return safeJsonStream(result.stdout);
  }

  /** Deletes the named objects (background propagation: dependents go too); missing ones are fine. */
  async delete(refs: readonly Json[]): Promise<string[]> {
    if (refs.length === 0) return [];
    const result = await this.runRetrying(
      ['delete', '--ignore-not-found', '--wait=false', '--request-timeout=60s', '-f', '-'],
      toYaml(refs),
    );
    return result.exitCode === 0 ? [] : errorLines(result);
  }
}

function safeJsonStream(text: string): Json[] {
  try {
    return parseJsonStream(text);
  } catch {
    return [];
  }
}

/** kubectl's error lines, without the usage noise; the last ones when there are many. */
export function errorLines(result: RunResult): string[] {
  if (result.exitCode === 0) return [];
  const lines = result.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('Warning:'));
  return lines.length > 0 ? lines.slice(-50) : [`kubectl exited with code ${result.exitCode}`];
}

/** The API server's warnings kubectl printed (`Warning: ...` on stderr), each once. */
export function warningLines(result: RunResult): string[] {
  const lines = result.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('Warning: '))
    .map((line) => line.slice('Warning: '.length));
  return [...new Set(lines)];
}

/**
 * The namespace of the kubeconfig's context (the given one, else the current one), as kubectl
 * itself resolves it (merged KUBECONFIG lists included); undefined when the context sets none.
 */
export function contextNamespaceOf(minifiedConfig: Json): string | undefined {
  const contexts = Array.isArray(minifiedConfig.contexts) ? minifiedConfig.contexts.filter(isRecord) : [];
  const context = contexts[0]?.context;
  const namespace = isRecord(context) ? context.namespace : undefined;
  return typeof namespace === 'string' && namespace !== '' ? namespace : undefined;
}
