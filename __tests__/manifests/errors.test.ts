import { describe, expect, it } from '@jest/globals';
import { renderManifests } from '../../src/manifests/render.js';
import { deployment, renderError } from './helpers.js';

const configMap = (name: string, extra = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;

describe('errors name the file and line', () => {
  it('reports invalid YAML at the line of the problem', () => {
    const text = `${configMap('a')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  labels: a: b\n`;
    expect(renderError(text, {}, 'k8s/cm.yaml')).toMatch(/^k8s\/cm\.yaml:10: invalid YAML: /);
  });

  it('reports a document without kind, apiVersion or metadata.name at its first line', () => {
    expect(renderError(`${configMap('a')}---\n# note\napiVersion: v1\nmetadata: { name: x }\n`)).toBe(
      'app.yaml:7: the document has no kind; every Kubernetes object needs apiVersion, kind and metadata.name.',
    );
    expect(renderError('kind: ConfigMap\nmetadata: {}\n')).toBe(
      'app.yaml:1: the document has no apiVersion, metadata.name; every Kubernetes object needs apiVersion, kind and metadata.name.',
    );
  });

  it('reports a List (as kubectl get -o yaml writes) instead of treating it as one object', () => {
    expect(renderError('apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n')).toBe(
      'app.yaml:1: the document is a List (as `kubectl get -o yaml` writes); expected its items as separate documents, one per `---`.',
    );
  });

  it('tells apart objects of the same kind and name in different API groups', () => {
    const certificate = (group: string) =>
      `apiVersion: ${group}/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: prod\n`;
    const result = renderManifests([
      { name: 'a.yaml', text: `${certificate('cert-manager.io')}---\n${certificate('example.com')}` },
    ]);
    expect(result.objects.map((object) => object.apiVersion)).toEqual([
      'cert-manager.io/v1',
      'example.com/v1',
    ]);
  });

  it('reports a document that is not a mapping', () => {
    expect(renderError('- a\n- b\n')).toMatch(/^app\.yaml:1: the document is not a mapping/);
  });

  it('reports the same kind, namespace and name twice, with both places', () => {
    const message = (() => {
      try {
        renderManifests(
          [
            { name: 'a.yaml', text: configMap('settings', '  namespace: prod\n') },
            { name: 'b.yaml', text: `${configMap('other')}---\n${configMap('settings')}` },
          ],
          { namespace: 'prod' },
        );
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toBe(
      'b.yaml:6: ConfigMap prod/settings is defined twice (first at a.yaml:1); expected each object once.',
    );
  });

  it('accepts the same name in different namespaces or of different kinds', () => {
    const text = `${configMap('x', '  namespace: a\n')}---\n${configMap('x', '  namespace: b\n')}---\n${deployment('x', 'x:1')}`;
    expect(renderManifests([{ name: 'ok.yaml', text }]).objects).toHaveLength(3);
  });

  it('refuses a YAML alias bomb instead of expanding it', () => {
    const bomb = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: { name: lol }',
      'x:',
      '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      '  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      '  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      '  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      '  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      '  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      '',
    ].join('\n');
    expect(renderError(`${configMap('a')}---\n${bomb}`, {}, 'bomb.yaml')).toMatch(
      /^bomb\.yaml:6: YAML aliases expand beyond the limit of 100/,
    );
  });

  it('accepts a few ordinary aliases', () => {
    const text = `${configMap('a')}data:\n  one: &v hello\n  two: *v\n`;
    expect(renderManifests([{ name: 'a.yaml', text }]).objects).toHaveLength(1);
  });

  it('numbers documents of generated (kustomize) output', () => {
    const source = {
      name: 'k8s/overlays/prod (kubectl kustomize)',
      text: `${configMap('a')}---\nkind: x\n`,
      generated: true,
    };
    expect(() => renderManifests([source])).toThrow(
      /^k8s\/overlays\/prod \(kubectl kustomize\), document 2, line 6: the document has no apiVersion, metadata\.name/,
    );
  });

  it('fails when the manifests hold no objects at all', () => {
    expect(renderError('# nothing here\n', {}, 'empty.yaml')).toBe(
      'The manifests (empty.yaml) hold no Kubernetes objects; expected at least one.',
    );
  });
});

describe('hostile identities and sizes are refused at their line', () => {
  it.each([
    [
      'a name with a line break and a workflow command',
      'metadata:\n  name: "x\\n::set-output name=y::z"\n',
      'metadata.name "x\\n::set-output name=y::z" is not valid',
    ],
    ['a name with a slash', 'metadata:\n  name: a/b\n', 'metadata.name "a/b" is not valid'],
    ['a name of ".."', 'metadata:\n  name: ".."\n', 'metadata.name ".." is not valid'],
    [
      'a namespace with a line break',
      'metadata:\n  name: x\n  namespace: "a\\nb"\n',
      'metadata.namespace "a\\nb" is not valid',
    ],
    [
      'an upper-case namespace',
      'metadata:\n  name: x\n  namespace: Prod\n',
      'metadata.namespace "Prod" is not valid',
    ],
  ])('refuses %s', (_what, metadata, message) => {
    expect(renderError(`${configMap('a')}---\napiVersion: v1\nkind: ConfigMap\n${metadata}`)).toBe(
      `app.yaml:6: ${message}; expected ${metadata.includes('namespace') ? 'a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters)' : 'a name of at most 253 characters without "/", "%", spaces or control characters'}.`,
    );
  });

  it('refuses a built-in kind whose name is not a DNS-1123 subdomain, and lets RBAC names through', () => {
    expect(renderError('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "x;$(id)"}\n')).toBe(
      'app.yaml:1: metadata.name "x;$(id)" is not valid; expected a DNS-1123 subdomain for a ConfigMap (lower-case letters, digits, "-" and ".", starting and ending with a letter or digit).',
    );
    const role =
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: "system:deployers"}\n';
    expect(renderManifests([{ name: 'r.yaml', text: role }]).objects[0]?.name).toBe('system:deployers');
  });

  it('refuses a kind or apiVersion with characters no API server knows', () => {
    expect(renderError('apiVersion: v1\nkind: "Config\\nMap"\nmetadata: {name: x}\n')).toMatch(
      /^app\.yaml:1: kind "Config\\nMap" is not valid; expected a kind such as ConfigMap/,
    );
    expect(renderError('apiVersion: "v1; id"\nkind: ConfigMap\nmetadata: {name: x}\n')).toMatch(
      /^app\.yaml:1: apiVersion "v1; id" is not valid; expected a version such as v1 or apps\/v1\.$/,
    );
  });

  it('refuses a container image that is not an image reference, at its document', () => {
    expect(renderError(`${configMap('a')}---\n${deployment('web', 'web:1$(id)')}`)).toMatch(
      /^app\.yaml:6: Deployment web: the image "web:1\$\(id\)" of containers\[0\] is not an image reference; expected /,
    );
  });

  it('refuses a document larger than an object can be, before parsing it', () => {
    const huge = `${configMap('big')}data:\n  blob: ${'x'.repeat(2 * 1024 * 1024)}\n`;
    expect(renderError(`${configMap('a')}---\n${huge}`)).toBe(
      'app.yaml:6: the document is 2.0 MiB, more than the 1.5 MiB a Kubernetes object can hold; expected a smaller object (large data belongs in a volume or an image, not in a manifest).',
    );
  });

  it('refuses an object that aliases make larger than an object can be', () => {
    const value = 'y'.repeat(200 * 1024);
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  a: &v ${value}\n${Array.from({ length: 9 }, (_, i) => `  k${i}: *v\n`).join('')}`;
    expect(renderError(text)).toMatch(/^app\.yaml:1: the document is 2\.\d MiB, more than the 1\.5 MiB/);
  });
});
