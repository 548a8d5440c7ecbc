/**
 * `k8s-deploy rollback` is a release: the target record's manifest goes through the engine's
 * deploy (plan, apply, verify, prune, record), a rollback that fails is itself rolled back, and
 * a target that itself failed is refused unless --force. Through the CLI against the sandbox,
 * read back with kubectl; the app is the guestbook's frontend, unmodified.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pushImage } from '../../sandbox/engine-deploy.js';
import { type RunningSandbox, startSandbox } from '../../sandbox/testing.js';
import type { CliCommand } from '../../src/cli/command.js';
import { deployCommand } from '../../src/cli/deploy.js';
import { historyCommand } from '../../src/cli/history.js';
import { rollbackCommand } from '../../src/cli/rollback.js';

const GUESTBOOK = join(import.meta.dirname, '..', 'fixtures', 'third-party', 'guestbook');
const NS = 'rb';
const RELEASE = 'frontend';

let sandbox: RunningSandbox;
let v1 = '';
let v2 = '';
let missing = '';
let workDir = '';

beforeAll(async () => {
  sandbox = await startSandbox();
  v1 = await pushImage(sandbox, 'samples/frontend', 'v1');
  v2 = await pushImage(sandbox, 'samples/frontend', 'v2');
  missing = v1.replace(/:v1$/, ':no-such-tag');
  workDir = mkdtempSync(join(tmpdir(), 'rollback-release-'));
  await kubectl(['create', 'namespace', NS]);
}, 180_000);
afterAll(async () => {
  await sandbox?.stop();
});

function env(): NodeJS.ProcessEnv {
  return { ...process.env, ...sandbox.env, RUNNER_TEMP: workDir, GITHUB_SHA: undefined };
}

async function cli(make: () => CliCommand, args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await make().run([...args, '--release-name', RELEASE, '--namespace', NS], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: env(),
  });
  return { code, stdout, stderr };
}

function kubectl(args: string[], stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('kubectl', args, { env: env() }, (error, stdout, stderr) =>
      error ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
    );
    child.stdin?.end(stdin ?? '');
  });
}

const deployImage = (image: string, extra: string[] = []) =>
  cli(deployCommand, [
    '--manifests',
    join(GUESTBOOK, 'frontend-deployment.yaml'),
    ...extra,
    '--image',
    `google-samples/gb-frontend=${image}`,
    '--rollout-timeout',
    '60s',
  ]);

async function liveImage(): Promise<string> {
  return (
    await kubectl([
      'get',
      'deployment',
      'frontend',
      '-n',
      NS,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ])
  ).trim();
}

async function history(): Promise<{ version: number; status: string; reason?: string }[]> {
  const result = await cli(historyCommand, ['--output', 'json']);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('k8s-deploy rollback', () => {
  it('re-applies the last good release before the latest, verifies it and records "rollback to vN"', async () => {
    expect((await deployImage(v1)).code).toBe(0);
    expect((await deployImage(v2)).code).toBe(0);
    const result = await cli(rollbackCommand, []);
    expect(result.stdout).toBe(`success: release ${RELEASE} v1 re-applied and verified as v3.\n`);
    expect(result.code).toBe(0);
    expect(await liveImage()).toBe(v1);
    expect((await history())[0]).toMatchObject({ version: 3, status: 'success', reason: 'rollback to v1' });
  }, 180_000);

  it('to a release that is already live changes nothing', async () => {
    const result = await cli(rollbackCommand, ['--to', '3']);
    expect(result.stdout).toBe(
      `success: release ${RELEASE} v3 is already live and verified; nothing changed.\n`,
    );
    expect(result.code).toBe(0);
    expect((await history()).length).toBe(3);
  }, 120_000);

  it('refuses a target that itself was rolled back, naming it and --force, and changes nothing', async () => {
    const broken = await deployImage(missing);
    expect(broken.code).toBe(3); // v4: rolled back to v3
    const before = await kubectl([
      'get',
      'deployment',
      'frontend',
      '-n',
      NS,
      '-o',
      'jsonpath={.metadata.resourceVersion}',
    ]);
    const refused = await cli(rollbackCommand, ['--to', '4']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^error: Release ${RELEASE} v4 ended rolled-back \\(.*\\): re-applying it would bring back what failed\\. Expected --to naming a successful release .*, or --force to re-apply it anyway\\.$`,
        'm',
      ),
    );
    expect(refused.stdout).toBe('');
    expect(
      await kubectl([
        'get',
        'deployment',
        'frontend',
        '-n',
        NS,
        '-o',
        'jsonpath={.metadata.resourceVersion}',
      ]),
    ).toBe(before);
    expect((await history()).length).toBe(4);
  }, 180_000);

  it('a rollback that fails is itself rolled back to what was live (exit 3), and says so', async () => {
    expect((await deployImage(v2)).code).toBe(0); // v5: v2 live
    // v4's image does not exist: its pods never start (ErrImagePull), which no plan can see.
    const result = await cli(rollbackCommand, ['--to', '4', '--force']);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^error: rolled back: Rolling back to v4 failed: .*cannot pull its image.* What was live before, v5, was restored and verified\.$/,
    );
    expect(result.code).toBe(3);
    expect(await liveImage()).toBe(v2);
    expect((await history())[0]).toMatchObject({ version: 6, status: 'rolled-back' });
    expect((await history())[0].reason).toMatch(/^rollback to v4: /);
  }, 180_000);

  it('a rollback whose pods would not fit the namespace quota is refused by its plan, before any write', async () => {
    // A quota that admits no new pod: v1's new pods could not be created.
    const pods = (await kubectl(['get', 'pods', '-n', NS, '-o', 'name'])).split('\n').filter(Boolean).length;
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: no-more-pods, namespace: ${NS}}\nspec: {hard: {pods: "${pods}"}}\n`,
    );
    const before = (await history()).length;
    const result = await cli(rollbackCommand, ['--to', '3']);
    expect(result.stderr).toMatch(
      /would not fit ResourceQuota no-more-pods in namespace rb at the rollout's surge \(the old pods still counted\): pods requested 1, available 0 .* Nothing was changed in the cluster\./,
    );
    expect(result.code).not.toBe(0);
    expect(await liveImage()).toBe(v2);
    expect((await history()).length).toBe(before);
    await kubectl(['delete', 'resourcequota', 'no-more-pods', '-n', NS]);
  }, 180_000);
});
