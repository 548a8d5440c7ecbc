import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/contract.js';
import type { Json } from './objects.js';
import { container, deployment, podsOwnedBy, type Sandbox, startSandbox } from './test-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = startSandbox();
});
afterEach(() => sandbox.stop());

function daemonSet(name: string, image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [container('agent', { image })] },
      },
    },
  };
}

/** What `kubectl rollout status daemonset` waits for. */
function rolledOut(name: string, generation: number): Json | undefined {
  const ds = sandbox.get('DaemonSet', name);
  const s = ds?.status;
  if (!s || s.observedGeneration !== generation || ds.metadata.generation !== generation) return undefined;
  return s.updatedNumberScheduled === s.desiredNumberScheduled &&
    s.numberAvailable === s.desiredNumberScheduled
    ? ds
    : undefined;
}

describe('DaemonSet controller and nodes', () => {
  it('registers three Ready nodes', () => {
    const nodes = sandbox.list('Node');
    expect(nodes).toHaveLength(3);
    for (const node of nodes) {
      expect(node.status.conditions.find((c: Json) => c.type === 'Ready').status).toBe('True');
    }
  });

  it('runs one pod on every node, with a ControllerRevision', async () => {
    sandbox.apply(daemonSet('agent', 'registry.local/agent:1'));
    const ds = await sandbox.until('rolled out', () => rolledOut('agent', 1));
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 3,
      numberAvailable: 3,
      updatedNumberScheduled: 3,
      numberMisscheduled: 0,
    });
    const nodes = podsOwnedBy(sandbox, ds).map((pod) => pod.spec.nodeName);
    expect(new Set(nodes).size).toBe(3);
    const revisions = sandbox.list('ControllerRevision', 'default');
    expect(revisions).toHaveLength(1);
    expect(revisions[0].revision).toBe(1);
  });

  it('rolls a new template node by node (maxUnavailable 1) and records revision 2', async () => {
    sandbox.apply(daemonSet('logs', 'registry.local/fluentbit:1'));
    await sandbox.until('v1', () => rolledOut('logs', 1));
    let maxUnavailable = 0;
    const stop = sandbox.watch(() => {
      const available = sandbox
        .list('Pod', 'default')
        .filter(
          (p) =>
            p.metadata.labels?.app === 'logs' &&
            !p.metadata.deletionTimestamp &&
            p.status?.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True'),
        );
      maxUnavailable = Math.max(maxUnavailable, 3 - available.length);
    });
    sandbox.apply(daemonSet('logs', 'registry.local/fluentbit:2'));
    const ds = await sandbox.until('v2', () => rolledOut('logs', 2));
    stop();
    expect(maxUnavailable).toBe(1);
    for (const pod of podsOwnedBy(sandbox, ds))
      expect(pod.spec.containers[0].image).toBe('registry.local/fluentbit:2');
    const revisions = sandbox.list('ControllerRevision', 'default').map((cr) => cr.revision);
    expect(revisions.sort()).toEqual([1, 2]);
  });

  it('keeps ordinary pods off a cordoned node while daemon pods still run there', async () => {
    const [cordoned] = sandbox.list('Node');
    sandbox.store.update({ ...cordoned, spec: { ...cordoned.spec, unschedulable: true } });
    sandbox.apply(daemonSet('node-exporter', 'registry.local/node-exporter:1'));
    sandbox.apply(deployment('many', { replicas: 6 }));
    const ds = await sandbox.until('daemons everywhere', () => rolledOut('node-exporter', 1));
    expect(ds.status.desiredNumberScheduled).toBe(3);
    await sandbox.until('six scheduled', () =>
      sandbox.list('Pod', 'default').filter((p) => p.metadata.labels?.app === 'many' && p.spec.nodeName)
        .length === 6
        ? true
        : undefined,
    );
    const nodes = sandbox
      .list('Pod', 'default')
      .filter((p) => p.metadata.labels?.app === 'many')
      .map((p) => p.spec.nodeName);
    expect(nodes).not.toContain(cordoned.metadata.name);
  });
});
