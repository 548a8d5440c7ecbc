// npm run build: dist/ from src/. One ncc bundle (dist/bundle/, from src/bundle.ts) serves two
// entry points that only import it: dist/index.js, the action (action.yml main and post), and
// dist/cli/index.js, the CLI (kubeconfigs run its eks-token). Deterministic: .ci/run rebuilds and
// compares.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import ts from 'typescript';

const DIST = 'dist';
const BUNDLE = join(DIST, 'bundle');

rmSync(DIST, { recursive: true, force: true });
const ncc = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js');
execFileSync(
  process.execPath,
  [ncc, 'build', 'src/bundle.ts', '-o', BUNDLE, '--minify', '--license', 'licenses.txt', '--quiet'],
  { stdio: 'inherit' },
);

for (const file of readdirSync(BUNDLE).filter((name) => /^\d+\.index\.js$/.test(name))) {
  const path = join(BUNDLE, file);
  writeFileSync(path, compactChunk(readFileSync(path, 'utf8')));
}

const entry = (what: string, bundle: string, run: string) =>
  `// ${what}. Written by npm run build (scripts/build.ts): the code is in the bundle it imports.\nimport { ${run} } from '${bundle}';\nawait ${run}();\n`;
writeFileSync(join(DIST, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
writeFileSync(
  join(DIST, 'index.js'),
  entry('The action, its main and post step (action.yml)', './bundle/index.js', 'runAction'),
);
mkdirSync(join(DIST, 'cli'));
writeFileSync(
  join(DIST, 'cli', 'index.js'),
  entry('The k8s-deploy CLI (node dist/cli/index.js --help)', '../bundle/index.js', 'runCli'),
);

/**
 * ncc minifies its index.js only; the chunks the dynamic imports became are left as webpack
 * wrote them, comments and all. Names are kept, as ncc's own minifier keeps them.
 */
function compactChunk(code: string): string {
  const minified = transformSync(code, {
    minify: true,
    keepNames: true,
    format: 'esm',
    target: 'node20',
    legalComments: 'inline',
  }).code;
  return withoutFunctionParentheses(minified);
}

/**
 * Webpack writes each module as `{123: ((module, exports, require) => {...})}`. V8 compiles a
 * function in parentheses at once, expecting it to be called right away; unwrapped, a module
 * that never runs (most of the AWS SDK in a chunk, for eks-token) is only pre-parsed. This
 * halves the time to load such a chunk. Removing parentheses around a property's function
 * value never changes what the code does.
 */
function withoutFunctionParentheses(code: string): string {
  const file = ts.createSourceFile('chunk.js', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const cuts: number[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isPropertyAssignment(node) &&
      ts.isParenthesizedExpression(node.initializer) &&
      (ts.isArrowFunction(node.initializer.expression) ||
        ts.isFunctionExpression(node.initializer.expression))
    ) {
      cuts.push(node.initializer.getStart(file), node.initializer.end - 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let result = code;
  for (const at of cuts.sort((a, b) => b - a)) result = result.slice(0, at) + result.slice(at + 1);
  return result;
}
