// `npm run demo`: the bundled action, run as a GitHub runner would, against a local sandbox
// (real registry, podman and kubectl; simulated ECR, EKS and API server), deploying k8s/.
// Three runs: a commit deployed (build, migrate, apply, verify), the same commit again (nothing
// to do), then a commit whose frontend crashes, caught within seconds and rolled back; then the
// release history.
import { randomBytes } from 'node:crypto';
import { NodeProcessRunner } from '../src/process.js';
import { ensurePrerequisites, systemHost } from './prerequisites.js';
import { runAction } from './runner.js';
import { seedDockerHubImage } from './seed-images.js';
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
  // The platform's images come from Docker Hub through the nodes' pull-through cache.
  for (const image of ['nginxinc/nginx-unprivileged:1.27-alpine', 'postgres:17-alpine']) {
    await seedDockerHubImage(sandbox.env, image);
  }
  const images = (crash: boolean) =>
    [
      'laravel-app:',
      '  context: sandbox/demo/laravel-app',
      'frontend:',
      '  context: sandbox/demo/frontend',
      ...(crash ? ['  build-args:', '    SANDBOX_CRASH: "1"'] : []),
    ].join('\n');
  const inputs = (crash: boolean) => ({
    images: images(crash),
    'create-repositories': 'true',
    'cluster-name': sandbox.env.SANDBOX_CLUSTER_NAME ?? '',
    manifests: 'k8s/overlays/staging',
    'migration-job': 'migrate',
    'post-deploy-jobs': 'smoke-test',
    'rollout-timeout': '2m',
    // Recorded as GitHub deployments in the sandbox's GitHub API stand-in.
    environment: 'staging',
    'environment-url': 'https://staging.upload.example.com',
  });
  // No KUBECONFIG: the action writes its own, for the EKS cluster it describes.
  const { KUBECONFIG: _static, ...sandboxEnv } = sandbox.env;
  const good = randomBytes(20).toString('hex');
  const bad = randomBytes(20).toString('hex');
  const runs = [
    { label: 'First run: build, migrate, apply, verify', commit: good, crash: false, expect: 0 },
    {
      label: 'Second run, same commit: already deployed, nothing built or changed',
      commit: good,
      crash: false,
      expect: 0,
    },
    {
      label: 'A new commit whose frontend image crashes at start: caught and rolled back',
      commit: bad,
      crash: true,
      expect: 1,
    },
  ];
  for (const [index, { label, commit, crash, expect }] of runs.entries()) {
    say(`\n=== ${label} (commit ${commit.slice(0, 12)}) ===`);
    const env = {
      ...sandboxEnv,
      GITHUB_SHA: commit,
      GITHUB_REPOSITORY: 'acme/upload-platform',
      // What a runner sets: the run URL lands in the annotations and the release records.
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: String(7000 + index),
    };
    const run = await runAction({ inputs: inputs(crash), env, echo: (text) => process.stdout.write(text) });
    say(`\nexit code ${run.exitCode} (expected ${expect}); outputs:`);
    for (const [name, value] of Object.entries(run.outputs)) console.log(`  ${name} = ${value}`);
    say('job summary:');
    console.log(run.summary);
    if (run.exitCode !== expect || run.postExitCode !== 0) {
      failed = true;
      break;
    }
  }
  if (!failed) {
    say('\n=== The GitHub deployments the runs recorded (the sandbox GitHub API stand-in) ===');
    const deployments = (await (
      await fetch(`${sandbox.env.SANDBOX_GITHUB_ADMIN_URL}/deployments`)
    ).json()) as {
      id: number;
      sha: string;
      environment: string;
      statuses: { state: string; description?: string }[];
    }[];
    for (const deployment of deployments) {
      const statuses = deployment.statuses.map(
        (s) => `${s.state}${s.description ? ` ("${s.description}")` : ''}`,
      );
      console.log(
        `  #${deployment.id} ${deployment.environment} ${deployment.sha.slice(0, 12)}: ${statuses.join(' → ')}`,
      );
    }
    say('\n=== What is deployed, since when, from which run: k8s-deploy history ===');
    const history = await new NodeProcessRunner().run(
      process.execPath,
      ['dist/cli/index.js', 'history', '--release-name', 'upload-platform', '--namespace', 'upload-staging'],
      { env: { ...process.env, ...sandbox.env } },
    );
    process.stdout.write(history.stderr + history.stdout);
    if (history.exitCode !== 0) failed = true;
  }
} finally {
  await sandbox.stop();
}
process.exitCode = failed ? 1 : 0;
