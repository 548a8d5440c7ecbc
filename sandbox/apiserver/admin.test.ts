/** The admin endpoint (faults, audit log) and authentication, seen through the real kubectl. */

import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEntry } from './audit.js';
import { startTestCluster, type TestCluster, rawWatch as watchOn } from './test-support.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster.stop();
});
afterEach(async () => {
  await fetch(`${cluster.api.adminUrl}/faults`, { method: 'DELETE' });
});

async function postFault(rule: unknown): Promise<Response> {
  return fetch(`${cluster.api.adminUrl}/faults`, { method: 'POST', body: JSON.stringify(rule) });
}

describe('authentication', () => {
  it('answers 401 Unauthorized to a token the authenticator rejects', async () => {
    const result = await cluster.kubectlResult(['get', 'pods', '--token=wrong-token']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('error: You must be logged in to the server');
  });
});

describe('fault injection', () => {
  it('fails every matching request with 500 until the faults are reset', async () => {
    expect((await postFault({ path: '/configmaps$', status: 500 })).status).toBe(201);
    const failed = await cluster.kubectlResult(['get', 'configmaps']);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('injected fault');
    await fetch(`${cluster.api.adminUrl}/faults`, { method: 'DELETE' });
    expect((await cluster.kubectlResult(['get', 'configmaps'])).code).toBe(0);
  });

  it('sends 429 with Retry-After, which kubectl honours by retrying', async () => {
    await postFault({ path: '/secrets$', status: 429, retryAfterSeconds: 0, count: 2 });
    expect((await cluster.kubectlResult(['get', 'secrets'])).code).toBe(0);
    const rules = (await (await fetch(`${cluster.api.adminUrl}/faults`)).json()) as Array<{
      injected: number;
    }>;
    expect(rules[0].injected).toBe(2);
  });

  it('closes a watch after the given number of events', async () => {
    await postFault({ path: '/services$', closeWatchAfterEvents: 2 });
    for (const name of ['a', 'b', 'c']) {
      cluster.store.create({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: 'default' },
        spec: {},
      });
    }
    const lines = await watchOn(cluster, '/api/v1/namespaces/default/services?watch=true');
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['ADDED', 'ADDED']);
  });

  it('refuses connections for a while, then serves again on the same port', async () => {
    // 4 s: long enough for kubectl to start and connect inside the window on a loaded machine.
    const res = await postFault({ refuseConnectionsSeconds: 4 });
    expect(res.status).toBe(200);
    const refused = await cluster.kubectlResult(['get', 'pods', '--request-timeout=2s']);
    expect(refused.stderr).toMatch(/connection to the server 127.0.0.1:\d+ was refused/);
    let served = refused;
    for (let attempt = 0; attempt < 40 && served.code !== 0; attempt++) {
      await new Promise((r) => setTimeout(r, 250));
      served = await cluster.kubectlResult(['get', 'pods', '--request-timeout=2s']);
    }
    expect(served).toMatchObject({ code: 0 });
  });

  it('starts the refusal at once and cuts every connection, even one still in its TLS handshake', async () => {
    const port = Number(new URL(cluster.api.url).port);
    const idle = connect(port, '127.0.0.1');
    await new Promise((resolve) => idle.once('connect', resolve));
    const closed = new Promise((resolve) => idle.once('close', resolve));
    const started = Date.now();
    expect((await postFault({ refuseConnectionsSeconds: 3 })).status).toBe(200);
    await closed;
    expect(Date.now() - started).toBeLessThan(1000);
    const refused = await cluster.kubectlResult(['get', 'pods', '--request-timeout=1s']);
    expect(refused.stderr).toMatch(/connection to the server 127.0.0.1:\d+ was refused/);
    let served = refused;
    while (served.code !== 0 && Date.now() - started < 10_000) {
      await new Promise((r) => setTimeout(r, 250));
      served = await cluster.kubectlResult(['get', 'pods', '--request-timeout=1s']);
    }
    expect(served).toMatchObject({ code: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
  });

  it('does not serve a delayed request whose client gave up meanwhile', async () => {
    await postFault({ path: '/configmaps/late$', methods: ['PATCH'], latencyMs: 1500 });
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late, namespace: default}\n';
    const gaveUp = await cluster.kubectlResult(
      ['apply', '--server-side', '--request-timeout=500ms', '-f', '-'],
      manifest,
    );
    expect(gaveUp.code).not.toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await cluster.kubectlResult(['get', 'configmap/late'])).stderr).toContain('NotFound');
  });

  it('only fails dry runs, or only real requests, when a rule says dryRun', async () => {
    await postFault({ path: '/configmaps/', methods: ['PATCH'], status: 500, dryRun: false });
    const manifest =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry, namespace: default}\ndata: {a: b}\n';
    const apply = (extra: string[]) =>
      cluster.kubectlResult(['apply', '--server-side', '-f', '-', ...extra], manifest);
    expect((await apply(['--dry-run=server'])).code).toBe(0);
    const real = await apply([]);
    expect(real.code).not.toBe(0);
    expect(real.stderr).toContain('injected fault');
  });

  it('answers 401 to tokens signed longer ago than a shortened token lifetime, until the faults are reset', async () => {
    expect((await postFault({ tokenLifetimeSeconds: 60 })).status).toBe(200);
    const signed = (secondsAgo: number) => `--token=issued-${Date.now() - secondsAgo * 1000}`;
    const old = await cluster.kubectlResult(['get', 'pods', signed(120)]);
    expect(old.code).not.toBe(0);
    expect(old.stderr).toContain('You must be logged in to the server');
    expect((await cluster.kubectlResult(['get', 'pods', signed(1)])).code).toBe(0);
    await fetch(`${cluster.api.adminUrl}/faults`, { method: 'DELETE' });
    expect((await cluster.kubectlResult(['get', 'pods', signed(120)])).code).toBe(0);
    expect((await postFault({ tokenLifetimeSeconds: 0 })).status).toBe(400);
  });

  it('rejects a malformed rule with a sentence naming the problem', async () => {
    const res = await postFault({ path: '(', status: 500 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(
      '"path" is not a valid regular expression',
    );
  });
});

describe('filtered watches', () => {
  it('sends DELETED when an object stops matching the label selector, ADDED when it starts', async () => {
    const configMaps = cluster.store.typeOf('v1', 'ConfigMap');
    if (!configMaps) throw new Error('no configmaps');
    const from = cluster.store.resourceVersion;
    const cm = cluster.store.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'flip', namespace: 'default', labels: { tier: 'a' } },
    });
    const moved = cluster.store.update({ ...cm, metadata: { ...cm.metadata, labels: { tier: 'b' } } });
    cluster.store.update({ ...moved, metadata: { ...moved.metadata, labels: { tier: 'a' } } });
    const lines = await watchOn(
      cluster,
      `/api/v1/namespaces/default/configmaps?watch=true&labelSelector=tier%3Da&resourceVersion=${from}&timeoutSeconds=1`,
    );
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['ADDED', 'DELETED', 'ADDED']);
  });
});

describe('audit log', () => {
  it('shows that a dry run and reads mutated nothing, and that a real apply did', async () => {
    const since = new Date().toISOString();
    const manifest = join(cluster.dir, 'cm.yaml');
    writeFileSync(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: audited}\ndata: {a: b}\n');
    await cluster.kubectl(['apply', '--server-side', '--dry-run=server', '-f', manifest]);
    await cluster.kubectl(['get', 'configmaps']);
    const quiet = (await (
      await fetch(`${cluster.api.adminUrl}/audit?since=${since}&mutating=true`)
    ).json()) as AuditEntry[];
    expect(quiet).toEqual([]);
    await cluster.kubectl(['apply', '--server-side', '-f', manifest]);
    const changed = (await (
      await fetch(`${cluster.api.adminUrl}/audit?since=${since}&mutating=true`)
    ).json()) as AuditEntry[];
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({
      user: 'tester',
      verb: 'patch',
      path: '/api/v1/namespaces/default/configmaps/audited',
      fieldManager: 'kubectl',
      contentType: 'application/apply-patch+yaml',
      status: 201,
    });
    const file = readFileSync(cluster.auditLogPath, 'utf8').trim().split('\n');
    expect(JSON.parse(file[file.length - 1]).path).toBe('/api/v1/namespaces/default/configmaps/audited');
  });
});
