import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import type { Json } from '../../src/deploy/objects.js';
import { decodeRecord, type ReleaseRecord } from '../../src/deploy/release.js';
import {
  addFault,
  auditMark,
  clearFaults,
  kubectlRun,
  lockWritesAfter,
  pushImage,
  useSandbox,
  webApp,
} from './support.js';

// Overlapping runs of one release through the CLI, as separate processes against the sandbox:
// the release lock (a Lease) must let exactly one of them work at a time, and no run may say
// "deployed and verified" unless its own release is the one live and recorded.

const ctx = useSandbox('lock/app');
const CLI = path.resolve('src/cli.ts');
const TSX_LOADER = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href;

interface CliRun {
  child: ChildProcess;
  stderr: () => string;
  /** Resolves with the first stderr line matching `pattern` (rejects when the process ends first). */
  line: (pattern: RegExp) => Promise<string>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function cli(args: string[], env: Record<string, string> = {}): CliRun {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GITHUB_')));
  // Its own process group, so a SIGKILL reaches kubectl proxy too, as a runner's kill would.
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI, ...args], {
    env: { ...clean, ...ctx.sandbox.env, ...env },
    cwd: workspace ?? os.tmpdir(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of [...waiters]) {
      const found = stderr.split('\n').find((line) => waiter.pattern.test(line));
      if (found !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(found);
      }
    }
  });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) =>
    child.on('close', (code, signal) => {
      for (const waiter of waiters.splice(0))
        waiter.reject(new Error(`exited before ${waiter.pattern}:\n${stderr}`));
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return {
    child,
    stderr: () => stderr,
    done,
    line: (pattern) =>
      new Promise((resolve, reject) => {
        const found = stderr.split('\n').find((line) => pattern.test(line));
        if (found !== undefined) resolve(found);
        else if (child.exitCode !== null) reject(new Error(`exited before ${pattern}:\n${stderr}`));
        else waiters.push({ pattern, resolve, reject });
      }),
  };
}

/** The CLI's working directory: manifests must be inside the workspace. */
let workspace: string | undefined;

async function manifests(name: string, yaml: string): Promise<string> {
  workspace ??= await mkdtemp(path.join(os.tmpdir(), 'lock-workspace-'));
  const dir = path.join(workspace, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'app.yaml'), yaml);
  return dir;
}

const deployArgs = (dir: string, release: string, namespace: string, ...more: string[]) => [
  'deploy',
  ...['--manifests', dir, '--release-name', release, '--namespace', namespace],
  ...['--rollout-timeout', '60s'],
  ...more,
];

async function liveImage(namespace: string): Promise<string> {
  return kubectlRun(ctx.sandbox, [
    'get',
    'deployment/web',
    '-n',
    namespace,
    '-o',
    'jsonpath={.spec.template.spec.containers[0].image}',
  ]);
}

interface HistoryJson {
  version: number;
  status: string;
  images: Record<string, string>;
  previousVersion?: number;
  manifest?: string;
}

async function records(release: string, namespace: string): Promise<HistoryJson[]> {
  const run = cli(['history', '--release-name', release, '--namespace', namespace, '--output', 'json']);
  const result = await run.done;
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as HistoryJson[];
}

async function lease(release: string, namespace: string): Promise<{ holderIdentity?: string }> {
  const json = await kubectlRun(ctx.sandbox, [
    'get',
    'lease',
    `k8s-deploy.${release}.lock`,
    '-n',
    namespace,
    '-o',
    'json',
  ]);
  return (JSON.parse(json) as { spec: { holderIdentity?: string } }).spec;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function recordOf(release: string, namespace: string, version: number): Promise<ReleaseRecord> {
  const json = await kubectlRun(ctx.sandbox, [
    'get',
    'secret',
    `k8s-deploy.${release}.v${version}`,
    '-n',
    namespace,
    '-o',
    'json',
  ]);
  return decodeRecord(JSON.parse(json) as Json);
}

const LOCKED = /^Locked release \S+ \(Lease [^)]+\) for (.+); other runs wait until this one ends\.$/;
const holderIn = (line: string) => LOCKED.exec(line)?.[1] ?? '';

/** A first release, run alone: it creates the namespace (where the lock lives from then on). */
async function firstRelease(release: string, namespace: string, image: string): Promise<void> {
  const run = cli(
    deployArgs(
      await manifests(`${release}-1`, webApp(namespace, image)),
      release,
      namespace,
      '--rollout-settle',
      '0',
    ),
  );
  const result = await run.done;
  expect({ code: result.code, stdout: result.stdout }).toEqual({
    code: 0,
    stdout: `success: release ${release} v1 deployed and verified.\n`,
  });
}

describe('the release lock, through the CLI in the sandbox', () => {
  it('two deploys started together: one deploys, the other waits for it, then deploys on top; each exits 0 with its own release live and recorded at its end', async () => {
    const ns = 'lock-together';
    const [two, three] = await Promise.all([
      pushImage(ctx.sandbox, 'lock/app', 'two'),
      pushImage(ctx.sandbox, 'lock/app', 'three'),
    ]);
    await firstRelease('conc', ns, ctx.image);
    const dirs = {
      [two]: await manifests('two', webApp(ns, two)),
      [three]: await manifests('three', webApp(ns, three)),
    };
    const runs = [two, three].map((image) => ({
      image,
      run: cli(deployArgs(dirs[image] ?? '', 'conc', ns, '--rollout-settle', '2s')),
    }));
    const results = await Promise.all(runs.map(async ({ image, run }) => ({ image, ...(await run.done) })));

    expect(results.map((result) => result.code)).toEqual([0, 0]);
    const versionOf = (stdout: string) =>
      Number(/^success: release conc v(\d+) deployed and verified\.$/m.exec(stdout)?.[1]);
    expect(results.map((result) => versionOf(result.stdout)).sort()).toEqual([2, 3]);
    const first = results.find((result) => versionOf(result.stdout) === 2);
    const last = results.find((result) => versionOf(result.stdout) === 3);
    // Exactly one found the lock held and waited: the one that deployed on top.
    const waited = results.filter((result) =>
      /Release conc is locked by .*Waiting up to/.test(result.stderr),
    );
    expect(waited.map((result) => result.image)).toEqual([last?.image]);
    // The cluster and the records agree with what each run said: v2 is the first run's images,
    // v3 the waiter's, planned on top of v2; the waiter's is live.
    expect(await liveImage(ns)).toBe(last?.image);
    const [v2, v3] = [await recordOf('conc', ns, 2), await recordOf('conc', ns, 3)];
    expect([v2.status, v2.manifest.includes(first?.image ?? '?')]).toEqual(['success', true]);
    expect([v3.status, v3.manifest.includes(last?.image ?? '?'), v3.previousVersion]).toEqual([
      'success',
      true,
      2,
    ]);
    expect((await records('conc', ns)).map((r) => r.version)).toEqual([3, 2, 1]);
    expect(first?.stderr).toContain('Released the lock of release conc.');
    expect((await lease('conc', ns)).holderIdentity).toBeUndefined();
  }, 240_000);

  it('two first deploys into a namespace neither finds: the one that creates it later takes the lock after it, sees the other release recorded and stops, changing no workload', async () => {
    const ns = 'lock-new';
    const [mine, theirs] = await Promise.all([
      pushImage(ctx.sandbox, 'lock/app', 'new-a'),
      pushImage(ctx.sandbox, 'lock/app', 'new-b'),
    ]);
    // Run A's Namespace apply is held for 3 s (the real one, not the plan's dry run), so B plans
    // while the namespace does not exist either, creates it first and deploys.
    await addFault(ctx.sandbox, {
      path: `/namespaces/${ns}$`,
      methods: ['PATCH'],
      dryRun: false,
      latencyMs: 3000,
      count: 1,
    });
    const a = cli(
      deployArgs(await manifests('new-a', webApp(ns, mine)), 'fresh', ns, '--rollout-settle', '0'),
    );
    await a.line(/^== Apply definitions$/);
    const b = cli(
      deployArgs(await manifests('new-b', webApp(ns, theirs)), 'fresh', ns, '--rollout-settle', '0'),
    );
    const [ra, rb] = await Promise.all([a.done, b.done]);
    await clearFaults(ctx.sandbox);

    expect(rb).toMatchObject({ code: 0, stdout: 'success: release fresh v1 deployed and verified.\n' });
    expect(ra.code).toBe(1);
    expect(ra.stdout).toBe('');
    expect(ra.stderr).toMatch(
      /Another run recorded release fresh v1 in namespace lock-new while this run created that namespace and waited for the release's lock; this run's plan is out of date/,
    );
    expect(ra.stderr).not.toMatch(/^== (Apply configuration|Apply|Verify)$/m);
    // Only B's release is live and recorded.
    expect(await liveImage(ns)).toBe(theirs);
    const history = await records('fresh', ns);
    expect(history.map((r) => [r.version, r.status, r.images])).toEqual([[1, 'success', {}]]);
    expect((await recordOf('fresh', ns, 1)).manifest).toContain(theirs);
  }, 240_000);

  it('while a deploy holds the lock: a deploy or rollback with lock-timeout 0 fails at once naming the holder and changes nothing, a dry run succeeds and names it, history shows it; the rollback runs once it is free', async () => {
    const ns = 'lock-busy';
    await firstRelease('busy', ns, ctx.image);
    const next = await pushImage(ctx.sandbox, 'lock/app', 'busy-next');
    const other = await pushImage(ctx.sandbox, 'lock/app', 'busy-other');
    const holder = cli(
      deployArgs(await manifests('busy-a', webApp(ns, next)), 'busy', ns, '--rollout-settle', '15s'),
    );
    const identity = holderIn(await holder.line(LOCKED));
    expect(identity).toMatch(/@.+ pid \d+ \([0-9a-f]{6}\)$/);
    const otherDir = await manifests('busy-b', webApp(ns, other));

    // All at once while the holder is still verifying (its settle window lasts 15 s).
    const [refused, dryRun, history, rollbackRefused] = await Promise.all([
      cli(deployArgs(otherDir, 'busy', ns, '--lock-timeout', '0')).done,
      cli(deployArgs(otherDir, 'busy', ns, '--dry-run')).done,
      cli(['history', '--release-name', 'busy', '--namespace', ns]).done,
      cli(['rollback', '--release-name', 'busy', '--namespace', ns, '--lock-timeout', '0']).done,
    ]);
    // The holder was still at work when all four ended.
    expect(holder.child.exitCode).toBeNull();
    const held = await holder.done;

    expect(refused.code).toBe(1);
    // A failure is an error line on stderr, the last one.
    expect(refused.stdout).toBe('');
    expect(`${refused.stderr.trimEnd().split('\n').at(-1)}\n`).toMatch(
      new RegExp(
        `^error: failed: Release busy is locked by another run \\(${escapeRegExp(identity)}, deploy since \\S+ \\S+Z, last renewed \\S+ \\S+Z; expires at \\S+ \\S+Z unless renewed\\), and lock-timeout 0 ran out waiting for it; nothing was changed\\.\n$`,
      ),
    );
    expect(refused.stderr).not.toMatch(/== (Apply|Migrate|Verify)/);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toMatch(/^dry-run: /);
    expect(dryRun.stderr).toContain(`Release busy is locked by another run: ${identity}, deploy since`);
    expect(history.stdout).toContain(`Lock: held by ${identity}, deploy since`);
    expect(held).toMatchObject({ code: 0, stdout: 'success: release busy v2 deployed and verified.\n' });
    // Only the holder's release was deployed and recorded; the refused run left no trace.
    expect(await liveImage(ns)).toBe(next);
    expect((await records('busy', ns)).map((r) => r.version)).toEqual([2, 1]);
    // The CLI rollback takes the same lock: refused while the deploy held it, then free to run.
    expect(rollbackRefused.code).toBe(1);
    expect(rollbackRefused.stderr.trimEnd().split('\n').at(-1)).toMatch(
      new RegExp(
        `^error: Release busy is locked by another run \\(${escapeRegExp(identity)}, deploy since .+lock-timeout 0 ran out`,
      ),
    );
    const rolledBack = await cli([
      'rollback',
      '--release-name',
      'busy',
      '--namespace',
      ns,
      '--lock-timeout',
      '0',
    ]).done;
    expect(rolledBack.stdout).toBe('success: release busy v1 re-applied and verified as v3.\n');
    expect(rolledBack.stderr).toContain('Released the lock of release busy.');
    expect(await liveImage(ns)).toBe(ctx.image);
    expect((await lease('busy', ns)).holderIdentity).toBeUndefined();
  }, 240_000);

  it('a run killed with SIGKILL mid-verify leaves its lock, which history shows, unlock refuses to clear for a wrong holder, and the next run takes over after it expires, then deploys', async () => {
    const ns = 'lock-killed';
    const lease3s = { K8S_DEPLOY_LOCK_LEASE: '3s' };
    await firstRelease('killed', ns, ctx.image);
    const [stuck, after] = await Promise.all([
      pushImage(ctx.sandbox, 'lock/app', 'killed-stuck'),
      pushImage(ctx.sandbox, 'lock/app', 'killed-after'),
    ]);
    const doomed = cli(
      deployArgs(
        await manifests('killed-a', webApp(ns, stuck, { env: { SANDBOX_NEVER_READY: '1' } })),
        'killed',
        ns,
      ),
      lease3s,
    );
    const identity = holderIn(await doomed.line(LOCKED));
    await doomed.line(/Waiting for \d+ workload\(s\) at once/);
    process.kill(-(doomed.child.pid ?? 0), 'SIGKILL');
    expect((await doomed.done).signal).toBe('SIGKILL');
    expect((await lease('killed', ns)).holderIdentity).toBe(identity);

    const shown = await cli(['history', '--release-name', 'killed', '--namespace', ns]).done;
    expect(shown.stdout).toContain(`Lock: held by ${identity}, deploy since`);
    const wrong = await cli([
      'unlock',
      '--release-name',
      'killed',
      '--namespace',
      ns,
      '--holder',
      'someone else',
    ]).done;
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trimEnd().split('\n').at(-1)).toBe(
      `error: Release killed is locked by ${JSON.stringify(identity)}, not by "someone else"; expected --holder with the exact holder k8s-deploy history shows.`,
    );
    expect((await lease('killed', ns)).holderIdentity).toBe(identity);

    const mark = await auditMark(ctx.sandbox);
    const next = await cli(
      deployArgs(await manifests('killed-b', webApp(ns, after)), 'killed', ns, '--rollout-settle', '0'),
      lease3s,
    ).done;
    expect(next.code).toBe(0);
    expect(next.stderr).toContain(
      `warning: Took over the lock of release killed from ${identity}, which stopped renewing it`,
    );
    expect(next.stdout).toBe('success: release killed v2 deployed and verified.\n');
    expect(await liveImage(ns)).toBe(after);
    // Taken over with a conditional update (never a create over it, never a delete), then released.
    const methods = (await lockWritesAfter(ctx.sandbox, mark)).map((entry) => entry.method);
    expect(methods).toContain('PUT');
    expect(methods.filter((method) => method !== 'PUT')).toEqual([]);
    expect((await lease('killed', ns)).holderIdentity).toBeUndefined();
  }, 240_000);

  it('unlock with the exact holder clears a dead run’s lock and history shows the override; the next run then gets the lock at once', async () => {
    const ns = 'lock-unlock';
    await firstRelease('manual', ns, ctx.image);
    const stuck = await pushImage(ctx.sandbox, 'lock/app', 'manual-stuck');
    const doomed = cli(
      deployArgs(
        await manifests('manual-a', webApp(ns, stuck, { env: { SANDBOX_NEVER_READY: '1' } })),
        'manual',
        ns,
      ),
    );
    const identity = holderIn(await doomed.line(LOCKED));
    await doomed.line(/Waiting for \d+ workload\(s\) at once/);
    process.kill(-(doomed.child.pid ?? 0), 'SIGKILL');
    await doomed.done;

    const unlocked = await cli([
      'unlock',
      '--release-name',
      'manual',
      '--namespace',
      ns,
      '--holder',
      identity,
    ]).done;
    expect(unlocked).toMatchObject({
      code: 0,
      stdout: `unlocked: release manual was locked by ${identity}; the lock is removed and the override noted on v1.\n`,
    });
    const history = (await cli(['history', '--release-name', 'manual', '--namespace', ns]).done).stdout;
    expect(history).toContain('Lock: free.');
    expect(history).toMatch(
      new RegExp(
        `Unlocked by hand: \\S+ \\S+Z .+@.+ removed the lock of ${escapeRegExp(identity)} \\(held since .+\\) \\(noted on v1\\)\\.`,
      ),
    );
    const again = await cli(
      deployArgs(
        await manifests('manual-b', webApp(ns, ctx.image)),
        'manual',
        ns,
        '--lock-timeout',
        '0',
        '--rollout-settle',
        '0',
      ),
    ).done;
    expect(again.code).toBe(0);
  }, 240_000);

  it("an API server that fails the lock's take once and two of its renewals (503): the run retries, keeps the lock, deploys and releases it", async () => {
    const ns = 'lock-faults';
    await firstRelease('faulty', ns, ctx.image);
    const next = await pushImage(ctx.sandbox, 'lock/app', 'faulty-next');
    const dir = await manifests('faulty-b', webApp(ns, next));
    // The lock is free but kept (the first release made the Lease): taking it again is an
    // update (PUT) of the same Lease. The take fails once; once it is held, two renewals fail.
    const leasePuts = (count: number) =>
      addFault(ctx.sandbox, { path: `/namespaces/${ns}/leases/`, methods: ['PUT'], status: 503, count });
    await leasePuts(1);
    let result: Awaited<CliRun['done']>;
    try {
      const run = cli(deployArgs(dir, 'faulty', ns, '--rollout-settle', '5s'), {
        K8S_DEPLOY_LOCK_LEASE: '3s',
      });
      await run.line(/^Locked release faulty/);
      await clearFaults(ctx.sandbox);
      await leasePuts(2);
      result = await run.done;
    } finally {
      await clearFaults(ctx.sandbox);
    }
    expect(result.stdout).toBe('success: release faulty v2 deployed and verified.\n');
    expect(result.stderr).toMatch(/Locked release faulty/);
    expect(result.stderr).toMatch(/Renewing the lock of release faulty failed \(.*\); trying again in 1s\./);
    expect(result.stderr).not.toContain('Took over');
    expect(await liveImage(ns)).toBe(next);
    expect((await lease('faulty', ns)).holderIdentity).toBeUndefined();
  }, 240_000);

  it('a cancelled run (Ctrl-C during verify) rolls back and releases the lock', async () => {
    const ns = 'lock-cancel';
    await firstRelease('cancel', ns, ctx.image);
    const stuck = await pushImage(ctx.sandbox, 'lock/app', 'cancel-stuck');
    const run = cli(
      deployArgs(
        await manifests('cancel-a', webApp(ns, stuck, { env: { SANDBOX_NEVER_READY: '1' } })),
        'cancel',
        ns,
      ),
    );
    await run.line(LOCKED);
    await run.line(/Waiting for \d+ workload\(s\) at once/);
    process.kill(run.child.pid ?? 0, 'SIGINT');
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Released the lock of release cancel.');
    expect((await lease('cancel', ns)).holderIdentity).toBeUndefined();
    expect(await liveImage(ns)).toBe(ctx.image);
  }, 240_000);
});
