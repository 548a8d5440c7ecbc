import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/contract.js';
import { immutableViolations } from './immutability.js';

const object = (kind: string, fields: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name: 'x' },
  ...fields,
});

describe('immutable fields', () => {
  it('allows a StatefulSet to change replicas and template but not its service name', () => {
    const before = object('StatefulSet', { spec: { replicas: 1, serviceName: 'db', template: { a: 1 } } });
    expect(
      immutableViolations(
        before,
        object('StatefulSet', { spec: { replicas: 3, serviceName: 'db', template: { a: 2 } } }),
      ),
    ).toEqual([]);
    expect(
      immutableViolations(
        before,
        object('StatefulSet', { spec: { replicas: 1, serviceName: 'db2', template: { a: 1 } } }),
      )[0],
    ).toMatch(/^spec: Forbidden: updates to statefulset spec for fields other than 'replicas'/);
  });

  it('freezes the data of a ConfigMap marked immutable', () => {
    const before = object('ConfigMap', { immutable: true, data: { a: '1' } });
    expect(immutableViolations(before, object('ConfigMap', { immutable: true, data: { a: '2' } }))).toEqual([
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
    expect(
      immutableViolations(
        object('ConfigMap', { data: { a: '1' } }),
        object('ConfigMap', { data: { a: '2' } }),
      ),
    ).toEqual([]);
  });

  it('keeps a Service cluster IP and a PVC spec except its requests', () => {
    expect(
      immutableViolations(
        object('Service', { spec: { clusterIP: '10.100.0.1' } }),
        object('Service', { spec: { clusterIP: '10.100.0.9' } }),
      ),
    ).toEqual(['spec.clusterIP: Invalid value: "10.100.0.9": field is immutable']);
    const pvc = (size: string, mode: string) =>
      object('PersistentVolumeClaim', {
        spec: { accessModes: [mode], resources: { requests: { storage: size } } },
      });
    expect(immutableViolations(pvc('1Gi', 'ReadWriteOnce'), pvc('2Gi', 'ReadWriteOnce'))).toEqual([]);
    expect(immutableViolations(pvc('1Gi', 'ReadWriteOnce'), pvc('1Gi', 'ReadWriteMany'))).toHaveLength(1);
  });
});
