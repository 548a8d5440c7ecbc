import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/contract.js';
import type { Json } from './objects.js';
import { container, podsOwnedBy, type Sandbox, startSandbox } from './test-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = startSandbox();
});
afterEach(() => sandbox.stop());

function statefulSet(name: string, image: string, spec: Json = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 3,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      ...spec,
      template: { metadata: { labels: { app: name } }, spec: { containers: [container('db', { image })] } },
    },
  };
}

/** What `kubectl rollout status statefulset` waits for. */
function rolledOut(name: string): Json | undefined {
  const sts = sandbox.get('StatefulSet', name);
  const s = sts?.status;
  if (!s || s.observedGeneration !== sts.metadata.generation) return undefined;
  if ((s.readyReplicas ?? 0) < sts.spec.replicas) return undefined;
  return s.updateRevision === s.currentRevision ? sts : undefined;
}

const revisionsOf = (name: string) =>
  sandbox
    .list('ControllerRevision', 'default')
    .filter((cr) => cr.metadata.ownerReferences?.[0]?.name === name)
    .sort((a, b) => a.revision - b.revision);

describe('StatefulSet controller', () => {
  it('creates pods <name>-0, -1, -2 in order, each after the previous is ready', async () => {
    const created: string[] = [];
    let createdBeforePreviousReady = false;
    const stop = sandbox.watch(() => {
      for (const pod of sandbox.list('Pod', 'default').filter((p) => p.metadata.labels?.app === 'db')) {
        if (created.includes(pod.metadata.name)) continue;
        created.push(pod.metadata.name);
        const ordinal = Number(pod.metadata.name.split('-').at(-1));
        const previous = sandbox.get('Pod', `db-${ordinal - 1}`);
        const ready = previous?.status?.conditions?.some(
          (c: Json) => c.type === 'Ready' && c.status === 'True',
        );
        if (ordinal > 0 && !ready) createdBeforePreviousReady = true;
      }
    });
    sandbox.apply(statefulSet('db', 'registry.local/pg:16'));
    const sts = await sandbox.until('rolled out', () => rolledOut('db'));
    stop();
    expect(created).toEqual(['db-0', 'db-1', 'db-2']);
    expect(createdBeforePreviousReady).toBe(false);
    const [revision] = revisionsOf('db');
    expect(revision.revision).toBe(1);
    expect(sts.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      updatedReplicas: 3,
      currentRevision: revision.metadata.name,
      updateRevision: revision.metadata.name,
    });
    expect(revision.data.spec.template.$patch).toBe('replace');
    expect(sandbox.get('Pod', 'db-1').metadata.labels['controller-revision-hash']).toBe(
      revision.metadata.name,
    );
  });

  it('rolls a new template from the highest ordinal down and records revision 2; an old template becomes revision 3', async () => {
    sandbox.apply(statefulSet('pg', 'registry.local/pg:15'));
    await sandbox.until('v1', () => rolledOut('pg'));
    const deletedOrder: string[] = [];
    const stop = sandbox.watch(() => {
      for (const pod of sandbox.list('Pod', 'default')) {
        if (
          pod.metadata.labels?.app === 'pg' &&
          pod.metadata.deletionTimestamp &&
          !deletedOrder.includes(pod.metadata.name)
        ) {
          deletedOrder.push(pod.metadata.name);
        }
      }
    });
    sandbox.apply(statefulSet('pg', 'registry.local/pg:16'));
    const updated = await sandbox.until('v2', () => {
      const sts = rolledOut('pg');
      return sts?.metadata.generation === 2 ? sts : undefined;
    });
    stop();
    expect(deletedOrder).toEqual(['pg-2', 'pg-1', 'pg-0']);
    const [first, second] = revisionsOf('pg');
    expect(second.revision).toBe(2);
    expect(updated.status.currentRevision).toBe(second.metadata.name);
    for (const pod of podsOwnedBy(sandbox, updated))
      expect(pod.spec.containers[0].image).toBe('registry.local/pg:16');

    sandbox.apply(statefulSet('pg', 'registry.local/pg:15'));
    const back = await sandbox.until('back to v1', () => {
      const sts = rolledOut('pg');
      return sts?.metadata.generation === 3 ? sts : undefined;
    });
    expect(back.status.updateRevision).toBe(first.metadata.name);
    expect(revisionsOf('pg').map((cr) => [cr.metadata.name, cr.revision])).toEqual([
      [second.metadata.name, 2],
      [first.metadata.name, 3],
    ]);
  });

  it('updates only ordinals at or above the partition', async () => {
    const partitioned = { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } };
    sandbox.apply(statefulSet('part', 'registry.local/app:1', partitioned));
    await sandbox.until('v1', () => rolledOut('part'));
    sandbox.apply(statefulSet('part', 'registry.local/app:2', partitioned));
    await sandbox.until('pod 2 updated', () => {
      const sts = sandbox.get('StatefulSet', 'part');
      return sts.status?.updatedReplicas === 1 && sts.status?.readyReplicas === 3;
    });
    expect(sandbox.get('Pod', 'part-2').spec.containers[0].image).toBe('registry.local/app:2');
    expect(sandbox.get('Pod', 'part-1').spec.containers[0].image).toBe('registry.local/app:1');
    expect(sandbox.get('Pod', 'part-0').spec.containers[0].image).toBe('registry.local/app:1');
  });

  it('with OnDelete gives only recreated pods the new template, and never moves currentRevision', async () => {
    const onDelete = { replicas: 2, updateStrategy: { type: 'OnDelete' } };
    sandbox.apply(statefulSet('od', 'registry.local/app:1', onDelete));
    const first = await sandbox.until('v1', () => {
      const sts = sandbox.get('StatefulSet', 'od');
      return sts?.status?.readyReplicas === 2 ? sts : undefined;
    });
    sandbox.apply(statefulSet('od', 'registry.local/app:2', onDelete));
    const pending = await sandbox.until('new revision', () => {
      const sts = sandbox.get('StatefulSet', 'od');
      return sts?.status?.observedGeneration === 2 ? sts : undefined;
    });
    expect(pending.status).toMatchObject({
      updatedReplicas: 0,
      currentRevision: first.status.currentRevision,
    });
    expect(sandbox.get('Pod', 'od-1').spec.containers[0].image).toBe('registry.local/app:1');
    for (const name of ['od-1', 'od-0']) sandbox.store.delete(sandbox.kinds.Pod, 'default', name);
    const replaced = await sandbox.until('both recreated', () => {
      const sts = sandbox.get('StatefulSet', 'od');
      return sts?.status?.updatedReplicas === 2 && sts.status.readyReplicas === 2 ? sts : undefined;
    });
    expect(sandbox.get('Pod', 'od-0').spec.containers[0].image).toBe('registry.local/app:2');
    expect(replaced.status.currentRevision).toBe(first.status.currentRevision);
    expect(replaced.status.updateRevision).not.toBe(first.status.currentRevision);
  });

  it('creates and binds a PersistentVolumeClaim per pod from volumeClaimTemplates', async () => {
    const claims = {
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
        },
      ],
    };
    sandbox.apply(statefulSet('vol', 'registry.local/pg:16', { ...claims, replicas: 2 }));
    await sandbox.until('rolled out', () => rolledOut('vol'));
    for (const name of ['data-vol-0', 'data-vol-1']) {
      const pvc = sandbox.get('PersistentVolumeClaim', name);
      expect(pvc.status).toMatchObject({ phase: 'Bound', capacity: { storage: '5Gi' } });
      expect(sandbox.get('PersistentVolume', pvc.spec.volumeName)).toBeDefined();
    }
    const pod = sandbox.get('Pod', 'vol-0');
    expect(pod.spec.volumes).toContainEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: 'data-vol-0' },
    });
  });

  it('scales down from the highest ordinal', async () => {
    sandbox.apply(statefulSet('shrink', 'registry.local/app:1'));
    await sandbox.until('3 up', () => rolledOut('shrink'));
    sandbox.apply(statefulSet('shrink', 'registry.local/app:1', { replicas: 1 }));
    await sandbox.until(
      '1 left',
      () => rolledOut('shrink')?.status.replicas === 1 && !sandbox.get('Pod', 'shrink-1'),
    );
    expect(sandbox.get('Pod', 'shrink-0')).toBeDefined();
    expect(sandbox.get('Pod', 'shrink-2')).toBeUndefined();
  });
});
