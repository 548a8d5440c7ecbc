import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

// Every dependency package.json declares is used: a runtime one by src/ (what dist/ ships), a
// development one by the tests, the sandbox, benchmarks, scripts, jest's configuration, or as a
// command of an npm script. A declared-but-unused package is installed, audited and updated for
// nothing (README "Design notes").

interface Manifest {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    if (statSync(file).isDirectory()) return sources(file);
    return /\.(ts|js|cjs|mjs)$/.test(name) ? [file] : [];
  });
}
const textOf = (files: string[]) => files.map((file) => readFileSync(file, 'utf8')).join('\n');
const shipped = textOf(sources('src'));
const tooling = textOf([...['__tests__', 'sandbox', 'bench', 'scripts'].flatMap(sources), 'jest.config.js']);

/** `'name'` or `'name/sub/path'` in quotes: an import, a dynamic import, a require or a config entry. */
const mentions = (text: string, name: string) =>
  new RegExp(`['"]${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/[^'"]*)?['"]`).test(text);

/** The commands a package installs (node_modules/.bin), which npm scripts may run. */
function commandsOf(name: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join('node_modules', name, 'package.json'), 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  if (manifest.bin === undefined) return [];
  return typeof manifest.bin === 'string' ? [name.replace(/^@[^/]+\//, '')] : Object.keys(manifest.bin);
}
const scripts = Object.values(pkg.scripts).join('\n');

describe('package.json dependencies', () => {
  it.each(Object.keys(pkg.dependencies))('%s (runtime) is imported by src/', (name) => {
    expect({ name, used: mentions(shipped, name) }).toEqual({ name, used: true });
  });

  it.each(Object.keys(pkg.devDependencies))(
    '%s (development) is imported by the tooling or run by an npm script',
    (name) => {
      const typesOf = /^@types\/(.+)$/.exec(name)?.[1];
      const used = typesOf
        ? // Type packages: for a runtime (node, jest) or for a package that is used.
          ['node', 'jest'].includes(typesOf) || mentions(shipped + tooling, typesOf)
        : mentions(shipped + tooling, name) ||
          commandsOf(name).some((command) => new RegExp(`(^|[\\s&|;(])${command}(\\s|$)`, 'm').test(scripts));
      expect({ name, used }).toEqual({ name, used: true });
    },
  );
});
