import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/contract.js';
import { humanAge, toTable, wantsTable } from './table.js';
import { builtinTypes } from './types.js';

const typeOf = (kind: string) => {
  const type = builtinTypes().find((t) => t.kind === kind);
  if (!type) throw new Error(kind);
  return type;
};

describe('tables for kubectl get', () => {
  it('spells ages the way kubectl users know them', () => {
    expect([45, 200, 1500, 5 * 3600 + 600, 30 * 3600, 4 * 86400].map(humanAge)).toEqual([
      '45s',
      '3m20s',
      '25m',
      '5h10m',
      '30h',
      '4d',
    ]);
  });

  it('recognises the Accept header kubectl get sends', () => {
    expect(wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io,application/json')).toBe(true);
    expect(wantsTable('application/json')).toBe(false);
  });

  it('shows a crash-looping pod by its waiting reason and counts restarts', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { containers: [{ name: 'app' }, { name: 'side' }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } },
          { name: 'side', ready: true, restartCount: 0, state: { running: {} } },
        ],
      },
    };
    const table = toTable(typeOf('Pod'), [pod], '7', now);
    expect(table.columnDefinitions.map((c) => c.name).slice(0, 5)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
    expect(table.rows[0].cells.slice(0, 5)).toEqual(['web-1', '1/2', 'CrashLoopBackOff', 4, '10m']);
  });

  it('falls back to name and age for kinds without their own columns', () => {
    const table = toTable(typeOf('ConfigMap'), [], '1');
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Age']);
  });
});
