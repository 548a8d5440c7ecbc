import { describe, expect, it } from '@jest/globals';
import { completedMigrationOf } from '../../src/deploy/migration-guard.js';
import type { ReleaseRecord } from '../../src/deploy/release.js';

// Which record lets `migrations: skip` deploy a release: a completed migration of its commit or tag.

function record(version: number, fields: Partial<ReleaseRecord>): ReleaseRecord {
  return {
    name: 'shop',
    version,
    status: 'success',
    images: {},
    startedAt: '2026-12-07T00:00:00Z',
    finishedAt: '2026-12-07T00:01:00Z',
    manifest: '',
    objects: [],
    fingerprint: 'f',
    ...fields,
  };
}

const done = { job: 'migrate-aaaaaaaa', namespace: 'shop', status: 'complete' as const };

describe('completedMigrationOf', () => {
  it('finds a migrate-only record of the commit', () => {
    const history = [record(2, { status: 'migrated', commit: 'a'.repeat(40), migration: done })];
    expect(completedMigrationOf(history, 'a'.repeat(40), undefined)?.version).toBe(2);
  });

  it('finds a dispatched migration recorded under another run commit by its tag', () => {
    const history = [
      record(2, { status: 'migrated', commit: 'f'.repeat(40), tag: 'a'.repeat(40), migration: done }),
    ];
    expect(completedMigrationOf(history, 'a'.repeat(40), 'a'.repeat(40))?.version).toBe(2);
  });

  it('finds an older deploy of the same commit that migrated (a redeploy of an earlier release)', () => {
    const history = [
      record(3, { commit: 'b'.repeat(40), migration: { ...done, job: 'migrate-bbbbbbbb' } }),
      record(2, { commit: 'a'.repeat(40), migration: done }),
    ];
    expect(completedMigrationOf(history, 'a'.repeat(40), undefined)?.version).toBe(2);
  });

  it('does not count a failed migration, a deploy without one, or another commit', () => {
    const history = [
      record(4, { commit: 'a'.repeat(40), status: 'failed' }),
      record(3, { commit: 'a'.repeat(40) }),
      record(2, { commit: 'b'.repeat(40), tag: 'b'.repeat(40), migration: done }),
    ];
    expect(completedMigrationOf(history, 'a'.repeat(40), 'a'.repeat(40))).toBeUndefined();
  });
});
