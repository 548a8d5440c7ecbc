import { describe, expect, it } from '@jest/globals';
import { accountOfRegistry, decideImage, registryHost } from '../../src/images/decide.js';

const repo = { name: 'api', account: '123456789012', region: 'eu-west-1', tag: 'abc' };
const present = { kind: 'present', digest: 'sha256:1' } as const;
const missing = { kind: 'missing' } as const;
const noRepo = { kind: 'no-repository' } as const;

describe('decideImage', () => {
  it.each([
    ['auto', present, false, { action: 'reuse', digest: 'sha256:1' }],
    ['never', present, false, { action: 'reuse', digest: 'sha256:1' }],
    ['auto', missing, false, { action: 'build', createRepository: false }],
    ['always', missing, false, { action: 'build', createRepository: false }],
    ['always', present, false, { action: 'build', createRepository: false, existingDigest: 'sha256:1' }],
    ['auto', noRepo, true, { action: 'build', createRepository: true }],
    ['always', noRepo, true, { action: 'build', createRepository: true }],
  ] as const)('build: %s with tag %o (create-repositories %s) → %o', (mode, state, create, expected) => {
    expect(decideImage(mode, state, create, repo)).toEqual(expected);
  });

  it('refuses build: never on a missing tag or repository, even with create-repositories', () => {
    expect(decideImage('never', missing, true, repo)).toMatchObject({ action: 'fail' });
    expect(decideImage('never', noRepo, true, repo)).toEqual({
      action: 'fail',
      message:
        "Image 'api:abc' cannot be reused with build: never: the ECR repository 'api' in account 123456789012, region eu-west-1 does not exist.",
    });
  });

  it("says the registry's account when it is not known", () => {
    const decision = decideImage('auto', noRepo, false, { ...repo, account: undefined });
    expect(decision).toMatchObject({
      message: expect.stringContaining("in the registry's account, region eu-west-1"),
    });
  });
});

describe('registry hosts', () => {
  it('reads the account from ECR hosts and endpoints only', () => {
    expect(accountOfRegistry('https://123456789012.dkr.ecr.eu-west-1.amazonaws.com')).toBe('123456789012');
    expect(accountOfRegistry('123456789012.dkr.ecr-fips.us-east-1.amazonaws.com')).toBe('123456789012');
    expect(accountOfRegistry('localhost:5000')).toBeUndefined();
  });

  it('turns a proxy endpoint into the host images are named by, keeping the port', () => {
    expect(registryHost('https://127.0.0.1:5443/')).toBe('127.0.0.1:5443');
  });
});
