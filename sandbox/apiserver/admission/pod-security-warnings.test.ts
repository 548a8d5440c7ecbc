/**
 * Pod Security admission as the real kubectl sees it: `warn` warnings for pods and workloads,
 * on writes and dry runs; `enforce` refusing pods only; the `audit` level's annotation.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEntry } from '../audit.js';
import { startTestCluster, type TestCluster } from '../test-support.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
  const namespaces: Record<string, Record<string, string>> = {
    enforcing: { 'pod-security.kubernetes.io/enforce': 'restricted' },
    warning: {
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.32',
    },
    auditing: { 'pod-security.kubernetes.io/audit': 'baseline' },
    both: {
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    },
  };
  const docs = Object.entries(namespaces).flatMap(([name, labels]) => [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } },
  ]);
  await cluster.kubectl(
    ['apply', '--server-side', '-f', '-'],
    docs.map((doc) => `# ${doc.kind}\n${JSON.stringify(doc)}`).join('\n---\n'),
  );
});
afterAll(async () => {
  await cluster?.stop();
});

const VIOLATIONS =
  'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ' +
  'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), ' +
  'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ' +
  'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

function deployment(namespace: string, name = 'web'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: app, image: "app:1"}]
`;
}

function cronJob(namespace: string): string {
  return `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: ${namespace}}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: app, image: "app:1"}]
`;
}

function pod(namespace: string, name: string): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  containers: [{name: app, image: "app:1"}]
`;
}

/** The latest audit entry for a path (the server writes it when the response closes). */
async function auditEntry(path: string): Promise<AuditEntry | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const entry = readFileSync(cluster.auditLogPath, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AuditEntry)
      .filter((e) => e.path === path && e.method === 'PATCH')
      .at(-1);
    if (entry) return entry;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

const apply = (yaml: string, ...flags: string[]) =>
  cluster.kubectlResult(['apply', '--server-side', ...flags, '-f', '-'], yaml);

describe('Pod Security admission warnings and refusals', () => {
  it('accepts a violating Deployment in a namespace that only enforces, without a warning (enforce is checked on pods)', async () => {
    const result = await apply(deployment('enforcing'));
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('warns for a violating Deployment in a namespace that warns, with the level, version and every violation', async () => {
    const result = await apply(deployment('warning'));
    expect(result.code).toBe(0);
    expect(result.stderr.trim()).toBe(`Warning: would violate PodSecurity "restricted:v1.32": ${VIOLATIONS}`);
  });

  it('warns on a server-side dry run too, and on an update of the workload', async () => {
    const dry = await apply(deployment('warning', 'dry'), '--dry-run=server');
    expect(dry.stderr).toContain('Warning: would violate PodSecurity "restricted:v1.32"');
    const again = await apply(deployment('warning'));
    expect(again.stderr).toContain('Warning: would violate PodSecurity "restricted:v1.32"');
  });

  it("checks a CronJob's job template", async () => {
    const result = await apply(cronJob('warning'));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`would violate PodSecurity "restricted:v1.32": ${VIOLATIONS}`);
  });

  it('refuses a violating pod in an enforcing namespace with the real message, also in a dry run', async () => {
    for (const flags of [[], ['--dry-run=server']]) {
      const result = await apply(pod('enforcing', 'bare'), ...flags);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(
        `pods "bare" is forbidden: violates PodSecurity "restricted:latest": ${VIOLATIONS}`,
      );
    }
  });

  it('does not add a warning to a pod it refuses, and warns for a pod it admits', async () => {
    const refused = await apply(pod('both', 'bare'));
    expect(refused.stderr).not.toContain('would violate');
    const warned = await apply(pod('warning', 'bare'));
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain(`Warning: would violate PodSecurity "restricted:v1.32": ${VIOLATIONS}`);
  });

  it("records the audit level's violations in the audit log, not as a warning", async () => {
    const result = await apply(
      deployment('auditing').replace(
        'image: "app:1"}',
        'image: "app:1", securityContext: {privileged: true}}',
      ),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const entry = await auditEntry('/apis/apps/v1/namespaces/auditing/deployments/web');
    expect(entry?.annotations).toEqual({
      'pod-security.kubernetes.io/audit-violations':
        'would violate PodSecurity "baseline:latest": privileged (container "app" must not set securityContext.privileged=true)',
    });
  });
});
