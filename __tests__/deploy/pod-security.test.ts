import { describe, expect, it } from '@jest/globals';
import { auditMark, deployYaml, kubectlRun, mutationsAfter, useSandbox } from './support.js';

const ctx = useSandbox('pod-security/app');

const HARDENED = `
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
            runAsNonRoot: true
            runAsUser: 1000
            seccompProfile: {type: RuntimeDefault}`;

/** A Namespace (with labels) and a Deployment `web` whose container `web` is hardened or not. */
function manifests(
  namespace: string,
  labels: Record<string, string>,
  options: { hardened: boolean },
): string {
  const labelLines = Object.entries(labels)
    .map(([key, value]) => `\n    ${key}: ${value}`)
    .join('');
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
  labels:${labelLines || ' {}'}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ${namespace}}
data: {value: one}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ${ctx.image}${options.hardened ? HARDENED : ''}
`;
}

/** The 1-based line of the Deployment's document in the manifests. */
function deploymentLine(yaml: string): number {
  return yaml.split('\n').indexOf('apiVersion: apps/v1') + 1;
}

/** Creates the namespace with its labels, as a platform team would, before the deploy. */
async function existingNamespace(namespace: string, labels: Record<string, string>): Promise<void> {
  await kubectlRun(ctx.sandbox, ['create', 'namespace', namespace]);
  await kubectlRun(ctx.sandbox, [
    'label',
    'namespace',
    namespace,
    ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
  ]);
}

const RESTRICTED_VIOLATIONS =
  'allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false), ' +
  'unrestricted capabilities (container "web" must set securityContext.capabilities.drop=["ALL"]), ' +
  'runAsNonRoot != true (pod or container "web" must set securityContext.runAsNonRoot=true), ' +
  'seccompProfile (pod or container "web" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

describe('Pod Security in the plan', () => {
  it('fails the plan of a Deployment that breaks the restricted level its namespace enforces, at its line, before any write', async () => {
    const ns = 'psa-enforced';
    const labels = { 'pod-security.kubernetes.io/enforce': 'restricted' };
    await existingNamespace(ns, labels);
    const yaml = manifests(ns, labels, { hardened: false });
    const mark = await auditMark(ctx.sandbox);
    const run = await deployYaml(ctx.sandbox, yaml, { releaseName: 'web' });

    expect(run.outcome.result).toBe('failed');
    expect(run.outcome.nothingChanged).toBe(true);
    expect(run.outcome.verdict).toContain(
      `test.yaml:${deploymentLine(yaml)}: Deployment ${ns}/web would have every pod refused: namespace ${ns} enforces Pod Security "restricted:latest", which its pod template breaks: ${RESTRICTED_VIOLATIONS}; expected a pod template that meets the restricted level (https://kubernetes.io/docs/concepts/security/pod-security-standards/), or a namespace that enforces a lower one. Nothing was changed in the cluster.`,
    );
    expect(run.outcome.failedAt).toEqual({ source: 'test.yaml', line: deploymentLine(yaml) });
    expect(await mutationsAfter(ctx.sandbox, mark)).toEqual([]);
    await expect(kubectlRun(ctx.sandbox, ['get', 'configmap/settings', '-n', ns])).rejects.toThrow(
      /not found/,
    );
  }, 90_000);

  it('fails a set that creates its namespace with an enforce label before any workload or configuration is applied', async () => {
    const ns = 'psa-new-namespace';
    const yaml = manifests(ns, { 'pod-security.kubernetes.io/enforce': 'restricted' }, { hardened: false });
    const mark = await auditMark(ctx.sandbox);
    const run = await deployYaml(ctx.sandbox, yaml, { releaseName: 'web' });

    expect(run.outcome.result).toBe('failed');
    expect(run.outcome.verdict).toContain(
      `test.yaml:${deploymentLine(yaml)}: Deployment ${ns}/web would have every pod refused: namespace ${ns} enforces Pod Security "restricted:latest"`,
    );
    expect(run.outcome.verdict).not.toMatch(/nothing was changed/i);
    expect(run.outcome.failedAt).toEqual({ source: 'test.yaml', line: deploymentLine(yaml) });
    // Only the Namespace was written (and the release record of the failure), never the ConfigMap or the Deployment.
    const writes = (await mutationsAfter(ctx.sandbox, mark)).map((entry) => `${entry.method} ${entry.path}`);
    expect(writes.filter((w) => !w.includes('/secrets'))).toEqual([`PATCH /api/v1/namespaces/${ns}`]);
  }, 90_000);

  it('deploys into a namespace that only warns, with a warning at the Deployment line naming the rules', async () => {
    const ns = 'psa-warned';
    const labels = { 'pod-security.kubernetes.io/warn': 'restricted' };
    await existingNamespace(ns, labels);
    const yaml = manifests(ns, labels, { hardened: false });
    const run = await deployYaml(ctx.sandbox, yaml, { releaseName: 'web' });

    expect(run.outcome.result).toBe('success');
    expect(run.log).toContain(
      `warning: test.yaml:${deploymentLine(yaml)}: Deployment ${ns}/web: the cluster warns about its pods: would violate PodSecurity "restricted:latest": ${RESTRICTED_VIOLATIONS}.`,
    );
  }, 90_000);

  it('passes a Deployment that meets the restricted level its namespace enforces and warns about, without a warning', async () => {
    const ns = 'psa-compliant';
    const labels = {
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    };
    await existingNamespace(ns, labels);
    const run = await deployYaml(ctx.sandbox, manifests(ns, labels, { hardened: true }), {
      releaseName: 'web',
    });

    expect(run.outcome.result).toBe('success');
    expect(run.log.filter((line) => line.startsWith('warning:'))).toEqual([]);
    expect(run.log.join('\n')).toMatch(
      /Pod Security: 1 pod template\(s\) dry-run as pods in 1 namespace\(s\)/,
    );
  }, 90_000);
});
