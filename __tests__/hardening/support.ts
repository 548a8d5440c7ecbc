import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from '@jest/globals';
import type { ActionRun } from '../../sandbox/runner.js';

/** One hostile input, run through the bundled action as a user would. */
export interface HostileCase {
  name: string;
  /** Inputs on top of the base ones (kubeconfig of the sandbox, manifests app.yaml, release-name). */
  inputs?: Record<string, string>;
  /** Files of the workspace on top of app.yaml (path → content); a function writes it lazily. */
  files?: Record<string, string | (() => string)>;
  /** Symlinks in the workspace: link path → target (absolute, or relative to the link). */
  symlinks?: Record<string, string>;
  /**
   * Files beside the workspace, in its parent folder (name → content). The parent is a fresh
   * folder of its own, so what lies outside the workspace is what the case says, on any machine.
   */
  beside?: Record<string, string>;
  /** Environment on top of the sandbox's. */
  env?: Record<string, string>;
  /** Runs against the sandbox before the mark (e.g. writes a tampered release record). */
  setup?: () => Promise<void>;
  /** What the one error sentence must name: the input ('rollout-timeout') or a file:line. */
  names: string | RegExp;
  /** More the sentence must say (what was wrong or expected). */
  says?: RegExp;
  /** A defect known and not fixed here (outside this suite's files): the case is expected to fail. */
  knownDefect?: string;
}

/** The marker every injection payload carries: nothing the runner honours may contain it. */
export const PWNED = 'PWNED';

/** Workflow commands the action itself may print at the start of a line. */
const OWN_COMMANDS = /^::(error|warning|notice|debug|group|endgroup|add-mask)(\s[^:]*)?::/;

/** A workspace `PARENT/workspace` in a fresh PARENT holding only it and the `beside` files. */
export async function makeWorkspace(
  files: Record<string, string | (() => string)>,
  symlinks: Record<string, string> = {},
  beside: Record<string, string> = {},
): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'hostile-ws-'));
  const workspace = join(parent, 'workspace');
  await mkdir(workspace);
  for (const [name, content] of Object.entries(beside)) await writeFile(join(parent, name), content);
  for (const [path, content] of Object.entries(files)) {
    const file = join(workspace, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, typeof content === 'function' ? content() : content);
  }
  for (const [link, target] of Object.entries(symlinks)) {
    const file = join(workspace, link);
    await mkdir(dirname(file), { recursive: true });
    await symlink(target, file);
  }
  return workspace;
}

/** Removes the workspace and its parent made by makeWorkspace. */
export const removeWorkspace = (workspace: string) =>
  rm(dirname(workspace), { recursive: true, force: true });

/** The `::error` lines of the raw output, decoded as the runner decodes command data. */
export function errorLines(run: ActionRun): string[] {
  return run.rawOutput
    .split(/\r?\n/)
    .filter((line) => /^::error( [^:]*)?::/.test(line))
    .map((line) =>
      line
        .replace(/^::error( [^:]*)?::/, '')
        .replace(/%0D/g, '\r')
        .replace(/%0A/g, '\n')
        .replace(/%25/g, '%'),
    );
}

/**
 * The sentences of an error message. The project's form is "What is wrong. Expected what.",
 * with "Nothing was changed in the cluster." added by the pipeline: both count as one error
 * sentence. Quoted values are blanked first, so a dot inside a value does not split.
 */
export function sentencesOf(message: string): string[] {
  const blanked = message
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/`[^`]*`/g, '`…`');
  return blanked
    .split(/(?<=[.!?;])\s+(?=[A-Z])/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '' && !/^Nothing was changed in the cluster\.$/.test(sentence));
}

/** Asserts the run failed with one clear sentence naming the case's input. */
export function expectOneClearSentence(run: ActionRun, hostile: HostileCase): void {
  expect(run.exitCode).not.toBe(0);
  expect(run.outputs.result).toBe('failed');
  const errors = errorLines(run);
  expect(errors).toHaveLength(1);
  const message = errors[0] ?? '';
  expect(message).not.toMatch(/\n/);
  expect(message).not.toMatch(/\bat .+:\d+:\d+\)?$|^\s*at /m); // a stack trace
  expect(message).not.toMatch(/\b(undefined|null|NaN|\[object Object\])\b/);
  expect(message.length).toBeLessThan(600);
  if (typeof hostile.names === 'string') expect(message).toContain(hostile.names);
  else expect(message).toMatch(hostile.names);
  // What was expected: said outright, or plain from the words (invalid YAML, check this input).
  expect(message).toMatch(/expected|must be|needs|invalid YAML|\. Check /i);
  if (hostile.says) expect(message).toMatch(hostile.says);
  const sentences = sentencesOf(message);
  // "X is wrong. Expected Y." at most: the second sentence, if any, says what was expected.
  expect(sentences.length).toBeGreaterThanOrEqual(1);
  expect(sentences.length).toBeLessThanOrEqual(2);
  if (sentences.length === 2) expect(sentences[1]).toMatch(/^(Expected|Check)\b/);
}

/** Asserts no line the runner would read as a command carries an injected one. */
export function expectNoInjectedCommand(run: ActionRun): void {
  const known = new Set(['images', 'built', 'manifests', 'diff', 'result', 'release', 'deployment-id']);
  for (const name of Object.keys(run.outputs)) expect(known).toContain(name);
  for (const name of Object.keys(run.state)) expect(name).not.toContain(PWNED);
  for (const value of run.masked) expect(value).not.toContain(PWNED);
  const commandLines = run.rawOutput.split(/\r?\n/).filter((line) => line.startsWith('::'));
  for (const line of commandLines) {
    expect(line).toMatch(OWN_COMMANDS);
    if (!/^::(error|warning|debug)/.test(line)) expect(line).not.toContain(PWNED);
  }
  // Every other line: a command is honoured only at the start of a line, but say so plainly.
  expect(run.rawOutput).not.toMatch(/^\s*::(set-output|stop-commands|set-env|add-path)/m);
}
