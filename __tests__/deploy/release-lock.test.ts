import { describe, expect, it } from '@jest/globals';
import { ApiError, type KubeApi } from '../../src/deploy/kube-api.js';
import type { Json } from '../../src/deploy/objects.js';
import {
  decideLock,
  holdingOf,
  LockError,
  type LockOptions,
  leaseSecondsOf,
  lockOwner,
  microTime,
  ReleaseLock,
  underReleaseLock,
} from '../../src/deploy/release-lock.js';
import { unlockRelease } from '../../src/deploy/release-unlock.js';
import { RecordingLogger } from '../fakes.js';

const PATH = '/apis/coordination.k8s.io/v1/namespaces/prod/leases/k8s-deploy.shop.lock';

/**
 * One Lease with an API server's optimistic concurrency: create of an existing name is 409
 * AlreadyExists, an update with another resourceVersion 409 Conflict. `before` runs ahead of each
 * write, so a test can let "another run" write first.
 */
class FakeLeases {
  lease: Json | undefined;
  version = 0;
  writes: { method: string; holder: unknown }[] = [];
  before?: (method: string) => void;
  namespaceMissing = false;

  get api(): KubeApi {
    return {
      get: async (path: string) => (path === PATH && this.lease ? structuredClone(this.lease) : undefined),
      request: async (method: string, _path: string, options: { body?: Json } = {}) =>
        this.write(method, options.body ?? {}),
    } as unknown as KubeApi;
  }

  put(spec: Json, annotations: Record<string, string> = {}): void {
    this.version++;
    this.lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: 'k8s-deploy.shop.lock',
        namespace: 'prod',
        resourceVersion: String(this.version),
        annotations,
      },
      spec,
    };
  }

  private write(method: string, body: Json): Json {
    this.before?.(method);
    if (this.namespaceMissing) throw new ApiError('namespaces "prod" not found', 404, 'NotFound');
    const metadata = body.metadata as { resourceVersion?: string };
    if (method === 'POST' && this.lease) throw new ApiError('already exists', 409, 'AlreadyExists');
    if (method === 'PUT') {
      if (!this.lease) throw new ApiError('not found', 404, 'NotFound');
      const current = (this.lease.metadata as { resourceVersion: string }).resourceVersion;
      if (metadata.resourceVersion !== current)
        throw new ApiError('the object has been modified', 409, 'Conflict');
    }
    this.version++;
    this.lease = { ...body, metadata: { ...metadata, resourceVersion: String(this.version) } };
    this.writes.push({ method, holder: (body.spec as Json).holderIdentity });
    return structuredClone(this.lease);
  }
}

const owner = (identity: string, leaseSeconds = 60) => ({ identity, leaseSeconds });
function options(
  identity: string,
  extra: Partial<LockOptions> = {},
): LockOptions & { logger: RecordingLogger } {
  return {
    namespace: 'prod',
    release: 'shop',
    owner: owner(identity),
    timeoutMs: 0,
    operation: 'deploy',
    logger: new RecordingLogger(),
    signal: new AbortController().signal,
    pollMs: 10,
    ...extra,
  } as LockOptions & { logger: RecordingLogger };
}
const specOf = (fake: FakeLeases) => (fake.lease?.spec ?? {}) as Json;
const metaOf = (fake: FakeLeases) => (fake.lease?.metadata ?? {}) as Json;
const holderOf = (fake: FakeLeases) => specOf(fake).holderIdentity;
const held = (holder: string, renewedAgoMs: number, leaseSeconds = 60): Json => ({
  holderIdentity: holder,
  leaseDurationSeconds: leaseSeconds,
  acquireTime: microTime(Date.now() - renewedAgoMs - 1000),
  renewTime: microTime(Date.now() - renewedAgoMs),
});
const lines = (logger: RecordingLogger) => logger.messages().join('\n');

describe('decideLock', () => {
  const lease = (spec: Json) => ({ metadata: { name: 'l' }, spec });
  const now = Date.parse('2026-12-07T14:00:00Z');

  it('creates the Lease when there is none', () => {
    expect(decideLock(undefined, 'me', now)).toEqual({ kind: 'create' });
  });

  it('takes a Lease nobody holds, and one it holds itself', () => {
    expect(decideLock(lease({ leaseDurationSeconds: 60 }), 'me', now)).toEqual({ kind: 'take' });
    expect(
      decideLock(lease({ holderIdentity: 'me', renewTime: '2026-12-07T13:59:59.000000Z' }), 'me', now),
    ).toEqual({
      kind: 'take',
    });
  });

  it("waits while another holder's renewTime + leaseDurationSeconds is still ahead", () => {
    const decision = decideLock(
      lease({ holderIdentity: 'run-a', leaseDurationSeconds: 60, renewTime: '2026-12-07T13:59:30.000000Z' }),
      'me',
      now,
    );
    expect(decision).toMatchObject({ kind: 'wait', holding: { holder: 'run-a', expiresAt: now + 30_000 } });
  });

  it('takes over, naming the old holder, once renewTime + leaseDurationSeconds has passed', () => {
    const decision = decideLock(
      lease({ holderIdentity: 'run-a', leaseDurationSeconds: 60, renewTime: '2026-12-07T13:58:59.000000Z' }),
      'me',
      now,
    );
    expect(decision).toMatchObject({ kind: 'take', expired: { holder: 'run-a' } });
  });

  it('never counts a foreign lease without any time as expired', () => {
    expect(decideLock(lease({ holderIdentity: 'run-a', leaseDurationSeconds: 60 }), 'me', now).kind).toBe(
      'wait',
    );
  });
});

describe('who holds the lock', () => {
  it('is the run URL with attempt and job on a runner, user@host pid from a terminal, each with a random suffix', () => {
    const run = lockOwner(
      {
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_JOB: 'deploy',
      },
      'abc123',
    );
    expect(run).toEqual({
      identity: 'https://github.com/acme/shop/actions/runs/42/attempts/2 job deploy (abc123)',
      leaseSeconds: 60,
    });
    expect(lockOwner({}, 'abc123').identity).toMatch(new RegExp(`^.+@.+ pid ${process.pid} \\(abc123\\)$`));
    expect(lockOwner({}).identity).not.toBe(lockOwner({}).identity);
  });

  it('reads K8S_DEPLOY_LOCK_LEASE as a duration and refuses anything else in one sentence', () => {
    expect(leaseSecondsOf('5s')).toBe(5);
    expect(leaseSecondsOf(undefined)).toBe(60);
    expect(() => leaseSecondsOf('soon')).toThrow(
      'K8S_DEPLOY_LOCK_LEASE is "soon"; expected a duration from 1s to 1h, such as 60s (or unset for 60s).',
    );
  });

  it('writes renewTime and acquireTime as MicroTimes, which the API server requires', () => {
    expect(microTime(Date.parse('2026-12-07T14:05:01.123Z'))).toBe('2026-12-07T14:05:01.123000Z');
  });
});

describe('ReleaseLock', () => {
  it('creates the Lease with this run as holder, and clears the holder (keeping the Lease) when released', async () => {
    const fake = new FakeLeases();
    const lock = await ReleaseLock.acquire(fake.api, options('run-b'));
    expect(fake.lease?.spec).toMatchObject({
      holderIdentity: 'run-b',
      leaseDurationSeconds: 60,
      leaseTransitions: 0,
    });
    expect(metaOf(fake).annotations).toMatchObject({
      'k8s-deploy-action/operation': 'deploy',
    });
    expect(await lock?.release()).toBeUndefined();
    expect(holdingOf(fake.lease)).toBeUndefined();
    expect(fake.writes.map((w) => w.method)).toEqual(['POST', 'PUT']);
  });

  it('fails at once with lock-timeout 0 while another run holds it, naming the holder, and writes nothing', async () => {
    const fake = new FakeLeases();
    fake.put(held('https://github.com/acme/shop/actions/runs/41/attempts/1 (aaaaaa)', 1000));
    const error = await ReleaseLock.acquire(fake.api, options('run-b')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockError);
    expect((error as Error).message).toMatch(
      /^Release shop is locked by another run \(https:\/\/github\.com\/acme\/shop\/actions\/runs\/41\/attempts\/1 \(aaaaaa\), since .+\), and lock-timeout 0 ran out waiting for it; nothing was changed\.$/,
    );
    expect(fake.writes).toEqual([]);
  });

  it('waits while another run holds it, says who once, and takes it as soon as that run releases it', async () => {
    const fake = new FakeLeases();
    fake.put(held('run-a', 0));
    setTimeout(() => fake.put({ leaseDurationSeconds: 60, renewTime: microTime(Date.now()) }), 150);
    const opts = options('run-b', { timeoutMs: 5000 });
    const lock = await ReleaseLock.acquire(fake.api, opts);
    expect(holderOf(fake)).toBe('run-b');
    expect(opts.logger.messages().filter((line) => line.includes('is locked by run-a'))).toHaveLength(1);
    expect(lines(opts.logger)).toMatch(/Waiting up to 5s \(lock-timeout\) for it\./);
    await lock?.release();
  });

  it('gives up after lock-timeout while the holder still holds a live lease, and changes nothing', async () => {
    const fake = new FakeLeases();
    fake.put(held('run-a', 0));
    const started = Date.now();
    await expect(ReleaseLock.acquire(fake.api, options('run-b', { timeoutMs: 300 }))).rejects.toThrow(
      /lock-timeout 300ms ran out waiting for it; nothing was changed\.$/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(fake.writes).toEqual([]);
  });

  it('takes over a lock whose holder stopped renewing and says whose it was', async () => {
    const fake = new FakeLeases();
    fake.put({ ...held('alice@laptop pid 7 (ffffff)', 11_000, 10), leaseTransitions: 2 });
    const opts = options('run-b');
    const lock = await ReleaseLock.acquire(fake.api, opts);
    expect(fake.lease?.spec).toMatchObject({ holderIdentity: 'run-b', leaseTransitions: 3 });
    expect(lines(opts.logger)).toMatch(
      /warning: Took over the lock of release shop from alice@laptop pid 7 \(ffffff\), which stopped renewing it/,
    );
    await lock?.release();
  });

  it('re-reads when its create meets AlreadyExists, and then waits for the run that created it first', async () => {
    const fake = new FakeLeases();
    fake.before = (method) => {
      fake.before = undefined;
      if (method === 'POST') fake.put(held('run-a', 0));
    };
    await expect(ReleaseLock.acquire(fake.api, options('run-b'))).rejects.toThrow(
      /locked by another run \(run-a,/,
    );
    expect(holderOf(fake)).toBe('run-a');
  });

  it('re-reads when its takeover meets a Conflict, never overwriting the run that took it first', async () => {
    const fake = new FakeLeases();
    fake.put(held('dead-run', 120_000, 10));
    fake.before = (method) => {
      fake.before = undefined;
      if (method === 'PUT') fake.put(held('run-a', 0));
    };
    await expect(ReleaseLock.acquire(fake.api, options('run-b'))).rejects.toThrow(
      /locked by another run \(run-a,/,
    );
    expect(holderOf(fake)).toBe('run-a');
  });

  it('renews while held, and reports the lock lost (without clearing it) when another run took it meanwhile', async () => {
    const fake = new FakeLeases();
    const lock = await ReleaseLock.acquire(fake.api, { ...options('run-b'), owner: owner('run-b', 1) });
    const firstRenew = specOf(fake).renewTime;
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(specOf(fake).renewTime).not.toBe(firstRenew);
    fake.put(held('human-override-run', 0));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const lost = await lock?.release();
    expect(lost).toBe(
      'Another run took the lock of release shop while this one worked (now held by human-override-run), so this run cannot vouch for what is live.',
    );
    expect(holderOf(fake)).toBe('human-override-run');
  });

  it('under the lock, a body whose lock another run took meanwhile is told so; one that kept it is not', async () => {
    const marked: string[] = [];
    const mark = (result: string, reason: string) => marked.push(`${result}: ${reason}`);
    const fake = new FakeLeases();
    const kept = await underReleaseLock(fake.api, options('run-b'), async () => 'success', mark);
    expect({ kept, marked }).toEqual({ kept: 'success', marked: [] });

    const taken = await underReleaseLock(
      fake.api,
      options('run-b'),
      async () => {
        fake.put(held('human-override-run', 0));
        await new Promise((resolve) => setTimeout(resolve, 400));
        return 'success';
      },
      mark,
    );
    expect(taken).toBe('success');
    expect(marked).toEqual([
      'success: Another run took the lock of release shop while this one worked (now held by human-override-run), so this run cannot vouch for what is live.',
    ]);
    await expect(underReleaseLock(fake.api, options('run-c'), async () => 'never', mark)).rejects.toThrow(
      /locked by another run/,
    );
  });

  it('stops waiting when the run is cancelled', async () => {
    const fake = new FakeLeases();
    fake.put(held('run-a', 0));
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 50);
    await expect(
      ReleaseLock.acquire(fake.api, options('run-b', { timeoutMs: 60_000, signal: cancel.signal })),
    ).rejects.toThrow('The run was cancelled while waiting for the lock of release shop; nothing changed.');
  });

  it('takes no lock (and says why) when the records namespace does not exist yet', async () => {
    const fake = new FakeLeases();
    fake.namespaceMissing = true;
    const opts = options('run-b');
    expect(await ReleaseLock.acquire(fake.api, opts)).toBeUndefined();
    expect(lines(opts.logger)).toContain('Namespace prod does not exist yet');
  });
});

describe('unlockRelease', () => {
  it('refuses a holder other than the one holding the lock, and changes nothing', async () => {
    const fake = new FakeLeases();
    fake.put(held('run-a (aaaaaa)', 0));
    await expect(
      unlockRelease(fake.api, { namespace: 'prod', release: 'shop', holder: 'run-a', by: 'bob@ops' }),
    ).rejects.toThrow(
      'Release shop is locked by "run-a (aaaaaa)", not by "run-a"; expected --holder with the exact holder k8s-deploy history shows.',
    );
    expect(fake.writes).toEqual([]);
  });

  it('clears the named holder and notes who did it on the Lease', async () => {
    const fake = new FakeLeases();
    fake.put(held('run-a (aaaaaa)', 0));
    const { note } = await unlockRelease(fake.api, {
      namespace: 'prod',
      release: 'shop',
      holder: 'run-a (aaaaaa)',
      by: 'bob@ops',
    });
    expect(holdingOf(fake.lease)).toBeUndefined();
    expect(note).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ bob@ops removed the lock of run-a \(aaaaaa\) \(held since /,
    );
    expect(metaOf(fake).annotations).toMatchObject({ 'k8s-deploy-action/unlocked': note });
  });

  it('says there is nothing to unlock when nobody holds the lock', async () => {
    await expect(
      unlockRelease(new FakeLeases().api, { namespace: 'prod', release: 'shop', holder: 'x', by: 'bob@ops' }),
    ).rejects.toThrow(/^Release shop in namespace prod is not locked, so there is nothing to unlock/);
  });
});
