/**
 * Admission end to end: the real kubectl against the simulated API server and controllers. A
 * refused pod creation shows up where a real cluster shows it (FailedCreate events, the
 * ReplicaFailure condition), and the controllers recover once the cause is fixed.
 */
import { describe, expect, it } from '@jest/globals';
import { useKubectlCluster } from './test-support.js';

const { kubectl, apply } = useKubectlCluster('controllers-admission-', { maxBuffer: 16 << 20 });

async function json(args: string[]) {
  const result = await kubectl([...args, '-o', 'json']);
  if (result.code !== 0) throw new Error(result.out);
  return JSON.parse(result.out);
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are schemaless JSON here.
type Json = any;
const condition = (object: Json, type: string) =>
  object.status?.conditions?.find((c: Json) => c.type === type);
const failedCreates = async (namespace: string, kind: string, name: string) =>
  (
    await json(['get', 'events', '-n', namespace, '--field-selector', `involvedObject.name=${name}`])
  ).items.filter(
    (e: Json) => e.reason === 'FailedCreate' && e.involvedObject.kind === kind && e.type === 'Warning',
  );

const hardened = `{allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}}`;

function deployment(name: string, namespace: string, extra: string, securityContext = hardened): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      ${extra}
      containers: [{name: app, image: "registry.local/${name}:1", securityContext: ${securityContext}}]
`;
}

describe('admission through kubectl and the controllers', () => {
  it('gives every new namespace a default ServiceAccount', async () => {
    expect((await kubectl(['create', 'namespace', 'fresh'])).code).toBe(0);
    expect((await kubectl(['get', 'serviceaccount', 'default', '-n', 'fresh'])).code).toBe(0);
  });

  it('reports a missing ServiceAccount on the ReplicaSet and the Deployment, and recovers once it exists', async () => {
    await kubectl(['create', 'namespace', 'shop']);
    expect((await apply(deployment('api', 'shop', 'serviceAccountName: api-sa'))).code).toBe(0);
    const rs = await eventually('the ReplicaFailure condition', async () => {
      const list = await json(['get', 'replicasets', '-n', 'shop', '-l', 'app=api']);
      return list.items.find((r: Json) => condition(r, 'ReplicaFailure'));
    });
    const failure = condition(rs, 'ReplicaFailure');
    const generateName = `${rs.metadata.name}-`;
    const message = `pods "${generateName}" is forbidden: error looking up service account shop/api-sa: serviceaccount "api-sa" not found`;
    expect(failure).toMatchObject({ status: 'True', reason: 'FailedCreate', message });
    const events = await failedCreates('shop', 'ReplicaSet', rs.metadata.name);
    expect(events[0].message).toBe(`Error creating: ${message}`);
    const onDeployment = await eventually('the Deployment condition', async () =>
      condition(await json(['get', 'deployment', 'api', '-n', 'shop']), 'ReplicaFailure'),
    );
    expect(onDeployment).toMatchObject({ status: 'True', reason: 'FailedCreate', message });

    expect((await kubectl(['create', 'serviceaccount', 'api-sa', '-n', 'shop'])).code).toBe(0);
    const status = await kubectl(['rollout', 'status', 'deployment/api', '-n', 'shop', '--timeout=20s']);
    expect(status.out).toContain('successfully rolled out');
    const recovered = await json(['get', 'replicaset', rs.metadata.name, '-n', 'shop']);
    expect(condition(recovered, 'ReplicaFailure')).toBeUndefined();
    await eventually('the Deployment condition to clear', async () =>
      condition(await json(['get', 'deployment', 'api', '-n', 'shop']), 'ReplicaFailure') ? undefined : true,
    );
  });

  it('refuses pods that violate the namespace restricted profile, with the PodSecurity message', async () => {
    await apply(`apiVersion: v1
kind: Namespace
metadata: {name: locked, labels: {pod-security.kubernetes.io/enforce: restricted}}
`);
    expect((await apply(deployment('loose', 'locked', '', '{}'))).code).toBe(0);
    const event = await eventually('a FailedCreate event', async () => {
      const list = await json(['get', 'replicasets', '-n', 'locked', '-l', 'app=loose']);
      const rs = list.items[0];
      return rs && (await failedCreates('locked', 'ReplicaSet', rs.metadata.name))[0];
    });
    expect(event.message).toMatch(
      /^Error creating: pods "loose-[a-z0-9]+-[a-z0-9]{5}" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "app" must set securityContext.allowPrivilegeEscalation=false\), unrestricted capabilities/,
    );
    const direct = await apply(`apiVersion: v1
kind: Pod
metadata: {name: bare, namespace: locked}
spec: {containers: [{name: app, image: "registry.local/bare:1"}]}
`);
    expect(direct.code).not.toBe(0);
    expect(direct.out).toContain('pods "bare" is forbidden: violates PodSecurity "restricted:latest"');
    expect((await apply(deployment('tight', 'locked', ''))).code).toBe(0);
    const tight = await kubectl(['rollout', 'status', 'deployment/tight', '-n', 'locked', '--timeout=20s']);
    expect(tight.out).toContain('successfully rolled out');
  });

  it('records FailedCreate on a StatefulSet whose pod is refused', async () => {
    expect(
      (
        await apply(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: 1
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      serviceAccountName: db-sa
      containers: [{name: db, image: "registry.local/db:1"}]
`)
      ).code,
    ).toBe(0);
    const event = await eventually(
      'a FailedCreate event',
      async () => (await failedCreates('shop', 'StatefulSet', 'db'))[0],
    );
    expect(event.message).toBe(
      'create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: error looking up service account shop/db-sa: serviceaccount "db-sa" not found',
    );
  });
});

describe('ResourceQuota and LimitRange through the controllers', () => {
  const sized = (name: string, namespace: string, replicas: number, memory: string) =>
    deployment(name, namespace, '')
      .replace('replicas: 1', `replicas: ${replicas}`)
      .replace(
        'securityContext:',
        `resources: {requests: {cpu: 100m, memory: ${memory}}, limits: {memory: ${memory}}}, securityContext:`,
      );

  it('reports a quota refusal on the ReplicaSet (FailedCreate event, ReplicaFailure) and the Deployment, with the real text', async () => {
    await kubectl(['create', 'namespace', 'quota']);
    expect(
      (
        await apply(`apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: quota}
spec: {hard: {pods: "3", requests.memory: 1Gi}}
`)
      ).code,
    ).toBe(0);
    expect((await apply(sized('api', 'quota', 3, '384Mi'))).code).toBe(0);
    const rs = await eventually('the ReplicaFailure condition', async () => {
      const list = await json(['get', 'replicasets', '-n', 'quota', '-l', 'app=api']);
      return list.items.find((r: Json) => condition(r, 'ReplicaFailure'));
    });
    const failure = condition(rs, 'ReplicaFailure');
    expect(failure).toMatchObject({ status: 'True', reason: 'FailedCreate' });
    expect(failure.message).toMatch(
      new RegExp(
        `^pods "${rs.metadata.name}-[a-z0-9]{5}" is forbidden: exceeded quota: compute, requested: requests.memory=384Mi, used: requests.memory=768Mi, limited: requests.memory=1Gi$`,
      ),
    );
    const events = await failedCreates('quota', 'ReplicaSet', rs.metadata.name);
    expect(events[0].message).toBe(`Error creating: ${failure.message}`);
    const onDeployment = await eventually('the Deployment condition', async () =>
      condition(await json(['get', 'deployment', 'api', '-n', 'quota']), 'ReplicaFailure'),
    );
    expect(onDeployment).toMatchObject({ status: 'True', reason: 'FailedCreate', message: failure.message });
    const quota = await eventually('the quota status', async () => {
      const q = await json(['get', 'resourcequota', 'compute', '-n', 'quota']);
      return q.status?.used?.pods === '2' ? q : undefined;
    });
    expect(quota.status).toEqual({
      hard: { pods: '3', 'requests.memory': '1Gi' },
      used: { pods: '2', 'requests.memory': '768Mi' },
    });
  });

  it('refuses pods beyond a LimitRange max, with the plugin text on the ReplicaSet', async () => {
    await kubectl(['create', 'namespace', 'bounded']);
    expect(
      (
        await apply(`apiVersion: v1
kind: LimitRange
metadata: {name: bounds, namespace: bounded}
spec: {limits: [{type: Container, max: {memory: 256Mi}}]}
`)
      ).code,
    ).toBe(0);
    expect((await apply(sized('big', 'bounded', 1, '512Mi'))).code).toBe(0);
    const event = await eventually('a FailedCreate event', async () => {
      const list = await json(['get', 'replicasets', '-n', 'bounded', '-l', 'app=big']);
      const rs = list.items[0];
      return rs && (await failedCreates('bounded', 'ReplicaSet', rs.metadata.name))[0];
    });
    expect(event.message).toMatch(
      /^Error creating: pods "big-[a-z0-9]+-[a-z0-9]{5}" is forbidden: maximum memory usage per Container is 256Mi, but limit is 512Mi\.$/,
    );
  });
});

describe('the size limit of Secrets and ConfigMaps', () => {
  const secret = (name: string, bytes: number) => `apiVersion: v1
kind: Secret
metadata: {name: ${name}}
stringData: {blob: "${'x'.repeat(bytes)}"}
`;

  it('refuses a Secret over 1 MiB with the real message and accepts one just under', async () => {
    const big = await apply(secret('big', 1024 * 1024 + 1));
    expect(big.code).not.toBe(0);
    expect(big.out).toContain('Secret "big" is invalid: data: Too long: may not be more than 1048576 bytes');
    expect((await kubectl(['get', 'secret', 'big'])).code).not.toBe(0);
    expect((await apply(secret('fits', 1024 * 1024 - 16))).code).toBe(0);
  });

  it('refuses a ConfigMap over 1 MiB in a server-side dry run too', async () => {
    const yaml = `apiVersion: v1
kind: ConfigMap
metadata: {name: huge}
data: {a: "${'x'.repeat(600_000)}", b: "${'y'.repeat(600_000)}"}
`;
    const result = await kubectl(['apply', '--server-side', '--dry-run=server', '-f', '-'], yaml);
    expect(result.code).not.toBe(0);
    expect(result.out).toContain(
      'ConfigMap "huge" is invalid: []: Too long: may not be more than 1048576 bytes',
    );
  });
});
