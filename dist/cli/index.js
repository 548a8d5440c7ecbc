// The k8s-deploy CLI (node dist/cli/index.js --help). Written by npm run build (scripts/build.ts): the code is in the bundle it requires.
require('node:module').enableCompileCache?.();
require('../bundle/index.js').runCli();
