import type { Json } from '../objects.js';

/**
 * Looks up a ConfigMap's or Secret's data, decoded (a Secret's `data` and a ConfigMap's
 * `binaryData` are base64), or undefined when it does not exist.
 */
export type ConfigLookup = (kind: 'ConfigMap' | 'Secret', name: string) => Record<string, string> | undefined;

function decoded(values: Json | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    out[key] = Buffer.from(String(value), 'base64').toString('utf8');
  }
  return out;
}

function plain(values: Json | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values ?? {})) out[key] = String(value);
  return out;
}

export function lookupFrom(get: (kind: 'ConfigMap' | 'Secret', name: string) => Json): ConfigLookup {
  return (kind, name) => {
    const object = get(kind, name);
    if (!object) return undefined;
    if (kind === 'Secret') return { ...decoded(object.data), ...plain(object.stringData) };
    return { ...decoded(object.binaryData), ...plain(object.data) };
  };
}

const noun = { ConfigMap: 'configmap', Secret: 'secret' } as const;

function check(
  lookup: ConfigLookup,
  namespace: string,
  kind: 'ConfigMap' | 'Secret',
  name: string,
  key: string | undefined,
  optional: boolean,
): string | undefined {
  if (optional) return undefined;
  const data = lookup(kind, name);
  if (data === undefined) return `${noun[kind]} "${name}" not found`;
  if (key !== undefined && !Object.hasOwn(data, key))
    return `couldn't find key ${key} in ${kind} ${namespace}/${name}`;
  return undefined;
}

/**
 * The kubelet's container config check: the message of CreateContainerConfigError when an env
 * var or envFrom refers to a ConfigMap/Secret (or key) that does not exist, else undefined.
 */
export function containerConfigError(
  container: Json,
  namespace: string,
  lookup: ConfigLookup,
): string | undefined {
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const error = ref && check(lookup, namespace, kind, ref.name, undefined, ref.optional === true);
    if (error) return error;
  }
  for (const entry of container.env ?? []) {
    const cm = entry.valueFrom?.configMapKeyRef;
    const secret = entry.valueFrom?.secretKeyRef;
    const ref = cm ?? secret;
    if (!ref) continue;
    const error = check(
      lookup,
      namespace,
      cm ? 'ConfigMap' : 'Secret',
      ref.name,
      ref.key,
      ref.optional === true,
    );
    if (error) return error;
  }
  return undefined;
}

/**
 * The environment the kubelet gives a container from its pod spec, as it builds it at each start
 * (kubelet_pods.go makeEnvironmentVariables): every `envFrom` source in order (a `prefix` before
 * each key), then `env` in order, later entries replacing earlier ones; a `valueFrom` reads the
 * ConfigMap or Secret key now. An optional source or key that is missing adds nothing. Other
 * `valueFrom` kinds (fieldRef, resourceFieldRef) carry nothing a SANDBOX_* variable could use, so
 * they are left out, as are `$(VAR)` references (kept literally). Call after containerConfigError
 * found nothing: a missing required reference is skipped here.
 */
export function containerEnv(container: Json, lookup: ConfigLookup): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    if (!ref) continue;
    const data = lookup(source.configMapRef ? 'ConfigMap' : 'Secret', ref.name) ?? {};
    for (const [key, value] of Object.entries(data)) env[`${source.prefix ?? ''}${key}`] = value;
  }
  for (const entry of container.env ?? []) {
    if (typeof entry?.name !== 'string') continue;
    const cm = entry.valueFrom?.configMapKeyRef;
    const secret = entry.valueFrom?.secretKeyRef;
    const ref = cm ?? secret;
    if (ref) {
      const value = lookup(cm ? 'ConfigMap' : 'Secret', ref.name)?.[ref.key];
      if (value !== undefined) env[entry.name] = value;
    } else if (entry.valueFrom === undefined) {
      env[entry.name] = String(entry.value ?? '');
    }
  }
  return env;
}

/**
 * The kubelet's volume set-up: the FailedMount message for the first ConfigMap/Secret volume
 * (plain or projected) that does not exist, else undefined. Real pods then stay ContainerCreating.
 */
export function volumeMountError(pod: Json, lookup: ConfigLookup): string | undefined {
  for (const volume of pod.spec?.volumes ?? []) {
    const sources: { kind: 'ConfigMap' | 'Secret'; name: string; optional: boolean }[] = [];
    if (volume.configMap) {
      sources.push({
        kind: 'ConfigMap',
        name: volume.configMap.name,
        optional: volume.configMap.optional === true,
      });
    }
    if (volume.secret) {
      sources.push({
        kind: 'Secret',
        name: volume.secret.secretName,
        optional: volume.secret.optional === true,
      });
    }
    for (const projected of volume.projected?.sources ?? []) {
      if (projected.configMap) {
        const ref = projected.configMap;
        sources.push({ kind: 'ConfigMap', name: ref.name, optional: ref.optional === true });
      }
      if (projected.secret) {
        sources.push({
          kind: 'Secret',
          name: projected.secret.name,
          optional: projected.secret.optional === true,
        });
      }
    }
    for (const source of sources) {
      if (!source.optional && lookup(source.kind, source.name) === undefined) {
        return `MountVolume.SetUp failed for volume "${volume.name}" : ${noun[source.kind]} "${source.name}" not found`;
      }
    }
  }
  return undefined;
}
