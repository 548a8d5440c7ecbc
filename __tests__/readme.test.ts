import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { syncedReadme } from '../scripts/action-docs.js';
import { EXIT_CODE_MEANINGS } from '../src/cli/command.js';
import { INPUT_DEFAULTS } from '../src/inputs.js';

const actionYml = readFileSync('action.yml', 'utf8');
const readme = readFileSync('README.md', 'utf8');

describe('README and action.yml', () => {
  it('lists exactly the inputs and outputs of action.yml (run `npm run docs` after changing it)', () => {
    expect(readme).toBe(syncedReadme(readme, actionYml));
  });

  it('declares in action.yml the same defaults the code applies', () => {
    const inputs = (parse(actionYml) as { inputs: Record<string, { default?: string }> }).inputs;
    for (const [name, value] of Object.entries(INPUT_DEFAULTS)) {
      expect({ name, default: inputs[name]?.default }).toEqual({ name, default: value });
    }
  });

  it('runs on node24 from the bundled dist/index.js', () => {
    const runs = (parse(actionYml) as { runs: Record<string, string> }).runs;
    expect(runs.using).toBe('node24');
    expect(runs.main).toBe('dist/index.js');
  });
});

describe("README's CLI section", () => {
  const cliSection = readme.slice(
    readme.indexOf('## CLI\n'),
    readme.indexOf('\n## ', readme.indexOf('## CLI\n') + 1),
  );
  // `k8s-deploy --help` as the CLI prints it, from the real entry file.
  const help = (...args: string[]) =>
    promisify(execFile)(process.execPath, [
      '--import',
      pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href,
      path.resolve('src/cli.ts'),
      ...args,
    ]).then(({ stdout }) => stdout);

  it('lists every exit code with the meaning `k8s-deploy --help` gives', () => {
    for (const [code, meaning] of EXIT_CODE_MEANINGS) {
      expect(cliSection).toContain(`| \`${code}\` | ${meaning} |`);
    }
  });

  it('shows every command of `k8s-deploy --help` with the usage line its help shows', async () => {
    const names = [...(await help('--help')).matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map(
      (match) => match[1] ?? '',
    );
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const usage = /^Usage: (k8s-deploy .*)$/m.exec(await help('help', name))?.[1];
      expect({ name, inReadme: cliSection.includes(`\n${usage}\n`) }).toEqual({ name, inReadme: true });
      expect(cliSection).toContain(`| \`${name}\` | `);
    }
  });
});

describe('release files', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; license: string };

  it("has a CHANGELOG section for package.json's version, the newest one, as release.yml requires", () => {
    const changelog = readFileSync('CHANGELOG.md', 'utf8');
    const releases = [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$/gm)].map(
      (m) => m[1],
    );
    expect(releases[0]).toBe(pkg.version);
    expect(changelog).toContain(
      `[${pkg.version}]: https://github.com/org/k8s-deploy-action/releases/tag/v${pkg.version}`,
    );
  });

  it('ships the licence package.json names', () => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync('LICENSE', 'utf8')).toMatch(
      /^MIT License\n\nCopyright \(c\) \d{4} k8s-deploy-action authors\n/,
    );
  });
});

/** The body of the README section `## title`, up to the next `## `. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start).toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe("README's permissions table", () => {
  // The workflows users run: the reusable one and the templates they copy.
  const files = [
    '.github/workflows/deploy.yml',
    ...readdirSync('workflows')
      .filter((name) => /\.ya?ml$/.test(name))
      .map((name) => `workflows/${name}`),
  ];
  type Jobs = Record<string, { permissions?: Record<string, string> | string }>;

  /** `permission: level` → the sorted `file: job` entries asking for it. */
  function fromWorkflows(): Record<string, string[]> {
    const table: Record<string, string[]> = {};
    for (const file of files) {
      const jobs = (parse(readFileSync(file, 'utf8')) as { jobs: Jobs }).jobs;
      for (const [id, job] of Object.entries(jobs)) {
        const permissions = typeof job.permissions === 'object' ? job.permissions : {};
        for (const [name, level] of Object.entries(permissions)) {
          const key = `${name}: ${level}`;
          table[key] = [...(table[key] ?? []), `${path.basename(file)}: ${id}`];
        }
      }
    }
    for (const entries of Object.values(table)) entries.sort();
    return table;
  }

  function fromReadme(): Record<string, string[]> {
    const table: Record<string, string[]> = {};
    for (const [, permission, jobs, why] of section('Permissions').matchAll(
      /^\| `([a-z-]+: [a-z]+)` \| (.+?) \| (.+?) \|$/gm,
    )) {
      expect({ permission, why: (why ?? '').length > 20 }).toEqual({ permission, why: true });
      table[permission ?? ''] = (jobs ?? '')
        .split('; ')
        .flatMap((group) => {
          const [, file, ids] = /^`([^`]+)`: (.+)$/.exec(group) ?? [];
          return (ids ?? '').split(', ').map((id) => `${file}: ${id.replace(/`/g, '')}`);
        })
        .sort();
    }
    return table;
  }

  it('has one row per permission any job of the workflows asks for, listing exactly those jobs', () => {
    const expected = fromWorkflows();
    expect(Object.keys(expected)).toEqual(
      expect.arrayContaining([
        'contents: read',
        'id-token: write',
        'deployments: write',
        'pull-requests: write',
      ]),
    );
    expect(fromReadme()).toEqual(expected);
  });
});

describe("README's contents", () => {
  const anchor = (title: string) =>
    title
      .toLowerCase()
      .replace(/[^\w\- ]/g, '')
      .replace(/ /g, '-');

  it('links every section, in order, to its heading', () => {
    const headings = [...readme.matchAll(/^## (.+)$/gm)]
      .map((m) => m[1] ?? '')
      .filter((h) => h !== 'Contents');
    const links = [...section('Contents').matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links).toEqual(headings.map(anchor));
  });
});
