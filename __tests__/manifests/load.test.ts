import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { kustomizeReason, loadManifestSources } from '../../src/manifests/load.js';
import { renderManifests } from '../../src/manifests/render.js';
import { NodeProcessRunner, type ProcessRunner } from '../../src/process.js';

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const deploymentYaml = (name: string, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 2
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers: [{ name: main, image: "${image}" }]
`;

let root: string;
let workspace: string;
const runner = new NodeProcessRunner();

async function put(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
  await writeFile(path.join(workspace, file), text);
}

async function load(entries: string[], options: { runner?: ProcessRunner } = {}) {
  return loadManifestSources(entries, { workspace, runner: options.runner ?? runner });
}

async function loadError(entries: string[]): Promise<string> {
  return load(entries).then(
    () => 'no error',
    (error: Error) => error.message,
  );
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'render-load-'));
  workspace = path.join(root, 'repo');
  await put('plain/b.yaml', configMap('b'));
  await put('plain/a.yml', configMap('a'));
  await put('plain/notes.txt', 'not a manifest');
  await put('plain/sub/c.yaml', configMap('c'));
  await put('base/deployment.yaml', deploymentYaml('api', 'registry.local:5000/api:old'));
  await put('base/kustomization.yaml', 'resources:\n  - deployment.yaml\n');
  await put(
    'overlays/prod/kustomization.yaml',
    'namespace: prod\nresources:\n  - ../../base\nlabels:\n  - pairs: { env: prod }\n',
  );
  await put('broken/kustomization.yaml', 'resources:\n  - missing.yaml\n');
  await put('empty/README.md', '# nothing');
  await writeFile(path.join(root, 'outside.yaml'), configMap('outside'));
  await symlink(path.join(root, 'outside.yaml'), path.join(workspace, 'link.yaml'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadManifestSources', () => {
  it('reads a folder’s *.yaml and *.yml files sorted by name, without subfolders', async () => {
    const sources = await load(['plain']);
    expect(sources.map((source) => source.name)).toEqual(['plain/a.yml', 'plain/b.yaml']);
  });

  it('reads a single file, and a file listed twice only once', async () => {
    const sources = await load(['plain/b.yaml', 'plain', './plain/b.yaml']);
    expect(sources.map((source) => source.name)).toEqual(['plain/b.yaml', 'plain/a.yml']);
  });

  it('expands globs relative to the workspace, recursively with **, sorted', async () => {
    const sources = await load(['plain/**/*.yaml']);
    expect(sources.map((source) => source.name)).toEqual(['plain/b.yaml', 'plain/sub/c.yaml']);
  });

  it('renders a kustomize folder with the real kubectl kustomize', async () => {
    const sources = await load(['overlays/prod']);
    expect(sources).toHaveLength(1);
    expect(sources[0]?.name).toBe('overlays/prod (kubectl kustomize)');
    const result = renderManifests(sources, { images: new Map([['api', 'ecr.example.com/api:new']]) });
    expect(result.objects.map((o) => [o.kind, o.namespace, o.name])).toEqual([['Deployment', 'prod', 'api']]);
    expect(result.yaml).toMatch(/image: "?ecr\.example\.com\/api:new"?\n/);
    expect(result.yaml).toContain('env: prod');
  });

  it('runs kustomize through the ProcessRunner it is given', async () => {
    const calls: string[][] = [];
    const fake: ProcessRunner = {
      run: async (command, args) => {
        calls.push([command, ...args]);
        return { exitCode: 0, stdout: configMap('generated'), stderr: '' };
      },
    };
    const sources = await load(['base'], { runner: fake });
    // The build, then the build of a wrapper asking for origin annotations (see the next test).
    expect(calls[0]).toEqual(['kubectl', 'kustomize', path.join(workspace, 'base')]);
    expect(calls.slice(1).map((call) => call.slice(0, 2))).toEqual([['kubectl', 'kustomize']]);
    expect(sources[0]).toMatchObject({ text: configMap('generated'), generated: true });
  });

  it('points each object of a kustomize build at the file and line it was written in, and keeps kustomize’s origin annotation out of the output', async () => {
    await put('origins/base/kustomization.yaml', 'resources:\n  - app.yaml\n');
    await put(
      'origins/base/app.yaml',
      `# the app\n${configMap('first')}---\n${deploymentYaml('api', 'r.io/api:1')}`,
    );
    await put('origins/prod/kustomization.yaml', 'namePrefix: prod-\nresources:\n  - ../base\n');
    const sources = await load(['origins/prod']);
    const result = renderManifests(sources, {});
    expect(result.objects.map((o) => [o.kind, o.name, o.location])).toEqual([
      ['ConfigMap', 'prod-first', { source: 'origins/base/app.yaml', line: 2 }],
      [
        'Deployment',
        'prod-api',
        { source: 'origins/base/app.yaml', line: configMap('first').split('\n').length + 2 },
      ],
    ]);
    expect(result.yaml).not.toContain('config.kubernetes.io/origin');
  });

  it('keeps locations in the build output when the origins cannot be had (a wrapper kustomize refuses)', async () => {
    let call = 0;
    const fake: ProcessRunner = {
      run: async () =>
        call++ === 0
          ? { exitCode: 0, stdout: configMap('generated'), stderr: '' }
          : { exitCode: 1, stdout: '', stderr: 'error: refused' },
    };
    const sources = await load(['base'], { runner: fake });
    expect(sources[0]?.origins).toBeUndefined();
    const result = renderManifests(sources, {});
    expect(result.objects[0]?.location).toEqual({ source: 'base (kubectl kustomize)', line: 1, document: 1 });
  });

  it('reports a failing kustomization with its folder and kustomize’s reason', async () => {
    expect(await loadError(['broken'])).toMatch(/^kubectl kustomize broken failed: .*missing\.yaml/);
  });

  it.each([
    [
      ['missing.yaml'],
      /^Manifest path "missing.yaml" does not exist; expected a file, folder or glob inside the workspace/,
    ],
    [['k8s/**/*.yaml'], /^Manifest glob "k8s\/\*\*\/\*.yaml" matches no files in the workspace/],
    [
      ['empty'],
      /^Manifest folder "empty" has no \*\.yaml or \*\.yml files and no kustomization\.yaml; expected manifests directly in it/,
    ],
    [
      ['overlays/'],
      /^Manifest folder "overlays\/" has .*; expected a kustomize folder such as overlays\/prod\.$/,
    ],
    [
      ['../outside.yaml'],
      /^Manifest path "..\/outside.yaml" leads outside the workspace .*repo; expected a file, folder or glob inside the workspace\.$/,
    ],
    [['link.yaml'], /^Manifest path "link.yaml" resolves to .*outside.yaml, outside the workspace/],
    [['..'], /^Manifest path "\.\." leads outside the workspace/],
    [['/etc/hostname'], /^Manifest path "\/etc\/hostname" leads outside the workspace/],
    [['plain/../../outside.yaml'], /^Manifest path "plain\/..\/..\/outside.yaml" leads outside/],
    [
      ['/etc/*.conf'],
      /^Manifest glob "\/etc\/\*.conf" leads outside the workspace .*; expected a glob relative/,
    ],
    [['plain/../*.yaml'], /^Manifest glob "plain\/..\/\*.yaml" can lead outside the workspace/],
    [['{/etc,plain}/*.yaml'], /^Manifest glob "\{\/etc,plain\}\/\*.yaml" can lead outside the workspace/],
    [['{..,plain}/*.yaml'], /^Manifest glob "\{..,plain\}\/\*.yaml" can lead outside the workspace/],
    [[], /^No manifests were given/],
  ])('rejects %j with one sentence', async (entries, message) => {
    expect(await loadError(entries)).toMatch(message);
  });

  it('refuses a glob leaving the workspace by its text, whether or not the parent holds a match', async () => {
    // The same sentence with and without a .yaml beside the workspace: nothing outside is globbed.
    const parent = await mkdtemp(path.join(os.tmpdir(), 'render-load-parent-'));
    try {
      const inner = path.join(parent, 'repo');
      await mkdir(inner);
      await writeFile(path.join(inner, 'app.yaml'), configMap('app'));
      const attempt = () =>
        loadManifestSources(['app.yaml', '../*.yaml'], { workspace: inner, runner }).then(
          () => 'no error',
          (error: Error) => error.message,
        );
      const withoutMatch = await attempt();
      await writeFile(path.join(parent, 'beside.yaml'), configMap('beside'));
      const withMatch = await attempt();
      expect(withoutMatch).toMatch(
        /^Manifest glob "..\/\*.yaml" leads outside the workspace .*repo; expected/,
      );
      expect(withMatch).toBe(withoutMatch);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('accepts an absolute path inside the workspace, and a path with ".." that stays inside', async () => {
    const sources = await load([path.join(workspace, 'plain', 'b.yaml'), 'plain/sub/../a.yml']);
    expect(sources.map((source) => source.name)).toEqual(['plain/b.yaml', 'plain/a.yml']);
  });

  it('refuses an entry leaving the workspace before reading any other entry', async () => {
    const calls: string[][] = [];
    const fake: ProcessRunner = {
      run: async (command, args) => {
        calls.push([command, ...args]);
        return { exitCode: 0, stdout: configMap('generated'), stderr: '' };
      },
    };
    const message = await load(['base', '../outside.yaml'], { runner: fake }).then(
      () => 'no error',
      (error: Error) => error.message,
    );
    expect(message).toMatch(/^Manifest path "..\/outside.yaml" leads outside/);
    expect(calls).toEqual([]);
  });
});

describe('kustomizeReason', () => {
  it("reads kustomize's own words out of kubectl's klog line", () => {
    const stderr =
      'E1122 03:10:36.485988   14898 run.go:72] "command failed" err="accumulating resources: accumulation err=\'accumulating resources from \'missing.yaml\': no such file\'"\n';
    expect(kustomizeReason(stderr)).toBe(
      "accumulating resources: accumulation err='accumulating resources from 'missing.yaml': no such file'",
    );
  });

  it("drops kubectl's 'error: ' prefix", () => {
    expect(kustomizeReason('warning: x\nerror: no kustomization file found\n')).toBe(
      'no kustomization file found',
    );
  });
});
