import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { EksToken } from './exec-credential.js';

/*
 * The EKS token cache of one run (`eks-token --token-cache DIR`): each kubectl process starts the
 * exec plugin (twice for get and apply), and without a cache every start signs a new token. A
 * cached token is a credential on disk, so, like aws-iam-authenticator's credential cache, the
 * folder is its owner's alone (0700, files 0600) and anything else is ignored, never repaired;
 * unlike it, the folder lives and dies with one run: the action puts it beside the kubeconfig it
 * writes under RUNNER_TEMP, removes it when the main step ends, and the post step removes the
 * whole folder. Synchronous on purpose: a hit is one small read in a short-lived process.
 */

/** The cache folder's name beside the kubeconfig the action writes. */
export const TOKEN_CACHE_DIR = 'eks-tokens';

/** What the action's kubeconfig passes the plugin: its cache folder. */
export function tokenCacheDirOf(kubeconfigPath: string): string {
  return join(dirname(kubeconfigPath), TOKEN_CACHE_DIR);
}

/**
 * One file per cluster and identity: the cluster, the region and what picks the AWS identity in
 * the plugin's environment (keys, session, profile, role), hashed so no key id is in the name.
 * Another role or cluster never reads this one's token.
 */
export function tokenCacheKey(clusterName: string, region: string, env: NodeJS.ProcessEnv): string {
  const identity = [
    env.AWS_ACCESS_KEY_ID,
    env.AWS_SESSION_TOKEN,
    env.AWS_PROFILE,
    env.AWS_ROLE_ARN,
    env.AWS_WEB_IDENTITY_TOKEN_FILE,
  ].map((value) => value ?? '');
  return createHash('sha256')
    .update(JSON.stringify([clusterName, region, ...identity]))
    .digest('hex')
    .slice(0, 32);
}

/**
 * A token is reused while more than this is left of it: a minute, or a quarter of a short lifetime
 * (tests run with seconds), so the kubectl that gets it is not handed one about to run out.
 */
export function reuseMarginMs(issuedAtMs: number, expiresAtMs: number): number {
  return Math.min(60_000, Math.max(0, (expiresAtMs - issuedAtMs) / 4));
}

interface Entry {
  token: string;
  expirationTimestamp: string;
  issuedAt: string;
}

function ownedPrivately(stat: { uid: number; mode: number }): boolean {
  const uid = process.getuid?.();
  return (uid === undefined || stat.uid === uid) && (stat.mode & 0o077) === 0;
}

/** True when `dir` is inside `root` (the workspace): a cache there could be committed or uploaded. */
export function isInside(dir: string, root: string | undefined): boolean {
  if (!root) return false;
  const rel = relative(resolve(root), resolve(dir));
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith('/'));
}

/** The cached token, when the folder and file are private, readable, and the token has time left. */
export function readCachedToken(dir: string, key: string, now: Date): EksToken | undefined {
  let fd: number | undefined;
  try {
    const folder = lstatSync(dir);
    if (!folder.isDirectory() || !ownedPrivately(folder)) return undefined;
    fd = openSync(join(dir, `${key}.json`), constants.O_RDONLY | constants.O_NOFOLLOW);
    const file = fstatSync(fd);
    if (!file.isFile() || !ownedPrivately(file) || file.size > 16_384) return undefined;
    const entry = JSON.parse(readFileSync(fd, 'utf8')) as Partial<Entry>;
    const expiresAt = Date.parse(entry.expirationTimestamp ?? '');
    const issuedAt = Date.parse(entry.issuedAt ?? '');
    if (typeof entry.token !== 'string' || !entry.token.startsWith('k8s-aws-v1.')) return undefined;
    if (!(issuedAt <= now.getTime())) return undefined; // from the future: a clock we cannot trust
    if (!(now.getTime() < expiresAt - reuseMarginMs(issuedAt, expiresAt))) return undefined;
    return { token: entry.token, expirationTimestamp: entry.expirationTimestamp as string };
  } catch {
    return undefined; // missing, unreadable or corrupt: mint
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Keeps the token for the run's next kubectl: the folder is made 0700 (its parent must exist),
 * the file written 0600 under a temporary name and renamed, so a concurrent reader sees a whole
 * entry or none. Best effort: a cache that cannot be written only costs a token next time.
 */
export function writeCachedToken(dir: string, key: string, token: EksToken, issuedAt: Date): void {
  const temporary = join(dir, `.${key}.${process.pid}.tmp`);
  try {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return;
    }
    const folder = lstatSync(dir);
    if (!folder.isDirectory() || !ownedPrivately(folder)) return;
    const entry: Entry = { ...token, issuedAt: issuedAt.toISOString() };
    writeFileSync(temporary, JSON.stringify(entry), { mode: 0o600, flag: 'wx' });
    renameSync(temporary, join(dir, `${key}.json`));
  } catch {
    try {
      unlinkSync(temporary);
    } catch {}
  }
}

export interface MintLockOptions {
  /** How long a start waits for the token another start is signing before it signs its own. */
  waitMs?: number;
  pollMs?: number;
  /** A lock older than this was left by a start that was killed: taken over. */
  staleMs?: number;
}

/**
 * Signs through the cache's lock, so that kubectl processes starting together (the plan's read
 * and dry run beside the API proxy) share one token instead of each signing on the same miss: the
 * start that creates `<key>.lock` signs (`mint` writes the cache); the others wait for its token,
 * and sign their own only when it does not come (the signer failed or hangs) or the cache cannot
 * be used. The lock is a file the signer removes; one older than `staleMs` is taken over.
 */
export async function mintShared(
  dir: string,
  key: string,
  now: () => Date,
  mint: () => Promise<EksToken>,
  options: MintLockOptions = {},
): Promise<EksToken> {
  const { waitMs = 5_000, pollMs = 20, staleMs = 15_000 } = options;
  const lock = join(dir, `${key}.lock`);
  const acquire = (): number | undefined => {
    try {
      return openSync(
        lock,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o600,
      );
    } catch {
      return undefined;
    }
  };
  const signHolding = async (fd: number): Promise<EksToken> => {
    try {
      return await mint();
    } finally {
      closeSync(fd);
      try {
        unlinkSync(lock);
      } catch {}
    }
  };
  if (!privateFolder(dir)) return mint();
  const deadline = Date.now() + waitMs;
  for (;;) {
    // The cache first: a signer writes the token before it lets go of the lock.
    const cached = readCachedToken(dir, key, now());
    if (cached) return cached;
    const fd = acquire();
    if (fd !== undefined) return signHolding(fd);
    try {
      if (Date.now() - statSync(lock).mtimeMs > staleMs) unlinkSync(lock);
    } catch {}
    if (Date.now() >= deadline) return mint();
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Makes the cache folder (0700) when missing; true when it is a folder only its owner can open. */
function privateFolder(dir: string): boolean {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  try {
    const folder = lstatSync(dir);
    return folder.isDirectory() && ownedPrivately(folder);
  } catch {
    return false;
  }
}

/**
 * Removes the token cache beside a kubeconfig the action wrote; true when there was one. Called
 * when the main step ends, and when the cluster refused a token (401) before its time, so that
 * the next plugin start mints a new one instead of handing out the refused one again.
 */
export function forgetCachedTokens(kubeconfigPath: string): boolean {
  // Only in a folder writeKubeconfig made: never beside a kubeconfig the user gave.
  if (!basename(dirname(kubeconfigPath)).startsWith('k8s-deploy-')) return false;
  const dir = tokenCacheDirOf(kubeconfigPath);
  try {
    if (!lstatSync(dir).isDirectory()) return false;
  } catch {
    return false;
  }
  rmSync(dir, { recursive: true, force: true });
  return true;
}
