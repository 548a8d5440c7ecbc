/** The restricted-only checks of pod-security-admission 1.32 (policy/check_*.go). */
import {
  type Check,
  containersOf,
  containersPhrase,
  isWindows,
  joinQuote,
  plural,
  seccomp,
  setters,
  sortedSet,
} from './pod-security-helpers.js';

export const allowPrivilegeEscalation: Check = (_meta, spec) => {
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

export const capabilitiesRestricted: Check = (_meta, spec) => {
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

export const restrictedVolumes: Check = (_meta, spec) => {
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

export const runAsNonRoot: Check = (_meta, spec) => {
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

export const runAsUser: Check = (_meta, spec) => {
  const podBad = spec?.securityContext?.runAsUser === 0;
  const bad = containersOf(spec)
    .filter((c) => c.securityContext?.runAsUser === 0)
    .map((c) => c.name);
  const who = setters(podBad, bad);
  return who.length > 0
    ? { reason: 'runAsUser=0', detail: `${who.join(' and ')} must not set runAsUser=0` }
    : undefined;
};

export const seccompRestricted: Check = (_meta, spec) => (isWindows(spec) ? undefined : seccomp(spec, true));
