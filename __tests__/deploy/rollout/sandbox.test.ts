import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Json } from '../../../sandbox/controllers/objects.js';
import {
  container,
  deployment,
  type Sandbox,
  startSandbox,
} from '../../../sandbox/controllers/test-support.js';
import type { KubeObject } from '../../../sandbox/kube/contract.js';
import { FailFastTracker } from '../../../src/deploy/rollout/fail-fast.js';
import {
  type RolloutStatus,
  rolloutStatus,
  type WorkloadSnapshot,
} from '../../../src/deploy/rollout/status.js';
import { POLICY } from './fixtures.js';

// The rules against the sandbox's simulated controllers and kubelets: the labels, revisions and
// container states they write are what the rules must recognise.

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = startSandbox(0.01);
});
afterEach(() => sandbox.stop());

type Kind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job';
const controlledBy = (uids: Set<string>) => (o: Json) =>
  (o.metadata.ownerReferences ?? []).some((ref: Json) => ref.controller && uids.has(ref.uid));

/** What the deploy engine gathers for one workload. */
function snapshotOf(kind: Kind, name: string): WorkloadSnapshot {
  const workload = sandbox.get(kind, name);
  const replicaSets = sandbox
    .list('ReplicaSet', 'default')
    .filter(controlledBy(new Set([workload.metadata.uid])));
  const controllerRevisions = sandbox
    .list('ControllerRevision', 'default')
    .filter(controlledBy(new Set([workload.metadata.uid])));
  const owners = new Set([workload.metadata.uid, ...replicaSets.map((rs) => rs.metadata.uid)]);
  const pods = sandbox.list('Pod', 'default').filter(controlledBy(owners));
  const involved = new Set([...owners, ...pods.map((p) => p.metadata.uid)]);
  const events = sandbox
    .list('Event', 'default')
    .filter((e) => e.type === 'Warning' && involved.has(e.involvedObject?.uid));
  return { workload, replicaSets, controllerRevisions, pods, events };
}

/**
 * The engine's settle window, on the sandbox's clock: a crashing container runs 10 ms here (1 s
 * scaled), and is Ready while it runs, so without the window a poll in that moment would see the
 * crash-looping revision rolled out (as `kubectl rollout status` would).
 */
const SETTLING = { ...POLICY, settleMs: 1_000 };

/** Polls rolloutStatus on every change, as the engine does, until it is no longer in progress. */
function settle(kind: Kind, name: string): Promise<RolloutStatus> {
  const tracker = new FailFastTracker(() => Date.now());
  return sandbox.until(`${kind} ${name} settled`, () => {
    const status = rolloutStatus(snapshotOf(kind, name), SETTLING, (p) => tracker.isFatal(p));
    return status.state === 'in-progress' ? undefined : status;
  });
}

const crashing = container('app', { env: { SANDBOX_CRASH: '1' } });
const missing = container('app', { image: 'registry.local/missing:1' });

function workload(kind: 'StatefulSet' | 'DaemonSet', name: string, containers: Json[]): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: 'default' },
    spec: {
      ...(kind === 'StatefulSet' ? { replicas: 2, serviceName: name } : {}),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers } },
    },
  };
}

describe('rollout status against the sandbox', () => {
  it('a Deployment rolls out, then fails fast on a new crash-looping revision, not on the old one', async () => {
    sandbox.apply(deployment('api', { replicas: 2 }));
    expect(await settle('Deployment', 'api')).toMatchObject({ state: 'current' });
    sandbox.apply(deployment('api', { replicas: 2 }, [crashing]));
    const status = await settle('Deployment', 'api');
    expect(status).toMatchObject({ state: 'failed', reason: 'CrashLoopBackOff' });
    expect(status.summary).toMatch(
      /^Deployment default\/api: pod api-\w+-\w+ container app is crash-looping \(restarted 2 times, last exit code 1\)$/,
    );
  });

  it('a Deployment with a missing image fails at once', async () => {
    sandbox.apply(deployment('web', {}, [missing]));
    expect(await settle('Deployment', 'web')).toMatchObject({ state: 'failed', reason: 'ErrImagePull' });
  });

  it.each(['StatefulSet', 'DaemonSet'] as const)(
    'a %s update to a missing image fails on the new revision',
    async (kind) => {
      sandbox.apply(workload(kind, 'db', [container('app')]));
      expect(await settle(kind, 'db')).toMatchObject({ state: 'current' });
      sandbox.apply(workload(kind, 'db', [missing]));
      expect(await settle(kind, 'db')).toMatchObject({
        state: 'failed',
        problem: { reason: expect.stringMatching(/ImagePull/) },
      });
    },
  );

  it('a Job is current when complete and fails with BackoffLimitExceeded when its pod exits non-zero', async () => {
    const job = (name: string, env: Record<string, string>): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'default' },
      spec: {
        backoffLimit: 0,
        template: { spec: { restartPolicy: 'Never', containers: [container('migrate', { env })] } },
      },
    });
    sandbox.apply(job('ok', {}));
    expect(await settle('Job', 'ok')).toMatchObject({ state: 'current' });
    sandbox.apply(job('bad', { SANDBOX_EXIT_CODE: '3' }));
    expect(await settle('Job', 'bad')).toMatchObject({ state: 'failed', reason: 'BackoffLimitExceeded' });
  });
});
