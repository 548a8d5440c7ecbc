import { beforeAll, describe, expect, it } from '@jest/globals';
import { autoscaledWorkloads, autoscalerTargets, targetManifest } from './autoscaling.js';
import { type Manifest, parseManifests, renderKustomize } from './manifests.js';

const OVERLAYS = ['k8s/overlays/staging', 'k8s/overlays/production'];

describe('autoscaled workloads in the reference deployment', () => {
  const rendered = new Map<string, Manifest[]>();
  beforeAll(() => {
    for (const overlay of OVERLAYS) rendered.set(overlay, renderKustomize(overlay));
  });

  it.each(OVERLAYS)('%s: api and frontend follow an HPA, worker follows KEDA', (overlay) => {
    const targets = autoscalerTargets(rendered.get(overlay) ?? []).map(
      (target) => `${target.autoscaler} -> ${target.kind}/${target.name}`,
    );
    expect(targets.sort()).toEqual([
      'HorizontalPodAutoscaler/api -> Deployment/api',
      'HorizontalPodAutoscaler/frontend -> Deployment/frontend',
      'ScaledObject/worker -> Deployment/worker',
    ]);
  });

  it.each(OVERLAYS)('%s: every autoscaler points at a workload the overlay holds', (overlay) => {
    const docs = rendered.get(overlay) ?? [];
    const dangling = autoscalerTargets(docs).filter((target) => targetManifest(docs, target) === undefined);
    expect(dangling).toEqual([]);
  });

  it.each(OVERLAYS)('%s: each autoscaled workload declares a starting size within its bounds', (overlay) => {
    const docs = rendered.get(overlay) ?? [];
    const sizes = autoscalerTargets(docs).map((target) => {
      const replicas = (targetManifest(docs, target)?.spec as { replicas?: number } | undefined)?.replicas;
      return { target: target.name, replicas, bounds: [target.minReplicas, target.maxReplicas] };
    });
    const outOfBounds = sizes.filter(
      ({ replicas, bounds: [min = 0, max = 0] }) =>
        replicas === undefined || replicas < min || replicas > max,
    );
    expect(sizes).toHaveLength(3);
    expect(outOfBounds).toEqual([]);
  });

  it.each(OVERLAYS)('%s: the PostgreSQL StatefulSet and the Jobs are not autoscaled', (overlay) => {
    const names = autoscaledWorkloads(rendered.get(overlay) ?? []).map(
      (doc) => `${doc.kind}/${doc.metadata.name}`,
    );
    expect(names.sort()).toEqual(['Deployment/api', 'Deployment/frontend', 'Deployment/worker']);
  });
});

describe('autoscalerTargets', () => {
  const docs = parseManifests(`
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: web}
  maxReplicas: 5
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: consumer, namespace: shop}
spec:
  scaleTargetRef: {name: consumer}
  triggers: []
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: consumer, namespace: other}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: consumer, namespace: shop}
`);

  it('fills in the API defaults: HPA minimum 1, ScaledObject Deployment 0..100', () => {
    expect(autoscalerTargets(docs)).toEqual([
      {
        autoscaler: 'HorizontalPodAutoscaler/web',
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        name: 'web',
        namespace: 'shop',
        minReplicas: 1,
        maxReplicas: 5,
      },
      {
        autoscaler: 'ScaledObject/consumer',
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'consumer',
        namespace: 'shop',
        minReplicas: 0,
        maxReplicas: 100,
      },
    ]);
  });

  it("resolves targets by kind, name and the autoscaler's namespace", () => {
    const workloads = autoscaledWorkloads(docs).map(
      (doc) => `${doc.kind}/${doc.metadata.namespace}/${doc.metadata.name}`,
    );
    expect(workloads).toEqual(['StatefulSet/shop/web', 'Deployment/shop/consumer']);
  });

  it('finds nothing when nothing is autoscaled', () => {
    expect(autoscalerTargets(docs.slice(2))).toEqual([]);
  });
});
