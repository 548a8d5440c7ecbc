/** Watch streams over HTTPS: resuming from a resourceVersion, expiry, dry runs, timeouts. */

import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/contract.js';
import { rawWatch, startTestCluster, type TestCluster } from './test-support.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster.stop();
});

const configMap = (name: string, namespace = 'default'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data: { a: 'b' },
});

describe('watch', () => {
  it('replays exactly the changes after the given resourceVersion, then ends at timeoutSeconds', async () => {
    cluster.store.create(configMap('before'));
    const from = cluster.store.resourceVersion;
    cluster.store.create(configMap('after-1'));
    cluster.store.create(configMap('elsewhere', 'kube-system'));
    cluster.store.create(configMap('after-2'));
    const lines = await rawWatch(
      cluster,
      `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${from}&timeoutSeconds=1`,
    );
    expect(lines.map((l) => `${JSON.parse(l).type} ${JSON.parse(l).object.metadata.name}`)).toEqual([
      'ADDED after-1',
      'ADDED after-2',
    ]);
  });

  it('starts with every current object when no resourceVersion is given', async () => {
    const lines = await rawWatch(
      cluster,
      '/api/v1/namespaces/kube-system/configmaps?watch=true&timeoutSeconds=1',
    );
    expect(lines.map((l) => JSON.parse(l).object.metadata.name)).toEqual(['elsewhere']);
  });

  it('answers a resourceVersion older than the kept history with an Expired error event', async () => {
    for (let i = 0; i < 5001; i++) cluster.store.create(configMap(`bulk-${i}`, 'kube-public'));
    const lines = await rawWatch(
      cluster,
      '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1',
    );
    expect(JSON.parse(lines[0])).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
  });

  it('sends nothing for a dry-run apply', async () => {
    const from = cluster.store.resourceVersion;
    const path = `${cluster.dir}/dry.yaml`;
    writeFileSync(path, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry}\ndata: {x: y}\n');
    await cluster.kubectl(['apply', '--server-side', '--dry-run=server', '-f', path]);
    const lines = await rawWatch(
      cluster,
      `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${from}&timeoutSeconds=1`,
    );
    expect(lines).toEqual([]);
  });
});
