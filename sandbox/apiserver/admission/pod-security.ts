/**
 * Pod Security Admission's checks (k8s.io/pod-security-admission/policy, check_*.go), as a
 * 1.32 API server evaluates them for "latest": the same reasons, details, plurals and order,
 * so a refusal reads exactly as on EKS. Baseline checks come first, then restricted ones, each
 * group sorted by check id; a restricted check replaces the baseline check it overrides.
 */

// biome-ignore lint/suspicious/noExplicitAny: pod specs are schemaless JSON here.
type Json = any;

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface Violation {
  reason: string;
  detail: string;
}

type Check = (meta: Json, spec: Json) => Violation | undefined;

const plural = (one: string, many: string, count: number) => (count === 1 ? one : many);
const joinQuote = (items: string[]) => (items.length === 0 ? '' : `"${items.join('", "')}"`);
const sortedSet = (items: Iterable<string>) => [...new Set(items)].sort();
const containersPhrase = (names: string[]) =>
  `${plural('container', 'containers', names.length)} ${joinQuote(names)}`;

/** Init containers, then containers, then ephemeral containers: the upstream visiting order. */
function containersOf(spec: Json): Json[] {
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])];
}

const isWindows = (spec: Json) => spec?.os?.name === 'windows';

/** Checks that explicitly bad values on the pod and/or containers fail, as "pod and containers ...". */
function setters(podBad: boolean, badContainers: string[]): string[] {
  const out = podBad ? ['pod'] : [];
  if (badContainers.length > 0) out.push(containersPhrase(badContainers));
  return out;
}

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

const validSeccomp = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';

/** Shared by the baseline and restricted seccomp checks; restricted also requires a profile. */
function seccomp(spec: Json, required: boolean): Violation | undefined {
  const badValues = new Set<string>();
  const podProfile = spec?.securityContext?.seccompProfile;
  const podBad = Boolean(podProfile) && !validSeccomp(podProfile.type);
  if (podBad) badValues.add(String(podProfile.type ?? ''));
  const podSet = Boolean(podProfile) && !podBad;
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containersOf(spec)) {
    const profile = c.securityContext?.seccompProfile;
    if (profile) {
      if (!validSeccomp(profile.type)) {
        explicit.push(c.name);
        badValues.add(String(profile.type ?? ''));
      }
    } else if (!podSet) implicit.push(c.name);
  }
  const who = setters(podBad, explicit);
  if (who.length > 0) {
    return {
      reason: 'seccompProfile',
      detail: `${who.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`,
    };
  }
  if (required && implicit.length > 0) {
    return {
      reason: 'seccompProfile',
      detail: `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    };
  }
  return undefined;
}

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

const allowPrivilegeEscalation: Check = (_meta, spec) => {
  if (isWindows(spec)) return undefined;
  const bad = containersOf(spec)
    .filter((c) => c.securityContext?.allowPrivilegeEscalation !== false)
    .map((c) => c.name);
  if (bad.length === 0) return undefined;
  return {
    reason: 'allowPrivilegeEscalation != false',
    detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`,
  };
};

const capabilitiesRestricted: Check = (_meta, spec) => {
  if (isWindows(spec)) return undefined;
  const missingDrop: string[] = [];
  const adding: string[] = [];
  const forbidden = new Set<string>();
  for (const c of containersOf(spec)) {
    const caps = c.securityContext?.capabilities;
    if (!caps) {
      missingDrop.push(c.name);
      continue;
    }
    if (!(caps.drop ?? []).includes('ALL')) missingDrop.push(c.name);
    const added: string[] = (caps.add ?? []).filter((cap: string) => cap !== 'NET_BIND_SERVICE');
    for (const cap of added) forbidden.add(cap);
    if (added.length > 0) adding.push(c.name);
  }
  const details: string[] = [];
  if (missingDrop.length > 0)
    details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length > 0)
    details.push(
      `${containersPhrase(adding)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`,
    );
  return details.length > 0 ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
};

const allowedVolumeSources = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];
/** Upstream names these restricted sources; anything else is "unknown". */
const knownRestrictedSources = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

const restrictedVolumes: Check = (_meta, spec) => {
  const bad: string[] = [];
  const types = new Set<string>();
  for (const volume of spec?.volumes ?? []) {
    if (allowedVolumeSources.some((source) => volume[source])) continue;
    bad.push(volume.name);
    types.add(knownRestrictedSources.find((source) => volume[source]) ?? 'unknown');
  }
  if (bad.length === 0) return undefined;
  return {
    reason: 'restricted volume types',
    detail: `${plural('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${plural('uses', 'use', bad.length)} ${plural('restricted volume type', 'restricted volume types', types.size)} ${joinQuote(sortedSet(types))}`,
  };
};

const runAsNonRoot: Check = (_meta, spec) => {
  const podValue = spec?.securityContext?.runAsNonRoot;
  const podBad = podValue === false;
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containersOf(spec)) {
    const value = c.securityContext?.runAsNonRoot;
    if (value === true || value === false) {
      if (value === false) explicit.push(c.name);
    } else if (podValue !== true) implicit.push(c.name);
  }
  const who = setters(podBad, explicit);
  if (who.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `${who.join(' and ')} must not set securityContext.runAsNonRoot=false`,
    };
  }
  if (implicit.length === 0) return undefined;
  return {
    reason: 'runAsNonRoot != true',
    detail: `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`,
  };
};

const runAsUser: Check = (_meta, spec) => {
  const podBad = spec?.securityContext?.runAsUser === 0;
  const bad = containersOf(spec)
    .filter((c) => c.securityContext?.runAsUser === 0)
    .map((c) => c.name);
  const who = setters(podBad, bad);
  return who.length > 0
    ? { reason: 'runAsUser=0', detail: `${who.join(' and ')} must not set runAsUser=0` }
    : undefined;
};

const seccompRestricted: Check = (_meta, spec) => (isWindows(spec) ? undefined : seccomp(spec, true));

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

/**
 * The level a namespace enforces. An invalid level makes a real server enforce restricted
 * (it fails closed); no label means privileged, the default of an EKS API server. Any version
 * is shown as labelled but evaluated with the 1.32 checks ("latest" on a 1.32 server).
 */
export function enforcedPolicy(labels: Record<string, string> | undefined): {
  level: PodSecurityLevel;
  version: string;
} {
  const value = labels?.['pod-security.kubernetes.io/enforce'];
  const version = labels?.['pod-security.kubernetes.io/enforce-version'];
  const shownVersion = version && /^v1\.\d+$/.test(version) ? version : 'latest';
  if (value === undefined) return { level: 'privileged', version: shownVersion };
  if (value === 'privileged' || value === 'baseline' || value === 'restricted')
    return { level: value, version: shownVersion };
  return { level: 'restricted', version: shownVersion };
}

/** `violates PodSecurity "restricted:latest": reason (detail), ...`, or undefined when allowed. */
export function podSecurityRefusal(
  namespaceLabels: Record<string, string> | undefined,
  pod: Json,
): string | undefined {
  const { level, version } = enforcedPolicy(namespaceLabels);
  const violations = podSecurityViolations(level, pod.metadata, pod.spec);
  if (violations.length === 0) return undefined;
  const list = violations.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
  return `violates PodSecurity "${level}:${version}": ${list}`;
}
