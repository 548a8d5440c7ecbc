/**
 * Kubernetes' protobuf encoding, for the request bodies kubectl sends that way: `kubectl create
 * namespace|configmap|secret|serviceaccount` encode built-in kinds as protobuf. Only these kinds
 * are decoded (messages from k8s.io/api generated.proto); others get 415.
 */
import protobuf from 'protobufjs';
import type { KubeObject } from '../kube/contract.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const map = (valueType: string, id: number) => ({ keyType: 'string', type: valueType, id });
const root = protobuf.Root.fromJSON({
  nested: {
    TypeMeta: { fields: { apiVersion: { type: 'string', id: 1 }, kind: { type: 'string', id: 2 } } },
    Unknown: {
      fields: {
        typeMeta: { type: 'TypeMeta', id: 1 },
        raw: { type: 'bytes', id: 2 },
        contentEncoding: { type: 'string', id: 3 },
        contentType: { type: 'string', id: 4 },
      },
    },
    OwnerReference: {
      fields: {
        kind: { type: 'string', id: 1 },
        name: { type: 'string', id: 3 },
        uid: { type: 'string', id: 4 },
        apiVersion: { type: 'string', id: 5 },
        controller: { type: 'bool', id: 6 },
        blockOwnerDeletion: { type: 'bool', id: 7 },
      },
    },
    ObjectMeta: {
      fields: {
        name: { type: 'string', id: 1 },
        generateName: { type: 'string', id: 2 },
        namespace: { type: 'string', id: 3 },
        labels: map('string', 11),
        annotations: map('string', 12),
        ownerReferences: { rule: 'repeated', type: 'OwnerReference', id: 13 },
        finalizers: { rule: 'repeated', type: 'string', id: 14 },
      },
    },
    LocalObjectReference: { fields: { name: { type: 'string', id: 1 } } },
    ObjectReference: { fields: { name: { type: 'string', id: 3 }, namespace: { type: 'string', id: 2 } } },
    NamespaceSpec: { fields: { finalizers: { rule: 'repeated', type: 'string', id: 1 } } },
    Namespace: {
      fields: { metadata: { type: 'ObjectMeta', id: 1 }, spec: { type: 'NamespaceSpec', id: 2 } },
    },
    ConfigMap: {
      fields: {
        metadata: { type: 'ObjectMeta', id: 1 },
        data: map('string', 2),
        binaryData: map('bytes', 3),
        immutable: { type: 'bool', id: 4 },
      },
    },
    Secret: {
      fields: {
        metadata: { type: 'ObjectMeta', id: 1 },
        data: map('bytes', 2),
        type: { type: 'string', id: 3 },
        stringData: map('string', 4),
        immutable: { type: 'bool', id: 5 },
      },
    },
    ServiceAccount: {
      fields: {
        metadata: { type: 'ObjectMeta', id: 1 },
        secrets: { rule: 'repeated', type: 'ObjectReference', id: 2 },
        imagePullSecrets: { rule: 'repeated', type: 'LocalObjectReference', id: 3 },
        automountServiceAccountToken: { type: 'bool', id: 4 },
      },
    },
  },
});

const DECODABLE = new Set(['Namespace', 'ConfigMap', 'Secret', 'ServiceAccount']);

export function isProtobuf(body: Buffer): boolean {
  return body.subarray(0, 4).equals(MAGIC);
}

/** The object in a protobuf body, or a sentence saying why it cannot be read. */
export function decodeProtobuf(body: Buffer): KubeObject | string {
  if (!isProtobuf(body)) return 'the protobuf body does not start with the Kubernetes magic number.';
  const envelope = root
    .lookupType('Unknown')
    .toObject(root.lookupType('Unknown').decode(body.subarray(4))) as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: Uint8Array;
  };
  const kind = envelope.typeMeta?.kind ?? '';
  if (!DECODABLE.has(kind) || envelope.typeMeta?.apiVersion !== 'v1') {
    return `the sandbox decodes protobuf only for ${[...DECODABLE].join(', ')}; send ${kind || 'this kind'} as JSON or YAML.`;
  }
  const type = root.lookupType(kind);
  const object = type.toObject(type.decode(envelope.raw ?? new Uint8Array()), {
    bytes: String,
    defaults: false,
  }) as Record<string, unknown>;
  return { apiVersion: 'v1', kind, ...object, metadata: (object.metadata ?? {}) as KubeObject['metadata'] };
}
