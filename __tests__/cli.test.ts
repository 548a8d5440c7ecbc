import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { type CliCommand, type CommandEntry, EXIT, UsageError } from '../src/cli/command.js';
import { runCli } from '../src/cli/help.js';

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
      /^error: Manifest path "..\/elsewhere.yaml" leads outside the workspace .*; expected a file, folder or glob inside the workspace\.$/m,
    ],
    [['render', '--manifests', 'k8s', '--image', 'api'], 2, /^error: Option --image "api" is not NAME=REF/],
    [
      ['render', '--manifests', 'k8s', '--image', 'api=Not A Ref'],
      1,
      /^error: Invalid image reference "Not A Ref" for api/,
    ],
    // A usage error as in deploy (exit 2, the same sentence), before anything is read.
    [
      ['render', '--manifests', 'k8s', '--namespace', 'Bad_NS'],
      2,
      /^error: Invalid value "Bad_NS" for option --namespace\. Expected a DNS-1123 label/,
    ],
    [
      ['render', '--manifests', 'missing', '--namespace', 'Bad_NS'],
      2,
      /^error: Invalid value "Bad_NS" for option --namespace\./,
    ],
    [
      ['render', '--manifests', 'k8s', '--force'],
      2,
      /^error: Unknown option --force\. Usage: k8s-deploy render/,
    ],
    [['render', '--manifests'], 2, /^error: Option --manifests needs a value\./],
    [['render'], 2, /^error: Option --manifests is required\./],
    [['render', 'k8s'], 2, /^error: Unexpected argument "k8s"\./],
    [['deploy'], 2, /^error: Option --manifests is required\. Usage: k8s-deploy deploy /],
    [
      ['undeploy'],
      2,
      /^error: Unknown command "undeploy"\. Expected one of render, eks-token, deploy, diff, history, rollback, promote, reject, unlock \(/,
    ],
    [[], 2, /^error: No command given\. Expected one of render, eks-token, deploy, diff, history, rollback/],
  ])('%j fails with exit code %i and one line on stderr', async (args, code, message) => {
    const run = await cli(args);
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('k8s-deploy help (as a process)', () => {
  it('answers --help with the commands and exit codes on stdout, where it used to say "Unknown command"', async () => {
    const run = await cli(['--help']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^Commands:\n {2}render +Print the manifests/m);
    expect(run.stdout).toMatch(/^ {2}eks-token +Print an EKS token/m);
    expect(run.stdout).toMatch(
      /^ {2}3 +rolled back: the deploy failed and the previous release was restored$/m,
    );
  });

  it('answers --version with the version from the entry file, as a process', async () => {
    const run = await cli(['--version']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^k8s-deploy \d+\.\d+\.\d+\n$/);
  });

  it('answers `help render` and `render --help` alike, without needing --manifests', async () => {
    const [help, flag] = await Promise.all([cli(['help', 'render']), cli(['render', '--help'])]);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(flag).toEqual(help);
    expect(help.stdout).toContain('Usage: k8s-deploy render --manifests PATH');
  });

  // Each command's module repeats its usage line in its errors (it cannot import the table without
  // loading on every run what the table spares kubectl); this keeps the two from drifting apart.
  it("shows in each command's help the usage line its usage errors show", async () => {
    const top = await cli(['--help']);
    const names = [...top.stdout.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((match) => match[1] ?? '');
    expect(names).toEqual([
      'render',
      'eks-token',
      'deploy',
      'diff',
      'history',
      'rollback',
      'promote',
      'reject',
      'unlock',
    ]);
    for (const name of names) {
      const [help, misuse] = await Promise.all([cli([name, '-h']), cli([name, '--no-such-option'])]);
      expect({ name, code: misuse.code }).toEqual({ name, code: 2 });
      const usageOf = (text: string) => /Usage: k8s-deploy .*$/m.exec(text)?.[0];
      expect({ name, usage: usageOf(misuse.stderr) }).toEqual({ name, usage: usageOf(help.stdout) });
    }
  });
});

describe('runCli (the command table, in process)', () => {
  // A table like src/cli.ts's, whose loaders count their calls: help must never need a module.
  function fixture(run: CliCommand['run'] = async () => EXIT.success) {
    const loads: string[] = [];
    const calls: string[][] = [];
    const entry = (name: string, summary: string): CommandEntry => ({
      name,
      summary,
      usage: `Usage: k8s-deploy ${name} --thing T`,
      options: [['--thing T', `What ${name} works on.`]],
      load: async () => {
        loads.push(name);
        return {
          run: async (args, io) => {
            calls.push(args);
            return run(args, io);
          },
        };
      },
    });
    const commands = [entry('deploy', 'Deploy the manifests.'), entry('history', 'List the releases.')];
    let stdout = '';
    let stderr = '';
    const exec = (argv: string[]) =>
      runCli(argv, commands, {
        stdout: (text) => {
          stdout += text;
        },
        stderr: (text) => {
          stderr += text;
        },
        env: {},
      }).then((code) => ({ code, stdout, stderr, loads, calls }));
    return exec;
  }

  it.each([['--help'], ['-h'], ['help']])(
    '%s lists every command of the table with its summary',
    async (flag) => {
      const run = await fixture()([flag]);
      expect(run).toMatchObject({ code: 0, stderr: '', loads: [] });
      expect(run.stdout).toContain('Usage: k8s-deploy <command> [options]');
      expect(run.stdout).toMatch(/^ {2}deploy +Deploy the manifests\.$/m);
      expect(run.stdout).toMatch(/^ {2}history +List the releases\.$/m);
    },
  );

  it("answers --version with package.json's version on stdout, loading no command", async () => {
    const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    const run = await fixture()(['--version']);
    expect(run).toMatchObject({ code: 0, stderr: '', loads: [], stdout: `k8s-deploy ${version}\n` });
  });

  it('documents every exit code a command can return', async () => {
    const run = await fixture()(['--help']);
    for (const code of Object.values(EXIT)) expect(run.stdout).toMatch(new RegExp(`^ {2}${code} +\\S`, 'm'));
    expect(run.stdout).toMatch(/^ {2}130 +cancelled/m);
  });

  it.each([
    [['help', 'deploy']],
    [['deploy', '--help']],
    [['deploy', '-h']],
    [['deploy', '--thing', 'x', '--help']],
  ])("%j shows the command's usage and options without loading it", async (argv) => {
    const run = await fixture()(argv);
    expect(run).toMatchObject({ code: 0, stderr: '', loads: [], calls: [] });
    expect(run.stdout).toContain(
      'k8s-deploy deploy: Deploy the manifests.\n\nUsage: k8s-deploy deploy --thing T\n',
    );
    expect(run.stdout).toMatch(/^ {2}--thing T +What deploy works on\.$/m);
    expect(run.stdout).toMatch(/^ {2}-h, --help +Show this help\.$/m);
    expect(run.stdout).toContain('Exit codes:');
  });

  it('runs only the named command, with the arguments after its name, and returns its exit code', async () => {
    const run = await fixture(async () => EXIT.rolledBack)(['deploy', '--thing', 'x']);
    expect(run).toMatchObject({ code: 3, loads: ['deploy'], calls: [['--thing', 'x']], stdout: '' });
  });

  it('passes --help after `--` to the command as a value', async () => {
    const run = await fixture()(['deploy', '--', '--help']);
    expect(run).toMatchObject({ code: 0, loads: ['deploy'], calls: [['--', '--help']], stdout: '' });
  });

  it.each([
    [[], 'error: No command given. Expected one of deploy, history (k8s-deploy --help says what each does).'],
    [['render'], 'error: Unknown command "render". Expected one of deploy, history'],
    [['--verbose'], 'error: Unknown option "--verbose". Expected one of deploy, history'],
    [
      ['--version', 'deploy'],
      'error: Unexpected argument "deploy" after --version. Expected --version alone.',
    ],
    [['help', 'rollback'], 'error: Unknown command "rollback". Expected one of deploy, history'],
    [
      ['help', 'deploy', 'now'],
      `error: Unexpected argument "now" after 'help deploy'. Expected one command name at most.`,
    ],
  ])('%j is a usage error: exit code 2 and one sentence on stderr', async (argv, message) => {
    const run = await fixture()(argv);
    expect(run).toMatchObject({ code: 2, stdout: '', loads: [] });
    expect(run.stderr.startsWith(message)).toBe(true);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('turns an exception a command throws into one line: exit code 2 for a UsageError, 1 otherwise', async () => {
    const usage = await fixture(async () => {
      throw new UsageError('Option --thing is required.');
    })(['deploy']);
    expect(usage).toMatchObject({ code: 2, stderr: 'error: Option --thing is required.\n' });
    const failure = await fixture(async () => {
      throw new Error('The cluster said no.');
    })(['deploy']);
    expect(failure).toMatchObject({ code: 1, stderr: 'error: The cluster said no.\n' });
  });
});
