import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';

// The real entry file, run as its own process (TypeScript loaded by tsx, as `npx tsx` does).
const CLI = path.resolve('src/cli.ts');
const TSX_LOADER = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let workspace: string;

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GITHUB_')));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX_LOADER, CLI, ...args],
      { cwd: workspace, env: { ...clean, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const objectsOf = (yaml: string) => parseAllDocuments(yaml).map((doc) => doc.toJS());

beforeAll(async () => {
  workspace = await mkdtemp(path.join(os.tmpdir(), 'render-cli-'));
  const put = async (file: string, text: string) => {
    await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
    await writeFile(path.join(workspace, file), text);
  };
  await put(
    'k8s/app.yaml',
    `# The API
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 4
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      initContainers: [{ name: migrate, image: "registry.local:5000/api:old" }]
      containers:
        - name: api
          image: registry.local:5000/api:old # patched on deploy
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: api }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: api }
  maxReplicas: 10
`,
  );
  await put('k8s/config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n');
  await put('extra/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n');
  await put('bad/broken.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: a: b\n');
  await put('kustomized/kustomization.yaml', 'namespace: team\nresources:\n  - cm.yaml\n');
  await put('kustomized/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-kustomize\n');
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('k8s-deploy render (as a process)', () => {
  it('prints the rendered manifests on stdout in apply order and exits 0', async () => {
    const run = await cli([
      'render',
      '--manifests',
      'k8s',
      '--manifests',
      'extra/ns.yaml',
      '--image',
      'api=123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:4f2c1e9',
      '--namespace',
      'prod',
    ]);
    expect(run.code).toBe(0);
    const objects = objectsOf(run.stdout);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/prod',
      'ConfigMap/settings',
      'Deployment/api',
      'HorizontalPodAutoscaler/api',
    ]);
    const api = objects[2];
    expect(api.metadata.namespace).toBe('prod');
    expect(api.spec.replicas).toBeUndefined();
    expect(api.spec.template.spec.initContainers[0].image).toBe(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:4f2c1e9',
    );
    expect(run.stdout).toContain(
      'image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:4f2c1e9 # patched on deploy',
    );
    expect(run.stderr).toContain('replicas left to HorizontalPodAutoscaler/api');
  });

  it('adds traceability annotations from the GitHub Actions variables', async () => {
    const run = await cli(['render', '--manifests', 'k8s/app.yaml'], {
      GITHUB_SHA: '4f2c1e9',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'org/app',
      GITHUB_RUN_ID: '42',
    });
    expect(run.code).toBe(0);
    expect(objectsOf(run.stdout)[0].metadata.annotations['kubernetes.io/change-cause']).toBe(
      'k8s-deploy-action deployed commit 4f2c1e9 in https://github.com/org/app/actions/runs/42',
    );
  });

  it('renders a kustomize folder through kubectl', async () => {
    const run = await cli(['render', '--manifests', 'kustomized']);
    expect(run.code).toBe(0);
    expect(objectsOf(run.stdout)).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-kustomize', namespace: 'team' } },
    ]);
  });

  it.each([
    [
      ['render', '--manifests', 'k8s', '--image', 'worker=r.io/worker:1'],
      1,
      /^error: Image worker matches no container in the manifests/,
    ],
    [['render', '--manifests', 'bad'], 1, /^error: bad\/broken\.yaml:5: invalid YAML: /],
    [
      ['render', '--manifests', '../elsewhere.yaml'],
      1,
      /^error: Manifest path "..\/elsewhere.yaml" does not exist/,
    ],
    [['render', '--manifests', 'k8s', '--image', 'api'], 2, /^error: Option --image "api" is not NAME=REF/],
    [
      ['render', '--manifests', 'k8s', '--image', 'api=Not A Ref'],
      1,
      /^error: Invalid image reference "Not A Ref" for api/,
    ],
    [['render', '--manifests', 'k8s', '--namespace', 'Bad_NS'], 1, /^error: Invalid namespace "Bad_NS"/],
    [
      ['render', '--manifests', 'k8s', '--force'],
      2,
      /^error: Unknown option --force\. Usage: k8s-deploy render/,
    ],
    [['render', '--manifests'], 2, /^error: Option --manifests needs a value\./],
    [['render'], 2, /^error: Option --manifests is required\./],
    [['render', 'k8s'], 2, /^error: Unexpected argument "k8s"\./],
    [['deploy'], 2, /^Unknown command "deploy"\. Usage: k8s-deploy <render\|eks-token>/],
  ])('%j fails with exit code %i and one line on stderr', async (args, code, message) => {
    const run = await cli(args);
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
