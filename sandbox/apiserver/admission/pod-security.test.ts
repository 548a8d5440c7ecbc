import { execFileSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { enforcedPolicy, podSecurityRefusal, podSecurityViolations } from './pod-security.js';

// biome-ignore lint/suspicious/noExplicitAny: test pods are plain JSON.
type Json = any;

const hardened = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

function pod(spec: Json, annotations: Record<string, string> = {}): Json {
  return { metadata: { name: 'x', annotations }, spec };
}

const restricted = { 'pod-security.kubernetes.io/enforce': 'restricted' };
const reasons = (level: 'baseline' | 'restricted', spec: Json, annotations?: Record<string, string>) =>
  podSecurityViolations(level, pod(spec, annotations).metadata, spec).map((v) => `${v.reason} (${v.detail})`);

describe('Pod Security Admission checks', () => {
  it('admits a pod that follows the restricted profile', () => {
    const spec = { containers: [{ name: 'app', image: 'a', securityContext: hardened }] };
    expect(podSecurityRefusal(restricted, pod(spec))).toBeUndefined();
  });

  it('lists every restricted violation of a bare pod, as a real server words them', () => {
    expect(podSecurityRefusal(restricted, pod({ containers: [{ name: 'app', image: 'a' }] }))).toBe(
      'violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), ' +
        'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  it('takes pod-level runAsNonRoot and seccompProfile for every container and names containers in the plural', () => {
    const spec = {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [{ name: 'init', image: 'a' }],
      containers: [{ name: 'app', image: 'a' }],
    };
    expect(reasons('restricted', spec)).toEqual([
      'allowPrivilegeEscalation != false (containers "init", "app" must set securityContext.allowPrivilegeEscalation=false)',
      'unrestricted capabilities (containers "init", "app" must set securityContext.capabilities.drop=["ALL"])',
    ]);
  });

  it('names each baseline violation in the registry order', () => {
    const spec = {
      hostNetwork: true,
      hostPID: true,
      securityContext: {
        sysctls: [{ name: 'kernel.msgmax', value: '1' }],
        seccompProfile: { type: 'Unconfined' },
      },
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
      containers: [
        {
          name: 'app',
          image: 'a',
          ports: [{ containerPort: 80, hostPort: 80 }],
          securityContext: {
            privileged: true,
            capabilities: { add: ['NET_ADMIN', 'CHOWN'] },
            procMount: 'Unmasked',
            seLinuxOptions: { type: 'spc_t', user: 'root' },
            appArmorProfile: { type: 'Unconfined' },
          },
        },
      ],
    };
    expect(reasons('baseline', spec)).toEqual([
      'forbidden AppArmor profile (container "app" must not set AppArmor profile type to "Unconfined")',
      'non-default capabilities (container "app" must not include "NET_ADMIN" in securityContext.capabilities.add)',
      'host namespaces (hostNetwork=true, hostPID=true)',
      'hostPath volumes (volume "root")',
      'hostPort (container "app" uses hostPort 80)',
      'privileged (container "app" must not set securityContext.privileged=true)',
      'procMount (container "app" must not set securityContext.procMount to "Unmasked")',
      'seLinuxOptions (container "app" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)',
      'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
      'forbidden sysctls (kernel.msgmax)',
    ]);
  });

  it('replaces the baseline hostPath, capability and seccomp checks with the restricted ones', () => {
    const spec = {
      securityContext: { runAsNonRoot: true, runAsUser: 0 },
      volumes: [
        { name: 'root', hostPath: { path: '/' } },
        { name: 'share', nfs: { server: 'n', path: '/' } },
        { name: 'conf', configMap: { name: 'c' } },
      ],
      containers: [
        {
          name: 'app',
          image: 'a',
          securityContext: {
            ...hardened,
            capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'SYS_TIME'] },
          },
        },
      ],
    };
    expect(reasons('restricted', spec)).toEqual([
      'unrestricted capabilities (container "app" must not include "SYS_TIME" in securityContext.capabilities.add)',
      'restricted volume types (volumes "root", "share" use restricted volume types "hostPath", "nfs")',
      'runAsUser=0 (pod must not set runAsUser=0)',
    ]);
  });

  it('reports explicit runAsNonRoot=false on the pod and containers before missing settings', () => {
    const spec = {
      securityContext: { runAsNonRoot: false },
      containers: [{ name: 'app', image: 'a', securityContext: { ...hardened, runAsNonRoot: false } }],
    };
    expect(reasons('restricted', spec)).toEqual([
      'runAsNonRoot != true (pod and container "app" must not set securityContext.runAsNonRoot=false)',
    ]);
  });

  it('allows everything at privileged and without a label; an invalid level enforces restricted', () => {
    const bare = pod({ containers: [{ name: 'app', image: 'a', securityContext: { privileged: true } }] });
    expect(podSecurityRefusal({ 'pod-security.kubernetes.io/enforce': 'privileged' }, bare)).toBeUndefined();
    expect(podSecurityRefusal(undefined, bare)).toBeUndefined();
    expect(enforcedPolicy({ 'pod-security.kubernetes.io/enforce': 'strict' })).toEqual({
      level: 'restricted',
      version: 'latest',
    });
    expect(
      podSecurityRefusal(
        {
          'pod-security.kubernetes.io/enforce': 'baseline',
          'pod-security.kubernetes.io/enforce-version': 'v1.30',
        },
        bare,
      ),
    ).toBe(
      'violates PodSecurity "baseline:v1.30": privileged (container "app" must not set securityContext.privileged=true)',
    );
  });

  it('admits every pod template of the reference staging overlay in its restricted namespace', () => {
    const rendered = execFileSync('kubectl', ['kustomize', 'k8s/overlays/staging'], { encoding: 'utf8' });
    const objects: Json[] = parseAllDocuments(rendered).map((doc) => doc.toJSON());
    const namespace = objects.find((o) => o.kind === 'Namespace');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const templates = objects
      .map((o) => o.spec?.template ?? o.spec?.jobTemplate?.spec?.template)
      .filter((t) => t !== undefined);
    expect(templates.length).toBeGreaterThanOrEqual(5);
    for (const template of templates) {
      expect(podSecurityRefusal(namespace.metadata.labels, template)).toBeUndefined();
    }
  });
});
