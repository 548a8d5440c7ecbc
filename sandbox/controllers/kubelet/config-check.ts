import type { Json } from '../objects.js';

/** Looks up a ConfigMap's or Secret's data keys, or undefined when it does not exist. */
export type ConfigLookup = (kind: 'ConfigMap' | 'Secret', name: string) => string[] | undefined;

function keysOf(object: Json): string[] {
  return [...Object.keys(object?.data ?? {}), ...Object.keys(object?.binaryData ?? {})];
}

export function lookupFrom(get: (kind: 'ConfigMap' | 'Secret', name: string) => Json): ConfigLookup {
  return (kind, name) => {
    const object = get(kind, name);
    if (!object) return undefined;
    if (kind === 'Secret') return Object.keys({ ...(object.data ?? {}), ...(object.stringData ?? {}) });
    return keysOf(object);
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
  const keys = lookup(kind, name);
  if (keys === undefined) return `${noun[kind]} "${name}" not found`;
  if (key !== undefined && !keys.includes(key))
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
