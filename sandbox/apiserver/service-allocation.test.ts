/** Cluster IPs and node ports, allocated by the API server on create and kept on re-apply. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestCluster, type TestCluster } from './test-support.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster.stop();
});

const nodePortService = (name: string) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: default}\nspec:\n  type: NodePort\n  selector: {app: ${name}}\n  ports:\n  - port: 80\n`;

async function applied(yaml: string, extra: string[] = []) {
  return JSON.parse(
    await cluster.kubectl(['apply', '--server-side', ...extra, '-o', 'json', '-f', '-'], yaml),
  );
}

describe('Service allocation', () => {
  it('answers the create with a cluster IP and a node port in 30000-32767, as a real API server does', async () => {
    const service = await applied(nodePortService('web'));
    expect(service.spec.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(service.spec.clusterIPs).toEqual([service.spec.clusterIP]);
    expect(service.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(service.spec.ports[0].nodePort).toBeLessThanOrEqual(32767);
  });

  it('keeps both on a re-apply that names neither: the write is a no-op', async () => {
    const first = await applied(nodePortService('kept'));
    const again = await applied(nodePortService('kept'));
    expect(again.spec.ports[0].nodePort).toBe(first.spec.ports[0].nodePort);
    expect(again.spec.clusterIP).toBe(first.spec.clusterIP);
    expect(again.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
  });

  it('allocates in a dry run too, and keeps nothing', async () => {
    const dry = await applied(nodePortService('dry'), ['--dry-run=server']);
    expect(dry.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    const left = await cluster.kubectlResult(['get', 'service', 'dry']);
    expect(left.stderr).toMatch(/not found/);
  });

  it('gives no two Services the same node port', async () => {
    const ports = new Set<number>();
    for (let i = 0; i < 20; i++)
      ports.add((await applied(nodePortService(`many-${i}`))).spec.ports[0].nodePort);
    expect(ports.size).toBe(20);
  });
});
