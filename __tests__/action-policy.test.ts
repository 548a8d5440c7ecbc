import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pushImage } from '../sandbox/engine-deploy.js';
import { type ActionRun, runAction } from '../sandbox/runner.js';
import { type RunningSandbox, startSandbox } from '../sandbox/testing.js';
import { NodeProcessRunner } from '../src/process.js';

// The plan's built-in rules and quota check through the bundled action (dist/), as a runner runs
// it, against the sandbox: what the user sees (annotations at file:line, the exit code) and what
// the cluster saw (the API server's audit log).

let sandbox: RunningSandbox;
let image: string;
let runs = 0;

beforeAll(async () => {
  sandbox = await startSandbox();
  image = await pushImage(sandbox, 'policy-action/app', 'v1');
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

/** Deployment `web` in `namespace` (which must exist), 1 replica, `extra` lines in its container. */
function app(namespace: string, extra: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${namespace}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ${image}
          securityContext: {allowPrivilegeEscalation: false}
          readinessProbe: {tcpSocket: {port: 8080}}
${extra}`;
}

const RESOURCES = '          resources: {requests: {cpu: 100m, memory: 384Mi}, limits: {memory: 384Mi}}\n';

function mutations(): { path: string }[] {
  const audit = sandbox.env.SANDBOX_AUDIT_LOG;
  if (!audit || !existsSync(audit)) return [];
  return readFileSync(audit, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.mutating && !entry.path.startsWith('/apis/coordination.k8s.io/'));
}

async function kubectl(args: string[], stdin?: string): Promise<void> {
  const result = await new NodeProcessRunner().run('kubectl', args, {
    env: { ...process.env, ...sandbox.env },
    stdin,
  });
  if (result.exitCode !== 0) throw new Error(result.stderr);
}

async function deploy(manifest: string, inputs: Record<string, string>): Promise<ActionRun> {
  const workspace = await mkdtemp(join(sandbox.stateDir, 'workspace-'));
  await writeFile(join(workspace, 'app.yaml'), manifest);
  runs++;
  return runAction({
    inputs: {
      manifests: 'app.yaml',
      kubeconfig: sandbox.env.KUBECONFIG ?? '',
      'release-name': 'web',
      'rollout-timeout': '60s',
      ...inputs,
    },
    env: {
      ...sandbox.env,
      GITHUB_SHA: `${runs.toString(16).padStart(8, '0')}${'d'.repeat(32)}`,
      GITHUB_REPOSITORY: 'acme/shop',
    },
    workspace,
  });
}

const annotations = (run: ActionRun, kind: 'error' | 'warning') =>
  run.rawOutput.split('\n').filter((line) => line.startsWith(`::${kind} `) || line.startsWith(`::${kind}::`));

describe('the bundled action: policy rules and quota in the plan', () => {
  it('policy enforce: a rule broken fails the run with an error annotation at its line, and the cluster sees no write', async () => {
    await kubectl(['create', 'namespace', 'enforced']);
    const before = mutations().length;
    const run = await deploy(
      app('enforced', `${RESOURCES}      volumes: [{name: logs, hostPath: {path: /var/log}}]\n`),
      {
        policy: 'enforce',
      },
    );

    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(annotations(run, 'error')).toEqual([
      expect.stringMatching(
        /^::error file=app\.yaml,line=1::The manifests break a built-in policy rule and policy is enforce:%0A {2}app\.yaml:1: Deployment enforced\/web breaks policy rule host-path: volume "logs" mounts the node's \/var\/log \(hostPath\)/,
      ),
    ]);
    expect(mutations().length).toBe(before);
  }, 120_000);

  it('policy warn (the default): the same release deploys, with a warning annotation at its line', async () => {
    await kubectl(['create', 'namespace', 'warned']);
    const run = await deploy(
      app('warned', `${RESOURCES}      volumes: [{name: logs, hostPath: {path: /var/log}}]\n`),
      {},
    );

    expect(run.exitCode).toBe(0);
    expect(run.outputs.result).toBe('success');
    // The audit log these tests read does see the action's writes.
    expect(mutations().some((entry) => entry.path.includes('/namespaces/warned/'))).toBe(true);
    expect(annotations(run, 'warning')).toEqual([
      expect.stringMatching(
        /^::warning file=app\.yaml,line=1::app\.yaml:1: Deployment warned\/web breaks policy rule host-path: /,
      ),
    ]);
  }, 120_000);

  it('a release that exceeds the namespace quota fails the plan, naming quota, resource, requested and available; the cluster sees no write', async () => {
    await kubectl(['create', 'namespace', 'quota']);
    await kubectl(
      ['apply', '-f', '-'],
      'apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: compute, namespace: quota}\nspec: {hard: {requests.memory: 512Mi}}\n',
    );
    const before = mutations().length;
    const run = await deploy(app('quota', RESOURCES).replace('replicas: 1', 'replicas: 2'), {
      'policy-skip': 'disruption-budget',
    });

    expect(run.exitCode).toBe(1);
    expect(annotations(run, 'error')).toEqual([
      expect.stringContaining(
        "::error file=app.yaml,line=1::The release's new pods would not fit ResourceQuota compute in namespace quota at the rollout's surge (the old pods still counted): requests.memory requested 768Mi, available 512Mi (0 of 512Mi used): Deployment quota/web (app.yaml:1): 2 new pod(s) of 384Mi;",
      ),
    ]);
    expect(mutations().length).toBe(before);
  }, 120_000);
});
