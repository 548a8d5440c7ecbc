import { createHash } from 'node:crypto';
import type { RemoteSecrets } from '../kube/contract.js';
import type { Json } from './objects.js';

/** What fetching an ExternalSecret's data gives: the target keys, or ESO's error text. */
export type ProviderData =
  | { ok: true; data: Record<string, Buffer>; missing: string[] }
  | { ok: false; error: string };

/** ESO's NoSecretErr text, which the AWS provider returns for ResourceNotFoundException. */
const NO_SECRET = 'Secret does not exist';

/**
 * The AWS Secrets Manager provider's GetSecret: the whole SecretString, or one property looked up
 * as gjson does (a key with dots first as written, then as a path).
 */
function getSecret(
  remote: RemoteSecrets,
  key: string,
  property: string | undefined,
): { ok: true; value: string } | { ok: false; error: string; missing?: boolean } {
  const secret = remote.get(key);
  if (!secret) return { ok: false, error: NO_SECRET, missing: true };
  if (!property) return { ok: true, value: secret.secretString };
  let payload: unknown;
  try {
    payload = JSON.parse(secret.secretString);
  } catch {
    payload = undefined;
  }
  const record = payload as Record<string, unknown> | undefined;
  let found: unknown =
    record && typeof record === 'object' && property in record ? record[property] : undefined;
  if (found === undefined) {
    found = property.split('.').reduce<unknown>((at, part) => {
      return at && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined;
    }, payload);
  }
  if (found === undefined) return { ok: false, error: `key ${property} does not exist in secret ${key}` };
  return { ok: true, value: jsonText(found) };
}

/** A JSON value as the provider hands it on: strings unquoted, everything else as JSON text. */
function jsonText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  return JSON.stringify(value);
}

/**
 * ESO's GetProviderSecretData for the AWS Secrets Manager provider: `dataFrom[].extract` (a JSON
 * secret, one key per property) first, then `data[]` (`remoteRef.key` and optional `property`).
 * A missing remote secret fails the sync under the default deletionPolicy Retain; under Delete or
 * Merge it is skipped with a MissingProviderSecret event, as ESO does.
 */
export function providerData(
  spec: Json,
  storeError: (ref: Json) => string | undefined,
  remote: RemoteSecrets,
): ProviderData {
  const data: Record<string, Buffer> = {};
  const missing: string[] = [];
  const skipsMissing = (spec.target?.deletionPolicy ?? 'Retain') !== 'Retain';
  const dataFrom: Json[] = spec.dataFrom ?? [];
  for (const [i, ref] of dataFrom.entries()) {
    if (!ref?.extract) {
      const what = ref?.find ? 'find' : 'sourceRef';
      return {
        ok: false,
        error: `error processing spec.dataFrom[${i}].${what}, err: not simulated by the sandbox`,
      };
    }
    const prefix = `error processing spec.dataFrom[${i}].extract, err: `;
    const badStore = storeError(ref.sourceRef?.storeRef ?? spec.secretStoreRef);
    if (badStore) return { ok: false, error: prefix + badStore };
    const key = String(ref.extract.key ?? '');
    const fetched = getSecret(remote, key, ref.extract.property);
    if (!fetched.ok && fetched.missing && skipsMissing) {
      missing.push(`secret does not exist at provider using spec.dataFrom[${i}]`);
      continue;
    }
    if (!fetched.ok) return { ok: false, error: prefix + fetched.error };
    let parsed: unknown;
    try {
      parsed = JSON.parse(fetched.value);
    } catch (error) {
      return { ok: false, error: `${prefix}unable to unmarshal secret ${key}: ${(error as Error).message}` };
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { ok: false, error: `${prefix}unable to unmarshal secret ${key}: not a JSON object` };
    }
    for (const [name, value] of Object.entries(parsed)) data[name] = Buffer.from(jsonText(value));
  }
  const entries: Json[] = spec.data ?? [];
  for (const [i, entry] of entries.entries()) {
    const key = String(entry?.remoteRef?.key ?? '');
    const prefix = `error processing spec.data[${i}] (key: ${key}), err: `;
    const badStore = storeError(entry?.sourceRef?.storeRef ?? spec.secretStoreRef);
    if (badStore) return { ok: false, error: prefix + badStore };
    const fetched = getSecret(remote, key, entry.remoteRef?.property);
    if (!fetched.ok && fetched.missing && skipsMissing) {
      // ESO's own wording, dataFrom included, for a data[] entry.
      missing.push(`secret does not exist at provider using spec.dataFrom[${i}] (key=${key})`);
      continue;
    }
    if (!fetched.ok) return { ok: false, error: prefix + fetched.error };
    data[String(entry.secretKey)] = Buffer.from(fetched.value);
  }
  return { ok: true, data, missing };
}

/** ESO's esutils.ObjectHash: SHA3-224 of Go's `%+v` text of the value. */
export function objectHash(goText: string): string {
  return createHash('sha3-224').update(goText).digest('hex');
}

/** Go's `%+v` of a map[string]string or map[string][]byte: keys sorted, bytes as decimal lists. */
function goMap(map: Record<string, string | Buffer> | undefined): string {
  const keys = Object.keys(map ?? {}).sort();
  const items = keys.map((key) => {
    const value = map?.[key];
    return `${key}:${Buffer.isBuffer(value) ? `[${[...value].join(' ')}]` : value}`;
  });
  return `map[${items.join(' ')}]`;
}

/** The `reconcile.external-secrets.io/data-hash` annotation ESO puts on the Secrets it writes. */
export function dataHash(data: Record<string, Buffer>): string {
  return objectHash(goMap(data));
}

/** status.syncedResourceVersion: the generation and a hash of labels and annotations. */
export function syncedResourceVersion(meta: Json): string {
  const text = `{annotations:${goMap(meta.annotations)} labels:${goMap(meta.labels)}}`;
  return `${meta.generation ?? 0}-${objectHash(text)}`;
}

/** Seconds in a Go duration such as `1h`, `15m30s`, `0`; undefined when it is not one. */
export function goDurationSeconds(text: unknown): number | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  if (text === '0') return 0;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  const rest = text.replace(/(\d+(?:\.\d+)?)(ms|h|m|s)/g, (_, value: string, unit: string) => {
    total += Number(value) * (units[unit] ?? 0);
    return '';
  });
  return rest === '' ? total : undefined;
}
