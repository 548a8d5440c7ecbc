import { describe, expect, it } from '@jest/globals';
import { CONFIG_HASH_ANNOTATION } from '../../src/manifests/config-hash.js';
import { resetSerializeCounts, serializeCounts } from '../../src/manifests/serialize.js';
import { render } from './helpers.js';

const configMap = (name: string, data: string, namespace = '') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
${namespace ? `  namespace: ${namespace}\n` : ''}data:
${data}
`;

const secret = (name: string, data: string) => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
stringData:
${data}
`;

const workload = (kind: string, name: string, podSpec: string, metadata = '') => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
${metadata}spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
${podSpec}
`;

const envFrom = `      containers:
        - name: app
          image: app:1
          envFrom:
            - configMapRef:
                name: settings
`;

const docs = (...parts: string[]) => parts.join('---\n');
// biome-ignore lint/suspicious/noExplicitAny: rendered Kubernetes objects
const hashOf = (objects: Record<string, any>[], name: string): string | undefined =>
  objects.find((o) => o.metadata.name === name && o.spec?.template)?.spec.template.metadata.annotations?.[
    CONFIG_HASH_ANNOTATION
  ];

describe('config hash in the pod template', () => {
  it('stamps a sha256 of the ConfigMap a Deployment reads through envFrom, the same on every render', () => {
    const text = docs(configMap('settings', '  LEVEL: debug'), workload('Deployment', 'api', envFrom));
    const first = hashOf(render(text).objects, 'api');
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hashOf(render(text).objects, 'api')).toBe(first);
  });

  it('changes the hash when a value read changes, and only then', () => {
    const pod = `      containers:
        - name: app
          image: app:1
          env:
            - name: LEVEL
              valueFrom:
                configMapKeyRef: { name: settings, key: LEVEL }
`;
    const with_ = (data: string) =>
      hashOf(render(docs(configMap('settings', data), workload('Deployment', 'api', pod))).objects, 'api');
    const base = with_('  LEVEL: debug\n  OTHER: a');
    expect(with_('  LEVEL: info\n  OTHER: a')).not.toBe(base);
    expect(with_('  LEVEL: debug\n  OTHER: b')).toBe(base);
  });

  it('hashes Secrets without their values appearing anywhere in the output', () => {
    const pod = `      containers:
        - name: app
          image: app:1
      volumes:
        - name: creds
          secret:
            secretName: db
`;
    const { result, objects } = render(
      docs(secret('db', '  password: hunter2-very-secret'), workload('StatefulSet', 'db', pod)),
    );
    expect(hashOf(objects, 'db')).toMatch(/^sha256:/);
    expect(result.objects.find((o) => o.kind === 'StatefulSet')?.yaml).not.toContain('hunter2');
  });

  it('follows projected volumes and volume items, DaemonSets included', () => {
    const pod = `      containers:
        - name: app
          image: app:1
      volumes:
        - name: all
          projected:
            sources:
              - configMap:
                  name: settings
                  items:
                    - key: A
                      path: a
`;
    const with_ = (data: string) =>
      hashOf(render(docs(configMap('settings', data), workload('DaemonSet', 'agent', pod))).objects, 'agent');
    const base = with_('  A: "1"\n  B: "1"');
    expect(base).toMatch(/^sha256:/);
    expect(with_('  A: "2"\n  B: "1"')).not.toBe(base);
    expect(with_('  A: "1"\n  B: "2"')).toBe(base);
  });

  it('leaves alone workloads that read nothing of the set, another namespace, or opt out', () => {
    const optOut = `  annotations:\n    k8s-deploy-action/restart-on-config-change: "false"\n`;
    const { objects } = render(
      docs(
        configMap('settings', '  LEVEL: debug', 'other'),
        configMap('unrelated', '  X: y'),
        workload('Deployment', 'elsewhere', envFrom),
        workload('Deployment', 'reloader', envFrom.replace('settings', 'unrelated'), optOut),
      ),
    );
    expect(hashOf(objects, 'elsewhere')).toBeUndefined();
    expect(hashOf(objects, 'reloader')).toBeUndefined();
  });

  it('leaves a Job alone: its pod template is immutable', () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Never
${envFrom}`;
    const { objects } = render(docs(configMap('settings', '  LEVEL: debug'), job));
    expect(objects[1].spec.template.metadata).toBeUndefined();
  });

  it('keeps the rest of the document byte for byte (the line editor, not the Document API)', () => {
    const deployment = workload('Deployment', 'api', envFrom);
    resetSerializeCounts();
    const { result } = render(docs(configMap('settings', '  LEVEL: debug'), deployment));
    expect(serializeCounts()).toMatchObject({ textEdited: 1, documentApi: 0 });
    const rendered = result.objects.find((o) => o.kind === 'Deployment')?.yaml ?? '';
    const withoutHash = rendered
      .split('\n')
      .filter((line) => !line.includes(CONFIG_HASH_ANNOTATION) && line.trim() !== 'annotations:')
      .join('\n');
    expect(withoutHash.trimEnd()).toBe(deployment.trimEnd());
  });

  it('stamps a pod template whose metadata is written flow-style (through the Document API, read back)', () => {
    const flow = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } } # flow style: not for the line editor
    spec:
      containers:
        - name: app
          image: app:1
          envFrom: [{ configMapRef: { name: settings } }]
`;
    const { objects } = render(docs(configMap('settings', '  LEVEL: debug'), flow));
    const deployment = objects.find((o) => o.kind === 'Deployment');
    expect(deployment?.spec.template.metadata.labels).toEqual({ app: 'api' });
    expect(deployment?.spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION]).toMatch(/^sha256:/);
  });
});
