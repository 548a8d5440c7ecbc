/**
 * The 1 MiB limit (core.MaxSecretSize) on what a Secret or ConfigMap holds, as ValidateSecret and
 * ValidateConfigMap count it: the decoded bytes of the values (keys do not count). A Secret's
 * stringData is merged into data before validation, so a stringData key replaces a data key.
 * The wording is field.TooLong's on a 1.32 server; a ConfigMap's error is on the root path "[]".
 */
import type { KubeObject } from '../kube/contract.js';
import { isMap } from './fieldpath.js';

export const MAX_DATA_BYTES = 1024 * 1024;

function decodedLength(value: unknown): number {
  return typeof value === 'string' ? Buffer.from(value, 'base64').length : 0;
}

function textLength(value: unknown): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0;
}

/** The invalid-field entry for a Secret or ConfigMap over the limit, else undefined. */
export function dataSizeViolation(object: KubeObject): string | undefined {
  const data = isMap(object.data) ? object.data : {};
  let total = 0;
  if (object.kind === 'Secret') {
    const stringData = isMap(object.stringData) ? object.stringData : {};
    for (const [key, value] of Object.entries(data)) if (!(key in stringData)) total += decodedLength(value);
    for (const value of Object.values(stringData)) total += textLength(value);
    if (total > MAX_DATA_BYTES) return `data: Too long: may not be more than ${MAX_DATA_BYTES} bytes`;
  }
  if (object.kind === 'ConfigMap') {
    for (const value of Object.values(data)) total += textLength(value);
    const binary = isMap(object.binaryData) ? object.binaryData : {};
    for (const value of Object.values(binary)) total += decodedLength(value);
    if (total > MAX_DATA_BYTES) return `[]: Too long: may not be more than ${MAX_DATA_BYTES} bytes`;
  }
  return undefined;
}
