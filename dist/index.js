// The action, its main and post step (action.yml). Written by npm run build (scripts/build.ts): the code is in the bundle it requires.
require('node:module').enableCompileCache?.();
require('./bundle/index.js').runAction();
