import { describe, expect, it } from '@jest/globals';
import { Identities } from '../../src/deploy/identity.js';
import type { Kubectl } from '../../src/deploy/kubectl.js';
import type { Json } from '../../src/deploy/objects.js';
import { planDeploy } from '../../src/deploy/plan.js';
import type { ReleaseRecord } from '../../src/deploy/release.js';
import { RecordingLogger } from '../fakes.js';

// The plan's read of the live objects and its server-side dry run: on a redeploy (every
// Namespace of the set exists) the dry run does not wait for the read, and its answer is the
// plan's; when the read shows a Namespace still to be created, the dry run is made again for
// what can be checked, as before. A fake kubectl that records the order of the calls.

const identities = new Identities(
  'default',
  new Map([
    ['v1/Namespace', { resource: 'namespaces', namespaced: false }],
    ['v1/ConfigMap', { resource: 'configmaps', namespaced: true }],
  ]),
);
const location = { source: 'app.yaml', line: 1 };
const rendered = [
  {
    apiVersion: 'v1',
    kind: 'Namespace',
    name: 'shop',
    namespace: undefined,
    location,
    yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n',
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: 'settings',
    namespace: 'shop',
    location,
    yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {value: two}\n',
  },
];
const namespace: Json = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
const configMap = (value: string): Json => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'shop' },
  data: { value },
});

function fakeKubectl(live: Json[]) {
  const calls: string[] = [];
  const kubectl = {
    async get() {
      calls.push('get started');
      await Promise.resolve();
      calls.push('get answered');
      return live;
    },
    async apply(yaml: string, options: { dryRun?: boolean }) {
      const kinds = [...yaml.matchAll(/"kind":"(\w+)"/g)].map((m) => m[1]).join('+');
      calls.push(`dry run of ${kinds}${options.dryRun ? '' : ' (NOT a dry run)'}`);
      const inLive = live.some((o) => o.kind === 'Namespace');
      return {
        objects: [...(yaml.includes('"kind":"Namespace"') ? [namespace] : []), configMap('two')],
        errors:
          inLive || !yaml.includes('"kind":"ConfigMap"')
            ? []
            : ['Error from server (NotFound): namespaces "shop" not found'],
        warnings: [],
      };
    },
  } as unknown as Kubectl;
  return { kubectl, calls };
}

// Only whether a release was recorded before matters here.
const v1 = { version: 1, status: 'success' } as unknown as ReleaseRecord;
const input = {
  rendered,
  migrationJobName: undefined,
  tag: undefined,
  migrationTimeoutMs: 60_000,
  latest: v1,
  lastGood: undefined,
  identities,
};

describe('the plan of a redeploy', () => {
  it('starts the dry run before the read of the live objects answers, once, and plans from it', async () => {
    const { kubectl, calls } = fakeKubectl([namespace, configMap('one')]);
    const plan = await planDeploy(input, kubectl, new RecordingLogger());
    expect(calls).toEqual(['dry run of Namespace+ConfigMap', 'get started', 'get answered']);
    expect(plan.objects.map((o) => [o.ref.kind, o.change, o.deferred])).toEqual([
      ['Namespace', 'unchanged', false],
      ['ConfigMap', 'update', false],
    ]);
  });

  it('of a first release (no record yet) reads first and dry-runs after, as its Namespace is usually new', async () => {
    const { kubectl, calls } = fakeKubectl([]);
    await planDeploy({ ...input, latest: undefined }, kubectl, new RecordingLogger());
    expect(calls).toEqual(['get started', 'get answered', 'dry run of Namespace']);
  });

  it('into a Namespace the set creates: the early dry run is not used, the ConfigMap is deferred and the Namespace dry-run again alone', async () => {
    const { kubectl, calls } = fakeKubectl([]);
    const plan = await planDeploy(input, kubectl, new RecordingLogger());
    expect(calls).toEqual([
      'dry run of Namespace+ConfigMap',
      'get started',
      'get answered',
      'dry run of Namespace',
    ]);
    expect(plan.objects.map((o) => [o.ref.kind, o.change, o.deferred])).toEqual([
      ['Namespace', 'create', false],
      ['ConfigMap', 'create', true],
    ]);
  });
});
