import { describe, expect, it } from '@jest/globals';
import { isRolloutTarget, verificationOf } from '../../src/deploy/verifiable.js';

const object = (apiVersion: string, kind: string, extra: Record<string, unknown> = {}) => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'web', ...((extra.metadata as object) ?? {}) },
  ...extra,
});

describe('what verify does with each kind', () => {
  it('watches the rollout of Deployments, StatefulSets, DaemonSets and Jobs', () => {
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet']) {
      expect(verificationOf(object('apps/v1', kind))).toEqual({ by: 'rollout' });
    }
    expect(verificationOf(object('batch/v1', 'Job'))).toEqual({ by: 'rollout' });
  });

  it('watches the rollout of an Argo Rollout, and only of argoproj.io', () => {
    expect(verificationOf(object('argoproj.io/v1alpha1', 'Rollout'))).toEqual({ by: 'rollout' });
    expect(verificationOf(object('example.com/v1', 'Rollout'))).toEqual({ by: 'conditions' });
    // verify watches it as a workload only when it is Argo's (OpenKruise has a kind Rollout too).
    expect(isRolloutTarget({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' })).toBe(true);
    expect(isRolloutTarget({ apiVersion: 'rollouts.kruise.io/v1beta1', kind: 'Rollout' })).toBe(false);
  });

  it("judges a custom resource by its conditions (kstatus' generic rules)", () => {
    expect(verificationOf(object('external-secrets.io/v1', 'ExternalSecret'))).toEqual({ by: 'conditions' });
    expect(verificationOf(object('cert-manager.io/v1', 'ClusterIssuer'))).toEqual({ by: 'conditions' });
  });

  it('says a changed CronJob is applied, not verified: it runs at its schedule', () => {
    expect(verificationOf(object('batch/v1', 'CronJob'))).toEqual({
      by: 'nothing',
      why: 'its Jobs run at its schedule',
    });
  });

  it('lists an Ingress and a LoadBalancer Service as not verified, a ClusterIP Service not at all', () => {
    expect(verificationOf(object('networking.k8s.io/v1', 'Ingress')).by).toBe('nothing');
    expect(verificationOf(object('v1', 'Service', { spec: { type: 'LoadBalancer' } })).by).toBe('nothing');
    expect(verificationOf(object('v1', 'Service', { spec: { type: 'ClusterIP' } }))).toEqual({ by: 'apply' });
  });

  it('neither waits for nor lists configuration and policy kinds, which are in effect once stored', () => {
    const kinds: [string, string][] = [
      ['v1', 'ConfigMap'],
      ['v1', 'Secret'],
      ['v1', 'ServiceAccount'],
      ['v1', 'Namespace'],
      ['v1', 'PersistentVolumeClaim'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
      ['policy/v1', 'PodDisruptionBudget'],
      ['autoscaling/v2', 'HorizontalPodAutoscaler'],
      ['networking.k8s.io/v1', 'NetworkPolicy'],
      ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
    ];
    for (const [apiVersion, kind] of kinds)
      expect(verificationOf(object(apiVersion, kind))).toEqual({ by: 'apply' });
  });

  it('an object annotated k8s-deploy-action/verify "false" is applied and listed, not waited for', () => {
    const annotated = { metadata: { annotations: { 'k8s-deploy-action/verify': 'false' } } };
    expect(verificationOf(object('example.com/v1', 'Database', annotated))).toEqual({
      by: 'nothing',
      why: 'annotated k8s-deploy-action/verify: "false"',
    });
    expect(verificationOf(object('apps/v1', 'Deployment', annotated)).by).toBe('nothing');
    const kept = { metadata: { annotations: { 'k8s-deploy-action/verify': 'true' } } };
    expect(verificationOf(object('example.com/v1', 'Database', kept))).toEqual({ by: 'conditions' });
  });
});
