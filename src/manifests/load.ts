import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import type { ProcessRunner } from '../process.js';
import { ManifestError } from './errors.js';
import { kustomizeOrigins } from './kustomize-origins.js';
import type { ManifestSource } from './parse.js';

export interface LoadOptions {
  /** Manifests must live inside it (GITHUB_WORKSPACE, or the current directory). */
  workspace: string;
  /** Runs `kubectl kustomize` for kustomize folders. */
  runner: ProcessRunner;
  kubectl?: string;
}

/** Names kustomize looks for, in its order. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml']);

/**
 * Loads manifest sources from the `manifests` entries, each one of:
 * - a file;
 * - a folder holding a kustomization file: rendered with `kubectl kustomize`;
 * - any other folder: its *.yaml and *.yml files, NOT its subfolders (as `kubectl apply -f`
 *   does; a reference tree of base/ and overlays/ must not be merged by accident — use a glob
 *   such as `k8s/**\/*.yaml` to recurse);
 * - a glob, relative to the workspace (kustomization files it matches are skipped: they are
 *   kustomize's input, not Kubernetes objects).
 * Files come in a stable order: entries as given, the files of a folder or glob sorted by path.
 * An entry whose text leaves the workspace (`../x.yaml`, `/etc/*.yaml`, a `..` in a glob) is
 * refused before anything is read or globbed, so the answer never depends on what happens to lie
 * outside; anything that then resolves (through symlinks) outside it, or matches nothing, is an
 * error too.
 */
export async function loadManifestSources(
  entries: readonly string[],
  options: LoadOptions,
): Promise<ManifestSource[]> {
  if (entries.length === 0) {
    throw new ManifestError('No manifests were given; expected at least one file, folder or glob.');
  }
  const given = path.resolve(options.workspace);
  const workspace = await realpath(given);
  for (const entry of entries) refuseEntryLeavingWorkspace(entry, [workspace, given]);
  const seen = new Set<string>();
  const sources: ManifestSource[] = [];
  for (const entry of entries) {
    for (const source of await loadEntry(entry, workspace, options)) {
      if (seen.has(source.realPath)) continue; // listed twice (e.g. a file and its folder)
      seen.add(source.realPath);
      sources.push(source.source);
    }
  }
  return sources;
}

interface Loaded {
  realPath: string;
  source: ManifestSource;
}

async function loadEntry(entry: string, workspace: string, options: LoadOptions): Promise<Loaded[]> {
  if (isDynamicPattern(entry)) {
    const matches = await glob(entry, {
      cwd: workspace,
      absolute: true,
      onlyFiles: true,
      expandDirectories: false,
    });
    const files = matches.filter((file) => !KUSTOMIZATION_FILES.includes(path.basename(file))).sort();
    if (files.length === 0) {
      throw new ManifestError(
        `Manifest glob ${JSON.stringify(entry)} matches no files in the workspace ${workspace}; expected a glob matching at least one manifest file.`,
      );
    }
    return Promise.all(files.map((file) => loadFile(file, entry, workspace)));
  }
  const absolute = path.resolve(workspace, entry);
  const info = await stat(absolute).catch(() => undefined);
  if (info === undefined) {
    throw new ManifestError(
      `Manifest path ${JSON.stringify(entry)} does not exist; expected a file, folder or glob inside the workspace ${workspace}.`,
    );
  }
  const real = await insideWorkspace(absolute, entry, workspace);
  if (!info.isDirectory()) return [await loadFile(absolute, entry, workspace)];

  const names = await readdir(absolute);
  const kustomization = KUSTOMIZATION_FILES.find((name) => names.includes(name));
  if (kustomization !== undefined) return [await kustomize(absolute, real, workspace, options)];
  const files = names.filter((name) => MANIFEST_EXTENSIONS.has(path.extname(name))).sort();
  const loaded: Loaded[] = [];
  for (const name of files) {
    const file = path.join(absolute, name);
    if ((await stat(file)).isFile()) loaded.push(await loadFile(file, entry, workspace));
  }
  if (loaded.length === 0) {
    const folder = entry.replace(/\/+$/, '');
    const found = await glob(['*/kustomization.{yaml,yml}', '*/*/kustomization.{yaml,yml}'], {
      cwd: absolute,
    });
    // Kustomize components are mixed into overlays, never rendered alone.
    const isComponent = async (file: string) =>
      /^kind:\s*Component\s*$/m.test(await readFile(path.join(absolute, file), 'utf8').catch(() => ''));
    const nested: string[] = [];
    for (const file of found) if (!(await isComponent(file))) nested.push(file);
    const suggestion =
      nested.length > 0
        ? `a kustomize folder such as ${nested
            .map((file) => `${folder}/${path.dirname(file)}`)
            // Overlays (deeper) first: they are what a deploy names; a base is rarely deployed alone.
            .sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b))
            .slice(0, 3)
            .join(' or ')}`
        : `manifests directly in it, or a glob such as ${folder}/**/*.yaml for subfolders`;
    throw new ManifestError(
      `Manifest folder ${JSON.stringify(entry)} has no *.yaml or *.yml files and no kustomization.yaml; expected ${suggestion}.`,
    );
  }
  return loaded;
}

async function loadFile(file: string, entry: string, workspace: string): Promise<Loaded> {
  const realPath = await insideWorkspace(file, entry, workspace);
  let text: string;
  try {
    text = await readFile(realPath, 'utf8');
  } catch (error) {
    throw new ManifestError(
      `Cannot read manifest ${relative(workspace, file)}: ${(error as Error).message}.`,
    );
  }
  return { realPath, source: { name: relative(workspace, file), text } };
}

async function kustomize(
  dir: string,
  realPath: string,
  workspace: string,
  options: LoadOptions,
): Promise<Loaded> {
  const name = relative(workspace, dir);
  const kubectl = options.kubectl ?? 'kubectl';
  const result = await options.runner.run(kubectl, ['kustomize', dir], { cwd: workspace });
  if (result.exitCode !== 0) {
    const reason = kustomizeReason(result.stderr) || `exit code ${result.exitCode}`;
    throw new ManifestError(`kubectl kustomize ${name} failed: ${reason}`);
  }
  const origins = await kustomizeOrigins(dir, workspace, result.stdout, options.runner, kubectl);
  return {
    realPath,
    source: {
      name: `${name} (kubectl kustomize)`,
      text: result.stdout,
      generated: true,
      ...(origins ? { origins } : {}),
    },
  };
}

/**
 * kubectl's last stderr line, without klog's prefix (`E1122 03:10:36.485988 14898 run.go:72]
 * "command failed" err="…"`) or kubectl's `error: `, so the user reads kustomize's own words.
 */
export function kustomizeReason(stderr: string): string {
  const last = stderr.trim().split('\n').pop() ?? '';
  const klog = /^[EWIF]\d{4} [\d:.]+\s+\d+ \S+\] "command failed" err="(.*)"$/.exec(last);
  const text = klog ? (JSON.parse(`"${klog[1]}"`) as string) : last;
  return text.replace(/^error: /, '');
}

/**
 * Refuses, by its text alone, an entry that leaves the workspace: a path that resolves (without
 * following symlinks) outside every root, or a glob that does, names a `..` segment anywhere
 * (what a glob climbing out matches depends on the machine), or starts a brace alternative at the
 * root (`{/etc,k8s}/*.yaml`).
 * `roots` are the workspace as given and as resolved: an absolute path written from
 * GITHUB_WORKSPACE is inside even when a symlink leads to the workspace.
 */
export function refuseEntryLeavingWorkspace(entry: string, roots: readonly string[]): void {
  const isGlob = isDynamicPattern(entry);
  const resolved = path.resolve(roots[0] ?? '.', entry);
  const inside = roots.some((root) => resolved === root || resolved.startsWith(root + path.sep));
  const climbs = isGlob && (/(^|[/\\{,])\.\.($|[/\\,}])/.test(entry) || /[{,]\//.test(entry));
  if (inside && !climbs) return;
  const what = isGlob ? 'glob' : 'path';
  const wrong = inside ? 'can lead outside' : 'leads outside';
  const expected = isGlob
    ? 'a glob relative to the workspace, without ".." segments'
    : 'a file, folder or glob inside the workspace';
  throw new ManifestError(
    `Manifest ${what} ${JSON.stringify(entry)} ${wrong} the workspace ${roots[0]}; expected ${expected}.`,
  );
}

/** Resolves symlinks and returns the real path; throws when it leaves the workspace. */
async function insideWorkspace(file: string, entry: string, workspace: string): Promise<string> {
  const real = await realpath(file);
  if (real !== workspace && !real.startsWith(workspace + path.sep)) {
    throw new ManifestError(
      `Manifest path ${JSON.stringify(entry)} resolves to ${real}, outside the workspace ${workspace}; expected manifests inside the repository.`,
    );
  }
  return real;
}

function relative(workspace: string, file: string): string {
  return path.relative(workspace, file) || '.';
}
