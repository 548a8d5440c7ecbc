import { isRecord } from '../records.js';
import { annotateWorkloads, type Traceability } from './annotations.js';
import { handReplicasToAutoscalers, type ReplicasHandover } from './autoscalers.js';
import { stampConfigHashes } from './config-hash.js';
import { formatLocation, ManifestError, type SourceLocation } from './errors.js';
import { type ImageChange, type ImageReplacements, replaceImages } from './images.js';
import { applyOrder, groupKind, isNamespaced } from './kinds.js';
import { type ManifestDocument, type ManifestSource, parseSource, rejectOversized } from './parse.js';
import { serializeManifest } from './serialize.js';

export interface RenderOptions {
  /** Repository path → full image reference; each must match at least one container. */
  images?: ImageReplacements;
  /** Given to namespaced objects that name none. */
  namespace?: string;
  /** Written as annotations onto each workload; nothing is written when all are unset. */
  traceability?: Traceability;
}

/** One rendered object, in apply order. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  name: string;
  /** After defaulting; undefined for cluster-scoped objects (and namespaced ones left unset). */
  namespace: string | undefined;
  location: SourceLocation;
  yaml: string;
}

export interface RenderResult {
  objects: RenderedObject[];
  /** The whole set as one multi-document YAML stream, ready for `kubectl apply -f -`. */
  yaml: string;
  imageChanges: ImageChange[];
  /** Workloads whose replica count this render left to an autoscaler; see ReplicasHandover. */
  replicasHandovers: ReplicasHandover[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Renders manifest sources for apply: parses every document, defaults namespaces, replaces
 * images, leaves replicas to autoscalers, stamps a hash of the configuration each workload reads
 * into its pod template (config-hash.ts), annotates workloads, and orders the objects for apply. Pure: no files, processes or clock.
 *
 * The rules only record edits; serializeManifest applies them line by line to plain
 * block-style documents (every other byte, comments included, stays as written) and through
 * the yaml Document API to everything else (anchors, tags, flow-style parents), which keeps
 * comments and key order. Both are checked against each other in text-edit.test.ts.
 */
export function renderManifests(
  sources: readonly ManifestSource[],
  options: RenderOptions = {},
): RenderResult {
  const { namespace } = options;
  if (namespace !== undefined && (!DNS_LABEL.test(namespace) || namespace.length > 63)) {
    throw new ManifestError(
      `Invalid namespace ${JSON.stringify(namespace)}; expected a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters).`,
    );
  }
  const documents = sources.flatMap(parseSource);
  if (documents.length === 0) {
    throw new ManifestError(
      `The manifests (${sources.map((source) => source.name).join(', ') || 'none given'}) hold no Kubernetes objects; expected at least one.`,
    );
  }

  const clusterScopedCrds = clusterScopedCustomKinds(documents);
  const namespaces = new Map<ManifestDocument, string | undefined>();
  for (const manifest of documents) {
    const namespaced = isNamespaced(manifest.key, clusterScopedCrds);
    if (namespaced && manifest.namespace === undefined && namespace !== undefined) {
      setNamespace(manifest, namespace);
      namespaces.set(manifest, namespace);
    } else {
      namespaces.set(manifest, namespaced ? manifest.namespace : undefined);
    }
  }
  const namespaceOf = (manifest: ManifestDocument) => namespaces.get(manifest);
  rejectDuplicates(documents, namespaceOf);

  const imageChanges = replaceImages(documents, options.images ?? new Map());
  const replicasHandovers = handReplicasToAutoscalers(documents, namespaceOf);
  stampConfigHashes(documents, namespaceOf);
  annotateWorkloads(documents, options.traceability ?? {});

  // Array.prototype.sort is stable, so input order holds within a group.
  const ordered = [...documents].sort((a, b) => applyOrder(a.key) - applyOrder(b.key));
  const objects = ordered.map((manifest) => {
    const yaml = serializeManifest(manifest);
    // Aliases make a small document a large object: what kubectl sends is the expanded data.
    if (manifest.document !== undefined) rejectOversized(JSON.stringify(manifest.object), manifest.location);
    return {
      apiVersion: manifest.apiVersion,
      kind: manifest.kind,
      name: manifest.name,
      namespace: namespaceOf(manifest),
      location: manifest.location,
      yaml,
    };
  });
  return {
    objects,
    yaml: objects.map((object) => object.yaml).join('---\n'),
    imageChanges,
    replicasHandovers,
  };
}

/** group/Kind of the custom resources that CRDs in this set declare cluster-scoped. */
function clusterScopedCustomKinds(documents: readonly ManifestDocument[]): Set<string> {
  const kinds = new Set<string>();
  for (const manifest of documents) {
    if (manifest.key !== 'apiextensions.k8s.io/CustomResourceDefinition') continue;
    const spec = manifest.object.spec;
    if (!isRecord(spec) || spec.scope !== 'Cluster' || !isRecord(spec.names)) continue;
    if (typeof spec.group === 'string' && typeof spec.names.kind === 'string') {
      kinds.add(groupKind(`${spec.group}/v`, spec.names.kind));
    }
  }
  return kinds;
}

function setNamespace(manifest: ManifestDocument, namespace: string): void {
  manifest.edits.push({ op: 'set', path: ['metadata', 'namespace'], value: namespace });
}

function rejectDuplicates(
  documents: readonly ManifestDocument[],
  namespaceOf: (manifest: ManifestDocument) => string | undefined,
): void {
  const seen = new Map<string, ManifestDocument>();
  for (const manifest of documents) {
    const namespace = namespaceOf(manifest);
    const id = `${manifest.key}/${namespace ?? ''}/${manifest.name}`;
    const first = seen.get(id);
    if (first !== undefined) {
      const what = `${manifest.kind} ${namespace !== undefined ? `${namespace}/` : ''}${manifest.name}`;
      throw new ManifestError(
        `${what} is defined twice (first at ${formatLocation(first.location)}); expected each object once.`,
        manifest.location,
      );
    }
    seen.set(id, manifest);
  }
}
