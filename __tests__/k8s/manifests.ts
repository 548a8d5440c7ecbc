import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

/** A parsed manifest document; only apiVersion/kind/metadata are assumed. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** Parses a multi-document YAML stream; a syntax error anywhere fails loudly. */
export function parseManifests(text: string): Manifest[] {
  const docs = parseAllDocuments(text);
  const problems = docs.flatMap((doc) => doc.errors.map((error) => error.message));
  if (problems.length > 0) throw new Error(`The manifests are not valid YAML: ${problems.join('; ')}`);
  return docs.map((doc) => doc.toJS() as Manifest).filter((doc) => doc !== null);
}

/** Renders a kustomize folder with the kubectl on PATH (kustomize is built in). */
export function renderKustomize(dir: string): Manifest[] {
  const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return parseManifests(text);
}

export function findManifest(docs: Manifest[], kind: string, name: string): Manifest | undefined {
  return docs.find((doc) => doc.kind === kind && doc.metadata?.name === name);
}

export function manifestsOfKind(docs: Manifest[], kind: string): Manifest[] {
  return docs.filter((doc) => doc.kind === kind);
}

/** `Kind/name`, how reports name a document. */
export function describeManifest(doc: Partial<Manifest>, index?: number): string {
  const name = doc?.metadata?.name ?? (index === undefined ? '<unnamed>' : `<document ${index + 1}>`);
  return `${doc?.kind ?? '<no kind>'}/${name}`;
}

/** The spec of a manifest that must be there; a missing one fails with its name. */
export function specOf<Spec>(docs: Manifest[], kind: string, name: string): Spec {
  const doc = findManifest(docs, kind, name);
  if (!doc) throw new Error(`${kind}/${name} is not in the rendered manifests.`);
  return doc.spec as Spec;
}
