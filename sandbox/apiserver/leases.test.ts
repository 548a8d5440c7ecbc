/** Real kubectl against the simulated API server: coordination.k8s.io/v1 Leases, as locks use them. */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/contract.js';
import { startTestCluster, type TestCluster } from './test-support.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster.stop();
});

function leaseFile(name: string, spec: Record<string, unknown>, resourceVersion?: string): string {
  const lease = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: 'default', ...(resourceVersion ? { resourceVersion } : {}) },
    spec,
  };
  const path = join(cluster.dir, `${name}-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(lease));
  return path;
}

async function getLease(name: string): Promise<KubeObject> {
  return JSON.parse(await cluster.kubectl(['get', 'lease', name, '-o', 'json'])) as KubeObject;
}

const now = () => new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

describe('coordination.k8s.io/v1 leases', () => {
  it('are listed by discovery as namespaced leases of coordination.k8s.io/v1', async () => {
    const out = await cluster.kubectl(['api-resources', '--api-group=coordination.k8s.io', '--no-headers']);
    expect(out).toMatch(/^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease\s*$/m);
  });

  it('are created once: a second create of the same name fails with AlreadyExists', async () => {
    const spec = { holderIdentity: 'run-a', leaseDurationSeconds: 30, acquireTime: now(), renewTime: now() };
    await cluster.kubectl(['create', '-f', leaseFile('once', spec)]);
    const second = await cluster.kubectlResult([
      'create',
      '-f',
      leaseFile('once', { ...spec, holderIdentity: 'run-b' }),
    ]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain('(AlreadyExists)');
    expect(second.stderr).toContain('leases.coordination.k8s.io "once" already exists');
    const lease = await getLease('once');
    expect((lease.spec as { holderIdentity: string }).holderIdentity).toBe('run-a');
    // A Lease has a spec but no generation, as on a real server.
    expect(lease.metadata.generation).toBeUndefined();
  });

  it('refuse an update carrying a stale resourceVersion with 409 Conflict, and keep the newer holder', async () => {
    const spec = { holderIdentity: 'run-a', leaseDurationSeconds: 30, acquireTime: now(), renewTime: now() };
    await cluster.kubectl(['create', '-f', leaseFile('contended', spec)]);
    const read = await getLease('contended');
    const stale = read.metadata.resourceVersion;
    await cluster.kubectl([
      'replace',
      '-f',
      leaseFile('contended', { ...spec, holderIdentity: 'run-b', renewTime: now() }, stale),
    ]);
    const late = await cluster.kubectlResult([
      'replace',
      '-f',
      leaseFile('contended', { ...spec, holderIdentity: 'run-c' }, stale),
    ]);
    expect(late.code).not.toBe(0);
    expect(late.stderr).toContain('(Conflict)');
    expect(late.stderr).toContain('the object has been modified');
    expect((await getLease('contended')).spec).toMatchObject({ holderIdentity: 'run-b' });
  });

  it('reject a non-positive leaseDurationSeconds and a renewTime that is not a MicroTime', async () => {
    const zero = await cluster.kubectlResult([
      'create',
      '-f',
      leaseFile('bad-duration', { holderIdentity: 'x', leaseDurationSeconds: 0 }),
    ]);
    expect(zero.code).not.toBe(0);
    expect(zero.stderr).toContain('spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0');
    const time = await cluster.kubectlResult([
      'create',
      '-f',
      leaseFile('bad-time', { holderIdentity: 'x', leaseDurationSeconds: 5, renewTime: 'yesterday' }),
    ]);
    expect(time.code).not.toBe(0);
    expect(time.stderr).toContain('spec.renewTime');
  });

  it('show their holder in kubectl get', async () => {
    await cluster.kubectl([
      'create',
      '-f',
      leaseFile('shown', { holderIdentity: 'alice@laptop pid 42', leaseDurationSeconds: 30 }),
    ]);
    const out = await cluster.kubectl(['get', 'lease', 'shown']);
    expect(out).toMatch(/^NAME\s+HOLDER\s+AGE$/m);
    expect(out).toMatch(/^shown\s+alice@laptop pid 42\s+\d+s$/m);
  });
});
