// `npm run demo`: the bundled action, run as a GitHub runner would, against a local sandbox
// (real registry, podman and kubectl; simulated ECR, EKS and API server), deploying k8s/.
// It runs twice with the same commit: the first run builds and pushes, the second reuses.
import { randomBytes } from 'node:crypto';
import { ensurePrerequisites, systemHost } from './prerequisites.js';
import { runAction } from './runner.js';
import { startSandbox } from './testing.js';

const say = (text: string) => process.stdout.write(`\x1b[1m${text}\x1b[0m\n`);

// Before anything starts, so a fresh machine gets what to install, not a stack trace.
const problems = await ensurePrerequisites(systemHost(), say);
if (problems.length > 0) {
  for (const problem of problems) process.stderr.write(`demo: ${problem}\n`);
  process.exit(1);
}

say('Starting the sandbox (registry, ECR/EKS control plane, Kubernetes API server)…');
const sandbox = await startSandbox();
let failed = false;
try {
  const commit = randomBytes(20).toString('hex');
  const inputs = {
    images: [
      'laravel-app:',
      '  context: sandbox/demo/laravel-app',
      'frontend:',
      '  context: sandbox/demo/frontend',
    ].join('\n'),
    'create-repositories': 'true',
    'cluster-name': sandbox.env.SANDBOX_CLUSTER_NAME ?? '',
    manifests: 'k8s/overlays/staging',
    'migration-job': 'migrate',
  };
  // No KUBECONFIG: the action writes its own, for the EKS cluster it describes.
  const { KUBECONFIG: _static, ...sandboxEnv } = sandbox.env;
  const env = { ...sandboxEnv, GITHUB_SHA: commit, GITHUB_REPOSITORY: 'acme/upload-platform' };
  for (const label of ['First run: build and push', 'Second run, same commit: promote, nothing built']) {
    say(`\n=== ${label} (commit ${commit.slice(0, 12)}) ===`);
    const run = await runAction({ inputs, env, echo: (text) => process.stdout.write(text) });
    say(`\nexit code ${run.exitCode}; outputs:`);
    for (const [name, value] of Object.entries(run.outputs)) console.log(`  ${name} = ${value}`);
    say('job summary:');
    console.log(run.summary);
    if (run.exitCode !== 0 || run.postExitCode !== 0) {
      failed = true;
      break;
    }
  }
} finally {
  await sandbox.stop();
}
process.exitCode = failed ? 1 : 0;
