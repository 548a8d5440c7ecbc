import { isRecord } from '../records.js';

/** A Kubernetes object as the API returns it. */
export type Json = Record<string, unknown>;

/** What names one object: enough to get, apply or delete it. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  /** Undefined for cluster-scoped objects. */
  namespace?: string;
}

export function metadataOf(object: Json): Json {
  return isRecord(object.metadata) ? object.metadata : {};
}

export function refOf(object: Json): ObjectRef {
  const metadata = metadataOf(object);
  return {
    apiVersion: String(object.apiVersion ?? ''),
    kind: String(object.kind ?? ''),
    name: String(metadata.name ?? ''),
    ...(typeof metadata.namespace === 'string' && metadata.namespace !== ''
      ? { namespace: metadata.namespace }
      : {}),
  };
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** Identity of an object across API versions: group, kind, namespace and name. */
export function keyOf(ref: ObjectRef): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** `Deployment upload/api`, `Namespace upload`: how objects are named in logs and verdicts. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace !== undefined ? `${ref.namespace}/` : ''}${ref.name}`;
}

/**
 * The namespace of a namespaced object's identity. Every such identity has one once identity.ts
 * resolved it before the plan; a phase never falls back to `default` (what kubectl's context
 * meant may be another namespace), so a reference that missed the resolution is an internal error.
 */
export function namespaceOf(ref: ObjectRef): string {
  if (ref.namespace === undefined) {
    throw new Error(
      `Internal error: ${describeRef(ref)} reached a namespaced step without a resolved namespace.`,
    );
  }
  return ref.namespace;
}

/** A manifest that only names the object (for `kubectl get -f` / `delete -f`). */
export function refManifest(ref: ObjectRef): Json {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}) },
  };
}

export function uidOf(object: Json): string | undefined {
  const uid = metadataOf(object).uid;
  return typeof uid === 'string' ? uid : undefined;
}

export function labelsOf(object: Json): Record<string, string> {
  const labels = metadataOf(object).labels;
  return isRecord(labels) ? (labels as Record<string, string>) : {};
}

export function annotationsOf(object: Json): Record<string, string> {
  const annotations = metadataOf(object).annotations;
  return isRecord(annotations) ? (annotations as Record<string, string>) : {};
}

/** The uid of the object's controller (ownerReferences with controller: true). */
export function controllerUid(object: Json): string | undefined {
  const owners = metadataOf(object).ownerReferences;
  if (!Array.isArray(owners)) return undefined;
  const owner = owners.find((entry) => isRecord(entry) && entry.controller === true);
  return isRecord(owner) && typeof owner.uid === 'string' ? owner.uid : undefined;
}

/** Annotations that change on every run of the same commit; they never make a release differ. */
export const RUN_ANNOTATIONS = ['k8s-deploy-action/run-url', 'kubernetes.io/change-cause'];

const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'uid',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

/**
 * The object as it would be compared between two states: without what the server maintains
 * (status, resourceVersion, managedFields, ...) and without the annotations each run rewrites.
 */
export function comparable(object: Json): Json {
  const copy = structuredClone(object);
  delete copy.status;
  const metadata = metadataOf(copy);
  for (const field of SERVER_METADATA) delete metadata[field];
  const annotations = metadata.annotations;
  if (isRecord(annotations)) {
    for (const key of RUN_ANNOTATIONS) delete annotations[key];
    delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
  }
  return copy;
}

/** JSON with object keys sorted, so equal objects compare equal as text. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Splits kubectl's `-o json` output for several objects: it prints one JSON document after
 * another (not a List), each pretty-printed.
 */
export function parseJsonStream(text: string): Json[] {
  const objects: Json[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (char === '}') {
      depth--;
      if (depth === 0 && start !== -1) {
        const parsed: unknown = JSON.parse(text.slice(start, i + 1));
        if (isRecord(parsed)) objects.push(parsed);
        start = -1;
      }
    }
  }
  return objects.flatMap((object) =>
    object.kind === 'List' && Array.isArray(object.items) ? object.items.filter(isRecord) : [object],
  );
}

/** Shorter values are not hidden: masking every "yes" or "1" would garble the text around them. */
const MIN_SECRET_LENGTH = 4;

/**
 * The values a Secret holds, as they can appear in text: `stringData` as written, `data` both
 * base64 and decoded, each line of a multi-line value on its own (diffs print line by line).
 */
export function secretValues(secret: Json | undefined): string[] {
  if (secret?.kind !== 'Secret') return [];
  const values: string[] = [];
  const add = (value: unknown) => {
    if (typeof value !== 'string') return;
    for (const part of [value, ...value.split('\n')]) {
      if (part.trim().length >= MIN_SECRET_LENGTH) values.push(part.trim());
    }
  };
  const stringData = isRecord(secret.stringData) ? secret.stringData : {};
  const data = isRecord(secret.data) ? secret.data : {};
  for (const value of Object.values(stringData)) add(value);
  for (const value of Object.values(data)) {
    add(value);
    if (typeof value === 'string') add(Buffer.from(value, 'base64').toString('utf8'));
  }
  return values;
}

/** The text with every given secret value replaced by `***`, longest first. */
export function redact(text: string, secrets: readonly string[]): string {
  const sorted = [...new Set(secrets)].sort((a, b) => b.length - a.length);
  return sorted.reduce((out, secret) => out.split(secret).join('***'), text);
}

/**
 * Objects as a multi-document YAML stream whose documents are JSON (JSON is YAML: no second
 * serializer, nothing kubectl could read differently). The leading `---` makes kubectl read a
 * stream: one that starts with `{` is taken for a single JSON document.
 */
export function toYaml(objects: readonly Json[]): string {
  return objects.map((object) => `---\n${JSON.stringify(object)}\n`).join('');
}
