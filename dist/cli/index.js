// The k8s-deploy CLI (node dist/cli/index.js --help). Written by npm run build (scripts/build.ts): the code is in the bundle it imports.
import { runCli } from '../bundle/index.js';
await runCli();
