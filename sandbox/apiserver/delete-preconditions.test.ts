/** DELETE with DeleteOptions.preconditions, as the real registry store answers it. */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestCluster, TEST_TOKEN, type TestCluster } from './test-support.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster.stop();
});

function deleteWith(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const ca = readFileSync(join(cluster.dir, 'cert.pem'));
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${cluster.api.url}${path}`,
      {
        method: 'DELETE',
        ca,
        headers: {
          authorization: `Bearer ${TEST_TOKEN}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : { raw: res.statusCode } }),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const configMap = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: default}\ndata: {a: "1"}\n`;

describe('DELETE preconditions', () => {
  it('refuses with 409 Conflict and keeps the object when the uid is not the live one', async () => {
    await cluster.kubectl(['apply', '--server-side', '-f', '-'], configMap('other'));
    const answer = await deleteWith('/api/v1/namespaces/default/configmaps/other', {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      preconditions: { uid: '00000000-0000-0000-0000-000000000000' },
    });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ reason: 'Conflict' });
    expect(String(answer.body.message)).toMatch(
      /^Operation cannot be fulfilled on configmaps "other": Precondition failed: UID in precondition: 0{8}-0{4}-0{4}-0{4}-0{12}, UID in object meta: \S+$/,
    );
    expect(await cluster.kubectl(['get', 'configmap', 'other', '-o', 'name'])).toBe('configmap/other\n');
  });

  it('deletes when the uid is the live one', async () => {
    await cluster.kubectl(['apply', '--server-side', '-f', '-'], configMap('mine'));
    const uid = (
      await cluster.kubectl(['get', 'configmap', 'mine', '-o', 'jsonpath={.metadata.uid}'])
    ).trim();
    const answer = await deleteWith('/api/v1/namespaces/default/configmaps/mine', {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      preconditions: { uid },
    });
    expect(answer.status).toBe(200);
    const left = await cluster.kubectlResult(['get', 'configmap', 'mine']);
    expect(left.stderr).toMatch(/NotFound|not found/);
  });
});
