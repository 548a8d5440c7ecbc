import { describe, expect, it } from '@jest/globals';
import { dockerHubCacheRepository, normalizeReference } from './reference.js';

describe('normalizeReference (the distribution reference grammar)', () => {
  it.each([
    ['postgres:17-alpine', 'docker.io/library/postgres:17-alpine'],
    ['nginxinc/nginx-unprivileged:1.27-alpine', 'docker.io/nginxinc/nginx-unprivileged:1.27-alpine'],
    ['redis', 'docker.io/library/redis:latest'],
    ['index.docker.io/library/redis:7', 'docker.io/library/redis:7'],
    ['docker.io/redis:7', 'docker.io/library/redis:7'],
    ['localhost/app', 'localhost/app:latest'],
    ['127.0.0.1:5000/team/api:v1', '127.0.0.1:5000/team/api:v1'],
    ['Registry/app:1', 'Registry/app:1'],
    [`postgres@sha256:${'a'.repeat(64)}`, `docker.io/library/postgres@sha256:${'a'.repeat(64)}`],
  ])('%s is %s', (image, name) => {
    expect(normalizeReference(image).name).toBe(name);
  });

  it('maps only Docker Hub images onto the docker-hub cache prefix', () => {
    expect(dockerHubCacheRepository('postgres:17-alpine')).toBe('docker-hub/library/postgres');
    expect(dockerHubCacheRepository('nginxinc/nginx-unprivileged:1.27-alpine')).toBe(
      'docker-hub/nginxinc/nginx-unprivileged',
    );
    expect(dockerHubCacheRepository('ghcr.io/org/app:1')).toBeUndefined();
  });
});
