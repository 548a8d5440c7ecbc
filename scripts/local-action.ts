// npm run local-action: the action run by GitHub's own local runner for JavaScript actions,
// @github/local-action (pinned in package.json), as a team would try it: `local-action run .
// src/main.ts .env --post src/post-step.ts`. It imports the entry's exported run() (and the post
// entry's) from the TypeScript sources, with its own @actions/core and @actions/github in place of
// the real ones. Two runs, each in an environment holding only PATH, HOME and its .env file:
//   - a bad input: exit 1, the one-sentence verdict, result=failed;
//   - a render-only input (manifests, no cluster): exit 0, result=success, "nothing deployed".
// CI (.ci/run) runs this on Node 24, the runtime action.yml declares.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = process.cwd();
// The package's command, found through the package (its exports name only src/index.ts).
const LOCAL_ACTION = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@github/local-action')),
  '..',
  'bin',
  'local-action.js',
);
const scratch = mkdtempSync(path.join(tmpdir(), 'local-action-'));

interface Case {
  name: string;
  env: Record<string, string>;
  files?: Record<string, string>;
  /** What a correct run shows. */
  expect: { status: number; log: RegExp[]; output: RegExp; summary: RegExp };
}

const CASES: Case[] = [
  {
    name: 'bad-input',
    env: { 'INPUT_ROLLOUT-TIMEOUT': 'ten minutes' },
    expect: {
      status: 1,
      log: [
        /^::error::Invalid value "ten minutes" for input 'rollout-timeout'\. Expected a duration such as 90s, 10m or 1h\.$/m,
      ],
      output: /^result<<(\S+)\nfailed\n\1$/m,
      summary: /^## ❌ Failed: invalid input, nothing was changed\n/,
    },
  },
  {
    name: 'render-only',
    env: { INPUT_MANIFESTS: 'k8s', GITHUB_REPOSITORY: 'acme/demo', GITHUB_SHA: 'a'.repeat(40) },
    files: {
      'k8s/app.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: demo\ndata:\n  a: b\n',
    },
    expect: {
      status: 0,
      log: [
        /the manifests were rendered, not deployed\./,
        // local-action's own table of what core.setOutput received.
        /│ 'result' +│ 'success' +│/,
      ],
      output: /^$/, // set through @actions/core, which local-action replaces: see its table
      summary: /^## ✅ Rendered 1 object: no cluster given, nothing deployed\n/,
    },
  },
];

/** A .env line; dotenv reads `KEY=value` with the value unquoted up to the end of the line. */
const envLine = (key: string, value: string) => {
  if (/[\n\r]/.test(value)) throw new Error(`A .env value cannot hold a line break: ${key}.`);
  return `${key}=${value}`;
};

const problems: string[] = [];
try {
  for (const test of CASES) {
    const dir = path.join(scratch, test.name);
    const workspace = path.join(dir, 'workspace');
    mkdirSync(path.join(dir, 'tmp'), { recursive: true });
    mkdirSync(workspace, { recursive: true });
    for (const [file, text] of Object.entries(test.files ?? {})) {
      mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
      writeFileSync(path.join(workspace, file), text);
    }
    const runnerFiles = {
      GITHUB_OUTPUT: path.join(dir, 'output'),
      GITHUB_STATE: path.join(dir, 'state'),
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
    };
    for (const file of Object.values(runnerFiles)) writeFileSync(file, '');
    const dotenv = path.join(dir, '.env');
    const env = {
      ...runnerFiles,
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: path.join(dir, 'tmp'),
      KUBECONFIG: '',
      ...test.env,
    };
    writeFileSync(
      dotenv,
      `${Object.entries(env)
        .map(([key, value]) => envLine(key, value))
        .join('\n')}\n`,
    );
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      [LOCAL_ACTION, 'run', root, 'src/main.ts', dotenv, '--post', 'src/post-step.ts'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1' },
        timeout: 120_000,
      },
    );
    const log = `${run.stdout}${run.stderr}`;
    const output = readFileSync(runnerFiles.GITHUB_OUTPUT, 'utf8');
    const summary = readFileSync(runnerFiles.GITHUB_STEP_SUMMARY, 'utf8');
    const failed = [
      run.status === test.expect.status ? '' : `exit code ${run.status}, expected ${test.expect.status}`,
      ...test.expect.log.map((pattern) => (pattern.test(log) ? '' : `no log line matching ${pattern}`)),
      test.expect.output.test(output) ? '' : `GITHUB_OUTPUT does not match ${test.expect.output}`,
      test.expect.summary.test(summary) ? '' : `the job summary does not start as ${test.expect.summary}`,
    ].filter((problem) => problem !== '');
    if (failed.length > 0) {
      problems.push(
        `local-action, ${test.name}: ${failed.join('; ')}.\n--- its output ---\n${log.slice(-4000)}`,
      );
    } else {
      console.log(
        `local-action, ${test.name}: as expected (exit ${run.status}, ${Date.now() - started} ms).`,
      );
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (problems.length > 0) {
  console.error(problems.join('\n\n'));
  process.exit(1);
}
