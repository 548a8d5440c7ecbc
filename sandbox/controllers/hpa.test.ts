import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/contract.js';
import type { Json } from './objects.js';
import { deployment, type Sandbox, startSandbox, useKubectlCluster } from './test-support.js';

function hpa(target: string, min: number | undefined, max: number, kind = 'Deployment'): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: target, namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind, name: target },
      ...(min === undefined ? {} : { minReplicas: min }),
      maxReplicas: max,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
  };
}

describe('HorizontalPodAutoscaler controller (no metrics: it keeps replicas within min and max)', () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = startSandbox(0.01);
  });
  afterEach(() => sandbox.stop());

  const replicas = (name: string) => sandbox.get('Deployment', name)?.spec?.replicas;
  const condition = (name: string, type: string) =>
    sandbox.get('HorizontalPodAutoscaler', name)?.status?.conditions?.find((c: Json) => c.type === type);

  it('scales a Deployment below minReplicas up to it, as an Update of the scale subresource that takes spec.replicas', async () => {
    sandbox.apply(deployment('api', { replicas: 1 }));
    sandbox.apply(hpa('api', 3, 5));
    await sandbox.until('scaled to 3', () => replicas('api') === 3);
    const rescale = await sandbox.until('SuccessfulRescale', () =>
      sandbox.events('api').find((e) => e.reason === 'SuccessfulRescale'),
    );
    expect(rescale.message).toBe('New size: 3; reason: Current number of replicas below Spec.MinReplicas');
    const owner = (sandbox.get('Deployment', 'api').metadata.managedFields ?? []).find(
      (entry: Json) => entry.manager === 'kube-controller-manager',
    );
    expect(owner).toMatchObject({ operation: 'Update', subresource: 'scale', apiVersion: 'autoscaling/v1' });
    expect(owner.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    const status = await sandbox.until('status', () => {
      const s = sandbox.get('HorizontalPodAutoscaler', 'api')?.status;
      return s?.desiredReplicas === 3 ? s : undefined;
    });
    expect(status.lastScaleTime).toEqual(expect.any(String));
    // The pods follow: the Deployment controller runs three.
    await sandbox.until('3 ready', () => sandbox.get('Deployment', 'api')?.status?.readyReplicas === 3);
  });

  it('scales a count set above maxReplicas back down on its next sync (15 s of simulated time)', async () => {
    sandbox.apply(deployment('api', { replicas: 2 }));
    sandbox.apply(hpa('api', 2, 4));
    await sandbox.until('synced once', () => condition('api', 'ScalingActive'));
    sandbox.apply(deployment('api', { replicas: 9 })); // as a deploy that resets the count would
    expect(replicas('api')).toBe(9);
    await sandbox.until('back to 4', () => replicas('api') === 4);
    const rescale = sandbox.events('api').find((e) => e.reason === 'SuccessfulRescale');
    expect(rescale?.message).toBe('New size: 4; reason: Current number of replicas above Spec.MaxReplicas');
  });

  it('leaves a count within the range alone and says it has no metrics; minReplicas defaults to 1', async () => {
    sandbox.apply(deployment('api', { replicas: 2 }));
    sandbox.apply(hpa('api', undefined, 4));
    const active = await sandbox.until('ScalingActive', () => condition('api', 'ScalingActive'));
    expect(active).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric' });
    expect(condition('api', 'AbleToScale')).toMatchObject({ status: 'True', reason: 'SucceededGetScale' });
    const warnings = sandbox.events('api').filter((e) => e.reason === 'FailedGetResourceMetric');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.type).toBe('Warning');
    await new Promise((resolve) => setTimeout(resolve, 400)); // a few syncs at 0.15 s each
    expect(replicas('api')).toBe(2);
    expect(sandbox.get('Deployment', 'api').metadata.managedFields ?? []).not.toContainEqual(
      expect.objectContaining({ manager: 'kube-controller-manager' }),
    );
  });

  it('does not scale a target at 0 replicas (scaling disabled), and reports a missing target', async () => {
    sandbox.apply(deployment('idle', { replicas: 0 }));
    sandbox.apply(hpa('idle', 2, 4));
    const disabled = await sandbox.until('ScalingActive', () => condition('idle', 'ScalingActive'));
    expect(disabled).toMatchObject({ status: 'False', reason: 'ScalingDisabled' });
    expect(replicas('idle')).toBe(0);

    sandbox.apply(hpa('ghost', 2, 4));
    const unable = await sandbox.until('AbleToScale', () => condition('ghost', 'AbleToScale'));
    expect(unable).toMatchObject({ status: 'False', reason: 'FailedGetScale' });
    expect(unable.message).toContain('deployments.apps "ghost" not found');
  });
});

describe('HorizontalPodAutoscaler controller and server-side apply (real kubectl)', () => {
  const cluster = useKubectlCluster('sandbox-hpa-');
  const manifest = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: registry.local/web:1}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 6
`;

  it('a re-apply that still sets replicas conflicts with the autoscaler, which owns the count', async () => {
    expect((await cluster.apply(manifest(1))).code).toBe(0);
    let live = '';
    for (let i = 0; i < 100 && live !== '3'; i++) {
      live = (await cluster.kubectl(['get', 'deployment/web', '-o', 'jsonpath={.spec.replicas}'])).out;
      if (live !== '3') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(live).toBe('3');
    const again = await cluster.apply(manifest(1));
    expect(again.code).not.toBe(0);
    expect(again.out).toMatch(
      /conflict with "kube-controller-manager" with subresource "scale" using autoscaling\/v1/,
    );
    expect(again.out).toContain('.spec.replicas');
  }, 60_000);
});
