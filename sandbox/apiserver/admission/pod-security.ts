/**
 * Pod Security Admission's checks (k8s.io/pod-security-admission/policy, check_*.go), as a
 * 1.32 API server evaluates them for "latest": the same reasons, details, plurals and order,
 * so a refusal reads exactly as on EKS. Baseline checks come first, then restricted ones, each
 * group sorted by check id; a restricted check replaces the baseline check it overrides.
 */

import {
  type Check,
  containersOf,
  containersPhrase,
  type Json,
  joinQuote,
  plural,
  seccomp,
  setters,
  sortedSet,
  type Violation,
} from './pod-security-helpers.js';
import {
  allowPrivilegeEscalation,
  capabilitiesRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seccompRestricted,
} from './pod-security-restricted.js';

export type { Violation } from './pod-security-helpers.js';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

const appArmorProfile: Check = (meta, spec) => {
  const allowedType = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
  const badValues = new Set<string>();
  const podProfile = spec?.securityContext?.appArmorProfile;
  const podBad = podProfile !== undefined && podProfile !== null && !allowedType(podProfile.type);
  if (podBad) badValues.add(String(podProfile.type ?? ''));
  const badContainers: string[] = [];
  for (const c of containersOf(spec)) {
    const profile = c.securityContext?.appArmorProfile;
    if (profile && !allowedType(profile.type)) {
      badContainers.push(c.name);
      badValues.add(String(profile.type ?? ''));
    }
  }
  const who = setters(podBad, badContainers);
  const values = sortedSet(badValues);
  const annotations = Object.entries(meta?.annotations ?? {})
    .filter(
      ([k, v]) =>
        k.startsWith('container.apparmor.security.beta.kubernetes.io/') &&
        !(v === '' || v === 'runtime/default' || String(v).startsWith('localhost/')),
    )
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .sort();
  if (annotations.length > 0) {
    values.push(...annotations);
    who.push(plural('annotation', 'annotations', annotations.length));
  }
  if (who.length === 0) return undefined;
  return {
    reason: plural('forbidden AppArmor profile', 'forbidden AppArmor profiles', values.length),
    detail: `${who.join(' and ')} must not set AppArmor profile type to ${joinQuote(values)}`,
  };
};

const baselineCapabilities = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

const capabilitiesBaseline: Check = (_meta, spec) => {
  const bad: string[] = [];
  const caps = new Set<string>();
  for (const c of containersOf(spec)) {
    const added: string[] = (c.securityContext?.capabilities?.add ?? []).filter(
      (cap: string) => !baselineCapabilities.has(cap),
    );
    for (const cap of added) caps.add(cap);
    if (added.length > 0) bad.push(c.name);
  }
  if (bad.length === 0) return undefined;
  return {
    reason: 'non-default capabilities',
    detail: `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
  };
};

const hostNamespaces: Check = (_meta, spec) => {
  const set = ['hostNetwork', 'hostPID', 'hostIPC'].filter((f) => spec?.[f] === true).map((f) => `${f}=true`);
  return set.length > 0 ? { reason: 'host namespaces', detail: set.join(', ') } : undefined;
};

const hostPathVolumes: Check = (_meta, spec) => {
  const names = (spec?.volumes ?? []).filter((v: Json) => v.hostPath).map((v: Json) => v.name);
  if (names.length === 0) return undefined;
  return {
    reason: 'hostPath volumes',
    detail: `${plural('volume', 'volumes', names.length)} ${joinQuote(names)}`,
  };
};

const hostPorts: Check = (_meta, spec) => {
  const bad: string[] = [];
  const ports = new Set<string>();
  for (const c of containersOf(spec)) {
    const used = (c.ports ?? []).filter((p: Json) => p.hostPort && p.hostPort !== 0);
    for (const p of used) ports.add(String(p.hostPort));
    if (used.length > 0) bad.push(c.name);
  }
  if (bad.length === 0) return undefined;
  return {
    reason: 'hostPort',
    detail: `${containersPhrase(bad)} ${plural('uses', 'use', bad.length)} ${plural('hostPort', 'hostPorts', ports.size)} ${sortedSet(ports).join(', ')}`,
  };
};

const privileged: Check = (_meta, spec) => {
  const bad = containersOf(spec)
    .filter((c) => c.securityContext?.privileged === true)
    .map((c) => c.name);
  if (bad.length === 0) return undefined;
  return {
    reason: 'privileged',
    detail: `${containersPhrase(bad)} must not set securityContext.privileged=true`,
  };
};

const procMount: Check = (_meta, spec) => {
  const bad: string[] = [];
  const types = new Set<string>();
  for (const c of containersOf(spec)) {
    const value = c.securityContext?.procMount;
    if (value !== undefined && value !== null && value !== 'Default') {
      bad.push(c.name);
      types.add(String(value));
    }
  }
  if (bad.length === 0) return undefined;
  return {
    reason: 'procMount',
    detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`,
  };
};

/** 1.31's list: container_engine_t joined the allowed types then. */
const seLinuxTypes = new Set([
  '',
  'container_t',
  'container_init_t',
  'container_kvm_t',
  'container_engine_t',
]);

const seLinuxOptions: Check = (_meta, spec) => {
  const badTypes = new Set<string>();
  let setUser = false;
  let setRole = false;
  const invalid = (opts: Json) => {
    let bad = false;
    if (!seLinuxTypes.has(opts.type ?? '')) {
      bad = true;
      badTypes.add(opts.type);
    }
    if (opts.user) {
      bad = true;
      setUser = true;
    }
    if (opts.role) {
      bad = true;
      setRole = true;
    }
    return bad;
  };
  const podOpts = spec?.securityContext?.seLinuxOptions;
  const podBad = Boolean(podOpts) && invalid(podOpts);
  const bad = containersOf(spec)
    .filter((c) => c.securityContext?.seLinuxOptions && invalid(c.securityContext.seLinuxOptions))
    .map((c) => c.name);
  const who = setters(podBad, bad);
  if (who.length === 0) return undefined;
  const data: string[] = [];
  if (badTypes.size > 0)
    data.push(`${plural('type', 'types', badTypes.size)} ${joinQuote(sortedSet(badTypes))}`);
  if (setUser) data.push('user may not be set');
  if (setRole) data.push('role may not be set');
  return {
    reason: 'seLinuxOptions',
    detail: `${who.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`,
  };
};

const seccompBaseline: Check = (_meta, spec) => seccomp(spec, false);

/** The 1.32 list of safe sysctls. */
const safeSysctls = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

const sysctls: Check = (_meta, spec) => {
  const bad = (spec?.securityContext?.sysctls ?? [])
    .map((s: Json) => s.name)
    .filter((name: string) => !safeSysctls.has(name));
  return bad.length > 0 ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
};

const windowsHostProcess: Check = (_meta, spec) => {
  const podBad = spec?.securityContext?.windowsOptions?.hostProcess === true;
  const bad = containersOf(spec)
    .filter((c) => c.securityContext?.windowsOptions?.hostProcess === true)
    .map((c) => c.name);
  const who = setters(podBad, bad);
  if (who.length === 0) return undefined;
  return {
    reason: 'hostProcess',
    detail: `${who.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
  };
};

/** [id, check]; ids sort the checks as the upstream registry does. */
const baseline: Array<[string, Check]> = [
  ['appArmorProfile', appArmorProfile],
  ['capabilities_baseline', capabilitiesBaseline],
  ['hostNamespaces', hostNamespaces],
  ['hostPathVolumes', hostPathVolumes],
  ['hostPorts', hostPorts],
  ['privileged', privileged],
  ['procMount', procMount],
  ['seLinuxOptions', seLinuxOptions],
  ['seccompProfile_baseline', seccompBaseline],
  ['sysctls', sysctls],
  ['windowsHostProcess', windowsHostProcess],
];
const restricted: Array<[string, Check, string?]> = [
  ['allowPrivilegeEscalation', allowPrivilegeEscalation],
  ['capabilities_restricted', capabilitiesRestricted, 'capabilities_baseline'],
  ['restrictedVolumes', restrictedVolumes, 'hostPathVolumes'],
  ['runAsNonRoot', runAsNonRoot],
  ['runAsUser', runAsUser],
  ['seccompProfile_restricted', seccompRestricted, 'seccompProfile_baseline'],
];

/** What a pod breaks at a level, in the order the refusal lists it. */
export function podSecurityViolations(level: PodSecurityLevel, meta: Json, spec: Json): Violation[] {
  if (level === 'privileged') return [];
  const overridden = new Set(level === 'restricted' ? restricted.map(([, , over]) => over) : []);
  const checks = [
    ...baseline.filter(([id]) => !overridden.has(id)).map(([, check]) => check),
    ...(level === 'restricted' ? restricted.map(([, check]) => check) : []),
  ];
  return checks.map((check) => check(meta, spec)).filter((v): v is Violation => v !== undefined);
}

export type PodSecurityMode = 'enforce' | 'warn' | 'audit';

export interface LevelVersion {
  level: PodSecurityLevel;
  version: string;
}

/**
 * The level and version a namespace's labels set for one mode (upstream api.PolicyToEvaluate):
 * no label means privileged, the default of an EKS API server; an invalid level is restricted
 * for enforce (it fails closed) and privileged for warn and audit (they fail open); an invalid
 * version is "latest". Any version is shown as labelled but evaluated with the 1.32 checks
 * ("latest" on a 1.32 server).
 */
export function policyFor(labels: Record<string, string> | undefined, mode: PodSecurityMode): LevelVersion {
  const value = labels?.[`pod-security.kubernetes.io/${mode}`];
  const version = labels?.[`pod-security.kubernetes.io/${mode}-version`];
  const shownVersion = version && /^v1\.\d+$/.test(version) ? version : 'latest';
  if (value === undefined) return { level: 'privileged', version: shownVersion };
  if (value === 'privileged' || value === 'baseline' || value === 'restricted')
    return { level: value, version: shownVersion };
  return { level: mode === 'enforce' ? 'restricted' : 'privileged', version: shownVersion };
}

/** The level a namespace enforces (see policyFor). */
export function enforcedPolicy(labels: Record<string, string> | undefined): LevelVersion {
  return policyFor(labels, 'enforce');
}

/** `reason (detail), ...` of what a pod breaks at a level, or undefined when it breaks nothing. */
function forbiddenDetail(policy: LevelVersion, meta: Json, spec: Json): string | undefined {
  const violations = podSecurityViolations(policy.level, meta, spec);
  if (violations.length === 0) return undefined;
  return violations.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
}

/** `violates PodSecurity "restricted:latest": reason (detail), ...`, or undefined when allowed. */
export function podSecurityRefusal(
  namespaceLabels: Record<string, string> | undefined,
  pod: Json,
): string | undefined {
  const policy = enforcedPolicy(namespaceLabels);
  const detail = forbiddenDetail(policy, pod.metadata, pod.spec);
  return detail === undefined
    ? undefined
    : `violates PodSecurity "${policy.level}:${policy.version}": ${detail}`;
}

/**
 * What Pod Security admission adds to a request it allows (upstream EvaluatePod): the `warn`
 * level's `would violate PodSecurity "LEVEL:VERSION": ...` warning and the `audit` level's
 * audit annotation. For a pod (after its enforce check passed) and for a workload's pod
 * template alike: workloads are never refused for `enforce`, only pods are.
 */
export function podSecurityNotes(
  namespaceLabels: Record<string, string> | undefined,
  meta: Json,
  spec: Json,
): { warning?: string; auditViolations?: string } {
  const notes: { warning?: string; auditViolations?: string } = {};
  const warn = policyFor(namespaceLabels, 'warn');
  const warnDetail = forbiddenDetail(warn, meta, spec);
  if (warnDetail !== undefined)
    notes.warning = `would violate PodSecurity "${warn.level}:${warn.version}": ${warnDetail}`;
  const audit = policyFor(namespaceLabels, 'audit');
  const auditDetail = forbiddenDetail(audit, meta, spec);
  if (auditDetail !== undefined)
    notes.auditViolations = `would violate PodSecurity "${audit.level}:${audit.version}": ${auditDetail}`;
  return notes;
}

/**
 * The pod template of a kind Pod Security admission checks (upstream DefaultPodSpecExtractor:
 * ReplicationController, PodTemplate, ReplicaSet, Deployment, StatefulSet, DaemonSet, Job,
 * CronJob's jobTemplate), or undefined for other kinds and workloads without a template.
 */
export function podTemplateOf(
  group: string,
  kind: string,
  object: Json,
): { meta: Json; spec: Json } | undefined {
  const templated: Record<string, string[]> = {
    '': ['ReplicationController', 'PodTemplate'],
    apps: ['ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet'],
    batch: ['Job', 'CronJob'],
  };
  if (!templated[group]?.includes(kind)) return undefined;
  const template =
    kind === 'CronJob'
      ? object?.spec?.jobTemplate?.spec?.template
      : kind === 'PodTemplate'
        ? object?.template
        : object?.spec?.template;
  if (!template) return undefined;
  return { meta: template.metadata ?? {}, spec: template.spec ?? {} };
}
