import { describe, expect, it } from '@jest/globals';
import { classifyPod, describeProblem, type PodProblem } from '../../../src/deploy/rollout/status.js';
import { crashLooping, POLICY, pod, running, waiting } from './fixtures.js';

const only = (problems: PodProblem[]) => {
  expect(problems).toHaveLength(1);
  return problems[0];
};

describe('image pull errors', () => {
  it.each([
    [
      'ErrImagePull',
      'rpc error: code = NotFound desc = failed to resolve reference "ecr/api:abc": not found',
    ],
    [
      'ErrImagePull',
      'failed to pull and unpack image "x": failed to resolve reference: unexpected status: 401 Unauthorized',
    ],
    ['ErrImagePull', 'pull access denied, repository does not exist or may require authorization'],
    ['ErrImagePull', 'unexpected status from HEAD request: 403 Forbidden'],
    ['ErrImagePull', 'dial tcp: lookup registry.example: no such host'],
    ['ImagePullBackOff', 'Back-off pulling image "x": ErrImagePull: x: manifest unknown'],
  ])('fails fast on %s for a missing or forbidden image (%s)', (reason, message) => {
    const problem = only(
      classifyPod(pod('api-1', { containers: [waiting('app', reason, message)] }), POLICY),
    );
    expect(problem).toMatchObject({
      pod: 'api-1',
      container: 'app',
      init: false,
      reason,
      message,
      graceMs: 0,
    });
  });

  it.each([
    ['ErrImagePull', 'failed to do request: dial tcp 10.0.0.1:443: i/o timeout'],
    ['ErrImagePull', 'unexpected status: 429 Too Many Requests'],
    ['ImagePullBackOff', 'Back-off pulling image "ecr/api:abc"'],
  ])('gives a transient %s the pull grace (%s)', (reason, message) => {
    const problem = only(
      classifyPod(pod('api-1', { containers: [waiting('app', reason, message)] }), POLICY),
    );
    expect(problem.graceMs).toBe(POLICY.imagePullGraceMs);
  });

  it('keys ErrImagePull and ImagePullBackOff alike so the grace runs across the alternation', () => {
    const [pulling, backingOff] = ['ErrImagePull', 'ImagePullBackOff'].map(
      (reason) =>
        only(classifyPod(pod('api-1', { containers: [waiting('app', reason, 'i/o timeout')] }), POLICY)).key,
    );
    expect(pulling).toBe(backingOff);
  });

  it.each(['InvalidImageName', 'ErrImageNeverPull'])('fails fast on %s', (reason) => {
    expect(
      only(classifyPod(pod('api-1', { containers: [waiting('app', reason, 'bad')] }), POLICY)).graceMs,
    ).toBe(0);
  });
});

describe('container creation errors', () => {
  it.each([
    'secret "api-env" not found',
    'failed to sync configmap cache: timed out waiting for the condition',
  ])('tolerates CreateContainerConfigError for the config grace (%s)', (message) => {
    const problem = only(
      classifyPod(
        pod('api-1', { containers: [waiting('app', 'CreateContainerConfigError', message)] }),
        POLICY,
      ),
    );
    expect(problem).toMatchObject({
      reason: 'CreateContainerConfigError',
      graceMs: POLICY.configErrorGraceMs,
    });
  });

  it('waits the longer operator grace for a Secret an ExternalSecret of the set is about to create, not for any other', () => {
    const policy = {
      ...POLICY,
      producedByOperators: new Set(['secret/laravel-secrets']),
      operatorGraceMs: 30_000,
    };
    const graceFor = (message: string) =>
      only(
        classifyPod(
          pod('api-1', { containers: [waiting('app', 'CreateContainerConfigError', message)] }),
          policy,
        ),
      ).graceMs;
    expect(graceFor('secret "laravel-secrets" not found')).toBe(30_000);
    expect(graceFor('secret "typo-secrets" not found')).toBe(POLICY.configErrorGraceMs);
    expect(graceFor('configmap "laravel-secrets" not found')).toBe(POLICY.configErrorGraceMs);
  });

  it('fails fast on RunContainerError and a permanent CreateContainerError', () => {
    const problems = classifyPod(
      pod('api-1', {
        containers: [
          waiting('app', 'RunContainerError', 'exec: "php-fpm": executable file not found in $PATH'),
          waiting(
            'sidecar',
            'CreateContainerError',
            'Error: failed to create containerd container: invalid mount',
          ),
        ],
      }),
      POLICY,
    );
    expect(problems.map((p) => [p.container, p.reason, p.graceMs])).toEqual([
      ['app', 'RunContainerError', 0],
      ['sidecar', 'CreateContainerError', 0],
    ]);
  });

  it('tolerates a CreateContainerError from a busy runtime (name still reserved)', () => {
    const message = 'failed to reserve container name "app_api-1": name "app_api-1" is reserved for "4b1c"';
    const problem = only(
      classifyPod(pod('api-1', { containers: [waiting('app', 'CreateContainerError', message)] }), POLICY),
    );
    expect(problem.graceMs).toBe(POLICY.configErrorGraceMs);
  });

  it('fails fast on ContainerCannotRun unless the exit code is 128 (the node runtime, not the image)', () => {
    const cannotRun = (exitCode: number) =>
      pod('api-1', {
        containers: [
          running('app', 0, {
            state: { terminated: { reason: 'ContainerCannotRun', exitCode, message: 'no such file' } },
          }),
        ],
        restartPolicy: 'Never',
      });
    expect(only(classifyPod(cannotRun(127), POLICY))).toMatchObject({
      reason: 'ContainerCannotRun',
      exitCode: 127,
      graceMs: 0,
    });
    expect(classifyPod(cannotRun(128), POLICY)).toEqual([]);
  });

  it('fails fast on containerd StartError for a command that does not exist, seen in lastState', () => {
    const message = 'failed to create containerd task: exec: "migrate": executable file not found in $PATH';
    const status = crashLooping('app', 0, 128, 'StartError');
    status.lastState = { terminated: { reason: 'StartError', exitCode: 128, message } };
    const problem = only(classifyPod(pod('api-1', { containers: [status] }), POLICY));
    expect(problem).toMatchObject({ reason: 'StartError', message, graceMs: 0 });
  });

  it('checks init containers and says so', () => {
    const problem = only(
      classifyPod(
        pod('api-1', {
          phase: 'Pending',
          initContainers: [waiting('wait-for-db', 'ErrImagePull', 'busybox:nope: not found')],
          containers: [waiting('app', 'PodInitializing')],
        }),
        POLICY,
      ),
    );
    expect(problem).toMatchObject({ container: 'wait-for-db', init: true, graceMs: 0 });
    expect(describeProblem(problem)).toBe(
      'pod api-1 init container wait-for-db cannot pull its image: busybox:nope: not found',
    );
  });
});

describe('crash loops (restartPolicy Always)', () => {
  it('shows the first crashes but fails once the tolerated restarts are used up', () => {
    const at = (restarts: number) =>
      only(classifyPod(pod('api-1', { containers: [crashLooping('php-fpm', restarts)] }), POLICY));
    expect(at(1).graceMs).toBe(Infinity);
    expect(at(2)).toMatchObject({ reason: 'CrashLoopBackOff', restarts: 2, exitCode: 1, graceMs: 0 });
  });

  it('fails a container that is up again but restarted more often than tolerated', () => {
    const status = running('app', 3, { lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } });
    const problem = only(classifyPod(pod('api-1', { containers: [status] }), POLICY));
    expect(problem).toMatchObject({
      reason: 'CrashLoopBackOff',
      exitCode: 137,
      message: 'OOMKilled',
      graceMs: 0,
    });
    expect(describeProblem(problem)).toBe(
      'pod api-1 container app is crash-looping (restarted 3 times, last exit code 137, OOMKilled)',
    );
  });

  it('leaves a running container alone within the tolerated restarts', () => {
    expect(classifyPod(pod('api-1', { containers: [running('app', 2)] }), POLICY)).toEqual([]);
  });

  it('fails on the first crash when no restart is tolerated', () => {
    const status = running('app', 0, {
      ready: false,
      state: { terminated: { exitCode: 1, reason: 'Error' } },
    });
    const problem = only(
      classifyPod(pod('api-1', { containers: [status] }), { ...POLICY, crashloopRestarts: 0 }),
    );
    expect(problem.graceMs).toBe(0);
  });

  it('describes a crash loop in one sentence', () => {
    const problem = only(
      classifyPod(pod('api-7d9c-x2k4q', { containers: [crashLooping('php-fpm', 2)] }), POLICY),
    );
    expect(describeProblem(problem)).toBe(
      'pod api-7d9c-x2k4q container php-fpm is crash-looping (restarted 2 times, last exit code 1)',
    );
  });
});

describe('pod phase and scheduling', () => {
  it('fails fast on a Failed pod of a long-running workload', () => {
    const failed = pod('api-1', {
      phase: 'Failed',
      reason: 'DeadlineExceeded',
      message: 'Pod was active too long',
    });
    expect(only(classifyPod(failed, POLICY))).toMatchObject({
      reason: 'Failed',
      message: 'DeadlineExceeded: Pod was active too long',
      graceMs: 0,
    });
  });

  it.each(['Evicted', 'Preempting', 'Shutdown', 'NodeShutdown', 'OutOfcpu'])(
    'ignores a pod that failed because of its node (%s): the controller replaces it',
    (reason) => {
      expect(classifyPod(pod('api-1', { phase: 'Failed', reason }), POLICY)).toEqual([]);
    },
  );

  it('shows Unschedulable but never makes it fatal (autoscalers add nodes)', () => {
    const message = '0/3 nodes are available: 3 Insufficient cpu.';
    const pending = pod('api-1', {
      phase: 'Pending',
      containers: [],
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }],
    });
    const problem = only(classifyPod(pending, POLICY));
    expect(problem).toMatchObject({ reason: 'Unschedulable', message, graceMs: Infinity });
    expect(describeProblem(problem)).toBe(`pod api-1 cannot be scheduled: ${message}`);
  });

  it('ignores a pod that is being deleted', () => {
    expect(
      classifyPod(pod('api-1', { deleting: true, containers: [crashLooping('app', 5)] }), POLICY),
    ).toEqual([]);
  });
});

describe('Job pods (restartPolicy Never / OnFailure)', () => {
  it('does not fail on a non-zero exit or a Failed pod: backoffLimit decides', () => {
    const exited = running('migrate', 0, { state: { terminated: { exitCode: 1, reason: 'Error' } } });
    expect(
      classifyPod(
        pod('migrate-x', { restartPolicy: 'Never', phase: 'Failed', containers: [exited] }),
        POLICY,
      ),
    ).toEqual([]);
    const looping = crashLooping('migrate', 4);
    expect(
      classifyPod(pod('migrate-y', { restartPolicy: 'OnFailure', containers: [looping] }), POLICY),
    ).toEqual([]);
  });

  it('fails fast on a missing image, which a Job would wait on forever', () => {
    const stuck = pod('migrate-x', {
      restartPolicy: 'Never',
      phase: 'Pending',
      containers: [
        waiting('migrate', 'ImagePullBackOff', 'Back-off pulling image "x": ErrImagePull: x: not found'),
      ],
    });
    expect(only(classifyPod(stuck, POLICY)).graceMs).toBe(0);
  });
});
