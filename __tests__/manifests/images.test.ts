import { describe, expect, it } from '@jest/globals';
import { imageReplacements } from '../../src/manifests/images.js';
import { deployment, images, render, renderError } from './helpers.js';

const SHA = `sha256:${'b2'.repeat(32)}`;
const NEW = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:4f2c1e9@${SHA}`;

describe('image replacement', () => {
  it('replaces the whole reference of a container whose repository path equals the name', () => {
    const { objects, result } = render(deployment('api', 'registry.local:5000/api:old'), {
      images: images({ api: NEW }),
    });
    expect(objects[0]?.spec.template.spec.containers[0].image).toBe(NEW);
    expect(result.imageChanges).toEqual([
      { workload: 'Deployment/api', container: 'main', from: 'registry.local:5000/api:old', to: NEW },
    ]);
  });

  it.each([
    ['a registry with a port and a tag', 'host:5000/api:v1'],
    ['a digest only', `ecr.example.com/api@${SHA}`],
    ['a tag and a digest', `ecr.example.com/api:v1@${SHA}`],
    ['no registry and no tag', 'api'],
    ['localhost', 'localhost/api:dev'],
  ])('matches a container image with %s', (_, image) => {
    const { objects } = render(deployment('api', image), { images: images({ api: NEW }) });
    expect(objects[0]?.spec.template.spec.containers[0].image).toBe(NEW);
  });

  it('matches multi-component repository paths exactly, not by suffix or prefix', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers:
    - { name: a, image: "ecr.example.com/team/api:1" }
    - { name: b, image: "ecr.example.com/api:1" }
    - { name: c, image: "ecr.example.com/team/api-worker:1" }
`;
    const { objects } = render(text, { images: images({ 'team/api': 'r.io/team/api:2' }) });
    expect(objects[0]?.spec.containers.map((c: { image: string }) => c.image)).toEqual([
      'r.io/team/api:2',
      'ecr.example.com/api:1',
      'ecr.example.com/team/api-worker:1',
    ]);
  });

  it('replaces images in init and ephemeral containers too', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  initContainers: [{ name: migrate, image: "api:old" }]
  containers: [{ name: web, image: "nginx:1" }]
  ephemeralContainers: [{ name: debug, image: "api:old" }]
`;
    const { objects } = render(text, { images: images({ api: 'api:new' }) });
    expect(objects[0]?.spec.initContainers[0].image).toBe('api:new');
    expect(objects[0]?.spec.ephemeralContainers[0].image).toBe('api:new');
    expect(objects[0]?.spec.containers[0].image).toBe('nginx:1');
  });

  it.each([
    [
      'Deployment',
      'apps/v1',
      'spec:\n  template:\n    spec:\n      containers: [{ name: c, image: "api:old" }]',
      ['spec', 'template', 'spec'],
    ],
    [
      'StatefulSet',
      'apps/v1',
      'spec:\n  template:\n    spec:\n      containers: [{ name: c, image: "api:old" }]',
      ['spec', 'template', 'spec'],
    ],
    [
      'DaemonSet',
      'apps/v1',
      'spec:\n  template:\n    spec:\n      containers: [{ name: c, image: "api:old" }]',
      ['spec', 'template', 'spec'],
    ],
    [
      'ReplicaSet',
      'apps/v1',
      'spec:\n  template:\n    spec:\n      containers: [{ name: c, image: "api:old" }]',
      ['spec', 'template', 'spec'],
    ],
    [
      'Job',
      'batch/v1',
      'spec:\n  template:\n    spec:\n      containers: [{ name: c, image: "api:old" }]',
      ['spec', 'template', 'spec'],
    ],
    [
      'CronJob',
      'batch/v1',
      'spec:\n  schedule: "@hourly"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{ name: c, image: "api:old" }]',
      ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
    ],
    [
      'Rollout',
      'argoproj.io/v1alpha1',
      'spec:\n  template:\n    spec:\n      containers: [{ name: c, image: "api:old" }]',
      ['spec', 'template', 'spec'],
    ],
    [
      'ScaledJob',
      'keda.sh/v1alpha1',
      'spec:\n  jobTargetRef:\n    template:\n      spec:\n        containers: [{ name: c, image: "api:old" }]',
      ['spec', 'jobTargetRef', 'template', 'spec'],
    ],
  ])('finds the pod template of a %s', (kind, apiVersion, spec, path) => {
    const text = `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: { name: w }\n${spec}\n`;
    const { objects } = render(text, { images: images({ api: 'api:new' }) });
    // biome-ignore lint/suspicious/noExplicitAny: walks an arbitrary object along the path
    const podSpec = path.reduce((value: any, key) => value[key], objects[0]);
    expect(podSpec.containers[0].image).toBe('api:new');
  });

  it('leaves containers of kinds without pod templates alone, however they look', () => {
    const text = `apiVersion: example.com/v1
kind: Widget
metadata: { name: w }
spec:
  template:
    spec:
      containers: [{ name: c, image: "api:old" }]
---
${deployment('api', 'api:old')}`;
    const { objects } = render(text, { images: images({ api: 'api:new' }) });
    const widget = objects.find((object) => object.kind === 'Widget');
    expect(widget?.spec.template.spec.containers[0].image).toBe('api:old');
  });

  it('fails naming the image when it matches no container anywhere', () => {
    const message = renderError(deployment('api', 'api:old'), {
      images: images({ api: 'api:new', wroker: 'wroker:new' }),
    });
    expect(message).toMatch(/^Image wroker matches no container in the manifests/);
  });

  it('lists the image names the manifests do have when one matches none, so a typo shows at once', () => {
    const message = renderError(
      `${deployment('api', 'registry.io/team/api:old')}---\n${deployment('web', 'nginx:1.27')}`,
      {
        images: images({ 'team/apy': 'team/apy:new' }),
      },
    );
    expect(message).toMatch(/\(the manifests' images: nginx, team\/api\)\.$/);
  });

  it('keeps the quoting style and trailing comment of the replaced image', () => {
    const text = deployment('api', '"api:old" # the application');
    const { result } = render(text, { images: images({ api: 'api:new' }) });
    expect(result.yaml).toContain('image: "api:new" # the application');
  });
});

describe('imageReplacements', () => {
  it('accepts repository paths and well-formed references', () => {
    expect(imageReplacements([['team/api', NEW]])).toEqual(new Map([['team/api', NEW]]));
  });

  it.each([
    [['api:v1', 'r.io/api:v1'], /Invalid image name "api:v1"; expected a repository path/],
    [['api', 'r.io/API:v1'], /Invalid image reference "r.io\/API:v1" for api; expected \[registry\/\]path/],
    [['api', 'r.io/api:v1@sha256:123'], /Invalid image reference/],
  ] as const)('rejects %j with a sentence saying what was expected', (pair, message) => {
    expect(() => imageReplacements([pair])).toThrow(message);
  });

  it('rejects the same name given twice', () => {
    expect(() =>
      imageReplacements([
        ['api', 'api:1'],
        ['api', 'api:2'],
      ]),
    ).toThrow('Image api is given twice; expected each image name once.');
  });
});
