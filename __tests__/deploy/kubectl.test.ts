import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { isTransient, Kubectl } from '../../src/deploy/kubectl.js';
import { RecordingLogger, RecordingRunner } from '../fakes.js';

const INTERNAL = 'Error from server (InternalError): Internal error occurred: etcdserver: leader changed';
const INVALID = 'The Deployment "web" is invalid: spec.selector: Invalid value: field is immutable';

function kubectlAnswering(answers: { exitCode: number; stderr: string }[]) {
  const runner = new RecordingRunner().on(['kubectl'], () => answers.shift() ?? { exitCode: 0, stderr: '' });
  const logger = new RecordingLogger();
  const kubectl = new Kubectl({ runner, kubeconfig: 'kc', env: {}, logger, retryDelayMs: 1 });
  return { kubectl, runner, logger };
}

describe('kubectl calls that meet transient API errors', () => {
  it('runs a server-side apply again after a 500, saying so, and returns the clean result', async () => {
    const { kubectl, runner, logger } = kubectlAnswering([{ exitCode: 1, stderr: INTERNAL }]);
    expect(await kubectl.apply('kind: ConfigMap')).toEqual({ objects: [], errors: [], warnings: [] });
    expect(runner.calls('kubectl')).toHaveLength(2);
    expect(logger.messages().filter((m) => !m.startsWith('debug:'))).toEqual([
      `kubectl apply met a transient API error (${INTERNAL}); retry 1 of 3 in 0.001 s.`,
    ]);
  });

  it('gives up after three retries and reports the last errors', async () => {
    const failing = Array.from({ length: 10 }, () => ({ exitCode: 1, stderr: INTERNAL }));
    const { kubectl, runner } = kubectlAnswering(failing);
    expect((await kubectl.apply('kind: ConfigMap')).errors).toEqual([INTERNAL]);
    expect(runner.calls('kubectl')).toHaveLength(4);
  });

  it('retries longer for a rollback, which must not give up after a short outage', async () => {
    const failing = Array.from({ length: 10 }, () => ({ exitCode: 1, stderr: INTERNAL }));
    const { kubectl, runner } = kubectlAnswering(failing);
    expect((await kubectl.detached(5).apply('kind: ConfigMap')).errors).toEqual([INTERNAL]);
    expect(runner.calls('kubectl')).toHaveLength(6);
  });

  it('does not retry when any error is one a retry cannot fix', async () => {
    const { kubectl, runner } = kubectlAnswering([{ exitCode: 1, stderr: `${INTERNAL}\n${INVALID}` }]);
    expect((await kubectl.apply('kind: Deployment')).errors).toEqual([INTERNAL, INVALID]);
    expect(runner.calls('kubectl')).toHaveLength(1);
  });

  it('knows kubectl’s words for a server that failed, throttled or could not be reached', () => {
    for (const line of [
      INTERNAL,
      'Error from server (ServiceUnavailable): the server is currently unable to handle the request',
      'Error from server (TooManyRequests): the server has received too many requests and has asked us to try again later',
      'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?',
      'Unable to connect to the server: net/http: TLS handshake timeout',
    ]) {
      expect(isTransient(line)).toBe(true);
    }
    for (const line of [INVALID, 'error: You must be logged in to the server (Unauthorized)']) {
      expect(isTransient(line)).toBe(false);
    }
  });
});

describe('a token from the run’s cache that the cluster refuses (401)', () => {
  const REFUSED = 'error: You must be logged in to the server (Unauthorized)';

  function withCache(cached: boolean) {
    const root = mkdtempSync(join(tmpdir(), 'kubectl-401-'));
    const folder = join(root, 'k8s-deploy-abc123');
    mkdirSync(folder, { mode: 0o700 });
    if (cached) mkdirSync(join(folder, 'eks-tokens'), { mode: 0o700 });
    const runner = new RecordingRunner().on(['kubectl'], () =>
      runner.calls('kubectl').length === 1 ? { exitCode: 1, stderr: REFUSED } : { exitCode: 0, stderr: '' },
    );
    const logger = new RecordingLogger();
    const kubeconfig = join(folder, 'kubeconfig');
    const kubectl = new Kubectl({ runner, kubeconfig, env: {}, logger, retryDelayMs: 1 });
    return { kubectl, runner, logger, folder, cleanup: () => rmSync(root, { recursive: true, force: true }) };
  }

  it('drops the cache and runs the call again once with a new token, saying so', async () => {
    const { kubectl, runner, logger, folder, cleanup } = withCache(true);
    try {
      expect((await kubectl.apply('kind: ConfigMap')).errors).toEqual([]);
      expect(runner.calls('kubectl')).toHaveLength(2);
      expect(existsSync(join(folder, 'eks-tokens'))).toBe(false);
      expect(logger.messages()).toContain(
        'kubectl apply was refused (401 Unauthorized); running it again with a new EKS token.',
      );
    } finally {
      cleanup();
    }
  });

  it('without a cache (a kubeconfig the user gave) reports the 401 at once, as before', async () => {
    const { kubectl, runner, cleanup } = withCache(false);
    try {
      expect((await kubectl.apply('kind: ConfigMap')).errors).toEqual([REFUSED]);
      expect(runner.calls('kubectl')).toHaveLength(1);
    } finally {
      cleanup();
    }
  });
});
