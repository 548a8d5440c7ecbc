import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/contract.js';
import { fieldSelector, labelSelector } from './selectors.js';

const object = (labels: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'e', namespace: 'shop', labels },
  ...extra,
});

describe('selectors', () => {
  it('matches equality, inequality, set and existence label requirements', () => {
    const web = object({ app: 'web', tier: 'front' });
    expect(labelSelector('app=web,tier in (front,back)')(web)).toBe(true);
    expect(labelSelector('app==web,tier notin (front)')(web)).toBe(false);
    expect(labelSelector('tier,!canary')(web)).toBe(true);
    expect(labelSelector('app!=web')(web)).toBe(false);
  });

  it('names a malformed label requirement', () => {
    expect(() => labelSelector('app=(x')).toThrow('unable to parse requirement: "app=(x"');
  });

  it('matches nested field paths, as describe uses for events', () => {
    const event = object({}, { involvedObject: { kind: 'Deployment', name: 'web', uid: 'u1' } });
    expect(
      fieldSelector('involvedObject.name=web,involvedObject.kind=Deployment,metadata.namespace=shop')(event),
    ).toBe(true);
    expect(fieldSelector('involvedObject.uid!=u1')(event)).toBe(false);
  });
});
