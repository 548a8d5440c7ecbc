import type { Json } from '../deploy/objects.js';
import { type HistoryEntry, readHistory } from '../deploy/release.js';
import { describeHolding, holdingOf, readLock, UNLOCKED } from '../deploy/release-lock.js';
import { NodeProcessRunner } from '../process.js';
import { isRecord } from '../records.js';
import { firstLine } from '../text.js';
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
export const HISTORY_USAGE =
  'Usage: k8s-deploy history [--release-name N] [--namespace NS] [--output json] [--kubeconfig PATH] [--context CTX]';

/**
 * The lines under the table: who holds the release's lock (or that nobody does), and each
 * override by `k8s-deploy unlock` noted on a record or on the Lease.
 */
export function lockLines(lease: Json | undefined, entries: readonly HistoryEntry[], nowMs: number): string {
  const holding = holdingOf(lease);
  const lines = [holding ? `Lock: held by ${describeHolding(holding, nowMs)}.` : 'Lock: free.'];
  const noted = entries.flatMap((entry) =>
    (entry.unlocks ?? []).map((note) => `${note} (noted on v${entry.version})`),
  );
  const onLease =
    lease && isRecord(lease.metadata) && isRecord(lease.metadata.annotations)
      ? lease.metadata.annotations[UNLOCKED]
      : undefined;
  if (noted.length === 0 && typeof onLease === 'string') noted.push(onLease);
  for (const note of noted) lines.push(`Unlocked by hand: ${note}.`);
  return `${lines.join('\n')}\n`;
}

/** Longest reason shown in the table; `--output json` has all of it. */
const REASON_WIDTH = 80;

/** `2025-03-01T10:11:12.345Z` → `2025-03-01 10:11:12Z`: to the second, still plainly UTC. */
function when(iso: string | undefined): string {
  if (iso === undefined) return '-';
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z` : iso;
}

/** The tag, or the commit; a full commit SHA (the default tag) cut to 7 characters, as git shows it. */
function shortTag(tag: string | undefined, commit: string | undefined): string {
  const value = tag ?? commit;
  if (value === undefined) return '-';
  return /^[0-9a-f]{12,64}$/.test(value) ? value.slice(0, 7) : value;
}

/** The history as a table, newest first, one release a line; columns padded to their widest cell. */
export function formatHistory(entries: readonly HistoryEntry[]): string {
  const rows: string[][] = [['VERSION', 'STATUS', 'TAG/COMMIT', 'DEPLOYED AT', 'FINISHED', 'RUN', 'REASON']];
  for (const entry of entries) {
    const record = entry.record;
    rows.push(
      record === undefined
        ? [`v${entry.version}`, 'unreadable', '-', '-', '-', '-', firstLine(entry.problem, REASON_WIDTH)]
        : [
            `v${record.version}`,
            record.status,
            shortTag(record.tag, record.commit),
            when(record.startedAt),
            when(record.finishedAt),
            record.runUrl ?? '-',
            firstLine(record.reason, REASON_WIDTH),
          ],
    );
  }
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, column) => cell.padEnd(widths[column] ?? 0))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}

/** `--output json`: the records without their manifests (large; the objects list says what they hold). */
export function historyJson(entries: readonly HistoryEntry[]): string {
  const plain = entries.map((entry) => {
    if (entry.record === undefined) return { version: entry.version, problem: entry.problem };
    const { manifest: _manifest, ...rest } = entry.record;
    return entry.unlocks ? { ...rest, unlocks: entry.unlocks } : rest;
  });
  return `${JSON.stringify(plain, null, 2)}\n`;
}

export function historyCommand(given: Partial<ClusterCliDeps> = {}): CliCommand {
  const deps: ClusterCliDeps = { runner: new NodeProcessRunner(), interrupts: processInterrupts, ...given };
  return { run: (args, io) => runHistory(args, io, deps) };
}

export interface HistoryArgs {
  releaseName: string;
  /** --namespace; unset: the context's, else `default` (see recordsNamespace). */
  namespace: string | undefined;
  json: boolean;
  kubeconfig?: string;
  context?: string;
}

/** The command line of `history`. Throws UsageError. */
function parseHistoryArgs(args: string[], env: NodeJS.ProcessEnv): HistoryArgs {
  const values = parseCommandLine(
    args,
    {
      ...CLUSTER_OPTIONS,
      'release-name': { type: 'string' },
      namespace: { type: 'string' },
      output: { type: 'string' },
    },
    HISTORY_USAGE,
  );
  if (values.output !== undefined && values.output !== 'json') {
    throw new UsageError(
      `Option --output ${JSON.stringify(values.output)} is not supported; expected --output json, or no --output for a table.`,
    );
  }
  const inputs = inputsFromFlags(
    { 'release-name': values['release-name'], namespace: values.namespace },
    env,
  );
  return {
    releaseName: requireReleaseName(inputs, HISTORY_USAGE),
    namespace: inputs.namespace,
    json: values.output === 'json',
    kubeconfig: values.kubeconfig,
    context: values.context,
  };
}

/**
 * `history`: the release records of one release name, newest first, as a table (or JSON).
 * No records at all is an error, as `helm history` makes it: a mistyped name or namespace must
 * not look like a release that was never deployed.
 */
function runHistory(args: string[], io: CliIo, deps: ClusterCliDeps): Promise<number> {
  return runApiCommand(
    io,
    deps,
    () => parseHistoryArgs(args, io.env),
    async (parsed, { api, kubectl }) => {
      const query = { ...parsed, namespace: await recordsNamespace(parsed.namespace, kubectl) };
      const [entries, lease] = await Promise.all([
        readHistory(api, query),
        readLock(api, query.namespace, query.releaseName),
      ]);
      const holding = holdingOf(lease);
      if (entries.length === 0) {
        io.stderr(
          `error: Release ${query.releaseName} has no records in namespace ${query.namespace}. Expected the release name and the namespace its deploys used (--namespace, or the manifests' only namespace).${
            holding
              ? ` Its lock is held by ${describeHolding(holding, Date.now())}: its first release may be under way.`
              : ''
          }\n`,
        );
        return EXIT.failed;
      }
      io.stdout(
        query.json
          ? historyJson(entries)
          : `${formatHistory(entries)}${lockLines(lease, entries, Date.now())}`,
      );
      return EXIT.success;
    },
  );
}
