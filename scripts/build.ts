// npm run build: dist/ from src/. One ncc bundle (dist/bundle/, from src/bundle.ts) serves two
// entry points that only require it: dist/index.js, the action (action.yml main and post), and
// dist/cli/index.js, the CLI (kubeconfigs run its eks-token). Deterministic: .ci/run rebuilds and
// compares.
//
// CommonJS, not ES modules: Node starts a CommonJS entry ~15 ms sooner (no module graph to link,
// no asynchronous evaluation), and webpack loads the chunks with a synchronous require. ncc picks
// ESM for a source under "type": "module" (ours) and its command line cannot say otherwise, so
// the build calls its JavaScript API with esm: false. ncc compiles `import.meta.url` (fdir's
// createRequire, in the tinyglobby chunk) to the chunk's own file URL at run time.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { transformSync } from 'esbuild';
import ts from 'typescript';

const DIST = 'dist';
const BUNDLE = join(DIST, 'bundle');

interface NccOutput {
  code: string;
  assets: Record<string, { source: string | Buffer }>;
}
type Ncc = (entry: string, options: Record<string, unknown>) => Promise<NccOutput>;
const ncc = createRequire(import.meta.url)('@vercel/ncc') as Ncc;

rmSync(DIST, { recursive: true, force: true });
const { code, assets } = await ncc(join(process.cwd(), 'src', 'bundle.ts'), {
  esm: false,
  minify: true,
  license: 'licenses.txt',
  quiet: true,
});
mkdirSync(BUNDLE, { recursive: true });
writeFileSync(join(BUNDLE, 'index.js'), code);
for (const [name, { source }] of Object.entries(assets)) {
  const path = join(BUNDLE, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, /^\d+\.index\.js$/.test(name) ? compactChunk(source.toString()) : source);
}

// Node 22.8+ (the action runs on node24) keeps V8's compiled code of the bundle in its compile
// cache, by default os.tmpdir()/node-compile-cache (or NODE_COMPILE_CACHE): compiled code, never
// inputs or secrets, outside the workspace. It pays off on the second start on a machine: the
// post step after the main one, and each eks-token that kubectl runs. Node 20 has no such
// function and skips it.
const entry = (what: string, bundle: string, run: string) =>
  [
    `// ${what}. Written by npm run build (scripts/build.ts): the code is in the bundle it requires.`,
    "require('node:module').enableCompileCache?.();",
    `require('${bundle}').${run}();`,
    '',
  ].join('\n');
// The repository's package.json says "type": "module"; dist/ is CommonJS.
writeFileSync(join(DIST, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
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
    format: 'cjs',
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
