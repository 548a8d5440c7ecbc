import { beforeAll, describe, expect, it } from '@jest/globals';
import { type Manifest, parseManifests, renderKustomize } from './manifests.js';
import { type PodSpec, type PodSpecSite, podSpecSites, podViolations, policyViolations } from './policy.js';

const OVERLAYS = ['k8s/overlays/staging', 'k8s/overlays/production'];

describe('every pod in the reference deployment meets the pod policy', () => {
  const rendered = new Map<string, Manifest[]>();
  beforeAll(() => {
    for (const overlay of OVERLAYS) rendered.set(overlay, renderKustomize(overlay));
  });

  it.each(OVERLAYS)('%s has no policy violation', (overlay) => {
    expect(policyViolations(rendered.get(overlay) ?? [])).toEqual([]);
  });

  it.each(OVERLAYS)('%s: the walk reaches every pod-bearing kind it holds', (overlay) => {
    const owners = podSpecSites(rendered.get(overlay) ?? []).map((site) => site.owner);
    expect(owners).toEqual(
      expect.arrayContaining([
        'Deployment/api',
        'Deployment/worker',
        'Deployment/frontend',
        'CronJob/cleaner',
        'Job/migrate',
      ]),
    );
  });

  it('staging walks the PostgreSQL StatefulSet as a long-running pod', () => {
    const site = podSpecSites(rendered.get('k8s/overlays/staging') ?? []).find(
      (entry) => entry.owner === 'StatefulSet/postgres',
    );
    expect(site?.longRunning).toBe(true);
  });
});

// A pod that passes every rule; each case below breaks exactly one.
function goodPod(): PodSpec {
  return structuredClone({
    serviceAccountName: 'app',
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 82, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'app',
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
        readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
        livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 20 },
      },
    ],
    volumes: [{ name: 'tmp', emptyDir: {} }],
  });
}

const site = (spec: PodSpec, longRunning = true): PodSpecSite => ({
  owner: 'Deployment/bad',
  longRunning,
  spec,
});
const container = (spec: PodSpec) => (spec.containers ?? [])[0] as NonNullable<PodSpec['containers']>[number];

describe('the pod policy checker', () => {
  it('passes the good fixture', () => {
    expect(podViolations(site(goodPod()))).toEqual([]);
  });

  const cases: [string, (pod: PodSpec) => void, string][] = [
    ['runAsNonRoot unset', (pod) => delete pod.securityContext?.runAsNonRoot, 'runAsNonRoot must be true'],
    [
      'root user on the container',
      (pod) => Object.assign(container(pod).securityContext ?? {}, { runAsUser: 0 }),
      'runAsUser must not be 0',
    ],
    [
      'privilege escalation allowed',
      (pod) => delete container(pod).securityContext?.allowPrivilegeEscalation,
      'allowPrivilegeEscalation must be false',
    ],
    [
      'capabilities kept',
      (pod) => delete container(pod).securityContext?.capabilities,
      'capabilities must drop ALL',
    ],
    [
      'a capability added',
      (pod) => Object.assign(container(pod).securityContext?.capabilities ?? {}, { add: ['NET_ADMIN'] }),
      'capabilities NET_ADMIN must not be added',
    ],
    [
      'no seccomp profile',
      (pod) => delete pod.securityContext?.seccompProfile,
      'seccompProfile must be RuntimeDefault',
    ],
    [
      'writable root file system',
      (pod) => delete container(pod).securityContext?.readOnlyRootFilesystem,
      'readOnlyRootFilesystem must be true',
    ],
    [
      'no memory limit',
      (pod) => delete container(pod).resources?.limits?.memory,
      'resources.limits.memory is missing',
    ],
    [
      'no cpu request',
      (pod) => delete container(pod).resources?.requests?.cpu,
      'resources.requests.cpu is missing',
    ],
    ['no readiness probe', (pod) => delete container(pod).readinessProbe, 'readinessProbe is missing'],
    ['no liveness probe', (pod) => delete container(pod).livenessProbe, 'livenessProbe is missing'],
    [
      'identical probe timings',
      (pod) => Object.assign(container(pod).livenessProbe ?? {}, { periodSeconds: 5 }),
      'readiness and liveness probes have the same timings',
    ],
    [
      'API token mounted',
      (pod) => delete pod.automountServiceAccountToken,
      'automountServiceAccountToken: false',
    ],
    ['host network', (pod) => Object.assign(pod, { hostNetwork: true }), 'hostNetwork must not be set'],
    [
      'a hostPath volume',
      (pod) => pod.volumes?.push({ name: 'host', hostPath: { path: '/' } }),
      'volume "host" uses hostPath',
    ],
  ];

  it.each(cases)('flags %s', (_name, breakIt, expected) => {
    const pod = goodPod();
    breakIt(pod);
    const violations = podViolations(site(pod));
    expect(violations).toHaveLength(1);
    expect(violations[0]).toContain(`Deployment/bad`);
    expect(violations[0]).toContain(expected);
  });

  it('takes seccomp from the container when the pod does not set it', () => {
    const pod = goodPod();
    delete pod.securityContext?.seccompProfile;
    Object.assign(container(pod).securityContext ?? {}, { seccompProfile: { type: 'RuntimeDefault' } });
    expect(podViolations(site(pod))).toEqual([]);
  });

  it('accepts a token-less ServiceAccount instead of the pod-level setting', () => {
    const pod = goodPod();
    delete pod.automountServiceAccountToken;
    expect(podViolations(site(pod), new Set(['app']))).toEqual([]);
  });

  it('does not ask Jobs or init containers for probes, but still for security and resources', () => {
    const pod = goodPod();
    delete container(pod).readinessProbe;
    delete container(pod).livenessProbe;
    pod.initContainers = [{ ...structuredClone(container(pod)), name: 'init' }];
    expect(podViolations(site(pod, false))).toEqual([]);
    delete pod.initContainers[0]?.resources;
    expect(podViolations(site(pod, false))).toEqual([
      'Deployment/bad container "init": resources.requests.cpu is missing.',
      'Deployment/bad container "init": resources.requests.memory is missing.',
      'Deployment/bad container "init": resources.limits.cpu is missing.',
      'Deployment/bad container "init": resources.limits.memory is missing.',
    ]);
  });

  it('finds pod specs in CronJobs and bare Pods, and flags a Namespace that is not restricted', () => {
    const docs = parseManifests(`
apiVersion: v1
kind: Namespace
metadata: {name: loose, labels: {pod-security.kubernetes.io/enforce: baseline}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 0 * * *"
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: run}]}}}}
---
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec: {containers: [{name: shell}]}
`);
    const violations = policyViolations(docs);
    expect(violations).toContain(
      'Namespace/loose: label pod-security.kubernetes.io/enforce must be "restricted".',
    );
    expect(violations).toContain('CronJob/nightly container "run": runAsNonRoot must be true.');
    expect(violations).toContain('Pod/debug container "shell": readinessProbe is missing.');
    expect(violations.some((line) => line.startsWith('CronJob/nightly') && line.includes('Probe'))).toBe(
      false,
    );
  });
});
