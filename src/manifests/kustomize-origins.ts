import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load, loadAll } from 'js-yaml';
import type { ProcessRunner } from '../process.js';
import { isRecord } from '../records.js';
import type { SourceLocation } from './errors.js';

/**
 * Where each object of a kustomize build was written: kustomize records it when a kustomization
 * asks (`buildMetadata: [originAnnotations]`). The user's kustomization is not touched: a wrapper
 * in a private temp folder includes it as its one resource and asks for the annotations. Its
 * output is used only for the locations, and only when, without the annotation, it is object for
 * object the plain build's: the annotation never reaches the cluster, and anything unexpected
 * (a remote base, a kustomize that refuses the wrapper) leaves messages pointing into the output.
 */
export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

export async function kustomizeOrigins(
  dir: string,
  workspace: string,
  plainOutput: string,
  runner: ProcessRunner,
  kubectl: string,
): Promise<(SourceLocation | undefined)[] | undefined> {
  const wrapper = await mkdtemp(path.join(tmpdir(), 'k8s-deploy-kustomize-'));
  try {
    await writeFile(
      path.join(wrapper, 'kustomization.yaml'),
      `resources:\n- ${JSON.stringify(path.relative(wrapper, dir))}\nbuildMetadata: [originAnnotations]\n`,
    );
    const result = await runner.run(kubectl, ['kustomize', wrapper], { cwd: workspace });
    if (result.exitCode !== 0) return undefined;
    const plain = loadAll(plainOutput);
    const annotated = loadAll(result.stdout);
    if (plain.length !== annotated.length) return undefined;
    const origins: (SourceLocation | undefined)[] = [];
    for (const [index, object] of annotated.entries()) {
      const origin = takeOrigin(object);
      if (JSON.stringify(object) !== JSON.stringify(plain[index])) return undefined;
      origins.push(origin && (await locate(origin, object, wrapper, workspace)));
    }
    return origins;
  } catch {
    return undefined;
  } finally {
    await rm(wrapper, { recursive: true, force: true });
  }
}

/** Removes the origin annotation (and an `annotations` it leaves empty); answers what it held. */
function takeOrigin(object: unknown): Record<string, unknown> | undefined {
  if (!isRecord(object) || !isRecord(object.metadata) || !isRecord(object.metadata.annotations))
    return undefined;
  const annotations = object.metadata.annotations;
  const text = annotations[ORIGIN_ANNOTATION];
  delete annotations[ORIGIN_ANNOTATION];
  if (Object.keys(annotations).length === 0) delete object.metadata.annotations;
  if (typeof text !== 'string') return undefined;
  const origin = load(text);
  return isRecord(origin) ? origin : undefined;
}

/**
 * The file (relative to the workspace) and line of an object's origin: the document of its kind
 * whose name the built name contains (prefixes and suffixes added), else the file's first line.
 * A generated object points at the kustomization that configured it. Remote bases: none.
 */
async function locate(
  origin: Record<string, unknown>,
  object: unknown,
  wrapper: string,
  workspace: string,
): Promise<SourceLocation | undefined> {
  const written = typeof origin.path === 'string' ? origin.path : origin.configuredIn;
  if (typeof written !== 'string' || origin.repo !== undefined) return undefined;
  const file = path.resolve(wrapper, written);
  const source = path.relative(workspace, file);
  if (source.startsWith('..') || path.isAbsolute(source)) return undefined;
  if (typeof origin.path !== 'string' || !isRecord(object)) return { source, line: 1 };
  const kind = object.kind;
  const name = isRecord(object.metadata) ? String(object.metadata.name ?? '') : '';
  const text = await readFile(file, 'utf8');
  let offset = 0;
  for (const part of text.split(/^---[^\n]*\n/m)) {
    const start = offset;
    offset += part.split('\n').length - 1 + 1;
    let document: unknown;
    try {
      document = load(part);
    } catch {
      continue;
    }
    if (!isRecord(document) || document.kind !== kind || !isRecord(document.metadata)) continue;
    const own = String(document.metadata.name ?? '');
    if (own === '' || !name.includes(own)) continue;
    const lines = part.split('\n');
    const first = lines.findIndex((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
    return { source, line: start + Math.max(first, 0) + 1 };
  }
  return { source, line: 1 };
}
