import { describe, expect, it } from '@jest/globals';
import {
  containerBehaviour,
  imageIdOf,
  logLinesOf,
  probeFailureMessage,
  pullBackoffSeconds,
  pullPolicyOf,
  restartBackoffSeconds,
  restartsAfterExit,
} from './behaviour.js';

const withEnv = (env: Record<string, string>, extra = {}) => ({
  name: 'c',
  image: 'x:1',
  env: Object.entries(env).map(([name, value]) => ({ name, value })),
  ...extra,
});

describe('container behaviour from SANDBOX_* env', () => {
  it('runs an ordinary container forever and ready at once', () => {
    expect(containerBehaviour(withEnv({}), 'main', 'Always')).toMatchObject({
      exits: false,
      readyAfterSeconds: 0,
      neverReady: false,
      logLines: [],
    });
  });

  it('takes the readiness delay from the readiness probe unless SANDBOX_READY_AFTER_SECONDS says otherwise', () => {
    const probe = { readinessProbe: { initialDelaySeconds: 7 } };
    expect(containerBehaviour(withEnv({}, probe), 'main', 'Always').readyAfterSeconds).toBe(7);
    expect(
      containerBehaviour(withEnv({ SANDBOX_READY_AFTER_SECONDS: '2' }, probe), 'main', 'Always')
        .readyAfterSeconds,
    ).toBe(2);
  });

  it('exits 0 after a second in Job-like pods and init containers', () => {
    expect(containerBehaviour(withEnv({}), 'main', 'Never')).toMatchObject({
      exits: true,
      exitCode: 0,
      runSeconds: 1,
    });
    expect(containerBehaviour(withEnv({}), 'init', 'Always')).toMatchObject({ exits: true, exitCode: 0 });
  });

  it('crashes with exit code 1 unless SANDBOX_EXIT_CODE names another non-zero code', () => {
    expect(containerBehaviour(withEnv({ SANDBOX_CRASH: 'true' }), 'main', 'Always')).toMatchObject({
      exits: true,
      exitCode: 1,
    });
    expect(
      containerBehaviour(withEnv({ SANDBOX_CRASH: '1', SANDBOX_EXIT_CODE: '137' }), 'main', 'Always')
        .exitCode,
    ).toBe(137);
    expect(containerBehaviour(withEnv({ SANDBOX_CRASH: 'false' }), 'main', 'Always').exits).toBe(false);
  });

  it('without the resolved environment, ignores env values that come from ConfigMaps or Secrets', () => {
    const container = {
      name: 'c',
      env: [{ name: 'SANDBOX_CRASH', valueFrom: { configMapKeyRef: { name: 'x', key: 'y' } } }],
    };
    expect(containerBehaviour(container, 'main', 'Always').exits).toBe(false);
  });

  it("takes the image's ENV as the base and lets the pod's literal env override it", () => {
    const image = ['PATH=/usr/bin', 'SANDBOX_CRASH=1', 'SANDBOX_RUN_SECONDS=3', 'SANDBOX_LOG=a=b'];
    expect(containerBehaviour(withEnv({}), 'main', 'Always', image)).toMatchObject({
      exits: true,
      exitCode: 1,
      runSeconds: 3,
      logLines: ['a=b'],
    });
    const fixed = containerBehaviour(withEnv({ SANDBOX_CRASH: '0' }), 'main', 'Always', image);
    expect(fixed).toMatchObject({ exits: true, exitCode: 0, runSeconds: 3 });
    expect(
      containerBehaviour(withEnv({ SANDBOX_CRASH: '' }), 'main', 'Always', ['SANDBOX_CRASH=1']).exits,
    ).toBe(false);
  });

  it('drops an image value that the pod replaces from a ConfigMap (its value is not declared)', () => {
    const container = {
      name: 'c',
      env: [{ name: 'SANDBOX_CRASH', valueFrom: { configMapKeyRef: { name: 'x', key: 'y' } } }],
    };
    expect(containerBehaviour(container, 'main', 'Always', ['SANDBOX_CRASH=1']).exits).toBe(false);
  });

  it('reads behaviour from the environment the kubelet resolved, over the image ENV', () => {
    const container = {
      name: 'c',
      env: [{ name: 'SANDBOX_CRASH', valueFrom: { configMapKeyRef: { name: 'x', key: 'y' } } }],
    };
    const resolved = { SANDBOX_CRASH: '1', SANDBOX_EXIT_CODE: '3', OTHER: 'x' };
    expect(
      containerBehaviour(container, 'main', 'Always', ['SANDBOX_RUN_SECONDS=4'], resolved),
    ).toMatchObject({ exits: true, exitCode: 3, runSeconds: 4 });
  });

  it('rejects a SANDBOX_RUN_SECONDS that is not a number, naming the variable', () => {
    expect(() => containerBehaviour(withEnv({ SANDBOX_RUN_SECONDS: 'soon' }), 'main', 'Always')).toThrow(
      'SANDBOX_RUN_SECONDS is "soon"; expected a number of seconds or an exit code (0 or more).',
    );
  });

  it('splits SANDBOX_LOG on newlines and on the two characters \\n', () => {
    expect(logLinesOf('a\nb\\nc')).toEqual(['a', 'b', 'c']);
    expect(logLinesOf('one | two')).toEqual(['one | two']);
    expect(logLinesOf('')).toEqual([]);
  });
});

describe('kubelet rules', () => {
  it('restarts per restartPolicy', () => {
    expect(restartsAfterExit('Always', 0)).toBe(true);
    expect(restartsAfterExit('OnFailure', 0)).toBe(false);
    expect(restartsAfterExit('OnFailure', 2)).toBe(true);
    expect(restartsAfterExit('Never', 2)).toBe(false);
  });

  it('backs off crash restarts 0, 10, 20, 40 ... up to 300 seconds', () => {
    expect([1, 2, 3, 4, 10].map(restartBackoffSeconds)).toEqual([0, 10, 20, 40, 300]);
    expect([1, 2, 3, 10].map(pullBackoffSeconds)).toEqual([10, 20, 40, 300]);
  });

  it('defaults the pull policy to Always only for :latest or untagged images', () => {
    expect(pullPolicyOf({ image: 'nginx' })).toBe('Always');
    expect(pullPolicyOf({ image: 'nginx:latest' })).toBe('Always');
    expect(pullPolicyOf({ image: 'localhost:5000/nginx:1.27' })).toBe('IfNotPresent');
    expect(pullPolicyOf({ image: 'localhost:5000/nginx' })).toBe('Always');
    expect(pullPolicyOf({ image: 'nginx@sha256:abc' })).toBe('IfNotPresent');
  });

  it('writes imageID as the repository at the pulled digest, registry port included', () => {
    expect(imageIdOf('127.0.0.1:5000/app/api:abc123', 'sha256:ff')).toBe('127.0.0.1:5000/app/api@sha256:ff');
    expect(imageIdOf('app@sha256:ee', 'sha256:ee')).toBe('app@sha256:ee');
  });
});

describe('readiness probe failures, worded per probe type as the kubelet words them', () => {
  it.each([
    [
      { httpGet: { path: '/ready', port: 8080 } },
      'Readiness probe failed: HTTP probe failed with statuscode: 503',
    ],
    [
      { tcpSocket: { port: 6379 } },
      'Readiness probe failed: dial tcp 10.244.1.7:6379: connect: connection refused',
    ],
    [{ grpc: { port: 9555 } }, 'Readiness probe failed: service unhealthy (responded with "NOT_SERVING")'],
    [{ exec: { command: ['cat', '/tmp/ready'] } }, 'Readiness probe failed: cat: /tmp/ready: No such file'],
    [undefined, 'Readiness probe failed: HTTP probe failed with statuscode: 503'],
  ])('%j', (probe, message) => {
    expect(probeFailureMessage(probe, '10.244.1.7', 'cat: /tmp/ready: No such file')).toBe(message);
  });

  it('an exec probe whose command prints nothing leaves the output empty', () => {
    expect(probeFailureMessage({ exec: { command: ['false'] } }, '10.244.1.7')).toBe(
      'Readiness probe failed: ',
    );
  });
});
