import { beforeAll, describe, expect, it } from '@jest/globals';
import { type Manifest, parseManifests, renderKustomize } from './manifests.js';
import { validateManifests } from './validate.js';

const OVERLAYS = ['k8s/overlays/staging', 'k8s/overlays/production'];

describe('the reference deployment against the Kubernetes and CRD schemas', () => {
  const rendered = new Map<string, Manifest[]>();
  beforeAll(() => {
    for (const overlay of OVERLAYS) rendered.set(overlay, renderKustomize(overlay));
  });

  it.each(OVERLAYS)('%s renders and every document is schema-valid', (overlay) => {
    const docs = rendered.get(overlay) ?? [];
    expect(docs.length).toBeGreaterThan(20);
    expect(validateManifests(docs)).toEqual([]);
  });

  it.each(OVERLAYS)('%s includes the custom resources, so their CRD schemas are exercised', (overlay) => {
    const kinds = new Set((rendered.get(overlay) ?? []).map((doc) => `${doc.apiVersion} ${doc.kind}`));
    expect(kinds).toContain('keda.sh/v1alpha1 ScaledObject');
    expect(kinds).toContain('keda.sh/v1alpha1 TriggerAuthentication');
    expect(kinds).toContain('external-secrets.io/v1 ExternalSecret');
  });
});

describe('validateManifests', () => {
  const deployment = (): Manifest =>
    parseManifests(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: app, image: laravel-app}]
`)[0] as Manifest;

  it('accepts a well-formed Deployment', () => {
    expect(validateManifests([deployment()])).toEqual([]);
  });

  it('reports a field of the wrong type with its path', () => {
    const broken = deployment();
    (broken.spec as { replicas: unknown }).replicas = 'two';
    expect(validateManifests([broken])).toEqual(['Deployment/api: /spec/replicas must be integer.']);
  });

  it('reports a missing required field', () => {
    const broken = deployment();
    delete (broken.spec as { selector?: unknown }).selector;
    expect(validateManifests([broken]).join('\n')).toContain(
      'Deployment/api: /spec must have required property selector.',
    );
  });

  it('reports a malformed quantity in resources', () => {
    const broken = deployment();
    const spec = broken.spec as { template: { spec: { containers: Record<string, unknown>[] } } };
    (spec.template.spec.containers[0] as Record<string, unknown>).resources = { limits: { cpu: 'lots' } };
    expect(validateManifests([broken]).join('\n')).toContain(
      '/spec/template/spec/containers/0/resources/limits/cpu',
    );
  });

  it('checks CRD schemas too: a KEDA trigger value must be a string', () => {
    const scaledObject = parseManifests(`
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: worker}
spec:
  scaleTargetRef: {name: worker}
  triggers: [{type: redis, metadata: {listName: q, listLength: 10}}]
`);
    expect(validateManifests(scaledObject)).toEqual([
      'ScaledObject/worker: /spec/triggers/0/metadata/listLength must be string.',
    ]);
  });

  it('refuses kinds it has no schema for, rather than passing them unchecked', () => {
    const unknown = parseManifests('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n');
    expect(validateManifests(unknown)).toEqual([
      'Widget/w: no schema known for example.com/v1 Widget; expected a known built-in or CRD kind.',
    ]);
  });

  it('refuses a nested type posing as a kind', () => {
    const nested = parseManifests('apiVersion: apps/v1\nkind: DeploymentSpec\nmetadata: {name: d}\n');
    expect(validateManifests(nested)).toHaveLength(1);
  });

  it('reports documents without a name or without apiVersion/kind', () => {
    const docs = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n---\nmetadata: {name: x}\n');
    expect(validateManifests(docs)).toEqual([
      'ConfigMap/<document 1>: metadata.name is missing; expected every object to be named.',
      '<no kind>/x: apiVersion and kind must be strings; expected e.g. "apps/v1" and "Deployment".',
    ]);
  });
});
