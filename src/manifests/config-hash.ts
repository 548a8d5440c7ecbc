import { createHash } from 'node:crypto';
import { isRecord } from '../records.js';
import { ANNOTATION_PREFIX } from './annotations.js';
import { CONTAINER_LISTS, podSpecPath } from './kinds.js';
import type { ManifestDocument } from './parse.js';

/*
 * A configuration change rolls the pods that read it. Pods read a ConfigMap or Secret when they
 * start (env, envFrom) or through a volume the application may read only once, so a release that
 * changes only a ConfigMap leaves the running pods on the old values: the change is not verified
 * and a broken value surfaces at the next restart, after the deploy said "verified". Helm users
 * add a checksum annotation to the pod template by hand; we stamp one on every workload:
 *
 * | reads (same namespace, ConfigMap/Secret in the set) | hashed                                |
 * | --------------------------------------------------- | ------------------------------------- |
 * | env[].valueFrom configMapKeyRef / secretKeyRef       | that key                              |
 * | envFrom configMapRef / secretRef                     | every key                             |
 * | volumes configMap / secret, projected sources        | the listed `items`, else every key    |
 *
 * The annotation is sha256 over the kind, name, key and value of what is read (never the values
 * themselves: Secret data must not appear anywhere), so it is the same for the same manifests and
 * a redeploy without changes stays a no-op. A ConfigMap or Secret not in the set is not ours
 * (another release, an operator's Secret): it is not hashed. Workloads that roll their pods:
 * Deployment, StatefulSet, DaemonSet, Argo Rollout; a Job's template is immutable and a CronJob's
 * next run reads the new values anyway. A workload annotated
 * `k8s-deploy-action/restart-on-config-change: "false"` is left alone (it reloads by itself).
 */

export const CONFIG_HASH_ANNOTATION = `${ANNOTATION_PREFIX}/config-hash`;
export const CONFIG_RESTART_OPT_OUT = `${ANNOTATION_PREFIX}/restart-on-config-change`;

const ROLLING_KINDS = new Set([
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'argoproj.io/Rollout',
]);

type ConfigKind = 'ConfigMap' | 'Secret';
/** What a workload reads of one object: some keys, or all of them. */
type Reads = Map<string, Set<string> | 'all'>;

/** Records the config-hash edit on each rolling workload that reads configuration of the set. */
export function stampConfigHashes(
  documents: readonly ManifestDocument[],
  namespaceOf: (manifest: ManifestDocument) => string | undefined,
): void {
  const config = new Map<string, ManifestDocument>();
  for (const manifest of documents) {
    if (manifest.key === '/ConfigMap' || manifest.key === '/Secret') {
      config.set(configKey(manifest.kind as ConfigKind, namespaceOf(manifest), manifest.name), manifest);
    }
  }
  if (config.size === 0) return;
  for (const manifest of documents) {
    if (!ROLLING_KINDS.has(manifest.key)) continue;
    const metadata = manifest.object.metadata;
    const annotations = isRecord(metadata) && isRecord(metadata.annotations) ? metadata.annotations : {};
    if (String(annotations[CONFIG_RESTART_OPT_OUT]).toLowerCase() === 'false') continue;
    const specPath = podSpecPath(manifest.key) ?? [];
    const podSpec = getPath(manifest.object, specPath);
    if (!isRecord(podSpec)) continue;
    const namespace = namespaceOf(manifest);
    const entries: string[][] = [];
    for (const [key, keys] of podReads(podSpec)) {
      const [kind, name] = key.split('/') as [ConfigKind, string];
      const source = config.get(configKey(kind, namespace, name));
      if (source) entries.push(...dataEntries(kind, name, source.object, keys));
    }
    if (entries.length === 0) continue;
    entries.sort((a, b) => (a.join('\0') < b.join('\0') ? -1 : a.join('\0') > b.join('\0') ? 1 : 0));
    const hash = createHash('sha256').update(JSON.stringify(entries)).digest('hex');
    manifest.edits.push({
      op: 'set',
      path: [...specPath.slice(0, -1), 'metadata', 'annotations', CONFIG_HASH_ANNOTATION],
      value: `sha256:${hash}`,
    });
  }
}

function configKey(kind: ConfigKind, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** Every ConfigMap and Secret ("ConfigMap/NAME") the pod spec reads, and which keys. */
export function podReads(podSpec: Record<string, unknown>): Reads {
  const reads: Reads = new Map();
  const add = (kind: ConfigKind, name: unknown, keys: string[] | 'all') => {
    if (typeof name !== 'string' || name === '') return;
    const key = `${kind}/${name}`;
    const seen = reads.get(key);
    if (seen === 'all') return;
    if (keys === 'all') reads.set(key, 'all');
    else reads.set(key, new Set([...(seen ?? []), ...keys]));
  };
  const itemKeys = (source: Record<string, unknown>): string[] | 'all' =>
    Array.isArray(source.items) && source.items.length > 0
      ? source.items.filter(isRecord).map((item) => String(item.key))
      : 'all';
  for (const list of CONTAINER_LISTS) {
    if (list === 'ephemeralContainers') continue;
    for (const container of asRecords(podSpec[list])) {
      for (const source of asRecords(container.envFrom)) {
        if (isRecord(source.configMapRef)) add('ConfigMap', source.configMapRef.name, 'all');
        if (isRecord(source.secretRef)) add('Secret', source.secretRef.name, 'all');
      }
      for (const env of asRecords(container.env)) {
        const from = isRecord(env.valueFrom) ? env.valueFrom : {};
        if (isRecord(from.configMapKeyRef))
          add('ConfigMap', from.configMapKeyRef.name, [String(from.configMapKeyRef.key)]);
        if (isRecord(from.secretKeyRef))
          add('Secret', from.secretKeyRef.name, [String(from.secretKeyRef.key)]);
      }
    }
  }
  for (const volume of asRecords(podSpec.volumes)) {
    if (isRecord(volume.configMap)) add('ConfigMap', volume.configMap.name, itemKeys(volume.configMap));
    if (isRecord(volume.secret)) add('Secret', volume.secret.secretName, itemKeys(volume.secret));
    const projected = isRecord(volume.projected) ? volume.projected : {};
    for (const source of asRecords(projected.sources)) {
      if (isRecord(source.configMap)) add('ConfigMap', source.configMap.name, itemKeys(source.configMap));
      if (isRecord(source.secret)) add('Secret', source.secret.name, itemKeys(source.secret));
    }
  }
  return reads;
}

/** [kind, name, field, key, value] for each key read, from every field that holds data. */
function dataEntries(
  kind: ConfigKind,
  name: string,
  object: Record<string, unknown>,
  keys: Set<string> | 'all',
): string[][] {
  const fields = kind === 'Secret' ? ['data', 'stringData'] : ['data', 'binaryData'];
  const entries: string[][] = [];
  for (const field of fields) {
    const values = object[field];
    if (!isRecord(values)) continue;
    for (const [key, value] of Object.entries(values)) {
      if (keys === 'all' || keys.has(key)) entries.push([kind, name, field, key, String(value)]);
    }
  }
  // A ConfigMap or Secret that is read but holds none of the keys still counts: its absence of
  // data is part of what the pods see (a key added later changes the hash).
  if (entries.length === 0) entries.push([kind, name]);
  return entries;
}

function asRecords(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function getPath(object: unknown, path: readonly string[]): unknown {
  let value = object;
  for (const key of path) value = isRecord(value) ? value[key] : undefined;
  return value;
}
