import { describe, expect, it } from '@jest/globals';
import { auditMark, deployYaml, kubectlRun, mutationsAfter, requestsAfter, useSandbox } from './support.js';

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

  it('warns at the Deployment line in a namespace the set creates with a warn label, once that exists, and deploys', async () => {
    const ns = 'psa-new-warned';
    const yaml = manifests(
      ns,
      { 'pod-security.kubernetes.io/warn': 'baseline' },
      { hardened: false },
    ).replace(
      `image: ${ctx.image}`,
      `image: ${ctx.image}\n          ports: [{containerPort: 8080, hostPort: 8080}]`,
    );
    const run = await deployYaml(ctx.sandbox, yaml, { releaseName: 'web' });

    expect(run.outcome.result).toBe('success');
    expect(run.log.filter((line) => line.startsWith('warning:'))).toEqual([
      `warning: test.yaml:${deploymentLine(yaml)}: Deployment ${ns}/web: the cluster warns about its pods: would violate PodSecurity "baseline:latest": hostPort (container "web" uses hostPort 8080).`,
    ]);
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

  it('names every refused workload at its own line, a CronJob included, and dry-runs identical pod templates once', async () => {
    const ns = 'psa-many';
    await existingNamespace(ns, { 'pod-security.kubernetes.io/enforce': 'baseline' });
    const template = (indent: string) =>
      [
        'metadata: {labels: {app: web}}',
        'spec:',
        '  containers:',
        `    - {name: web, image: "${ctx.image}", securityContext: {privileged: true}}`,
      ]
        .map((line) => indent + line)
        .join('\n');
    const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: web}}
  template:
${template('    ')}
`;
    const yaml = [
      deployment('web'),
      deployment('web-copy'),
      `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: ${ns}}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          hostNetwork: true
          containers: [{name: task, image: "${ctx.image}"}]
`,
      `apiVersion: v1
kind: Pod
metadata: {name: fine, namespace: ${ns}}
spec:
  containers: [{name: app, image: "${ctx.image}"}]
`,
    ].join('---\n');
    const lineOf = (text: string) => yaml.split('\n').indexOf(text) + 1;
    const webLine = lineOf(`metadata: {name: web, namespace: ${ns}}`) - 2;
    const copyLine = lineOf(`metadata: {name: web-copy, namespace: ${ns}}`) - 2;
    const cronLine = lineOf(`metadata: {name: nightly, namespace: ${ns}}`) - 2;
    const mark = await auditMark(ctx.sandbox);
    const run = await deployYaml(ctx.sandbox, yaml, { releaseName: 'many' });

    expect(run.outcome.result).toBe('failed');
    const privileged = 'privileged (container "web" must not set securityContext.privileged=true)';
    expect(run.outcome.verdict).toBe(
      [
        '3 workloads would have their pods refused by Pod Security:',
        `  test.yaml:${webLine}: Deployment ${ns}/web would have every pod refused: namespace ${ns} enforces Pod Security "baseline:latest", which its pod template breaks: ${privileged}; expected a pod template that meets the baseline level (https://kubernetes.io/docs/concepts/security/pod-security-standards/), or a namespace that enforces a lower one.`,
        `  test.yaml:${copyLine}: Deployment ${ns}/web-copy would have every pod refused: namespace ${ns} enforces Pod Security "baseline:latest", which its pod template breaks: ${privileged}; expected a pod template that meets the baseline level (https://kubernetes.io/docs/concepts/security/pod-security-standards/), or a namespace that enforces a lower one.`,
        `  test.yaml:${cronLine}: CronJob ${ns}/nightly would have every pod refused: namespace ${ns} enforces Pod Security "baseline:latest", which its pod template breaks: host namespaces (hostNetwork=true); expected a pod template that meets the baseline level (https://kubernetes.io/docs/concepts/security/pod-security-standards/), or a namespace that enforces a lower one. Nothing was changed in the cluster.`,
      ].join('\n'),
    );
    expect(run.outcome.failedAt).toEqual({ source: 'test.yaml', line: webLine });
    const podDryRuns = (await requestsAfter(ctx.sandbox, mark)).filter(
      (entry) => entry.method === 'POST' && entry.path === `/api/v1/namespaces/${ns}/pods` && entry.dryRun,
    );
    expect(podDryRuns).toHaveLength(3);
    expect(await mutationsAfter(ctx.sandbox, mark)).toEqual([]);
  }, 90_000);

  it('does not hold a workload this run leaves unchanged to a level raised after it was deployed, and does hold it once it changes', async () => {
    const ns = 'psa-raised';
    const first = await deployYaml(ctx.sandbox, manifests(ns, {}, { hardened: false }), {
      releaseName: 'web',
    });
    expect(first.outcome.result).toBe('success');
    await kubectlRun(ctx.sandbox, [
      'label',
      'namespace',
      ns,
      'pod-security.kubernetes.io/enforce=restricted',
    ]);
    const labels = { 'pod-security.kubernetes.io/enforce': 'restricted' };

    const configOnly = manifests(ns, labels, { hardened: false }).replace('value: one', 'value: two');
    const second = await deployYaml(ctx.sandbox, configOnly, { releaseName: 'web' });
    expect(second.outcome.result).toBe('success');

    const newTemplate = configOnly.replace('labels: {app: web}\n', 'labels: {app: web, tier: front}\n');
    const third = await deployYaml(ctx.sandbox, newTemplate, { releaseName: 'web' });
    expect(third.outcome.result).toBe('failed');
    expect(third.outcome.verdict).toContain(`Deployment ${ns}/web would have every pod refused`);
  }, 120_000);
});
