import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ActionRun, runAction } from '../../sandbox/runner.js';
import { type RunningSandbox, startSandbox } from '../../sandbox/testing.js';

// The bundled action (dist/) run as a runner runs it, four times against the sandbox — a deploy
// that succeeds, one whose crash loop is rolled back, one cancelled during verify, a dry run — with
// every credential it handles known to the test. Then each place a secret could end up is searched
// for each of them, in plain form and the encodings a leak usually takes.

const run = promisify(execFile);

interface Secret {
  /** Names the secret in a finding. */
  name: string;
  value: string;
  /** A credential (AWS, ECR, EKS, GitHub), or a value of the user's own manifests' Secret. */
  kind: 'credential' | 'manifest';
}

interface Place {
  /** Names the stream or file in a finding. */
  name: string;
  text: string;
  /** The release records and the rendered manifests hold the user's own Secret data, as Helm's do. */
  mayHoldManifestSecrets?: boolean;
}

interface Deploy {
  label: string;
  run: ActionRun;
  /** The EKS tokens the cluster was shown during this run (the exec plugin minted them). */
  eksTokens: string[];
  /** What the run left in its TMPDIR (kubectl diff, podman and node write temporary files there). */
  tmpFiles: Record<string, string>;
  /** The workspace after the run (a later step may commit or upload it). */
  workspaceFiles: Record<string, string>;
}

let sandbox: RunningSandbox;
let env: Record<string, string>;
let workspace: string;
const credentials: Secret[] = [];
const deploys: Deploy[] = [];
const started = Date.now();

const NAMESPACE = 'secrets-app';
const RUNS = ['successful deploy', 'crash-looping deploy', 'cancelled deploy', 'dry run', 'killed deploy'];
const SESSION_TOKEN = `IQoJb3JpZ2luX2VjE${'Fw0gSandboxSessionToken'.repeat(6)}/session+token=`;
/** One value of the manifests' Secret per run: each rollback re-applies the first. */
const MANIFEST_SECRETS = [
  'db-pass-0ne-Sx9q2LmR7vKz',
  'db-pass-tw0-Hq4pW8nYc3Jf',
  'db-pass-thr33-Zt6bN1xGd5Ve',
  'db-pass-f0ur-Wm2kR8sLp4Qa',
  'db-pass-f1ve-Kd7sQ2wLx9Pe',
];

function manifests(secret: string, containerEnv: Record<string, string>): string {
  const envList = Object.entries(containerEnv)
    .map(([name, value]) => `\n            - {name: ${name}, value: "${value}"}`)
    .join('');
  return `apiVersion: v1
kind: Namespace
metadata: {name: ${NAMESPACE}}
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: ${NAMESPACE}}
type: Opaque
stringData:
  password: ${secret}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${NAMESPACE}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: web
          env:
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: db, key: password}}${envList}
          readinessProbe: {httpGet: {path: /, port: 8080}, initialDelaySeconds: 2}
`;
}

async function adminJson<T>(url: string, method = 'GET'): Promise<T> {
  const response = await fetch(url, { method });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status}`);
  return (await response.json()) as T;
}

async function deploy(
  label: string,
  index: number,
  yaml: string,
  options: { cancelWhen?: RegExp; killWhen?: RegExp; inputs?: Record<string, string> } = {},
): Promise<Deploy> {
  await writeFile(join(workspace, 'app.yaml'), yaml);
  await adminJson(`${env.SANDBOX_AWS_ADMIN_URL}/eks/tokens`, 'DELETE');
  const tmp = await mkdtemp(join(sandbox.stateDir, 'tmpdir-'));
  const result = await runAction({
    inputs: {
      images: 'web:\n  context: image',
      'create-repositories': 'true',
      'cluster-name': env.SANDBOX_CLUSTER_NAME ?? '',
      manifests: 'app.yaml',
      'release-name': 'secrets-app',
      'rollout-timeout': '60s',
      environment: 'staging',
      ...options.inputs,
    },
    env: { ...env, GITHUB_SHA: `${index}`.repeat(40), GITHUB_RUN_ID: String(7000 + index), TMPDIR: tmp },
    workspace,
    cancelWhen: options.cancelWhen,
    killWhen: options.killWhen,
  });
  const eksTokens = await adminJson<string[]>(`${env.SANDBOX_AWS_ADMIN_URL}/eks/tokens`);
  return {
    label,
    run: result,
    eksTokens,
    tmpFiles: await readFiles(tmp),
    workspaceFiles: await readFiles(workspace),
  };
}

async function readFiles(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      files[join(entry.parentPath, entry.name)] = await readFile(join(entry.parentPath, entry.name), 'utf8');
  }
  return files;
}

/** The run's EKS token cache folder, as its kubeconfig names it (eks-token --token-cache). */
function tokenCacheOf(d: Deploy): string {
  const kubeconfig = d.run.betweenSteps[d.run.state.kubeconfig ?? ''] ?? '';
  return /- --token-cache\n\s*- (\S+)/.exec(kubeconfig)?.[1] ?? '(no --token-cache in the kubeconfig)';
}

/** The release records of the run's release, decoded and gunzipped. */
async function releaseRecords(): Promise<Place[]> {
  const { stdout } = await run(
    'kubectl',
    ['get', 'secrets', '-A', '-l', 'app.kubernetes.io/managed-by=k8s-deploy-action', '-o', 'json'],
    { env: { ...process.env, ...sandbox.env }, maxBuffer: 64 * 1024 * 1024 },
  );
  const { items } = JSON.parse(stdout) as {
    items: { metadata: { name: string; namespace: string }; data?: Record<string, string> }[];
  };
  return items.map((secret) => ({
    name: `release record ${secret.metadata.namespace}/${secret.metadata.name}`,
    text: [
      JSON.stringify(secret),
      ...Object.values(secret.data ?? {}).map((data) => {
        const bytes = Buffer.from(data, 'base64');
        return bytes[0] === 0x1f && bytes[1] === 0x8b
          ? gunzipSync(bytes).toString('utf8')
          : bytes.toString('utf8');
      }),
    ].join('\n'),
    mayHoldManifestSecrets: true,
  }));
}

/**
 * Base64 of the value as it shows inside a longer base64 text, at each of the three byte
 * alignments (what GitHub's runner masks too): the characters that depend on the value alone.
 */
function base64Forms(value: string, alphabet: 'base64' | 'base64url'): string[] {
  return [0, 1, 2].map((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), Buffer.from(value)])
      .toString(alphabet)
      .replace(/=+$/, '');
    const start = offset === 0 ? 0 : 4;
    const end = encoded.length - (encoded.length % 4 === 0 ? 4 : encoded.length % 4);
    return encoded.slice(start, end);
  });
}

/** The forms a leaked value usually takes, each named for the finding. */
function forms(secret: Secret): { form: string; text: string }[] {
  const all = [
    ...(secret.name === 'ECR password'
      ? [
          {
            form: 'docker auth base64(AWS:password)',
            text: Buffer.from(`AWS:${secret.value}`).toString('base64'),
          },
        ]
      : []),
    { form: 'plain', text: secret.value },
    { form: 'JSON-escaped', text: JSON.stringify(secret.value).slice(1, -1) },
    { form: 'URL-encoded', text: encodeURIComponent(secret.value) },
    ...base64Forms(secret.value, 'base64').map((text) => ({ form: 'base64', text })),
    ...base64Forms(secret.value, 'base64url').map((text) => ({ form: 'base64url', text })),
  ];
  // Short encodings would match by chance; every secret here is longer than 16 characters.
  return all.filter(
    (entry, index) => entry.text.length >= 12 && all.findIndex((e) => e.text === entry.text) === index,
  );
}

function findings(places: Place[], secrets: Secret[]): string[] {
  const found: string[] = [];
  for (const place of places) {
    for (const secret of secrets) {
      if (secret.kind === 'manifest' && place.mayHoldManifestSecrets) continue;
      const hit = forms(secret).find((form) => place.text.includes(form.text));
      if (hit) found.push(`${place.name}: ${secret.name} (${hit.form})`);
    }
  }
  return found;
}

/** The run's secrets: the fixed credentials, the EKS tokens minted during it, the Secret values. */
function secretsOf(deploy: Deploy): Secret[] {
  const tokens = deploy.eksTokens.flatMap((token, index): Secret[] => {
    const url = Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8');
    const signature = new URL(url).searchParams.get('X-Amz-Signature') ?? '';
    return [
      { name: `EKS token #${index + 1}`, value: token, kind: 'credential' },
      { name: `EKS token #${index + 1}'s presigned URL signature`, value: signature, kind: 'credential' },
    ];
  });
  const manifest = MANIFEST_SECRETS.map(
    (value, index): Secret => ({ name: `manifest Secret db value #${index + 1}`, value, kind: 'manifest' }),
  );
  return [...credentials, ...tokens, ...manifest];
}

/** What the runner shows, keeps or leaves of one run, each named. */
function placesOf(deploy: Deploy, files: Record<string, string>, when: string): Place[] {
  const rendered = deploy.run.outputs.manifests;
  return [
    // The log as the runner shows it: a value registered with ::add-mask:: is shown as ***.
    { name: 'stdout/stderr (as the runner shows it)', text: deploy.run.log },
    { name: 'job summary (GITHUB_STEP_SUMMARY)', text: deploy.run.summary },
    { name: 'outputs (GITHUB_OUTPUT)', text: JSON.stringify(deploy.run.outputs) },
    { name: 'saved state (GITHUB_STATE)', text: JSON.stringify(deploy.run.state) },
    ...Object.entries(files).map(([path, text]) => ({
      name: `file ${path} (${when})`,
      text,
      // The rendered manifests are the user's manifests with image references: their Secret too
      // (a killed main step set no output: its file is at the default path). So is the workspace.
      mayHoldManifestSecrets: rendered ? path === rendered : path.endsWith('/k8s-deploy/rendered.yaml'),
    })),
  ];
}

beforeAll(async () => {
  sandbox = await startSandbox();
  env = {
    ...sandbox.env,
    AWS_SESSION_TOKEN: SESSION_TOKEN,
    GITHUB_REPOSITORY: 'acme/secrets-app',
    GITHUB_SERVER_URL: 'https://github.com',
  };
  delete env.KUBECONFIG; // the action connects with EKS tokens, never the sandbox's static one
  const { ECRClient, GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr');
  const ecr = new ECRClient({
    region: env.AWS_REGION,
    endpoint: env.AWS_ENDPOINT_URL_ECR,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
      sessionToken: SESSION_TOKEN,
    },
  });
  // The sandbox's ECR hands out one registry password for its lifetime: the one the action gets.
  const auth = await ecr.send(new GetAuthorizationTokenCommand({}));
  ecr.destroy();
  const ecrPassword = Buffer.from(auth.authorizationData?.[0]?.authorizationToken ?? '', 'base64')
    .toString()
    .replace(/^AWS:/, '');
  credentials.push(
    { name: 'AWS access key id', value: env.AWS_ACCESS_KEY_ID ?? '', kind: 'credential' },
    { name: 'AWS secret access key', value: env.AWS_SECRET_ACCESS_KEY ?? '', kind: 'credential' },
    { name: 'AWS session token', value: SESSION_TOKEN, kind: 'credential' },
    { name: 'ECR password', value: ecrPassword, kind: 'credential' },
    { name: 'GitHub token', value: env.SANDBOX_GITHUB_TOKEN ?? '', kind: 'credential' },
    { name: 'GitHub read-only token', value: env.SANDBOX_GITHUB_READONLY_TOKEN ?? '', kind: 'credential' },
  );

  workspace = await mkdtemp(join(sandbox.stateDir, 'workspace-'));
  await mkdir(join(workspace, 'image'));
  await writeFile(join(workspace, 'image', 'Dockerfile'), 'FROM scratch\nCOPY index.html /index.html\n');
  await writeFile(join(workspace, 'image', 'index.html'), 'hello\n');
  const [first, crashing, slow, planned, killed] = MANIFEST_SECRETS as [
    string,
    string,
    string,
    string,
    string,
  ];
  deploys.push(await deploy('successful deploy', 1, manifests(first, {})));
  deploys.push(
    await deploy(
      'crash-looping deploy',
      2,
      manifests(crashing, {
        SANDBOX_CRASH: '1',
        // An app that prints its settings as it dies: the action shows the last log lines.
        SANDBOX_LOG: `booting with DB_PASSWORD=${crashing}\\nfatal: cannot connect`,
      }),
    ),
  );
  deploys.push(
    await deploy('cancelled deploy', 3, manifests(slow, { SANDBOX_READY_AFTER_SECONDS: '600' }), {
      cancelWhen: /Waiting for \d+ workload\(s\)/,
    }),
  );
  // A dry run of a new Secret value over the live one: its diff must show neither.
  deploys.push(await deploy('dry run', 3, manifests(planned, {}), { inputs: { 'dry-run': 'true' } }));
  // A main step killed (SIGKILL) mid-verify ends nothing itself: its token cache is the post step's to remove.
  deploys.push(
    await deploy('killed deploy', 4, manifests(killed, { SANDBOX_READY_AFTER_SECONDS: '600' }), {
      killWhen: /Waiting for \d+ workload\(s\)/,
    }),
  );
}, 300_000);

afterAll(async () => {
  await sandbox?.stop();
  process.stdout.write(
    `secrets.test.ts: four runs and the scan took ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
});

describe('no credential in anything a run shows, keeps or leaves', () => {
  it('ran a deploy that succeeded, one rolled back from a crash loop, one cancelled during verify and a dry run', () => {
    expect(deploys.map((d) => [d.label, d.run.outputs.result, d.run.exitCode])).toEqual([
      ['successful deploy', 'success', 0],
      ['crash-looping deploy', 'rolled-back', 1],
      ['cancelled deploy', 'rolled-back', expect.any(Number)],
      ['dry run', 'dry-run', 0],
      ['killed deploy', undefined, 128],
    ]);
    for (const d of deploys) {
      expect(d.run.postExitCode).toBe(0);
      // Each run reached the cluster with EKS tokens; the three deploys reported to GitHub.
      expect(d.eksTokens.length).toBeGreaterThan(0);
      // Signed with the session credentials: the session token is inside each EKS token.
      const url = Buffer.from(d.eksTokens[0]?.slice('k8s-aws-v1.'.length) ?? '', 'base64url').toString();
      expect(new URL(url).searchParams.get('X-Amz-Security-Token')).toBe(SESSION_TOKEN);
      // The files a leak would most likely be in were there to be searched.
      expect(Object.keys(d.run.betweenSteps)).toContain(d.run.state.kubeconfig);
    }
    for (const d of deploys.slice(0, 3)) {
      // Each deploy built its image, so docker logged in to ECR with the password.
      expect(JSON.parse(d.run.outputs.built ?? '[]')).toEqual(['web']);
      expect(Object.keys(d.run.betweenSteps).some((path) => path.endsWith('/home/.docker/config.json'))).toBe(
        true,
      );
      expect(d.run.outputs['deployment-id']).toMatch(/^\d+$/);
    }
    expect(deploys[2]?.run.log).toContain('Received SIGINT');
    // The crash-looping pod's last log lines made it to the summary, its Secret value masked.
    expect(deploys[1]?.run.summary).toContain('booting with DB_PASSWORD=***');
    // The dry run's diff is a file left for later steps, and it covers the Secret.
    const dryRun = deploys[3]?.run;
    expect(dryRun?.leftBehind[dryRun.outputs.diff ?? '']).toMatch(/db/);
  });

  it.each(RUNS)(
    '%s: not in the log, summary, outputs, state, the workspace or any file under RUNNER_TEMP, HOME or TMPDIR after the post step',
    (label) => {
      const d = deploys.find((run) => run.label === label) as Deploy;
      const files = { ...d.run.leftBehind, ...d.tmpFiles };
      const inWorkspace = Object.entries(d.workspaceFiles).map(([path, text]) => ({
        name: `file ${path} (the workspace, after the post step)`,
        text,
        mayHoldManifestSecrets: true, // the user's own manifests
      }));
      expect(findings([...placesOf(d, files, 'after the post step'), ...inWorkspace], secretsOf(d))).toEqual(
        [],
      );
    },
  );

  it.each(RUNS)(
    '%s: not in any file under RUNNER_TEMP and HOME between the main and the post step',
    (label) => {
      const d = deploys.find((run) => run.label === label) as Deploy;
      const files = Object.entries(d.run.betweenSteps).map(([path, text]) => ({
        name: `file ${path} (between the main and the post step)`,
        text,
        mayHoldManifestSecrets: d.run.outputs.manifests
          ? path === d.run.outputs.manifests
          : path.endsWith('/k8s-deploy/rendered.yaml'),
      }));
      // Only a killed main step leaves its token cache (0600 in a 0700 folder) for the post step.
      const cache = tokenCacheOf(d);
      const elsewhere = files.filter(
        (file) => !(label === 'killed deploy' && file.name.includes(`${cache}/`)),
      );
      expect(findings(elsewhere, secretsOf(d))).toEqual([]);
    },
  );

  it.each(RUNS)(
    '%s: reached the cluster with at most two EKS tokens (counted by the cluster), kept in a private folder under RUNNER_TEMP that is gone after the run',
    (label) => {
      const d = deploys.find((run) => run.label === label) as Deploy;
      expect(d.eksTokens.length).toBeGreaterThan(0);
      expect(d.eksTokens.length).toBeLessThanOrEqual(2);
      const cache = tokenCacheOf(d);
      const kubeconfigDir = dirname(d.run.state.kubeconfig ?? '');
      expect(cache).toBe(join(kubeconfigDir, 'eks-tokens'));
      // Under the runner's RUNNER_TEMP (sandbox/runner.ts: ROOT/temp), in the kubeconfig's private folder.
      expect(cache).toMatch(/\/temp\/k8s-deploy-[^/]+\/eks-tokens$/);
      expect(relative(workspace, cache).startsWith('..')).toBe(true);
      const cached = (files: Record<string, string>) =>
        Object.keys(files).filter((path) => path.startsWith(`${cache}/`));
      // A main step that ends removes its cache; a killed one leaves it, holding the token.
      if (label === 'killed deploy') {
        const [entry] = cached(d.run.betweenSteps);
        expect(d.eksTokens.some((token) => d.run.betweenSteps[entry ?? '']?.includes(token))).toBe(true);
      } else {
        expect(cached(d.run.betweenSteps)).toEqual([]);
      }
      expect(Object.keys(d.run.leftBehind).filter((path) => path.startsWith(`${kubeconfigDir}/`))).toEqual(
        [],
      );
    },
  );

  it('not in the release records (which hold the manifests’ own Secret data, as Helm’s do)', async () => {
    const records = await releaseRecords();
    expect(records.map((record) => record.name).sort()).toEqual(
      [1, 2, 3].map((v) => `release record ${NAMESPACE}/k8s-deploy.secrets-app.v${v}`),
    );
    const every = deploys.flatMap((d) => secretsOf(d));
    expect(findings(records, every)).toEqual([]);
  });

  it('not in the GitHub deployments and their statuses (which anyone who reads the repository sees)', async () => {
    const deployments = await adminJson<unknown[]>(`${env.SANDBOX_GITHUB_ADMIN_URL}/deployments`);
    expect(deployments).toHaveLength(4);
    const place = { name: 'GitHub deployments and statuses', text: JSON.stringify(deployments) };
    expect(
      findings(
        [place],
        deploys.flatMap((d) => secretsOf(d)),
      ),
    ).toEqual([]);
  });

  it('the scan finds what it looks for', () => {
    // A control: the same search over texts that do hold each form must find them all.
    const secret: Secret = {
      name: 'ECR password',
      value: 'Zm9vYmFyLXNhbmRib3gtcGFzc3dvcmQ',
      kind: 'credential',
    };
    const hidden = forms(secret).map((form, index) => ({ name: `place ${index}`, text: `x${form.text}y` }));
    expect(findings(hidden, [secret])).toHaveLength(hidden.length);
    const embedded = Buffer.from(`{"password":"${secret.value}"}`);
    const inBase64 = { name: 'base64 blob', text: embedded.toString('base64') };
    expect(findings([inBase64], [secret])).toEqual(['base64 blob: ECR password (base64)']);
  });
});
