import { describe, expect, it } from '@jest/globals';
import { type Json, keyOf, refOf } from '../../src/deploy/objects.js';
import type { PlannedObject } from '../../src/deploy/plan.js';
import { demandOf, podUsage, shortfallsIn } from '../../src/deploy/quota.js';

/*
 * The sums behind the plan's quota check, without a cluster: how many new pods a change makes at
 * the rollout's start and end, against a quota's hard minus used.
 */

function workload(kind: string, memory: string, spec: Json = {}): Json {
  const apiVersion = kind === 'Job' ? 'batch/v1' : 'apps/v1';
  return {
    apiVersion,
    kind,
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      ...spec,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'x', resources: memory ? { limits: { memory } } : {} }] },
      },
    },
  };
}

function planned(after: Json, live?: Json): PlannedObject {
  const ref = refOf(after);
  return {
    ref,
    key: keyOf(ref),
    object: after,
    after,
    live,
    location: { source: 'k8s/web.yaml', line: 3 },
    stage: 'workloads',
    change: live ? 'update' : 'create',
    deferred: false,
  };
}

const quota = (hard: Record<string, string>, used: Record<string, string>): Json => ({
  metadata: { name: 'compute' },
  spec: { hard },
  status: { hard, used },
});

function verdict(owner: PlannedObject, q: Json, limitRanges = false): string[] {
  const template = (owner.object.spec as Json).template as Json;
  return shortfallsIn('shop', [q], [demandOf(owner, podUsage(template), limitRanges)]).map((s) => s.text);
}

describe('the quota sums', () => {
  it("counts a Deployment's surge beside its old pods: maxSurge 25% of 4 replicas is 1 new pod", () => {
    const live = workload('Deployment', '256Mi', { replicas: 4 });
    const after = workload('Deployment', '300Mi', { replicas: 4 });
    const owner = planned(after, live);
    expect(verdict(owner, quota({ 'limits.memory': '2Gi' }, { 'limits.memory': '1Gi' }))).toEqual([]);
    // 1 surge pod of 300Mi fits 1Gi - 800Mi of headroom? no: 224Mi left.
    expect(verdict(owner, quota({ 'limits.memory': '1248Mi' }, { 'limits.memory': '1024Mi' }))).toEqual([
      expect.stringContaining(
        "at the rollout's surge (the old pods still counted): limits.memory requested 300Mi, available 224Mi (1Gi of 1248Mi used): Deployment shop/web (k8s/web.yaml:3): 1 new pod(s) of 300Mi;",
      ),
    ]);
  });

  it('judges a Recreate rollout by its end state: the new pods less the old ones they replace', () => {
    const strategy = { strategy: { type: 'Recreate' }, replicas: 2 };
    const owner = planned(
      workload('Deployment', '512Mi', strategy),
      workload('Deployment', '256Mi', strategy),
    );
    // End state: 2 × 512Mi - 2 × 256Mi = 512Mi more.
    expect(verdict(owner, quota({ 'limits.memory': '1Gi' }, { 'limits.memory': '512Mi' }))).toEqual([]);
    expect(verdict(owner, quota({ 'limits.memory': '1Gi' }, { 'limits.memory': '768Mi' }))).toEqual([
      expect.stringContaining(
        'once rolled out: limits.memory requested 512Mi, available 256Mi (768Mi of 1Gi used): Deployment shop/web (k8s/web.yaml:3): 2 pod(s) of 512Mi replacing 2 of 256Mi;',
      ),
    ]);
  });

  it('does not judge the end state when a LimitRange filled in what the old template leaves unset', () => {
    const strategy = { strategy: { type: 'Recreate' }, replicas: 2 };
    const owner = planned(workload('Deployment', '512Mi', strategy), workload('Deployment', '', strategy));
    expect(verdict(owner, quota({ 'limits.memory': '1Gi' }, { 'limits.memory': '768Mi' }), true)).toEqual([]);
    // Without a LimitRange the old pods stated nothing, so they give nothing back: 1Gi more.
    expect(
      verdict(owner, quota({ 'limits.memory': '1Gi' }, { 'limits.memory': '768Mi' }), false),
    ).toHaveLength(1);
  });

  it("counts a new StatefulSet's replicas, a Job's parallelism, and only a ReplicaSet's scale-up", () => {
    const hard = quota({ pods: '10' }, { pods: '8' });
    expect(verdict(planned(workload('StatefulSet', '1Mi', { replicas: 3 })), hard)).toEqual([
      expect.stringContaining('once rolled out: pods requested 3, available 2'),
    ]);
    expect(verdict(planned(workload('Job', '1Mi', { parallelism: 3 })), hard)).toEqual([
      expect.stringContaining(
        "at the rollout's surge (the old pods still counted): pods requested 3, available 2",
      ),
    ]);
    const rs = planned(
      workload('ReplicaSet', '2Mi', { replicas: 4 }),
      workload('ReplicaSet', '1Mi', { replicas: 2 }),
    );
    expect(verdict(rs, hard)).toEqual([]);
    const grown = planned(
      workload('ReplicaSet', '1Mi', { replicas: 5 }),
      workload('ReplicaSet', '1Mi', { replicas: 2 }),
    );
    expect(verdict(grown, hard)).toEqual([expect.stringContaining('pods requested 3, available 2')]);
  });

  it('leaves scoped quotas alone', () => {
    const scoped = {
      ...quota({ pods: '1' }, { pods: '1' }),
      spec: { hard: { pods: '1' }, scopes: ['BestEffort'] },
    };
    expect(verdict(planned(workload('Deployment', '1Mi', { replicas: 3 })), scoped)).toEqual([]);
  });
});
