import { describe, expect, it } from '@jest/globals';
import { ecrRegistryVerdict, parseRepositoryRoute } from './push-rules.js';

const digestA = `sha256:${'a'.repeat(64)}`;
const digestB = `sha256:${'b'.repeat(64)}`;

describe('parseRepositoryRoute', () => {
  it('finds nested repository names in manifest, blob and tag routes', () => {
    expect(parseRepositoryRoute('/v2/team/api/manifests/v1')).toEqual({
      repository: 'team/api',
      kind: 'manifests',
      reference: 'v1',
    });
    expect(parseRepositoryRoute('/v2/team/api/blobs/uploads/123?digest=x')).toEqual({
      repository: 'team/api',
      kind: 'blobs',
      reference: 'uploads/123',
    });
    expect(parseRepositoryRoute('/v2/a/tags/list')).toEqual({
      repository: 'a',
      kind: 'tags',
      reference: 'list',
    });
  });

  it('leaves registry-wide routes alone', () => {
    expect(parseRepositoryRoute('/v2/')).toBeUndefined();
    expect(parseRepositoryRoute('/v2/_catalog')).toBeUndefined();
  });
});

describe('ecrRegistryVerdict', () => {
  const put = (reference: string) => ({
    method: 'PUT',
    route: { repository: 'app', kind: 'manifests' as const, reference },
    registryId: '123456789012',
  });

  it('refuses any request for a repository ECR does not have, with ECR NAME_UNKNOWN message', () => {
    expect(ecrRegistryVerdict({ ...put('v1'), mutability: undefined })).toEqual({
      status: 404,
      code: 'NAME_UNKNOWN',
      message: "The repository with name 'app' does not exist in the registry with id '123456789012'",
    });
  });

  it('refuses to rewrite an existing tag in an IMMUTABLE repository, even with the same image', () => {
    const verdict = ecrRegistryVerdict({ ...put('v1'), mutability: 'IMMUTABLE', currentDigest: digestA });
    expect(verdict).toMatchObject({ status: 400, code: 'TAG_INVALID' });
    expect(verdict?.message).toContain("The image tag 'v1' already exists in the 'app' repository");
  });

  it('lets an IMMUTABLE repository take a new tag or a push by digest', () => {
    expect(ecrRegistryVerdict({ ...put('v2'), mutability: 'IMMUTABLE' })).toBeUndefined();
    expect(ecrRegistryVerdict({ ...put(digestB), mutability: 'IMMUTABLE' })).toBeUndefined();
  });

  it('lets a MUTABLE repository move a tag', () => {
    expect(
      ecrRegistryVerdict({
        ...put('v1'),
        mutability: 'MUTABLE',
        currentDigest: digestA,
      }),
    ).toBeUndefined();
  });
});
