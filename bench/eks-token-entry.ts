// Bundled by bench/eks-token.sh to measure what kubectl pays per token: start-up of the CLI
// bundle, the default credential chain, and signing.
import { eksToken } from '../src/cli/eks-token.js';

const [command, ...rest] = process.argv.slice(2);
if (command === 'eks-token')
  process.exitCode = await eksToken(rest, { stdout: process.stdout, stderr: process.stderr });
else if (command === 'load-phases') {
  // What the action pays at start-up for importing the build and connect phases (no SDK yet).
  const started = performance.now();
  await import('../src/images/prepare.js');
  await import('../src/cluster/connect.js');
  process.stdout.write(`phases imported in ${(performance.now() - started).toFixed(1)} ms\n`);
}
