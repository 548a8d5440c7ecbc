import { describe, expect, it } from '@jest/globals';
import { jsonPatch, mergePatch, PatchError, strategicMergePatch } from './patch.js';

const pod = {
  spec: {
    containers: [
      { name: 'app', image: 'a:1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] },
      { name: 'sidecar', image: 's:1' },
    ],
    volumes: [{ name: 'data', emptyDir: {} }],
  },
};

describe('patches', () => {
  it('applies a JSON patch and explains one that cannot apply', () => {
    expect(jsonPatch({ a: 1 }, [{ op: 'replace', path: '/a', value: 2 }])).toEqual({ a: 2 });
    expect(() => jsonPatch({ a: 1 }, [{ op: 'replace', path: '/b/c', value: 2 }])).toThrow(PatchError);
    expect(() => jsonPatch({}, { op: 'add' })).toThrow('A JSON patch must be a JSON array of operations.');
  });

  it('merge patch replaces lists and deletes keys set to null', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null }, l: [3] })).toEqual({
      a: { c: 2 },
      l: [3],
    });
  });

  it('strategic merge patch merges containers by name and env by name', () => {
    const patched = strategicMergePatch(pod, {
      spec: { containers: [{ name: 'app', image: 'a:2', env: [{ name: 'B', value: '2' }] }] },
    }) as typeof pod;
    expect(patched.spec.containers.map((c) => c.name)).toEqual(['app', 'sidecar']);
    expect(patched.spec.containers[0].image).toBe('a:2');
    expect(patched.spec.containers[0].env?.map((e) => e.name)).toEqual(['A', 'B']);
  });

  it('strategic merge patch deletes list items with $patch: delete and replaces with $patch: replace', () => {
    const deleted = strategicMergePatch(pod, {
      spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] },
    }) as typeof pod;
    expect(deleted.spec.containers.map((c) => c.name)).toEqual(['app']);
    const replaced = strategicMergePatch(pod, {
      spec: { volumes: [{ name: 'cache', emptyDir: {} }, { $patch: 'replace' }] },
    }) as typeof pod;
    expect(replaced.spec.volumes).toEqual([{ name: 'cache', emptyDir: {} }]);
  });

  it('strategic merge patch ignores $setElementOrder directives and honours $retainKeys', () => {
    const patched = strategicMergePatch(
      { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
      {
        spec: {
          strategy: { $retainKeys: ['type'], type: 'Recreate' },
          '$setElementOrder/containers': [{ name: 'app' }],
        },
      },
    );
    expect(patched).toEqual({ spec: { strategy: { type: 'Recreate' } } });
  });
});
