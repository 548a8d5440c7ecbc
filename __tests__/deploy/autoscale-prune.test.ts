import { describe, expect, it } from '@jest/globals';
import { deployYaml, kubectlRun, useSandbox, webApp } from './support.js';

const ctx = useSandbox('scale/app');

/** No ConfigMap: `config` is a pod-template annotation; an HPA owns the replica count. */
function autoscaled(namespace: string, config: string, replicas = 2): string {
  return webApp(namespace, ctx.image, {
    configAnnotation: config,
    replicas,
    after: [
      `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: ${namespace}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 70}
`,
    ],
  });
}

function configMaps(namespace: string, names: string[], withClaim: boolean): string {
  const docs = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`];
  for (const name of names) {
    docs.push(
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  value: "${name}"\n`,
    );
  }
  if (withClaim) {
    docs.push(`apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  namespace: ${namespace}
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests: {storage: 1Gi}
`);
  }
  return docs.join('---\n');
}

async function names(namespace: string, kind: string): Promise<string[]> {
  const out = await kubectlRun(ctx.sandbox, [
    'get',
    kind,
    '-n',
    namespace,
    '-o',
    'jsonpath={.items[*].metadata.name}',
  ]);
  return out.split(/\s+/).filter(Boolean).sort();
}

describe('autoscaling and prune', () => {
  it('keeps the replica count an autoscaler set when the next release changes the Deployment', async () => {
    const ns = 'autoscaled';
    const first = await deployYaml(ctx.sandbox, autoscaled(ns, 'one'), { releaseName: 'web' });
    expect(first.outcome.verdict).toBeUndefined();
    expect(first.outcome.result).toBe('success');

    // What the HPA controller does: an update of the scale subresource under its own manager.
    await kubectlRun(ctx.sandbox, [
      'patch',
      'deployment/web',
      '-n',
      ns,
      '--subresource=scale',
      '--type=merge',
      '-p',
      '{"spec":{"replicas":4}}',
      '--field-manager=horizontal-pod-autoscaler',
    ]);

    const second = await deployYaml(ctx.sandbox, autoscaled(ns, 'two'), { releaseName: 'web' });
    expect(second.outcome.verdict).toBeUndefined();
    expect(second.outcome.result).toBe('success');
    const live = JSON.parse(await kubectlRun(ctx.sandbox, ['get', 'deployment/web', '-n', ns, '-o', 'json']));
    expect(live.spec.template.metadata.annotations.config).toBe('two');
    expect(live.spec.replicas).toBe(4);
  }, 90_000);

  it("a manifest count below the autoscaler's minimum: the sandbox HPA raises it, and the next release neither resets it nor conflicts", async () => {
    const ns = 'autoscaled-min';
    const first = await deployYaml(ctx.sandbox, autoscaled(ns, 'one', 1), { releaseName: 'web' });
    expect(first.outcome.result).toBe('success');
    const replicas = async () =>
      Number(
        await kubectlRun(ctx.sandbox, ['get', 'deployment/web', '-n', ns, '-o', 'jsonpath={.spec.replicas}']),
      );
    for (let i = 0; i < 100 && (await replicas()) !== 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await replicas()).toBe(2);

    const second = await deployYaml(ctx.sandbox, autoscaled(ns, 'two', 1), { releaseName: 'web' });
    expect(second.outcome.verdict).toBeUndefined();
    expect(second.outcome.result).toBe('success');
    const live = JSON.parse(await kubectlRun(ctx.sandbox, ['get', 'deployment/web', '-n', ns, '-o', 'json']));
    expect(live.spec.template.metadata.annotations.config).toBe('two');
    expect(live.spec.replicas).toBe(2);
  }, 90_000);

  it('prune deletes exactly the objects removed from the manifests and keeps a removed PVC', async () => {
    const ns = 'prune';
    const first = await deployYaml(ctx.sandbox, configMaps(ns, ['a', 'b'], true), {
      releaseName: 'cfg',
      prune: true,
    });
    expect(first.outcome.result).toBe('success');
    expect(first.outcome.pruned).toEqual([]);

    const second = await deployYaml(ctx.sandbox, configMaps(ns, ['a'], false), {
      releaseName: 'cfg',
      prune: true,
    });
    expect(second.outcome.verdict).toBeUndefined();
    expect(second.outcome.result).toBe('success');
    expect(second.outcome.pruned).toEqual([
      expect.objectContaining({ kind: 'ConfigMap', name: 'b', namespace: ns }),
    ]);
    expect(second.outcome.pruned).toHaveLength(1);
    expect(second.outcome.pruneKept).toEqual([
      expect.objectContaining({ kind: 'PersistentVolumeClaim', name: 'data', namespace: ns }),
    ]);
    expect((await names(ns, 'configmap')).filter((n) => n !== 'kube-root-ca.crt')).toEqual(['a']);
    expect(await names(ns, 'pvc')).toEqual(['data']);
  }, 90_000);
});
