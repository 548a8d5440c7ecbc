import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { afterAll, afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import * as runner from '../src/workflow-commands.js';

// The action's own runner commands (used until its inputs are accepted) against @actions/core's:
// the same bytes on stdout and in the runner's files, for every kind of value.

const VALUES = [
  'plain',
  '',
  '  padded  ',
  'two\nlines',
  'windows\r\nline',
  'trailing newline\n',
  '100% done, 50%0A encoded',
  'a:b,c::d',
  'key=value',
  '::error::injected',
  'ünïcödé ✓ 🚀 漢字',
  '{"json": [1, 2]}',
  '<<EOF\nheredoc\nEOF',
];
const NAMES = ['result', 'isPost', 'rollout-timeout', 'name with spaces', 'a:b,c', 'x%y\nz', 'Ünï'];

const dir = mkdtempSync(join(tmpdir(), 'workflow-commands-'));
const saved = { ...process.env };
let stdout: string;
let exitCode: typeof process.exitCode;

beforeEach(() => {
  stdout = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  exitCode = process.exitCode;
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) delete process.env[name];
});

afterEach(() => {
  jest.restoreAllMocks();
  process.exitCode = exitCode;
  process.env = { ...saved };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What one implementation prints and writes to `file` (delimiters made comparable), or throws. */
function effect(run: () => void, file?: string): { stdout: string; file?: string; error?: string } {
  stdout = '';
  if (file) writeFileSync(file, '');
  let error: string | undefined;
  try {
    run();
  } catch (thrown) {
    error = (thrown as Error).message;
  }
  const written = file ? readFileSync(file, 'utf8') : undefined;
  const uuid = /ghadelimiter_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g;
  return { stdout, file: written?.replace(uuid, 'ghadelimiter_UUID'), error };
}

describe('the runner commands written without @actions/core', () => {
  it.each(NAMES)('reads input %j as core.getInput does', (name) => {
    for (const value of VALUES) {
      process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
      expect(runner.getInput(name)).toBe(core.getInput(name));
    }
    expect(runner.getInput('not set')).toBe(core.getInput('not set'));
  });

  it.each(NAMES)('reads state %j as core.getState does', (name) => {
    for (const value of VALUES) {
      process.env[`STATE_${name}`] = value;
      expect(runner.getState(name)).toBe(core.getState(name));
    }
  });

  describe.each([
    ['setOutput', 'GITHUB_OUTPUT', runner.setOutput, core.setOutput],
    ['saveState', 'GITHUB_STATE', runner.saveState, core.saveState],
  ] as const)('%s', (_, variable, ours, theirs) => {
    it.each(NAMES)('writes name %j with every value to the file command as core does', (name) => {
      const file = join(dir, variable);
      process.env[variable] = file;
      for (const value of VALUES) {
        const mine = effect(() => ours(name, value), file);
        expect(mine).toEqual(effect(() => theirs(name, value), file));
        expect(mine.file).toContain('ghadelimiter_UUID');
      }
    });

    it.each(NAMES)('prints name %j with every value as a workflow command without the file', (name) => {
      for (const value of VALUES) {
        expect(effect(() => ours(name, value))).toEqual(effect(() => theirs(name, value)));
      }
    });

    it('fails as core does when the file is missing', () => {
      process.env[variable] = join(dir, 'missing', 'file');
      const mine = effect(() => ours('result', 'failed'));
      expect(mine.error).toMatch(/^Missing file at path: /);
      expect(mine).toEqual(effect(() => theirs('result', 'failed')));
    });
  });

  it.each(VALUES)('fails the step with message %j as core.setFailed does', (message) => {
    const mine = effect(() => runner.setFailed(message));
    const ourExitCode = process.exitCode;
    process.exitCode = undefined;
    expect(mine).toEqual(effect(() => core.setFailed(message)));
    expect(ourExitCode).toBe(process.exitCode);
  });

  it.each(VALUES)('warns with message %j as core.warning does', (message) => {
    expect(effect(() => runner.warning(message))).toEqual(effect(() => core.warning(message)));
  });

  describe('appendSummary', () => {
    // core.summary remembers the first file it wrote to: a fresh Summary for each case.
    const Summary = Object.getPrototypeOf(core.summary).constructor as new () => typeof core.summary;
    const coreAppend = async (text: string) => {
      await new Summary().addRaw(text).write();
    };
    async function outcome(append: (text: string) => unknown, text: string, file: string) {
      try {
        await append(text);
        return { written: readFileSync(file, 'utf8') };
      } catch (error) {
        return { error: (error as Error).message };
      }
    }

    it.each(VALUES)('appends %j to the job summary as core.summary does', async (text) => {
      const file = join(dir, 'summary.md');
      process.env.GITHUB_STEP_SUMMARY = file;
      writeFileSync(file, 'before\n');
      const mine = await outcome(runner.appendSummary, text, file);
      writeFileSync(file, 'before\n');
      expect(mine).toEqual(await outcome(coreAppend, text, file));
    });

    it.each([
      ['no GITHUB_STEP_SUMMARY', undefined],
      ['a missing file', join(dir, 'missing', 'summary.md')],
      ['a read-only file', join(dir, 'read-only.md')],
    ])('fails as core.summary does with %s', async (_, file) => {
      if (file) process.env.GITHUB_STEP_SUMMARY = file;
      if (file?.endsWith('read-only.md')) {
        writeFileSync(file, '');
        chmodSync(file, 0o444);
      }
      const mine = await outcome(runner.appendSummary, 'text', file ?? '');
      // root may write to a read-only file: then both must have written it.
      expect(mine).toEqual(await outcome(coreAppend, mine.written ? '' : 'text', file ?? ''));
    });
  });
});
