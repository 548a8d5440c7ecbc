import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../kube/contract.js';
import type { Json } from '../objects.js';
import { container, deployment, type Sandbox, startSandbox, waitingReason } from '../test-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = startSandbox();
});
afterEach(() => sandbox.stop());

function pod(name: string, containers: Json[], extra: Json = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers, ...extra },
  };
}

const podNamed = (name: string) => () => sandbox.get('Pod', name);
const condition = (p: Json, type: string) => p?.status?.conditions?.find((c: Json) => c.type === type);
const eventsOf = (name: string) => sandbox.events(name).map((e) => `${e.type} ${e.reason}: ${e.message}`);

describe('kubelet', () => {
  it('schedules a pod, pulls its image and runs it: Running, Ready, with the digest as imageID', async () => {
    sandbox.apply(pod('ok', [container('app', { image: 'registry.local/team/app:1.0' })]));
    const running = await sandbox.until('ready', () => {
      const p = podNamed('ok')();
      return condition(p, 'Ready')?.status === 'True' ? p : undefined;
    });
    expect(running.status.phase).toBe('Running');
    expect(condition(running, 'PodScheduled').status).toBe('True');
    expect(condition(running, 'Initialized').status).toBe('True');
    expect(condition(running, 'ContainersReady').status).toBe('True');
    const [status] = running.status.containerStatuses;
    expect(status).toMatchObject({ name: 'app', ready: true, started: true, restartCount: 0 });
    expect(status.imageID).toMatch(/^registry\.local\/team\/app@sha256:[0-9a-f]{64}$/);
    expect(status.state.running.startedAt).toBeDefined();
    expect(running.status.podIP).toMatch(/^10\.244\.\d\.\d+$/);
    const events = eventsOf('ok');
    expect(events[0]).toMatch(
      /^Normal Scheduled: Successfully assigned default\/ok to ip-10-0-\d-10\.ec2\.internal$/,
    );
    expect(events).toEqual(
      expect.arrayContaining([
        'Normal Pulling: Pulling image "registry.local/team/app:1.0"',
        'Normal Created: Created container: app',
        'Normal Started: Started container app',
      ]),
    );
  });

  it('reports a missing image as ErrImagePull, then ImagePullBackOff, with the events a real kubelet writes', async () => {
    const image = 'registry.local/missing/app:1.0';
    sandbox.apply(pod('nopull', [container('app', { image })]));
    const seen: string[] = [];
    const stop = sandbox.watch(() => {
      const reason = waitingReason(podNamed('nopull')());
      if (reason && seen.at(-1) !== reason) seen.push(reason);
    });
    const p = await sandbox.until('back-off', () => {
      const current = podNamed('nopull')();
      return waitingReason(current) === 'ImagePullBackOff' ? current : undefined;
    });
    stop();
    expect(seen.slice(seen.indexOf('ErrImagePull'))).toEqual(['ErrImagePull', 'ImagePullBackOff']);
    expect(p.status.phase).toBe('Pending');
    expect(p.status.containerStatuses[0].state.waiting.message).toContain(
      `Back-off pulling image "${image}"`,
    );
    expect(condition(p, 'Ready').status).toBe('False');
    const events = eventsOf('nopull');
    expect(events).toContain(`Warning Failed: Error: ErrImagePull`);
    expect(events).toContain(`Warning Failed: Error: ImagePullBackOff`);
    expect(events).toContain(`Normal BackOff: Back-off pulling image "${image}"`);
    expect(events.some((e) => e.startsWith(`Warning Failed: Failed to pull image "${image}"`))).toBe(true);
  });

  it('keeps retrying the pull with back-off, counting repeated events', async () => {
    sandbox.apply(pod('retry', [container('app', { image: 'registry.local/missing/x:1' })]));
    const pulling = await sandbox.until('pulled three times', () =>
      sandbox.events('retry').find((e) => e.reason === 'Pulling' && e.count >= 3),
    );
    expect(pulling.message).toBe('Pulling image "registry.local/missing/x:1"');
  });

  it('crash-loops a SANDBOX_CRASH container: growing restartCount, lastState terminated, CrashLoopBackOff', async () => {
    const crashing = container('app', {
      env: { SANDBOX_CRASH: 'true', SANDBOX_LOG: 'booting\\nfatal: no database' },
    });
    sandbox.apply(pod('crash', [crashing]));
    const p = await sandbox.until('crash loop', () => {
      const current = podNamed('crash')();
      const status = current?.status?.containerStatuses?.[0];
      return status?.state?.waiting?.reason === 'CrashLoopBackOff' && status.restartCount >= 2
        ? current
        : undefined;
    });
    const [status] = p.status.containerStatuses;
    expect(status.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(status.state.waiting.message).toMatch(
      /^back-off \d+s restarting failed container=app pod=crash_default\(/,
    );
    expect(p.status.phase).toBe('Running');
    expect(
      eventsOf('crash').some((e) =>
        e.startsWith('Warning BackOff: Back-off restarting failed container app'),
      ),
    ).toBe(true);
    expect(sandbox.controllers.podLogs.lines('default', 'crash', 'app', true)).toEqual([
      'booting',
      'fatal: no database',
    ]);
  });

  it('runs a restartPolicy Never container to its SANDBOX_EXIT_CODE and leaves the pod Failed', async () => {
    const failing = container('task', { env: { SANDBOX_EXIT_CODE: '3', SANDBOX_RUN_SECONDS: '2' } });
    sandbox.apply(pod('once', [failing], { restartPolicy: 'Never' }));
    const p = await sandbox.until('failed', () => {
      const current = podNamed('once')();
      return current?.status?.phase === 'Failed' ? current : undefined;
    });
    expect(p.status.containerStatuses[0]).toMatchObject({
      restartCount: 0,
      state: { terminated: { exitCode: 3, reason: 'Error' } },
    });
  });

  it('shows CreateContainerConfigError for a missing ConfigMap, and starts once the ConfigMap exists', async () => {
    const app = {
      ...container('app'),
      envFrom: [{ configMapRef: { name: 'app-config' } }],
    };
    sandbox.apply(pod('cfg', [app]));
    const blocked = await sandbox.until('config error', () => {
      const current = podNamed('cfg')();
      return waitingReason(current) === 'CreateContainerConfigError' ? current : undefined;
    });
    expect(blocked.status.containerStatuses[0].state.waiting.message).toBe(
      'configmap "app-config" not found',
    );
    expect(eventsOf('cfg')).toContain('Warning Failed: Error: configmap "app-config" not found');

    sandbox.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app-config', namespace: 'default' },
      data: {},
    });
    await sandbox.until('running', () => podNamed('cfg')()?.status?.containerStatuses?.[0]?.state?.running);
  });

  it('names the missing key of a Secret reference', async () => {
    sandbox.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'default' },
      data: { user: 'dQ==' },
    });
    const app = {
      ...container('app'),
      env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
    };
    sandbox.apply(pod('key', [app]));
    const p = await sandbox.until('config error', () => {
      const current = podNamed('key')();
      return waitingReason(current) === 'CreateContainerConfigError' ? current : undefined;
    });
    expect(p.status.containerStatuses[0].state.waiting.message).toBe(
      "couldn't find key password in Secret default/db",
    );
  });

  it('resolves envFrom and valueFrom at each start: a ConfigMap value makes the container crash, a fixed one lets it run', async () => {
    const configMap = (data: Record<string, string>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'behaviour', namespace: 'default' },
      data,
    });
    sandbox.apply(configMap({ SANDBOX_CRASH: '1' }));
    sandbox.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'codes', namespace: 'default' },
      data: { exit: Buffer.from('42').toString('base64') },
    });
    const app = {
      ...container('app'),
      envFrom: [{ configMapRef: { name: 'behaviour' } }],
      env: [{ name: 'SANDBOX_EXIT_CODE', valueFrom: { secretKeyRef: { name: 'codes', key: 'exit' } } }],
    };
    sandbox.apply(pod('fromcm', [app]));
    const crashing = await sandbox.until('crash loop', () => {
      const status = podNamed('fromcm')()?.status?.containerStatuses?.[0];
      return status?.state?.waiting?.reason === 'CrashLoopBackOff' ? status : undefined;
    });
    expect(crashing.lastState.terminated).toMatchObject({ exitCode: 42, reason: 'Error' });

    sandbox.apply(configMap({ SANDBOX_CRASH: '0' }));
    await sandbox.until('running with the new value', () => {
      const status = podNamed('fromcm')()?.status?.containerStatuses?.[0];
      return status?.state?.running && status.restartCount >= 2 ? status : undefined;
    });
  });

  it('starts a container whose optional ConfigMap is missing, without its values', async () => {
    const app = {
      ...container('app'),
      envFrom: [{ configMapRef: { name: 'absent', optional: true } }],
      env: [
        {
          name: 'SANDBOX_CRASH',
          valueFrom: { configMapKeyRef: { name: 'absent', key: 'x', optional: true } },
        },
      ],
    };
    sandbox.apply(pod('optional', [app]));
    await sandbox.until('ready', () => condition(podNamed('optional')(), 'Ready')?.status === 'True');
  });

  it('keeps a pod ContainerCreating with FailedMount events while a ConfigMap volume is missing', async () => {
    sandbox.apply(
      pod('vol', [container('app')], { volumes: [{ name: 'conf', configMap: { name: 'nginx-conf' } }] }),
    );
    const event = await sandbox.until('FailedMount', () =>
      sandbox.events('vol').find((e) => e.reason === 'FailedMount'),
    );
    expect(event.message).toBe(
      'MountVolume.SetUp failed for volume "conf" : configmap "nginx-conf" not found',
    );
    expect(waitingReason(podNamed('vol')())).toBe('ContainerCreating');
  });

  it('runs init containers to completion before the app containers start', async () => {
    const init = container('migrate', { env: { SANDBOX_RUN_SECONDS: '5', SANDBOX_LOG: 'migrated' } });
    sandbox.apply(pod('init', [container('app')], { initContainers: [init] }));
    let appStartedDuringInit = false;
    const stop = sandbox.watch(() => {
      const current = podNamed('init')();
      const initDone = current?.status?.initContainerStatuses?.[0]?.state?.terminated;
      if (!initDone && current?.status?.containerStatuses?.[0]?.state?.running) appStartedDuringInit = true;
    });
    const p = await sandbox.until('ready', () => {
      const current = podNamed('init')();
      return condition(current, 'Ready')?.status === 'True' ? current : undefined;
    });
    stop();
    expect(appStartedDuringInit).toBe(false);
    expect(p.status.initContainerStatuses[0].state.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(condition(p, 'Initialized').status).toBe('True');
    expect(sandbox.controllers.podLogs.lines('default', 'init', 'migrate', false)).toEqual(['migrated']);
  });

  it('becomes Ready only after SANDBOX_READY_AFTER_SECONDS', async () => {
    sandbox.apply(pod('slow', [container('app', { env: { SANDBOX_READY_AFTER_SECONDS: '20' } })]));
    const runningNotReady = await sandbox.until('running, not ready', () => {
      const status = podNamed('slow')()?.status?.containerStatuses?.[0];
      return status?.state?.running && !status.ready ? status : undefined;
    });
    expect(runningNotReady.started).toBe(true);
    await sandbox.until('ready', () => condition(podNamed('slow')(), 'Ready')?.status === 'True');
  });

  it('never marks a SANDBOX_NEVER_READY container ready, and records failing readiness probes', async () => {
    sandbox.apply(pod('never', [container('app', { env: { SANDBOX_NEVER_READY: '1' } })]));
    const event = await sandbox.until('Unhealthy', () =>
      sandbox.events('never').find((e) => e.reason === 'Unhealthy'),
    );
    expect(event.type).toBe('Warning');
    expect(event.message).toBe('Readiness probe failed: HTTP probe failed with statuscode: 503');
    expect(condition(podNamed('never')(), 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
    });
  });

  it('words a failing tcpSocket probe as the kubelet does, with the pod IP and port', async () => {
    const probed = container('app', { env: { SANDBOX_NEVER_READY: '1' } });
    probed.readinessProbe = { tcpSocket: { port: 6379 } };
    sandbox.apply(pod('tcp', [probed]));
    const event = await sandbox.until('Unhealthy', () =>
      sandbox.events('tcp').find((e) => e.reason === 'Unhealthy'),
    );
    const ip = podNamed('tcp')()?.status?.podIP;
    expect(event.message).toBe(`Readiness probe failed: dial tcp ${ip}:6379: connect: connection refused`);
  });

  it('serves SANDBOX_LOG lines and follows them until the container exits', async () => {
    const task = container('task', {
      env: { SANDBOX_LOG: 'one\ntwo', SANDBOX_RUN_SECONDS: '30', SANDBOX_EXIT_CODE: '0' },
    });
    sandbox.apply(pod('logs', [task], { restartPolicy: 'Never' }));
    await sandbox.until('running', () => podNamed('logs')()?.status?.containerStatuses?.[0]?.state?.running);
    expect(sandbox.controllers.podLogs.lines('default', 'logs', 'task', false)).toEqual(['one', 'two']);
    expect(sandbox.controllers.podLogs.lines('default', 'logs', 'task', true)).toBeUndefined();
    const ended = new Promise<void>((resolve) =>
      sandbox.controllers.podLogs.follow('default', 'logs', 'task', () => {}, resolve),
    );
    await ended;
    expect(podNamed('logs')()?.status?.phase).toBe('Succeeded');
  });

  it('deletes a running pod gracefully: deletionTimestamp and Killing first, then it is gone', async () => {
    sandbox.apply(pod('bye', [container('app')]));
    await sandbox.until('running', () => podNamed('bye')()?.status?.containerStatuses?.[0]?.state?.running);
    sandbox.store.delete(sandbox.kinds.Pod, 'default', 'bye');
    const marked = podNamed('bye')();
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    await sandbox.until('gone', () => podNamed('bye')() === undefined);
    expect(eventsOf('bye')).toContain('Normal Killing: Stopping container app');
  });

  it('leaves a pod Pending and Unschedulable when no node matches its nodeSelector', async () => {
    sandbox.apply(pod('nowhere', [container('app')], { nodeSelector: { 'kubernetes.io/arch': 'arm64' } }));
    const p = await sandbox.until('unschedulable', () => {
      const current = podNamed('nowhere')();
      return condition(current, 'PodScheduled')?.reason === 'Unschedulable' ? current : undefined;
    });
    expect(p.status.phase).toBe('Pending');
    expect(p.spec.nodeName).toBeUndefined();
  });

  it('a crash-looping pod of a Deployment is not Ready while it backs off', async () => {
    sandbox.apply(deployment('loop', { replicas: 1 }, [container('app', { env: { SANDBOX_CRASH: '1' } })]));
    const p = await sandbox.until('crash loop', () =>
      sandbox
        .list('Pod', 'default')
        .find((p) => p.metadata.labels?.app === 'loop' && waitingReason(p) === 'CrashLoopBackOff'),
    );
    expect(condition(p, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    expect(p.status.containerStatuses[0].ready).toBe(false);
  });

  it('kills a container that outlives terminationGracePeriodSeconds with exit code 137', async () => {
    const slow = container('worker', { env: { SANDBOX_TERMINATION_SECONDS: '120' } });
    sandbox.apply(pod('stubborn', [slow], { terminationGracePeriodSeconds: 30 }));
    await sandbox.until(
      'running',
      () => podNamed('stubborn')()?.status?.containerStatuses?.[0]?.state?.running,
    );
    const exits: Json[] = [];
    const stop = sandbox.watch(() => {
      const terminated = podNamed('stubborn')()?.status?.containerStatuses?.[0]?.state?.terminated;
      if (terminated) exits.push(terminated);
    });
    sandbox.store.delete(sandbox.kinds.Pod, 'default', 'stubborn');
    await sandbox.until('gone', () => podNamed('stubborn')() === undefined);
    stop();
    expect(exits[0]).toMatchObject({ exitCode: 137, reason: 'Error' });
  });
});
