import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/contract.js';
import { fieldsOf, fromFieldsV1, toFieldsV1 } from './fieldpath.js';
import { ApplyConflict, managedFieldsAfterUpdate, serverSideApply } from './ssa.js';

function deployment(spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...(labels ? { labels } : {}) },
    spec,
  };
}

const apply = (live: KubeObject | undefined, applied: KubeObject, manager = 'kubectl', force = false) =>
  serverSideApply({ live, applied, manager, apiVersion: 'apps/v1', force });

function template(containers: unknown[]) {
  return { template: { spec: { containers } } };
}

describe('FieldsV1', () => {
  it('round-trips a field set with keyed list items and set items', () => {
    const set = fieldsOf({
      metadata: { finalizers: ['a'] },
      spec: { containers: [{ name: 'app', ports: [{ containerPort: 80 }] }] },
    });
    const tree = toFieldsV1(set);
    expect(tree).toEqual({
      'f:metadata': { 'f:finalizers': { 'v:"a"': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"app"}': {
            '.': {},
            'f:name': {},
            'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
          },
        },
      },
    });
    expect([...fromFieldsV1(tree).keys()].sort()).toEqual([...set.keys()].sort());
  });
});

describe('server-side apply', () => {
  it('merges containers by name and keeps the ones another manager added', () => {
    const first = apply(undefined, deployment(template([{ name: 'app', image: 'a:1' }])));
    const withSidecar = serverSideApply({
      live: first,
      applied: deployment(template([{ name: 'sidecar', image: 's:1' }])),
      manager: 'injector',
      apiVersion: 'apps/v1',
      force: false,
    });
    const updated = apply(withSidecar, deployment(template([{ name: 'app', image: 'a:2' }])));
    const containers = (
      updated.spec as { template: { spec: { containers: Array<{ name: string; image: string }> } } }
    ).template.spec.containers;
    expect(containers).toEqual([
      { name: 'app', image: 'a:2' },
      { name: 'sidecar', image: 's:1' },
    ]);
  });

  it('removes a label its only applier dropped but keeps one another applier also set', () => {
    const live = apply(undefined, deployment({}, { a: '1', b: '2' }));
    const shared = serverSideApply({
      live,
      applied: deployment({}, { b: '2' }),
      manager: 'other',
      apiVersion: 'apps/v1',
      force: false,
    });
    const after = apply(shared, deployment({}, {}));
    expect(after.metadata.labels).toEqual({ b: '2' });
  });

  it('reports every conflicting field, grouped by manager, in the real message format', () => {
    const live = apply(undefined, deployment({ replicas: 2, paused: false }));
    const attempt = () => apply(live, deployment({ replicas: 3, paused: true }), 'ops');
    expect(attempt).toThrow(ApplyConflict);
    expect(attempt).toThrow(
      'Apply failed with 2 conflicts: conflicts with "kubectl":\n- .spec.replicas\n- .spec.paused',
    );
  });

  it('does not conflict when two appliers set the same value, and both then own it', () => {
    const live = apply(undefined, deployment({ replicas: 2 }));
    const shared = apply(live, deployment({ replicas: 2 }), 'ops');
    const managers = (shared.metadata.managedFields as Array<{ manager: string; fieldsV1: unknown }>).filter(
      (m) => JSON.stringify(m.fieldsV1).includes('f:replicas'),
    );
    expect(managers.map((m) => m.manager).sort()).toEqual(['kubectl', 'ops']);
  });

  it('owns and replaces a label selector as one value, like the atomic map it is', () => {
    const live = apply(undefined, deployment({ selector: { matchLabels: { app: 'web', tier: 'x' } } }));
    expect(JSON.stringify(live.metadata.managedFields)).toContain('"f:selector":{}');
    const changed = apply(live, deployment({ selector: { matchLabels: { app: 'web' } } }));
    expect((changed.spec as { selector: unknown }).selector).toEqual({ matchLabels: { app: 'web' } });
  });

  it('moves ownership to the forcing applier', () => {
    const live = apply(undefined, deployment({ replicas: 2 }));
    const forced = apply(live, deployment({ replicas: 5 }), 'ops', true);
    expect((forced.spec as { replicas: number }).replicas).toBe(5);
    const entries = forced.metadata.managedFields as Array<{ manager: string }>;
    expect(entries.map((e) => e.manager)).toEqual(['ops']);
  });
});

describe('managedFields after updates', () => {
  it('gives a changed field to the updater and takes it from the applier', () => {
    const live = apply(undefined, deployment({ replicas: 2, paused: false }));
    const after = { ...live, spec: { replicas: 4, paused: false } };
    const entries = managedFieldsAfterUpdate({
      before: live,
      after,
      manager: 'hpa',
      apiVersion: 'apps/v1',
      subresource: 'scale',
    });
    const byManager = Object.fromEntries(entries.map((e) => [e.manager, JSON.stringify(e.fieldsV1)]));
    expect(byManager.hpa).toContain('f:replicas');
    expect(byManager.kubectl).not.toContain('f:replicas');
    expect(byManager.kubectl).toContain('f:paused');
    expect(entries.find((e) => e.manager === 'hpa')).toMatchObject({
      operation: 'Update',
      subresource: 'scale',
    });
  });

  it('leaves status owners alone when the main resource is updated', () => {
    const live: KubeObject = { ...deployment({ replicas: 1 }), status: { replicas: 1 } };
    const withStatus = {
      ...live,
      metadata: {
        ...live.metadata,
        managedFields: managedFieldsAfterUpdate({
          before: live,
          after: { ...live, status: { replicas: 2 } },
          manager: 'controller',
          apiVersion: 'apps/v1',
          subresource: 'status',
        }),
      },
    };
    const entries = managedFieldsAfterUpdate({
      before: withStatus,
      after: { ...withStatus, spec: { replicas: 3 } },
      manager: 'kubectl-edit',
      apiVersion: 'apps/v1',
    });
    expect(entries.map((e) => e.manager).sort()).toEqual(['controller', 'kubectl-edit']);
  });
});
