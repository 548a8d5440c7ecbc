import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Json } from './objects.js';
import {
  container,
  deployment,
  podsOwnedBy,
  rolloutStatusOf,
  type Sandbox,
  startSandbox,
} from './test-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = startSandbox();
});
afterEach(() => sandbox.stop());

const replicaSetsOf = (name: string) =>
  sandbox.list('ReplicaSet', 'default').filter((rs) => rs.metadata.ownerReferences?.[0]?.name === name);
const rolledOut = (name: string) => () => {
  const d = sandbox.get('Deployment', name);
  return rolloutStatusOf(d).done ? d : undefined;
};

describe('Deployment controller', () => {
  it('rolls a new Deployment out to completion, with the status kubectl rollout status reads', async () => {
    sandbox.apply(deployment('web', { replicas: 3 }));
    const d = await sandbox.until('web rolled out', rolledOut('web'));

    expect(d.status).toMatchObject({
      observedGeneration: d.metadata.generation,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 0,
    });
    const conditions = Object.fromEntries(d.status.conditions.map((c: Json) => [c.type, c]));
    expect(conditions.Available).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(conditions.Progressing).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');

    const [rs] = replicaSetsOf('web');
    const hash = rs.metadata.labels['pod-template-hash'];
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(rs.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(rs.metadata.ownerReferences[0]).toMatchObject({
      kind: 'Deployment',
      name: 'web',
      controller: true,
    });
    expect(rs.spec.selector.matchLabels['pod-template-hash']).toBe(hash);

    const pods = podsOwnedBy(sandbox, rs);
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.status.phase).toBe('Running');
      expect(pod.spec.nodeName).toMatch(/^ip-10-0-\d-10\.ec2\.internal$/);
    }
    const messages = sandbox.events('web').map((e) => e.message);
    expect(messages).toContain(`Scaled up replica set web-${hash} from 0 to 3`);
  });

  it('keeps the same pod-template-hash for the same template', async () => {
    sandbox.apply(deployment('a', {}));
    sandbox.apply({ ...deployment('b', {}), spec: deployment('a', {}).spec });
    await sandbox.until(
      'both have sets',
      () => replicaSetsOf('a').length === 1 && replicaSetsOf('b').length === 1,
    );
    expect(replicaSetsOf('a')[0].metadata.labels['pod-template-hash']).toBe(
      replicaSetsOf('b')[0].metadata.labels['pod-template-hash'],
    );
  });

  it('rolls a new template out without exceeding maxSurge or dropping below replicas - maxUnavailable', async () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    sandbox.apply(
      deployment('api', { replicas: 4, strategy }, [container('app', { image: 'registry.local/api:1' })]),
    );
    await sandbox.until('v1 rolled out', rolledOut('api'));

    let maxPods = 0;
    let minReady = Number.POSITIVE_INFINITY;
    const stopWatching = sandbox.watch(() => {
      const pods = sandbox
        .list('Pod', 'default')
        .filter((p) => p.metadata.labels?.app === 'api' && !p.metadata.deletionTimestamp);
      maxPods = Math.max(maxPods, pods.length);
      const ready = pods.filter((p) =>
        p.status?.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True'),
      );
      minReady = Math.min(minReady, ready.length);
    });
    sandbox.apply(
      deployment('api', { replicas: 4, strategy }, [container('app', { image: 'registry.local/api:2' })]),
    );
    const d = await sandbox.until('v2 rolled out', () => {
      const current = sandbox.get('Deployment', 'api');
      return current.status?.observedGeneration === 2 && rolloutStatusOf(current).done ? current : undefined;
    });
    stopWatching();

    expect(maxPods).toBe(5);
    expect(minReady).toBe(4);
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
    const sets = replicaSetsOf('api');
    expect(
      sets
        .map((rs) => [rs.metadata.annotations['deployment.kubernetes.io/revision'], rs.spec.replicas])
        .sort(),
    ).toEqual([
      ['1', 0],
      ['2', 4],
    ]);
  });

  it('resolves percentages as the real controller does: surge rounds up, unavailable rounds down', async () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    sandbox.apply(deployment('pct', { replicas: 10, strategy }));
    await sandbox.until('v1 rolled out', rolledOut('pct'));
    const [rs] = replicaSetsOf('pct');
    expect(rs.metadata.annotations['deployment.kubernetes.io/max-replicas']).toBe('13');

    let maxPods = 0;
    let minAvailable = Number.POSITIVE_INFINITY;
    const stopWatching = sandbox.watch(() => {
      const d = sandbox.get('Deployment', 'pct');
      const sets = replicaSetsOf('pct');
      maxPods = Math.max(
        maxPods,
        sets.reduce((n, s) => n + s.spec.replicas, 0),
      );
      minAvailable = Math.min(minAvailable, d.status?.availableReplicas ?? 0);
    });
    sandbox.apply(
      deployment('pct', { replicas: 10, strategy }, [container('app', { image: 'registry.local/app:2' })]),
    );
    await sandbox.until('v2 rolled out', () => {
      const d = sandbox.get('Deployment', 'pct');
      return d.status?.observedGeneration === 2 && rolloutStatusOf(d).done;
    });
    stopWatching();
    expect(maxPods).toBe(13);
    expect(minAvailable).toBe(8);
  });

  it('reuses the old ReplicaSet and gives it the next revision when an old template comes back', async () => {
    const v1 = deployment('back', { replicas: 2 }, [container('app', { image: 'registry.local/app:1' })]);
    const v2 = deployment('back', { replicas: 2 }, [container('app', { image: 'registry.local/app:2' })]);
    sandbox.apply(v1);
    await sandbox.until('v1', rolledOut('back'));
    const firstSet = replicaSetsOf('back')[0].metadata.name;
    sandbox.apply(v2);
    await sandbox.until(
      'v2',
      () =>
        sandbox.get('Deployment', 'back').metadata.annotations?.['deployment.kubernetes.io/revision'] ===
          '2' && rolledOut('back')(),
    );
    sandbox.apply(v1);
    const d = await sandbox.until('v1 again', () => {
      const current = sandbox.get('Deployment', 'back');
      return current.metadata.annotations['deployment.kubernetes.io/revision'] === '3' &&
        rolloutStatusOf(current).done
        ? current
        : undefined;
    });

    const sets = replicaSetsOf('back');
    expect(sets).toHaveLength(2);
    const reused = sets.find((rs) => rs.metadata.name === firstSet);
    expect(reused.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
    expect(reused.metadata.annotations['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(reused.spec.replicas).toBe(2);
    expect(d.status.updatedReplicas).toBe(2);
  });

  it('reports ProgressDeadlineExceeded when pods never become ready within progressDeadlineSeconds', async () => {
    const stuck = container('app', { env: { SANDBOX_NEVER_READY: 'true' } });
    sandbox.apply(deployment('stuck', { replicas: 1, progressDeadlineSeconds: 1 }, [stuck]));
    const d = await sandbox.until('deadline', () => {
      const current = sandbox.get('Deployment', 'stuck');
      return current.status?.conditions?.some((c: Json) => c.reason === 'ProgressDeadlineExceeded')
        ? current
        : undefined;
    });
    const progressing = d.status.conditions.find((c: Json) => c.type === 'Progressing');
    expect(progressing.status).toBe('False');
    expect(progressing.message).toMatch(/^ReplicaSet "stuck-\w+" has timed out progressing\.$/);
    expect(d.status.conditions.find((c: Json) => c.type === 'Available').status).toBe('False');
    expect(rolloutStatusOf(d).message).toBe('error: deployment "stuck" exceeded its progress deadline');
  });

  it('Recreate: never runs old and new pods at the same time', async () => {
    const strategy = { type: 'Recreate' };
    sandbox.apply(
      deployment('rec', { replicas: 2, strategy }, [container('app', { image: 'registry.local/app:1' })]),
    );
    await sandbox.until('v1', rolledOut('rec'));
    let overlap = false;
    const stopWatching = sandbox.watch(() => {
      const hashes = new Set(
        sandbox
          .list('Pod', 'default')
          .filter((p) => p.metadata.labels?.app === 'rec')
          .map((p) => p.metadata.labels['pod-template-hash']),
      );
      if (hashes.size > 1) overlap = true;
    });
    sandbox.apply(
      deployment('rec', { replicas: 2, strategy }, [container('app', { image: 'registry.local/app:2' })]),
    );
    await sandbox.until('v2', () => {
      const d = sandbox.get('Deployment', 'rec');
      return d.status?.observedGeneration === 2 && rolloutStatusOf(d).done;
    });
    stopWatching();
    expect(overlap).toBe(false);
  });

  it('keeps at most revisionHistoryLimit old ReplicaSets', async () => {
    for (const tag of ['1', '2', '3', '4']) {
      sandbox.apply(
        deployment('hist', { revisionHistoryLimit: 1 }, [
          container('app', { image: `registry.local/app:${tag}` }),
        ]),
      );
      await sandbox.until(`revision ${tag}`, () => {
        const d = sandbox.get('Deployment', 'hist');
        return (
          d.metadata.annotations?.['deployment.kubernetes.io/revision'] === tag && rolloutStatusOf(d).done
        );
      });
    }
    await sandbox.until('history pruned', () => replicaSetsOf('hist').length === 2);
    const revisions = replicaSetsOf('hist').map(
      (rs) => rs.metadata.annotations['deployment.kubernetes.io/revision'],
    );
    expect(revisions.sort()).toEqual(['3', '4']);
  });

  it('does not roll out while paused, and does once resumed', async () => {
    sandbox.apply(deployment('p', {}, [container('app', { image: 'registry.local/app:1' })]));
    await sandbox.until('v1', rolledOut('p'));
    sandbox.apply(deployment('p', { paused: true }, [container('app', { image: 'registry.local/app:2' })]));
    const paused = await sandbox.until('paused', () => {
      const d = sandbox.get('Deployment', 'p');
      return d.status?.observedGeneration === 2 ? d : undefined;
    });
    expect(paused.status.conditions.find((c: Json) => c.type === 'Progressing').reason).toBe(
      'DeploymentPaused',
    );
    expect(replicaSetsOf('p')).toHaveLength(1);
    sandbox.apply(deployment('p', { paused: false }, [container('app', { image: 'registry.local/app:2' })]));
    await sandbox.until('v2', () => {
      const d = sandbox.get('Deployment', 'p');
      return d.status?.observedGeneration === 3 && rolloutStatusOf(d).done;
    });
    expect(replicaSetsOf('p')).toHaveLength(2);
  });

  it('scales down by deleting pods gracefully: marked first, removed once their containers stopped', async () => {
    sandbox.apply(deployment('down', { replicas: 3 }));
    await sandbox.until('3 up', rolledOut('down'));
    const marked: string[] = [];
    const stopWatching = sandbox.watch(() => {
      for (const pod of sandbox.list('Pod', 'default')) {
        if (
          pod.metadata.labels?.app === 'down' &&
          pod.metadata.deletionTimestamp &&
          !marked.includes(pod.metadata.name)
        ) {
          marked.push(pod.metadata.name);
        }
      }
    });
    sandbox.apply(deployment('down', { replicas: 1 }));
    await sandbox.until(
      '1 left',
      () => sandbox.list('Pod', 'default').filter((p) => p.metadata.labels?.app === 'down').length === 1,
    );
    stopWatching();
    expect(marked).toHaveLength(2);
    expect(sandbox.events(marked[0]).map((e) => e.reason)).toContain('Killing');
    expect(rolloutStatusOf(sandbox.get('Deployment', 'down')).done).toBe(true);
  });

  it('counts a pod available only after minReadySeconds of readiness', async () => {
    sandbox.apply(deployment('steady', { replicas: 1, minReadySeconds: 1 }));
    const readyNotAvailable = await sandbox.until('ready, not yet available', () => {
      const d = sandbox.get('Deployment', 'steady');
      return d.status?.readyReplicas === 1 && d.status.availableReplicas === 0 ? d : undefined;
    });
    expect(readyNotAvailable.status.conditions.map((c: Json) => c.type)).toEqual([
      'Available',
      'Progressing',
    ]);
    await sandbox.until('available', rolledOut('steady'));
  });
});
