import { describe, expect, it } from '@jest/globals';
import { renderManifests } from '../../src/manifests/render.js';
import { deployment, render } from './helpers.js';

const object = (apiVersion: string, kind: string, name: string, extra = '') =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${extra}`;

describe('YAML handling', () => {
  it('keeps comments, key order and scalar styles of the source', () => {
    const text = `# The API tier.
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings # shared by api and worker
data:
  zeta: "1"
  alpha: 'two'
  script: |
    echo one
    echo two
`;
    const { result } = render(text);
    expect(result.yaml).toBe(text);
  });

  it('reads several documents per file and skips empty ones', () => {
    const text = `---\n---\n# only a comment\n---\n${object('v1', 'ConfigMap', 'a')}---\n...\n---\n${object('v1', 'ConfigMap', 'b')}`;
    const { objects } = render(text);
    expect(objects.map((o) => o.metadata.name)).toEqual(['a', 'b']);
  });

  it('reads documents from several sources in the order given', () => {
    const result = renderManifests([
      { name: 'b.yaml', text: object('v1', 'ConfigMap', 'b') },
      { name: 'a.yaml', text: object('v1', 'ConfigMap', 'a') },
    ]);
    expect(result.objects.map((o) => `${o.location.source}:${o.location.line} ${o.name}`)).toEqual([
      'b.yaml:1 b',
      'a.yaml:1 a',
    ]);
  });

  it('separates the rendered documents with exactly one --- line each', () => {
    const { result } = render(`---\n${object('v1', 'ConfigMap', 'a')}---\n${object('v1', 'ConfigMap', 'b')}`);
    expect(result.yaml).toBe(`${object('v1', 'ConfigMap', 'a')}---\n${object('v1', 'ConfigMap', 'b')}`);
  });
});

describe('namespaces', () => {
  const crd = (kind: string, scope: string) =>
    object(
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      `${kind.toLowerCase()}s.example.com`,
      `spec:\n  group: example.com\n  scope: ${scope}\n  names: { kind: ${kind}, plural: ${kind.toLowerCase()}s }\n`,
    );

  it('gives namespaced objects without a namespace the default, and leaves explicit ones', () => {
    const text = [
      object('v1', 'ConfigMap', 'a'),
      object('v1', 'ConfigMap', 'b', '  namespace: other\n'),
      object('v1', 'Namespace', 'prod'),
      object('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader'),
      object('storage.k8s.io/v1', 'StorageClass', 'efs'),
      object('scheduling.k8s.io/v1', 'PriorityClass', 'high'),
    ].join('---\n');
    const { objects } = render(text, { namespace: 'prod' });
    const namespaceOf = (name: string) => objects.find((o) => o.metadata.name === name)?.metadata.namespace;
    expect(namespaceOf('a')).toBe('prod');
    expect(namespaceOf('b')).toBe('other');
    for (const name of ['prod', 'reader', 'efs', 'high']) expect(namespaceOf(name)).toBeUndefined();
  });

  it('treats custom resources as namespaced unless a CRD in the set says scope Cluster', () => {
    const text = [
      crd('Tenant', 'Cluster'),
      crd('Widget', 'Namespaced'),
      object('example.com/v1', 'Tenant', 't'),
      object('example.com/v1', 'Widget', 'w'),
      object('other.io/v1', 'Gadget', 'g'),
    ].join('---\n');
    const { objects } = render(text, { namespace: 'prod' });
    const namespaceOf = (name: string) => objects.find((o) => o.metadata.name === name)?.metadata.namespace;
    expect(namespaceOf('t')).toBeUndefined();
    expect(namespaceOf('w')).toBe('prod');
    expect(namespaceOf('g')).toBe('prod');
  });

  it('rejects a default namespace that is not a DNS label', () => {
    expect(() => render(object('v1', 'ConfigMap', 'a'), { namespace: 'Prod_1' })).toThrow(
      'Invalid namespace "Prod_1"; expected a DNS-1123 label',
    );
  });
});

describe('apply order', () => {
  it('puts namespaces and CRDs first, configuration next, then workloads, custom resources, autoscalers and ingresses', () => {
    const text = [
      object('networking.k8s.io/v1', 'Ingress', 'ing'),
      object(
        'autoscaling/v2',
        'HorizontalPodAutoscaler',
        'hpa',
        'spec:\n  scaleTargetRef: { kind: Deployment, name: x }\n',
      ),
      deployment('api', 'api:1'),
      object('example.com/v1', 'Widget', 'widget'),
      object('v1', 'Service', 'svc'),
      object('v1', 'ConfigMap', 'cm'),
      object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
      object('v1', 'Secret', 'secret'),
      object('batch/v1', 'CronJob', 'cleaner'),
      object('v1', 'Namespace', 'prod'),
      object('policy/v1', 'PodDisruptionBudget', 'pdb'),
      object('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'hook'),
    ].join('---\n');
    const { objects } = render(text);
    expect(objects.map((o) => o.metadata.name)).toEqual([
      'widgets.example.com',
      'prod',
      'svc',
      'cm',
      'secret',
      'pdb',
      'api',
      'cleaner',
      'widget',
      'ing',
      'hpa',
      'hook',
    ]);
  });
});

describe('traceability annotations', () => {
  const trace = { tag: 'v1.2.3', commit: '4f2c1e9', runUrl: 'https://github.com/org/app/actions/runs/42' };

  it('annotates workload metadata with change-cause, tag, commit and run URL', () => {
    const { objects } = render(deployment('api', 'api:1'), { traceability: trace });
    expect(objects[0]?.metadata.annotations).toEqual({
      'kubernetes.io/change-cause':
        'k8s-deploy-action deployed tag v1.2.3, commit 4f2c1e9 in https://github.com/org/app/actions/runs/42',
      'k8s-deploy-action/tag': 'v1.2.3',
      'k8s-deploy-action/commit': '4f2c1e9',
      'k8s-deploy-action/run-url': 'https://github.com/org/app/actions/runs/42',
    });
  });

  it('leaves the pod template alone so a re-run of the same commit restarts no pods', () => {
    const { objects } = render(deployment('api', 'api:1'), { traceability: trace });
    expect(objects[0]?.spec.template.metadata).toEqual({ labels: { app: 'api' } });
  });

  it('keeps existing annotations and overwrites an old change-cause', () => {
    const text = deployment('api', 'api:1').replace(
      '  name: api\n',
      '  name: api\n  annotations:\n    team: payments # owner\n    kubernetes.io/change-cause: old\n',
    );
    const { objects, result } = render(text, { traceability: { tag: 'v2' } });
    expect(objects[0]?.metadata.annotations.team).toBe('payments');
    expect(objects[0]?.metadata.annotations['kubernetes.io/change-cause']).toBe(
      'k8s-deploy-action deployed tag v2',
    );
    expect(result.yaml).toContain('team: payments # owner');
  });

  it('annotates only workloads, and nothing when the run knows nothing about itself', () => {
    const text = `${object('v1', 'ConfigMap', 'cm')}---\n${deployment('api', 'api:1')}`;
    expect(render(text, { traceability: trace }).objects[0]?.metadata.annotations).toBeUndefined();
    expect(render(text, { traceability: {} }).objects[1]?.metadata.annotations).toBeUndefined();
  });
});

describe('block scalars', () => {
  it('keeps the trailing newlines a |+ block scalar holds at the end of a document', () => {
    const text = `${object('v1', 'ConfigMap', 'a')}data:\n  script: |+\n    echo hi\n\n---\n${object('v1', 'ConfigMap', 'b')}`;
    const { objects } = render(text, { namespace: 'prod' });
    expect(objects[0]?.data.script).toBe('echo hi\n\n');
  });
});
