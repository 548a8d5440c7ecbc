import { beforeAll, describe, expect, it } from '@jest/globals';
import { CONFIG_HASH_ANNOTATION } from '../../src/manifests/config-hash.js';
import { deployYaml, kubectlRun, pushImage, useSandbox } from './support.js';

/*
 * A deploy says "verified" only when the pods run what was deployed: a paused Deployment, an
 * OnDelete StatefulSet or DaemonSet, and a change to a ConfigMap the pods read, each read back
 * from the cluster.
 */

const ctx = useSandbox('whatruns/app', { crashing: true });
let v2 = '';
beforeAll(async () => {
  v2 = await pushImage(ctx.sandbox, 'whatruns/app', 'v2');
}, 120_000);

interface PodView {
  name: string;
  image: string;
  ready: boolean;
  deleting: boolean;
  annotations: Record<string, string>;
}

/** The pods of `app=NAME` as the API server has them now. */
async function podsOf(namespace: string, app: string): Promise<PodView[]> {
  const text = await kubectlRun(ctx.sandbox, [
    'get',
    'pods',
    '-n',
    namespace,
    '-l',
    `app=${app}`,
    '-o',
    'json',
  ]);
  // biome-ignore lint/suspicious/noExplicitAny: kubectl's JSON
  return (JSON.parse(text).items as any[]).map((pod) => ({
    name: pod.metadata.name,
    image: pod.spec.containers[0].image,
    ready: pod.status?.conditions?.some(
      (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
    ),
    deleting: pod.metadata.deletionTimestamp !== undefined,
    annotations: pod.metadata.annotations ?? {},
  }));
}

/** The pods once the old ones being deleted are gone (a rollback's last old pod may still be stopping). */
async function settledPodsOf(namespace: string, app: string, count: number): Promise<PodView[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const pods = await podsOf(namespace, app);
    if ((pods.length === count && pods.every((p) => p.ready && !p.deleting)) || Date.now() > deadline)
      return pods;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const namespace = (ns: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`;

function deployment(ns: string, image: string, paused: boolean): string {
  return `${namespace(ns)}---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  replicas: 2
  paused: ${paused}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ${image}
`;
}

describe('a paused Deployment', () => {
  it('never ends verified with its pods on the old image: the run fails, says so, and rolls back', async () => {
    const ns = 'paused';
    const first = await deployYaml(ctx.sandbox, deployment(ns, ctx.image, false), { releaseName: 'web' });
    expect(first.outcome.result).toBe('success');

    const paused = await deployYaml(ctx.sandbox, deployment(ns, v2, true), { releaseName: 'web' });
    expect(paused.outcome.result).toBe('rolled-back');
    expect(paused.outcome.verdict).toContain(
      `Deployment ${ns}/web is paused (spec.paused: true), so its new pod template is not rolled out: 2 pods keep the previous one.`,
    );
    expect(paused.outcome.verify?.workloads[0]).toMatchObject({ state: 'failed' });
    const pods = await settledPodsOf(ns, 'web', 2);
    expect(pods.map((p) => p.image)).toEqual([ctx.image, ctx.image]);
  }, 120_000);

  it('passes with allow-paused, flagged as not rolled out, its pods read back on the old image', async () => {
    const ns = 'paused-allowed';
    await deployYaml(ctx.sandbox, deployment(ns, ctx.image, false), { releaseName: 'web' });
    const paused = await deployYaml(ctx.sandbox, deployment(ns, v2, true), {
      releaseName: 'web',
      allowPaused: true,
    });
    expect(paused.outcome.result).toBe('success');
    expect(paused.outcome.verify?.workloads[0]).toMatchObject({ state: 'current', notRolledOut: true });
    expect(paused.outcome.verify?.workloads[0]?.summary).toContain(
      'not rolled out, 2 pods keep the previous one',
    );
    expect(
      paused.log.some((line) => line.startsWith(`Deployment ${ns}/web: applied, not rolled out (`)),
    ).toBe(true);
    const pods = await podsOf(ns, 'web');
    expect(pods.map((p) => p.image)).toEqual([ctx.image, ctx.image]);
  }, 120_000);
});

function statefulSet(ns: string, image: string, metadata = ''): string {
  return `${namespace(ns)}---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: ${ns}${metadata}
spec:
  serviceName: db
  replicas: 2
  updateStrategy: {type: OnDelete}
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: ${image}
`;
}

describe('an OnDelete StatefulSet', () => {
  it('gets its pods replaced one at a time, highest ordinal first, and is verified on the new image', async () => {
    const ns = 'ondelete';
    const first = await deployYaml(ctx.sandbox, statefulSet(ns, ctx.image), { releaseName: 'db' });
    expect(first.outcome.result).toBe('success');

    const second = await deployYaml(ctx.sandbox, statefulSet(ns, v2), { releaseName: 'db' });
    expect(second.outcome.verdict).toBeUndefined();
    expect(second.outcome.result).toBe('success');
    expect(second.outcome.verify?.workloads[0]?.replacedPods).toEqual(['db-1', 'db-0']);
    expect(
      second.log.some((line) => line.includes(`StatefulSet ${ns}/db (OnDelete): replacing pod db-1`)),
    ).toBe(true);
    const pods = await podsOf(ns, 'db');
    expect(pods.map((p) => [p.name, p.image, p.ready])).toEqual([
      ['db-0', v2, true],
      ['db-1', v2, true],
    ]);
  }, 120_000);

  it('stops at a new pod that crashes and rolls back to the last good image, read back from every pod', async () => {
    const ns = 'ondelete-crash';
    await deployYaml(ctx.sandbox, statefulSet(ns, ctx.image), { releaseName: 'db' });
    const bad = await deployYaml(ctx.sandbox, statefulSet(ns, ctx.crashing), { releaseName: 'db' });
    expect(bad.outcome.result).toBe('rolled-back');
    expect(bad.outcome.verdict).toMatch(
      new RegExp(`StatefulSet ${ns}/db: pod db-1 container db is crash-looping`),
    );
    // db-0 was never touched: the replacement stopped at the crash.
    expect(bad.outcome.verify?.workloads[0]?.replacedPods).toEqual(['db-1']);
    expect(bad.outcome.rollback?.verify?.ok).toBe(true);
    const pods = await settledPodsOf(ns, 'db', 2);
    expect(pods.map((p) => [p.name, p.image, p.ready])).toEqual([
      ['db-0', ctx.image, true],
      ['db-1', ctx.image, true],
    ]);
  }, 120_000);
});

describe('an OnDelete StatefulSet annotated replace-pods: "false"', () => {
  it('keeps its pods, and passes flagged not rolled out, its pods read back on the old image', async () => {
    const ns = 'ondelete-kept';
    const kept = '\n  annotations: {k8s-deploy-action/replace-pods: "false"}';
    await deployYaml(ctx.sandbox, statefulSet(ns, ctx.image, kept), { releaseName: 'db' });
    const second = await deployYaml(ctx.sandbox, statefulSet(ns, v2, kept), { releaseName: 'db' });
    expect(second.outcome.result).toBe('success');
    expect(second.outcome.verify?.workloads[0]).toMatchObject({
      state: 'current',
      notRolledOut: true,
      summary:
        'OnDelete with k8s-deploy-action/replace-pods: "false": 2 pods of 2 keep the previous revision until deleted',
    });
    expect(second.outcome.verify?.workloads[0]?.replacedPods).toBeUndefined();
    const pods = await podsOf(ns, 'db');
    expect(pods.map((p) => [p.name, p.image])).toEqual([
      ['db-0', ctx.image],
      ['db-1', ctx.image],
    ]);
  }, 120_000);
});

describe('an OnDelete DaemonSet', () => {
  const daemonSet = (ns: string, image: string) => `${namespace(ns)}---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: ${ns}
spec:
  updateStrategy: {type: OnDelete}
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
        - name: agent
          image: ${image}
`;

  it('gets the pod on every node replaced and is verified on the new image', async () => {
    const ns = 'ondelete-ds';
    await deployYaml(ctx.sandbox, daemonSet(ns, ctx.image), { releaseName: 'agent' });
    const before = await podsOf(ns, 'agent');
    const second = await deployYaml(ctx.sandbox, daemonSet(ns, v2), { releaseName: 'agent' });
    expect(second.outcome.result).toBe('success');
    expect(second.outcome.verify?.workloads[0]?.replacedPods?.sort()).toEqual(
      before.map((p) => p.name).sort(),
    );
    const after = await podsOf(ns, 'agent');
    expect(after).toHaveLength(3);
    expect(after.every((p) => p.image === v2 && p.ready)).toBe(true);
  }, 120_000);

  it('rolls a crashing new pod back: the rollback replaces it again, every node read back on the old image', async () => {
    const ns = 'ondelete-ds-crash';
    await deployYaml(ctx.sandbox, daemonSet(ns, ctx.image), { releaseName: 'agent' });
    const bad = await deployYaml(ctx.sandbox, daemonSet(ns, ctx.crashing), { releaseName: 'agent' });
    expect(bad.outcome.result).toBe('rolled-back');
    expect(bad.outcome.verdict).toMatch(
      new RegExp(`DaemonSet ${ns}/agent: pod agent-\\S+ container agent is crash-looping`),
    );
    expect(bad.outcome.verify?.workloads[0]?.replacedPods).toHaveLength(1);
    expect(bad.outcome.rollback?.verify?.ok).toBe(true);
    expect(bad.outcome.rollback?.verify?.workloads[0]?.replacedPods).toHaveLength(1);
    const pods = await settledPodsOf(ns, 'agent', 3);
    expect(pods.map((p) => [p.image, p.ready])).toEqual([
      [ctx.image, true],
      [ctx.image, true],
      [ctx.image, true],
    ]);
  }, 120_000);
});

function configured(ns: string, data: Record<string, string>): string {
  return `${namespace(ns)}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${ns}
data:
${Object.entries(data)
  .map(([key, value]) => `  ${key}: "${value}"`)
  .join('\n')}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ${ctx.image}
          envFrom:
            - configMapRef: {name: settings}
`;
}

describe('a ConfigMap-only change', () => {
  it('replaces the pods that read it, and a value that makes them crash is rolled back with the ConfigMap', async () => {
    const ns = 'config';
    const release = (data: Record<string, string>) =>
      deployYaml(ctx.sandbox, configured(ns, data), { releaseName: 'web' });
    const first = await release({ SANDBOX_CRASH: '0', GREETING: 'one' });
    expect(first.outcome.result).toBe('success');
    const firstPods = await podsOf(ns, 'web');

    const second = await release({ SANDBOX_CRASH: '0', GREETING: 'two' });
    expect(second.outcome.result).toBe('success');
    expect(second.outcome.verify?.workloads.map((w) => `${w.ref.kind} ${w.state}`)).toEqual([
      'Deployment current',
    ]);
    const secondPods = await settledPodsOf(ns, 'web', 2);
    expect(secondPods.filter((p) => firstPods.some((old) => old.name === p.name))).toEqual([]);
    const goodHash = secondPods[0]?.annotations[CONFIG_HASH_ANNOTATION];
    expect(goodHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(goodHash).not.toBe(firstPods[0]?.annotations[CONFIG_HASH_ANNOTATION]);

    // The same manifests again: the hash comes from them alone, nothing to do.
    const again = await release({ SANDBOX_CRASH: '0', GREETING: 'two' });
    expect(again.outcome).toMatchObject({ result: 'success', unchanged: true });

    const bad = await release({ SANDBOX_CRASH: '1', GREETING: 'two' });
    expect(bad.outcome.result).toBe('rolled-back');
    expect(bad.outcome.verdict).toMatch(
      new RegExp(`Deployment ${ns}/web: pod web-\\S+ container web is crash-looping`),
    );
    expect(bad.outcome.rollback?.verify?.ok).toBe(true);
    const data = JSON.parse(
      await kubectlRun(ctx.sandbox, ['get', 'configmap/settings', '-n', ns, '-o', 'jsonpath={.data}']),
    );
    expect(data).toEqual({ SANDBOX_CRASH: '0', GREETING: 'two' });
    const restored = await settledPodsOf(ns, 'web', 2);
    expect(restored.map((p) => [p.ready, p.annotations[CONFIG_HASH_ANNOTATION]])).toEqual([
      [true, goodHash],
      [true, goodHash],
    ]);
  }, 180_000);
});
