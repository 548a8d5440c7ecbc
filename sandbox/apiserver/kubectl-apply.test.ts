/** Real kubectl against the simulated API server: discovery and server-side apply. */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../kube/contract.js';
import type { AuditEntry } from './audit.js';
import { startTestCluster, type TestCluster } from './test-support.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster.stop();
});

function deploymentYaml(
  name: string,
  opts: { replicas?: number; image?: string; env?: string[]; extra?: string } = {},
) {
  const lines = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    `  labels: {app: ${name}}`,
    'spec:',
    ...(opts.replicas === undefined ? [] : [`  replicas: ${opts.replicas}`]),
    `  selector: {matchLabels: {app: ${name}}}`,
    ...(opts.extra ? [opts.extra] : []),
    '  template:',
    `    metadata: {labels: {app: ${name}}}`,
    '    spec:',
    '      containers:',
    '      - name: app',
    `        image: ${opts.image ?? 'registry.local/app:1'}`,
    '        ports: [{containerPort: 8080}]',
  ];
  if (opts.env && opts.env.length > 0) {
    lines.push('        env:', ...opts.env.map((e) => `        - {name: ${e}, value: "x"}`));
  }
  return `${lines.join('\n')}\n`;
}

function file(name: string, text: string): string {
  const path = join(cluster.dir, name);
  writeFileSync(path, text);
  return path;
}

async function getJson(args: string[]): Promise<KubeObject> {
  return JSON.parse(await cluster.kubectl(['get', ...args, '-o', 'json'])) as KubeObject;
}

async function audit(since = 0): Promise<AuditEntry[]> {
  const res = await fetch(`${cluster.api.adminUrl}/audit?since=${since}`);
  return (await res.json()) as AuditEntry[];
}

function spec(object: KubeObject): Record<string, unknown> {
  return object.spec as Record<string, unknown>;
}

function containers(object: KubeObject): Array<Record<string, unknown>> {
  const template = spec(object).template as { spec: { containers: Array<Record<string, unknown>> } };
  return template.spec.containers;
}

describe('kubectl discovery', () => {
  it('reports the server version', async () => {
    expect(await cluster.kubectl(['version'])).toMatch(/Server Version: v1\.32/);
  });

  it('lists the served resources, KEDA ScaledObject included', async () => {
    const out = await cluster.kubectl(['api-resources']);
    expect(out).toMatch(/deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
    expect(out).toMatch(/scaledobjects\s+so\s+keda\.sh\/v1alpha1\s+true\s+ScaledObject/);
    expect(out).toMatch(/horizontalpodautoscalers\s+hpa\s+autoscaling\/v2/);
  });
});

describe('kubectl apply --server-side', () => {
  it('creates the object, records kubectl as its Apply manager and sets generation 1', async () => {
    await cluster.kubectl([
      'apply',
      '--server-side',
      '-f',
      file('a.yaml', deploymentYaml('alpha', { replicas: 2 })),
    ]);
    const live = await getJson(['deployment', 'alpha', '--show-managed-fields']);
    expect(live.metadata.generation).toBe(1);
    const managed = live.metadata.managedFields as Array<Record<string, unknown>>;
    expect(managed).toHaveLength(1);
    expect(managed[0]).toMatchObject({ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1' });
    const fields = JSON.stringify(managed[0].fieldsV1);
    expect(fields).toContain('"k:{\\"name\\":\\"app\\"}"');
    expect(fields).toContain('"k:{\\"containerPort\\":8080,\\"protocol\\":\\"TCP\\"}"');
  });

  it('changes nothing and mutates nothing with --dry-run=server', async () => {
    await cluster.kubectl([
      'apply',
      '--server-side',
      '-f',
      file('b.yaml', deploymentYaml('bravo', { replicas: 1 })),
    ]);
    const before = await getJson(['deployment', 'bravo']);
    const seq = (await audit()).at(-1)?.seq ?? 0;
    const out = await cluster.kubectl([
      'apply',
      '--server-side',
      '--dry-run=server',
      '-f',
      file('b2.yaml', deploymentYaml('bravo', { replicas: 4, image: 'registry.local/app:2' })),
    ]);
    expect(out).toContain('(server dry run)');
    const after = await getJson(['deployment', 'bravo']);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(spec(after).replicas).toBe(1);
    const entries = await audit(seq);
    expect(entries.some((e) => e.method === 'PATCH' && e.dryRun)).toBe(true);
    expect(entries.filter((e) => e.mutating)).toEqual([]);
  });

  it('shows what would change with kubectl diff --server-side, without changing it', async () => {
    await cluster.kubectl([
      'apply',
      '--server-side',
      '-f',
      file('c.yaml', deploymentYaml('charlie', { replicas: 1 })),
    ]);
    const result = await cluster.kubectlResult([
      'diff',
      '--server-side',
      '-f',
      file('c2.yaml', deploymentYaml('charlie', { replicas: 1, image: 'registry.local/app:2' })),
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^-\s+- image: registry\.local\/app:1$/m);
    expect(result.stdout).toMatch(/^\+\s+- image: registry\.local\/app:2$/m);
    expect(result.stdout).not.toContain('resourceVersion');
    expect(containers(await getJson(['deployment', 'charlie']))[0].image).toBe('registry.local/app:1');
  });

  it('leaves the object untouched when the same manifest is applied again', async () => {
    const path = file('n.yaml', deploymentYaml('november', { replicas: 1 }));
    await cluster.kubectl(['apply', '--server-side', '-f', path]);
    const before = await getJson(['deployment', 'november']);
    // managedFields times have one-second resolution: make sure a new one would differ.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await cluster.kubectl(['apply', '--server-side', '-f', path]);
    const after = await getJson(['deployment', 'november']);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    const patches = (await audit()).filter((e) => e.method === 'PATCH' && e.path.endsWith('/november'));
    expect(patches.map((e) => e.changed)).toEqual([true, false]);
  });

  it('bumps generation on a spec change and not on a label change', async () => {
    await cluster.kubectl(['apply', '--server-side', '-f', file('d.yaml', deploymentYaml('delta'))]);
    await cluster.kubectl(['label', 'deployment', 'delta', 'team=web']);
    expect((await getJson(['deployment', 'delta'])).metadata.generation).toBe(1);
    await cluster.kubectl([
      'apply',
      '--server-side',
      '-f',
      file('d2.yaml', deploymentYaml('delta', { image: 'x:2' })),
    ]);
    expect((await getJson(['deployment', 'delta'])).metadata.generation).toBe(2);
  });

  it('removes a field its only applier stopped sending and keeps list items by key', async () => {
    await cluster.kubectl([
      'apply',
      '--server-side',
      '-f',
      file('e.yaml', deploymentYaml('echo', { env: ['A', 'B'] })),
    ]);
    await cluster.kubectl([
      'apply',
      '--server-side',
      '-f',
      file('e2.yaml', deploymentYaml('echo', { env: ['B'] })),
    ]);
    const env = containers(await getJson(['deployment', 'echo']))[0].env as Array<{ name: string }>;
    expect(env.map((e) => e.name)).toEqual(['B']);
  });

  it('keeps replicas set by kubectl scale when the applier never managed them', async () => {
    await cluster.kubectl(['apply', '--server-side', '-f', file('f.yaml', deploymentYaml('foxtrot'))]);
    await cluster.kubectl(['scale', 'deployment', 'foxtrot', '--replicas=4']);
    await cluster.kubectl([
      'apply',
      '--server-side',
      '-f',
      file('f2.yaml', deploymentYaml('foxtrot', { image: 'x:2' })),
    ]);
    const live = await getJson(['deployment', 'foxtrot']);
    expect(spec(live).replicas).toBe(4);
    expect(containers(live)[0].image).toBe('x:2');
  });

  it('reports a conflict with another manager as the real server does, and --force-conflicts takes the field', async () => {
    await cluster.kubectl([
      'apply',
      '--server-side',
      '-f',
      file('g.yaml', deploymentYaml('golf', { replicas: 2 })),
    ]);
    const other = file('g2.yaml', deploymentYaml('golf', { replicas: 5 }));
    const refused = await cluster.kubectlResult([
      'apply',
      '--server-side',
      '--field-manager=ops',
      '-f',
      other,
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    expect(spec(await getJson(['deployment', 'golf'])).replicas).toBe(2);

    await cluster.kubectl([
      'apply',
      '--server-side',
      '--field-manager=ops',
      '--force-conflicts',
      '-f',
      other,
    ]);
    const live = await getJson(['deployment', 'golf', '--show-managed-fields']);
    expect(spec(live).replicas).toBe(5);
    const managed = live.metadata.managedFields as Array<{ manager: string; fieldsV1: unknown }>;
    const kubectlFields = JSON.stringify(managed.find((m) => m.manager === 'kubectl')?.fieldsV1);
    expect(kubectlFields).not.toContain('f:replicas');
    expect(JSON.stringify(managed.find((m) => m.manager === 'ops')?.fieldsV1)).toContain('f:replicas');
  });

  it('hands replicas over to an HPA as the SSA docs describe, without resetting them', async () => {
    // https://kubernetes.io/docs/reference/using-api/server-side-apply/#transferring-ownership
    await cluster.kubectl([
      'apply',
      '--server-side',
      '-f',
      file('h.yaml', deploymentYaml('hotel', { replicas: 3 })),
    ]);
    const handover =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hotel\nspec:\n  replicas: 3\n';
    await cluster.kubectl([
      'apply',
      '--server-side',
      '--field-manager=handover-to-hpa',
      '--validate=false',
      '-f',
      file('h2.yaml', handover),
    ]);
    await cluster.kubectl(['apply', '--server-side', '-f', file('h3.yaml', deploymentYaml('hotel'))]);
    const live = await getJson(['deployment', 'hotel', '--show-managed-fields']);
    expect(spec(live).replicas).toBe(3);
    const managed = live.metadata.managedFields as Array<{ manager: string; fieldsV1: unknown }>;
    expect(JSON.stringify(managed.find((m) => m.manager === 'kubectl')?.fieldsV1)).not.toContain(
      'f:replicas',
    );
    expect(JSON.stringify(managed.find((m) => m.manager === 'handover-to-hpa')?.fieldsV1)).toContain(
      'f:replicas',
    );
    // The HPA (an Update through the scale subresource) now changes replicas without conflicts.
    await cluster.kubectl(['scale', 'deployment', 'hotel', '--replicas=7']);
    await cluster.kubectl([
      'apply',
      '--server-side',
      '-f',
      file('h4.yaml', deploymentYaml('hotel', { image: 'x:3' })),
    ]);
    expect(spec(await getJson(['deployment', 'hotel'])).replicas).toBe(7);
  });

  it('also serves client-side apply (create, then a strategic merge patch)', async () => {
    await cluster.kubectl(['apply', '-f', file('k.yaml', deploymentYaml('kilo', { replicas: 1 }))]);
    await cluster.kubectl([
      'apply',
      '-f',
      file('k2.yaml', deploymentYaml('kilo', { replicas: 2, image: 'x:9' })),
    ]);
    const live = await getJson(['deployment', 'kilo']);
    expect(spec(live).replicas).toBe(2);
    expect(containers(live)[0].image).toBe('x:9');
    const all = await cluster.kubectl(['get', 'deployments', '-A', '--show-labels']);
    expect(all).toMatch(/default\s+kilo\s+.*app=kilo/);
  });

  it('upgrades an object from client-side to server-side apply without a conflict, as kubectl expects', async () => {
    await cluster.kubectl(['apply', '-f', file('l.yaml', deploymentYaml('lima', { replicas: 1 }))]);
    await cluster.kubectl([
      'apply',
      '--server-side',
      '-f',
      file('l2.yaml', deploymentYaml('lima', { replicas: 1, image: 'x:2' })),
    ]);
    const live = await getJson(['deployment', 'lima', '--show-managed-fields']);
    expect(containers(live)[0].image).toBe('x:2');
    const managers = (live.metadata.managedFields as Array<{ manager: string; operation: string }>).map(
      (m) => m.manager,
    );
    expect(managers).toContain('kubectl');
    expect(managers).not.toContain('kubectl-client-side-apply');
  });

  it('rejects an unknown field with the strict validation kubectl asks for', async () => {
    const bad = deploymentYaml('india', { extra: '  replicaz: 3' });
    const result = await cluster.kubectlResult(['apply', '--server-side', '-f', file('i.yaml', bad)]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('.spec.replicaz: field not declared in schema');
    expect((await cluster.kubectlResult(['get', 'deployment', 'india'])).stderr).toContain('not found');
  });

  it('names an unknown container field by the container, as apply errors do', async () => {
    const bad = deploymentYaml('oscar').replace(
      '        ports:',
      '        imagePullPolicyy: Always\n        ports:',
    );
    const result = await cluster.kubectlResult(['apply', '--server-side', '-f', file('o.yaml', bad)]);
    expect(result.stderr).toContain(
      '.spec.template.spec.containers[name="app"].imagePullPolicyy: field not declared in schema',
    );
  });

  it('rejects an unknown field in a client-side apply with a strict decoding error', async () => {
    const bad = deploymentYaml('papa', { extra: '  replicaz: 3' });
    const result = await cluster.kubectlResult(['apply', '-f', file('p.yaml', bad)]);
    expect(result.stderr).toContain('strict decoding error: unknown field "spec.replicaz"');
  });

  it("refuses to change a Job's pod template, as a real server does", async () => {
    const job = (image: string) =>
      `apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: "${image}"}]\n`;
    await cluster.kubectl(['apply', '--server-side', '-f', file('q.yaml', job('app:1'))]);
    expect(
      (await cluster.kubectlResult(['apply', '--server-side', '-f', file('q.yaml', job('app:1'))])).code,
    ).toBe(0);
    const changed = await cluster.kubectlResult([
      'apply',
      '--server-side',
      '-f',
      file('q2.yaml', job('app:2')),
    ]);
    expect(changed.stderr).toContain('The Job "migrate" is invalid: spec.template: Invalid value');
    expect(changed.stderr).toContain('field is immutable');
  });

  it("refuses to change a Deployment's selector", async () => {
    await cluster.kubectl(['apply', '--server-side', '-f', file('r.yaml', deploymentYaml('romeo'))]);
    const moved = deploymentYaml('romeo').replace(
      'selector: {matchLabels: {app: romeo}}',
      'selector: {matchLabels: {app: romeo, v: "2"}}',
    );
    const result = await cluster.kubectlResult(['apply', '--server-side', '-f', file('r2.yaml', moved)]);
    expect(result.stderr).toContain('The Deployment "romeo" is invalid: spec.selector: Invalid value');
  });

  it('rejects a wrongly typed key field as Invalid', async () => {
    const bad = deploymentYaml('juliet').replace('  selector:', '  replicas: "three"\n  selector:');
    const result = await cluster.kubectlResult(['apply', '--server-side', '-f', file('j.yaml', bad)]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('spec.replicas: Invalid value');
  });

  it('applies a KEDA ScaledObject', async () => {
    const so = [
      'apiVersion: keda.sh/v1alpha1',
      'kind: ScaledObject',
      'metadata: {name: worker}',
      'spec:',
      '  scaleTargetRef: {name: worker}',
      '  triggers: [{type: cpu, metricType: Utilization, metadata: {value: "60"}}]',
      '',
    ].join('\n');
    expect(await cluster.kubectl(['apply', '--server-side', '-f', file('so.yaml', so)])).toContain(
      'scaledobject.keda.sh/worker serverside-applied',
    );
    expect(await cluster.kubectl(['get', 'so', 'worker', '-o', 'jsonpath={.spec.scaleTargetRef.name}'])).toBe(
      'worker',
    );
  });

  it('serves the kind of a CustomResourceDefinition applied at run time', async () => {
    const crd = [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata: {name: widgets.example.com}',
      'spec:',
      '  group: example.com',
      '  scope: Namespaced',
      '  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}',
      '  versions:',
      '  - name: v1',
      '    served: true',
      '    storage: true',
      '    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}',
      '',
    ].join('\n');
    await cluster.kubectl(['apply', '--server-side', '-f', file('crd.yaml', crd)]);
    const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3}\n';
    expect(await cluster.kubectl(['apply', '--server-side', '-f', file('w.yaml', widget)])).toContain(
      'widget.example.com/w1 serverside-applied',
    );
    expect(await cluster.kubectl(['get', 'wd', 'w1', '-o', 'jsonpath={.spec.size}'])).toBe('3');
  });
});
