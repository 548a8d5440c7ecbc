import { describe, expect, it } from '@jest/globals';
import {
  formatImageReference,
  isRepositoryPath,
  parseImageReference,
} from '../../src/manifests/image-reference.js';

const SHA = `sha256:${'a1'.repeat(32)}`;

describe('parseImageReference', () => {
  it.each([
    ['nginx', undefined, 'nginx', undefined, undefined],
    ['nginx:1.27', undefined, 'nginx', '1.27', undefined],
    ['team/api', undefined, 'team/api', undefined, undefined],
    ['localhost/api:v1', 'localhost', 'api', 'v1', undefined],
    ['localhost:5000/api', 'localhost:5000', 'api', undefined, undefined],
    ['registry:5000/app:tag', 'registry:5000', 'app', 'tag', undefined],
    ['registry.local:5000/team/app:tag', 'registry.local:5000', 'team/app', 'tag', undefined],
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:abc',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      'api',
      'abc',
      undefined,
    ],
    [`ecr.example.com/api@${SHA}`, 'ecr.example.com', 'api', undefined, SHA],
    [`ecr.example.com:443/api:v2@${SHA}`, 'ecr.example.com:443', 'api', 'v2', SHA],
    ['[::1]:5000/api:v1', '[::1]:5000', 'api', 'v1', undefined],
    ['Registry/api', 'Registry', 'api', undefined, undefined],
  ])('parses %s into registry, path, tag and digest', (text, registry, path, tag, digest) => {
    expect(parseImageReference(text)).toEqual({ registry, path, tag, digest });
  });

  it('treats a first component without ".", ":" or "localhost" as part of the path (Docker Hub style)', () => {
    expect(parseImageReference('library/nginx:1')).toEqual({
      registry: undefined,
      path: 'library/nginx',
      tag: '1',
      digest: undefined,
    });
  });

  it.each([
    '',
    'API:v1',
    'api:',
    'api:-bad',
    'api@sha256:short',
    `api@sha256:${'A1'.repeat(32)}`,
    `api@sha512:${'a1'.repeat(32)}`,
    'host:5000/',
    'team//api',
    'api/',
    `a:${'t'.repeat(129)}`,
    `${'a'.repeat(256)}:v1`,
    'my image:v1',
  ])('rejects the malformed reference %j', (text) => {
    expect(parseImageReference(text)).toBeUndefined();
  });

  it('formats a parsed reference back to the same text', () => {
    for (const text of ['registry:5000/app:tag', `h.io/a/b:c@${SHA}`, 'api']) {
      const reference = parseImageReference(text);
      expect(reference && formatImageReference(reference)).toBe(text);
    }
  });
});

describe('isRepositoryPath', () => {
  it('accepts repository paths and rejects anything with a tag, digest or upper case', () => {
    expect(isRepositoryPath('api')).toBe(true);
    expect(isRepositoryPath('team/api-worker_v2')).toBe(true);
    expect(isRepositoryPath('api:v1')).toBe(false);
    expect(isRepositoryPath(`api@${SHA}`)).toBe(false);
    expect(isRepositoryPath('Api')).toBe(false);
  });
});
