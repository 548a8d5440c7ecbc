import { describe, expect, it } from '@jest/globals';
import {
  type BuildPlan,
  buildxArgs,
  buildxDriver,
  dockerBuildArgs,
  dockerPushArgs,
  ociLabels,
} from '../../src/images/commands.js';

const REF = 'reg.example:5000/shop/api:abc123';
const plan: BuildPlan = {
  spec: {
    name: 'shop/api',
    context: 'services/api',
    dockerfile: 'services/api/Dockerfile',
    target: 'runtime',
    buildArgs: { PHP_VERSION: '8.3', EMPTY: '' },
    platforms: ['linux/amd64', 'linux/arm64'],
  },
  reference: REF,
  repository: 'reg.example:5000/shop/api',
  labels: { 'org.opencontainers.image.revision': 'abc123' },
};

describe('buildxArgs', () => {
  it('pushes with provenance off and a registry cache on its own tag in the ECR-compatible layout', () => {
    expect(buildxArgs(plan, { push: true, cacheExport: true })).toEqual([
      'buildx',
      'build',
      '--provenance=false',
      '--push',
      '--tag',
      REF,
      '--platform',
      'linux/amd64,linux/arm64',
      '--file',
      'services/api/Dockerfile',
      '--target',
      'runtime',
      '--build-arg',
      'PHP_VERSION=8.3',
      '--build-arg',
      'EMPTY=',
      '--label',
      'org.opencontainers.image.revision=abc123',
      '--cache-from',
      'type=registry,ref=reg.example:5000/shop/api:buildcache',
      '--cache-to',
      'type=registry,ref=reg.example:5000/shop/api:buildcache,mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true',
      'services/api',
    ]);
  });

  it('builds without pushing or writing the cache when only the digest is wanted', () => {
    const args = buildxArgs(plan, { push: false, cacheExport: true, metadataFile: '/tmp/m.json' });
    expect(args.slice(0, 7)).toEqual([
      'buildx',
      'build',
      '--provenance=false',
      '--output',
      `type=image,name=${REF},push=false`,
      '--metadata-file',
      '/tmp/m.json',
    ]);
    expect(args).not.toContain('--push');
    expect(args).not.toContain('--cache-to');
  });
});

describe('buildx cache on the docker driver', () => {
  it('reads the registry cache but does not write it where the driver cannot export', () => {
    const args = buildxArgs(plan, { push: true, cacheExport: false });
    expect(args).toContain('--push');
    expect(args).toEqual(
      expect.arrayContaining(['--cache-from', 'type=registry,ref=reg.example:5000/shop/api:buildcache']),
    );
    expect(args).not.toContain('--cache-to');
  });

  it('reads the driver from docker buildx inspect', () => {
    const inspect =
      'Name:          builder-1\nDriver:        docker-container\nLast Activity: 2026-01-01\n\nNodes:\n';
    expect(buildxDriver(inspect)).toBe('docker-container');
    expect(buildxDriver('Name: default\nDriver: docker\n')).toBe('docker');
    expect(buildxDriver('garbage')).toBeUndefined();
  });
});

describe('dockerBuildArgs', () => {
  it('builds with classic docker: one platform, no cache flags, then a separate push', () => {
    const single = { ...plan, spec: { ...plan.spec, platforms: ['linux/arm64'] } };
    expect(dockerBuildArgs(single)).toEqual([
      'build',
      '--tag',
      REF,
      '--platform',
      'linux/arm64',
      '--file',
      'services/api/Dockerfile',
      '--target',
      'runtime',
      '--build-arg',
      'PHP_VERSION=8.3',
      '--build-arg',
      'EMPTY=',
      '--label',
      'org.opencontainers.image.revision=abc123',
      'services/api',
    ]);
    expect(dockerPushArgs(single)).toEqual(['push', REF]);
  });

  it('writes the image ID to an iidfile when asked, and passes no platform when none is set', () => {
    const bare = { ...plan, spec: { ...plan.spec, platforms: [], dockerfile: undefined, target: undefined } };
    expect(dockerBuildArgs(bare, { iidFile: '/tmp/iid' }).slice(0, 5)).toEqual([
      'build',
      '--tag',
      REF,
      '--iidfile',
      '/tmp/iid',
    ]);
    expect(dockerBuildArgs(bare)).not.toContain('--platform');
  });
});

describe('ociLabels', () => {
  it('labels revision, source and creation time from the GitHub environment and the clock', () => {
    const env = {
      GITHUB_SHA: 'f00d',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SERVER_URL: 'https://ghe.acme.io/',
    };
    expect(ociLabels(env, new Date(0))).toEqual({
      'org.opencontainers.image.revision': 'f00d',
      'org.opencontainers.image.source': 'https://ghe.acme.io/acme/shop',
      'org.opencontainers.image.created': '1970-01-01T00:00:00.000Z',
    });
  });

  it('leaves out what the environment does not know (a CLI run outside GitHub)', () => {
    expect(Object.keys(ociLabels({}, new Date(0)))).toEqual(['org.opencontainers.image.created']);
  });
});
