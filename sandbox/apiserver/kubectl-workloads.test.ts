/** Real kubectl against the simulated API server: rollouts, get/watch, describe, logs, wait, scale, delete. */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/contract.js';
import type { AuditEntry } from './audit.js';
import { startTestDeploymentController } from './test-controller.js';
import { kubectlStream, startTestCluster, type TestCluster } from './test-support.js';

let cluster: TestCluster;
let stopController: () => void;

beforeAll(async () => {
  cluster = await startTestCluster();
  stopController = startTestDeploymentController(cluster.store);
});
afterAll(async () => {
  stopController();
  await cluster.stop();
});

function deployment(name: string, image: string, labels: Record<string, string> = {}): string {
  const extra = Object.entries(labels)
    .map(([k, v]) => `, ${k}: ${v}`)
    .join('');
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, labels: {app: ${name}${extra}}}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: app, image: "${image}"}]
`;
}

async function apply(yaml: string): Promise<string> {
  const path = join(cluster.dir, `m-${Date.now()}-${Math.random()}.yaml`);
  writeFileSync(path, yaml);
  return cluster.kubectl(['apply', '--server-side', '-f', path]);
}

function pod(
  name: string,
  containers: string[],
  labels: Record<string, string> = {},
  status: unknown = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { containers: containers.map((c) => ({ name: c, image: 'app:1' })) },
    status,
  };
}

describe('kubectl rollout', () => {
  it('waits for a deployment the controller reports complete with rollout status', async () => {
    await apply(deployment('web', 'app:1'));
    const out = await cluster.kubectl(['rollout', 'status', 'deployment/web', '--timeout=10s']);
    expect(out).toContain('deployment "web" successfully rolled out');
  });

  it('lists revisions with rollout history and goes back with rollout undo', async () => {
    await apply(deployment('shop', 'app:1'));
    await apply(deployment('shop', 'app:2'));
    const history = await cluster.kubectl(['rollout', 'history', 'deployment/shop']);
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const seq = await lastSeq();
    expect(await cluster.kubectl(['rollout', 'undo', 'deployment/shop'])).toContain(
      'deployment.apps/shop rolled back',
    );
    const image = await cluster.kubectl([
      'get',
      'deployment',
      'shop',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(image).toBe('app:1');
    const patches = (await auditSince(seq)).filter((e) => e.method === 'PATCH');
    expect(patches.map((p) => p.contentType)).toEqual(['application/json-patch+json']);
  });

  it('waits for a condition with kubectl wait', async () => {
    await apply(deployment('api', 'app:1'));
    const out = await cluster.kubectl([
      'wait',
      '--for=condition=Available',
      'deployment/api',
      '--timeout=10s',
    ]);
    expect(out).toContain('deployment.apps/api condition met');
  });
});

async function auditSince(seq: number): Promise<AuditEntry[]> {
  return (await (await fetch(`${cluster.api.adminUrl}/audit?since=${seq}`)).json()) as AuditEntry[];
}

async function lastSeq(): Promise<number> {
  return (await auditSince(0)).at(-1)?.seq ?? 0;
}

describe('kubectl get', () => {
  it('filters by label and field selectors', async () => {
    await apply(deployment('blue', 'app:1', { tier: 'front' }));
    await apply(deployment('green', 'app:1', { tier: 'back' }));
    const byLabel = JSON.parse(
      await cluster.kubectl(['get', 'deployments', '-l', 'tier in (front)', '-o', 'json']),
    );
    expect(byLabel.items.map((d: KubeObject) => d.metadata.name)).toEqual(['blue']);
    expect(byLabel.kind).toBe('List');
    const byField = await cluster.kubectl([
      'get',
      'deployments',
      '--field-selector',
      'metadata.name=green',
      '-o',
      'name',
    ]);
    expect(byField.trim()).toBe('deployment.apps/green');
    const notBack = await cluster.kubectl(['get', 'deployments', '-l', 'tier,tier!=back', '-o', 'name']);
    expect(notBack.trim()).toBe('deployment.apps/blue');
  });

  it('prints the columns a real server sends for deployments', async () => {
    await apply(deployment('columns', 'app:1'));
    const out = await cluster.kubectl(['get', 'deployment', 'columns', '-o', 'wide']);
    expect(out).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES/);
    expect(out).toMatch(/columns\s+2\/2\s+2\s+2\s+\d+s\s+app\s+app:1/);
  });

  it('reports a missing object as NotFound', async () => {
    const result = await cluster.kubectlResult(['get', 'deployment', 'nope']);
    expect(result.stderr).toContain('Error from server (NotFound): deployments.apps "nope" not found');
  });

  it('streams changes with --watch', async () => {
    const watch = kubectlStream(cluster, ['get', 'configmaps', '--watch', '-o', 'name']);
    try {
      await new Promise((r) => setTimeout(r, 300));
      await apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched}\ndata: {a: b}\n');
      await watch.until((out) => out.includes('configmap/watched'));
    } finally {
      await watch.stop();
    }
    expect(watch.output()).toContain('configmap/watched');
  });
});

describe('kubectl describe', () => {
  it('shows the events recorded for an object', async () => {
    await apply(deployment('evented', 'app:1'));
    const uid = JSON.parse(await cluster.kubectl(['get', 'deployment', 'evented', '-o', 'json'])).metadata
      .uid;
    cluster.store.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'evented.1', namespace: 'default' },
      involvedObject: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'evented',
        namespace: 'default',
        uid,
      },
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set evented-1 to 2',
      type: 'Normal',
      source: { component: 'deployment-controller' },
      count: 1,
      firstTimestamp: new Date().toISOString(),
      lastTimestamp: new Date().toISOString(),
    });
    const out = await cluster.kubectl(['describe', 'deployment', 'evented']);
    expect(out).toMatch(
      /Normal\s+ScalingReplicaSet\s+.*deployment-controller\s+Scaled up replica set evented-1 to 2/,
    );
  });
});

describe('kubectl logs', () => {
  beforeAll(() => {
    cluster.store.create(pod('worker-1', ['app', 'sidecar'], { app: 'worker' }));
    cluster.logs.current.set('default/worker-1/app', ['one', 'two', 'three']);
    cluster.logs.previous.set('default/worker-1/app', ['crashed']);
    cluster.logs.current.set('default/worker-1/sidecar', ['side']);
  });

  it('returns a container log, its tail and the previous run', async () => {
    expect(await cluster.kubectl(['logs', 'worker-1', '-c', 'app'])).toBe('one\ntwo\nthree\n');
    expect(await cluster.kubectl(['logs', 'worker-1', '-c', 'app', '--tail=1'])).toBe('three\n');
    expect(await cluster.kubectl(['logs', 'worker-1', '-c', 'app', '--previous'])).toBe('crashed\n');
  });

  it('shows the first container of a pod with several, as kubectl defaults it', async () => {
    const result = await cluster.kubectlResult(['logs', 'worker-1']);
    expect(result.stdout).toBe('one\ntwo\nthree\n');
    expect(result.stderr).toContain('Defaulted container "app" out of: app, sidecar');
  });

  it('explains that a container has no previous run', async () => {
    const result = await cluster.kubectlResult(['logs', 'worker-1', '-c', 'sidecar', '--previous']);
    expect(result.stderr).toContain('previous terminated container "sidecar" in pod "worker-1" not found');
  });

  it('follows new lines with -f until the container ends', async () => {
    const follow = kubectlStream(cluster, ['logs', '-f', 'worker-1', '-c', 'sidecar']);
    try {
      await follow.until((out) => out.includes('side\n'));
      cluster.logs.append('default/worker-1/sidecar', 'later');
      await follow.until((out) => out.includes('later\n'));
      cluster.logs.end('default/worker-1/sidecar');
      expect(await follow.exited).toBe(0);
    } finally {
      await follow.stop();
    }
  });
});

describe('status and scale subresources', () => {
  it('changes only the status through /status, and ignores status sent to the main resource', async () => {
    await apply(deployment('subres', 'app:1'));
    const before = JSON.parse(await cluster.kubectl(['get', 'deployment', 'subres', '-o', 'json']));
    await cluster.kubectl([
      'patch',
      'deployment',
      'subres',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"replicas":9},"spec":{"replicas":7}}',
    ]);
    await cluster.kubectl([
      'patch',
      'deployment',
      'subres',
      '--type=merge',
      '-p',
      '{"status":{"replicas":1}}',
    ]);
    const after = JSON.parse(await cluster.kubectl(['get', 'deployment', 'subres', '-o', 'json']));
    expect(after.status.replicas).toBe(9);
    expect(after.spec.replicas).toBe(2);
    expect(after.metadata.generation).toBe(before.metadata.generation);
  });

  it('serves the Scale of a deployment with its selector', async () => {
    const scale = JSON.parse(
      await cluster.kubectl(['get', 'deployment', 'subres', '--subresource=scale', '-o', 'json']),
    );
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 2 },
      status: { selector: 'app=subres' },
    });
  });
});

describe('kubectl scale and delete', () => {
  it('scales a StatefulSet through the scale subresource', async () => {
    await apply(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "mysql:8"}]}
`);
    await cluster.kubectl(['scale', 'statefulset', 'db', '--replicas=3']);
    expect(await cluster.kubectl(['get', 'sts', 'db', '-o', 'jsonpath={.spec.replicas}'])).toBe('3');
  });

  it('deletes ReplicaSets with their Deployment by default', async () => {
    await apply(deployment('gone', 'app:1'));
    expect(await cluster.kubectl(['get', 'rs', '-l', 'app=gone', '-o', 'name'])).toMatch(
      /replicaset.apps\/gone-/,
    );
    expect(await cluster.kubectl(['delete', 'deployment', 'gone'])).toContain(
      'deployment.apps "gone" deleted',
    );
    expect((await cluster.kubectl(['get', 'rs', '-l', 'app=gone', '-o', 'name'])).trim()).toBe('');
  });

  it('deletes the ReplicaSets first with --cascade=foreground', async () => {
    await apply(deployment('fore', 'app:1'));
    await cluster.kubectl(['delete', 'deployment', 'fore', '--cascade=foreground']);
    expect((await cluster.kubectl(['get', 'rs,deploy', '-l', 'app=fore', '-o', 'name'])).trim()).toBe('');
  });

  it('keeps the ReplicaSets with --cascade=orphan', async () => {
    await apply(deployment('kept', 'app:1'));
    await cluster.kubectl(['delete', 'deployment', 'kept', '--cascade=orphan']);
    const rs = JSON.parse(await cluster.kubectl(['get', 'rs', '-l', 'app=kept', '-o', 'json']));
    expect(rs.items).toHaveLength(1);
    expect(rs.items[0].metadata.ownerReferences).toBeUndefined();
  });

  it('deletes a namespace and what follows it in a file, and refuses new content while it terminates', async () => {
    const manifest = join(cluster.dir, 'ns.yaml');
    writeFileSync(
      manifest,
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: temp}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: temp}\n',
    );
    await cluster.kubectl(['apply', '--server-side', '-f', manifest]);
    await cluster.kubectl(['delete', '-f', manifest, '--wait=false']);
    const refused = await cluster.kubectlResult(['create', 'configmap', 'late', '-n', 'temp']);
    expect(refused.stderr).toContain(
      'unable to create new content in namespace temp because it is being terminated',
    );
    await cluster.kubectl(['wait', '--for=delete', 'namespace/temp', '--timeout=10s']);
    expect((await cluster.kubectlResult(['get', 'configmap', 'c', '-n', 'temp'])).stderr).toContain(
      'not found',
    );
  });

  it('deletes nothing with --dry-run=server', async () => {
    await apply(deployment('stays', 'app:1'));
    const seq = await lastSeq();
    await cluster.kubectl(['delete', 'deployment', 'stays', '--dry-run=server']);
    const deletes = (await auditSince(seq)).filter((e) => e.method === 'DELETE');
    expect(deletes.map((e) => [e.dryRun, e.mutating])).toEqual([[true, false]]);
    expect(await cluster.kubectl(['get', 'deployment', 'stays', '-o', 'name'])).toContain(
      'deployment.apps/stays',
    );
  });
});

describe('kubectl create (protobuf request bodies)', () => {
  it('creates namespaces, config maps, secrets and service accounts', async () => {
    await cluster.kubectl(['create', 'namespace', 'team-a']);
    await cluster.kubectl(['create', 'configmap', 'settings', '-n', 'team-a', '--from-literal=mode=fast']);
    await cluster.kubectl([
      'create',
      'secret',
      'generic',
      'db',
      '-n',
      'team-a',
      '--from-literal=password=s3cret',
    ]);
    await cluster.kubectl(['create', 'serviceaccount', 'robot', '-n', 'team-a']);
    expect(
      await cluster.kubectl(['get', 'configmap', 'settings', '-n', 'team-a', '-o', 'jsonpath={.data.mode}']),
    ).toBe('fast');
    const password = await cluster.kubectl([
      'get',
      'secret',
      'db',
      '-n',
      'team-a',
      '-o',
      'jsonpath={.data.password}',
    ]);
    expect(Buffer.from(password, 'base64').toString()).toBe('s3cret');
    expect(await cluster.kubectl(['get', 'namespace', 'team-a', '-o', 'jsonpath={.status.phase}'])).toBe(
      'Active',
    );
  });

  it('names the kinds it can decode when kubectl sends another one as protobuf', async () => {
    const result = await cluster.kubectlResult(['create', 'deployment', 'made', '--image=app:1']);
    expect(result.stderr).toContain(
      'the sandbox decodes protobuf only for Namespace, ConfigMap, Secret, ServiceAccount',
    );
  });
});
