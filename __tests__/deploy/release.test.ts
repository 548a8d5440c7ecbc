import { gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { decodeRecord, type ReleaseRecord, recordSecret } from '../../src/deploy/release.js';

const record: ReleaseRecord = {
  name: 'shop',
  version: 3,
  status: 'success',
  images: { api: 'registry/api:v1' },
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:01:00Z',
  manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: prod}\n',
  objects: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'prod' }],
  fingerprint: 'f',
};
const secretHolding = (data: string, name = 'k8s-deploy.shop.v3') => ({
  metadata: { name, namespace: 'prod' },
  data: { release: data },
});
const gzipJson = (value: unknown) => gzipSync(JSON.stringify(value)).toString('base64');

describe('decodeRecord', () => {
  it('reads back what recordSecret wrote', () => {
    expect(decodeRecord(recordSecret(record, 'prod'))).toEqual(record);
  });

  it.each([
    [
      'data that is not gzip',
      Buffer.from('plain').toString('base64'),
      /cannot be read \(incorrect header check\)/,
    ],
    [
      'a gzip bomb',
      gzipSync(Buffer.alloc(80 * 1024 * 1024)).toString('base64'),
      /cannot be read \(expands beyond 64 MiB\)/,
    ],
    ['another shape', gzipJson({ version: 'one', manifest: 3 }), /no name or version/],
    ['objects that are not references', gzipJson({ ...record, objects: [42, 'x'] }), /not object references/],
    [
      'another version than its name',
      gzipJson({ ...record, version: 1e9 }),
      /says it is k8s-deploy\.shop\.v1000000000/,
    ],
    [
      'another release than its name',
      gzipJson({ ...record, name: 'other' }),
      /says it is k8s-deploy\.other\.v3/,
    ],
    ['an unknown status', gzipJson({ ...record, status: 'great' }), /unknown status "great"/],
    ['images that are not strings', gzipJson({ ...record, images: { api: 1 } }), /images that are not/],
  ])('refuses a record holding %s, in one sentence naming it', (_what, data, reason) => {
    const message = (() => {
      try {
        decodeRecord(secretHolding(data));
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    })();
    expect(message).toMatch(/^Release record k8s-deploy\.shop\.v3 /);
    expect(message).toMatch(reason);
    expect(message).toMatch(
      /, so something other than this action changed it; expected a record this action wrote \(delete it or choose another release-name\)\.$/,
    );
  });
});
