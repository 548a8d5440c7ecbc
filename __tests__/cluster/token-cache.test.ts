import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { eksToken } from '../../src/cli/eks-token.js';
import { forgetCachedTokens, TOKEN_CACHE_DIR, tokenCacheDirOf } from '../../src/cluster/token-cache.js';

// eks-token with --token-cache, as the action's kubeconfig runs it: what kubectl is handed, and
// how many tokens were signed (each signing asks for the credentials once).

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' };
const T0 = Date.parse('2026-03-04T05:06:07Z');

let root: string;
let cache: string;
let signed: number;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'token-cache-test-'));
  cache = join(root, 'k8s-deploy-abc123', TOKEN_CACHE_DIR);
  mkdirSync(join(root, 'k8s-deploy-abc123'), { mode: 0o700 });
  signed = 0;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function token(
  atMs: number,
  options: {
    args?: string[];
    env?: NodeJS.ProcessEnv;
    cluster?: string;
    expiration?: Date;
    /** How long the credentials take to come (the chain's STS or SSO calls). */
    slowMs?: number;
    /** The credentials fail (after slowMs). */
    fail?: boolean;
    waitMs?: number;
  } = {},
): Promise<{ token: string; expirationTimestamp: string }> {
  let stdout = '';
  let stderr = '';
  const code = await eksToken(
    [
      '--cluster-name',
      options.cluster ?? 'prod',
      '--region',
      'eu-west-1',
      ...(options.args ?? ['--token-cache', cache]),
    ],
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: options.env ?? { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE' },
      credentials: async () => {
        signed++;
        if (options.slowMs) await new Promise((resolve) => setTimeout(resolve, options.slowMs));
        if (options.fail) throw new Error('The security token included in the request is expired');
        return { ...credentials, ...(options.expiration ? { expiration: options.expiration } : {}) };
      },
      clock: () => new Date(atMs),
      mintLock: { waitMs: options.waitMs ?? 5_000, pollMs: 5 },
    },
  );
  if (options.fail) {
    expect(code).toBe(1);
    return { token: '', expirationTimestamp: '' };
  }
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(stdout).status;
}

describe('eks-token --token-cache', () => {
  it('signs one token for many kubectl processes and hands out the same one with its own expiry', async () => {
    const first = await token(T0);
    const again = await Promise.all([1, 2, 3, 4, 5].map((s) => token(T0 + s * 1000)));
    expect(signed).toBe(1);
    for (const t of again) expect(t).toEqual(first);
    expect(first.expirationTimestamp).toBe('2026-03-04T05:20:07Z');
  });

  it('signs one token for kubectl processes that miss the cache together (one signs, the others wait for it)', async () => {
    const all = await Promise.all([0, 1, 2, 3, 4].map((s) => token(T0 + s, { slowMs: 100 })));
    expect(signed).toBe(1);
    for (const t of all) expect(t).toEqual(all[0]);
    expect(readdirSync(cache).filter((name) => !name.endsWith('.json'))).toEqual([]); // no lock left
  });

  it('takes over a lock a killed start left behind and signs', async () => {
    await token(T0); // learn the key's file name
    const [file] = readdirSync(cache);
    rmSync(join(cache, file as string));
    const lockFile = join(cache, (file as string).replace(/\.json$/, '.lock'));
    writeFileSync(lockFile, '', { mode: 0o600 });
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFile, old, old);
    signed = 0;
    const t = await token(T0 + 1000, { waitMs: 60_000 });
    expect(signed).toBe(1);
    expect(t.token).toMatch(/^k8s-aws-v1\./);
  });

  it('signs its own token when the start holding the lock gives none in time, and when its signing failed', async () => {
    await token(T0); // learn the key's file name
    const [file] = readdirSync(cache);
    rmSync(join(cache, file as string));
    writeFileSync(join(cache, (file as string).replace(/\.json$/, '.lock')), '', { mode: 0o600 });
    signed = 0;
    const t = await token(T0 + 1000, { waitMs: 50 });
    expect(signed).toBe(1);
    expect(t.token).toMatch(/^k8s-aws-v1\./);
    rmSync(cache, { recursive: true, force: true });

    // The signer fails: its lock goes with it, and a start waiting behind it signs for itself.
    signed = 0;
    const [failed, waited] = await Promise.all([
      token(T0 + 2000, { slowMs: 50, fail: true }),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return token(T0 + 2000);
      })(),
    ]);
    expect(failed.token).toBe('');
    expect(waited.token).toMatch(/^k8s-aws-v1\./);
    expect(signed).toBe(2);
  });

  it('signs a new token a minute before the cached one expires, not after', async () => {
    const first = await token(T0);
    const late = await token(T0 + 12 * 60_000 + 59_000); // 61 s left: reused
    expect(late).toEqual(first);
    const renewed = await token(T0 + 13 * 60_000 + 1000); // 59 s left: a new one
    expect(renewed.token).not.toBe(first.token);
    expect(renewed.expirationTimestamp).toBe('2026-03-04T05:33:08Z');
    expect(signed).toBe(2);
    // …which the next process reuses.
    expect(await token(T0 + 13 * 60_000 + 2000)).toEqual(renewed);
    expect(signed).toBe(2);
  });

  it('keeps a short lifetime short: reused for three quarters of it', async () => {
    const args = ['--token-cache', cache, '--token-lifetime', '4s'];
    const first = await token(T0, { args });
    expect(await token(T0 + 2900, { args })).toEqual(first);
    expect((await token(T0 + 3100, { args })).token).not.toBe(first.token);
    expect(signed).toBe(2);
  });

  it('stops reusing a token when the temporary credentials that signed it expire sooner', async () => {
    await token(T0, { expiration: new Date(T0 + 5 * 60_000) });
    await token(T0 + 3 * 60_000);
    expect(signed).toBe(1);
    await token(T0 + 4 * 60_000 + 30_000);
    expect(signed).toBe(2);
  });

  it('keeps the token in a folder only its owner can open (0700) and a file only its owner can read (0600)', async () => {
    await token(T0);
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    const files = readdirSync(cache);
    expect(files).toHaveLength(1);
    expect(statSync(join(cache, files[0] as string)).mode & 0o777).toBe(0o600);
    // The file is named by a hash: no key id or cluster name in it.
    expect(files[0]).toMatch(/^[0-9a-f]{32}\.json$/);
  });

  it('never hands one cluster or identity the token of another', async () => {
    const prod = await token(T0);
    const staging = await token(T0 + 1000, { cluster: 'staging' });
    const otherRole = await token(T0 + 2000, { env: { AWS_ACCESS_KEY_ID: 'AKIDOTHER' } });
    const otherSession = await token(T0 + 3000, {
      env: { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SESSION_TOKEN: 'a-new-session' },
    });
    expect(new Set([prod.token, staging.token, otherRole.token, otherSession.token]).size).toBe(4);
    expect(signed).toBe(4);
    expect(await token(T0 + 4000)).toEqual(prod);
  });

  it.each([
    ['a corrupt entry', (file: string) => writeFileSync(file, '{"token": "k8s-aws-v1.abc", "expira')],
    [
      'an entry that is not a token',
      (file: string) =>
        writeFileSync(
          file,
          JSON.stringify({
            token: 'hello',
            expirationTimestamp: '2026-03-04T06:00:00Z',
            issuedAt: '2026-03-04T05:06:07Z',
          }),
        ),
    ],
    ['an entry others may read (0644)', (file: string) => chmodSync(file, 0o644)],
    [
      'a link to an entry elsewhere',
      (file: string) => {
        const elsewhere = join(root, 'planted.json');
        renameSync(file, elsewhere);
        symlinkSync(elsewhere, file);
      },
    ],
  ])('signs a new token instead of using %s, and keeps the new one', async (_, spoil) => {
    const first = await token(T0);
    const [name] = readdirSync(cache);
    spoil(join(cache, name as string));
    const next = await token(T0 + 1000);
    expect(next.token).not.toBe(first.token);
    expect(next.token).toMatch(/^k8s-aws-v1\./);
    expect(signed).toBe(2);
    // The spoilt entry was replaced by a good one.
    expect(await token(T0 + 2000)).toEqual(next);
    expect(signed).toBe(2);
  });

  it('uses no folder others can open (0755): signs every time', async () => {
    mkdirSync(cache, { mode: 0o755 });
    chmodSync(cache, 0o755);
    await token(T0);
    await token(T0 + 1000);
    expect(signed).toBe(2);
    expect(readdirSync(cache)).toEqual([]);
  });

  it('keeps nothing inside the workspace, even when asked to', async () => {
    const workspace = join(root, 'workspace');
    mkdirSync(workspace);
    const args = ['--token-cache', join(workspace, 'tokens')];
    const env = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', GITHUB_WORKSPACE: workspace };
    await token(T0, { args, env });
    await token(T0 + 1000, { args, env });
    expect(signed).toBe(2);
    expect(readdirSync(workspace)).toEqual([]);
  });

  it('without --token-cache or K8S_DEPLOY_TOKEN_CACHE signs every time and writes nothing (by hand, as before)', async () => {
    const a = await token(T0, { args: [] });
    const b = await token(T0 + 1000, { args: [] });
    expect(signed).toBe(2);
    expect(a.token).not.toBe(b.token);
    expect(readdirSync(join(root, 'k8s-deploy-abc123'))).toEqual([]);
  });

  it('takes the folder from K8S_DEPLOY_TOKEN_CACHE', async () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', K8S_DEPLOY_TOKEN_CACHE: cache };
    await token(T0, { args: [], env });
    await token(T0 + 1000, { args: [], env });
    expect(signed).toBe(1);
  });
});

describe('forgetCachedTokens', () => {
  it('removes the cache beside a kubeconfig the action wrote, so the next start signs anew', async () => {
    await token(T0);
    const kubeconfig = join(root, 'k8s-deploy-abc123', 'kubeconfig');
    expect(tokenCacheDirOf(kubeconfig)).toBe(cache);
    expect(forgetCachedTokens(kubeconfig)).toBe(true);
    expect(readdirSync(join(root, 'k8s-deploy-abc123'))).toEqual([]);
    await token(T0 + 1000);
    expect(signed).toBe(2);
    expect(forgetCachedTokens(join(root, 'k8s-deploy-none', 'kubeconfig'))).toBe(false);
  });

  it('never touches a folder beside a kubeconfig the user gave', () => {
    const kube = join(root, '.kube');
    mkdirSync(join(kube, TOKEN_CACHE_DIR), { recursive: true });
    expect(forgetCachedTokens(join(kube, 'config'))).toBe(false);
    expect(readdirSync(kube)).toEqual([TOKEN_CACHE_DIR]);
  });
});
