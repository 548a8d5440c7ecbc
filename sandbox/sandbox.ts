import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { recordEksTokens } from './aws/admin.js';
import type { SimulatedCluster } from './aws/eks.js';
import { createTokenAuthenticator } from './aws/eks-token.js';
import { RepositoryCatalog } from './aws/repositories.js';
import { SimulatedSecretsManager, seedDefaultSecrets } from './aws/secrets-manager.js';
import { startAwsService } from './aws/server.js';
import type { ClusterHandle } from './cluster.js';
import { startGitHubService } from './github/server.js';
import { createCertificateAuthority, issueServerCertificate } from './pki.js';
import { RegistryClient } from './registry/client.js';
import { RegistryFaultPlan } from './registry/faults.js';
import { createImagePullCheck } from './registry/image-pull.js';
import { startRegistryProxy } from './registry/proxy.js';
import { startRegistry } from './registry/registry.js';

export interface SandboxOptions {
  stateDir: string;
  /** Multiplies the simulated cluster's delays (back-off, probes); small values make tests fast. */
  timeScale: number;
  /** false: registry, docker and ECR/EKS only (no simulated API server or controllers). */
  kubernetes: boolean;
  region: string;
  clusterName: string;
  /**
   * More EKS clusters in the same account and region, each its own API server, controllers and
   * state (and its own audit log), sharing the registry, ECR and Secrets Manager. Needs kubernetes.
   */
  extraClusters?: string[];
  accountId: string;
}

/** One cluster as SANDBOX_CLUSTERS lists it. */
export interface SandboxClusterInfo {
  name: string;
  kubeconfig: string;
  adminUrl: string;
  auditLog: string;
}

export interface Sandbox {
  /** The variables written to STATE/env. */
  env: Record<string, string>;
  close(): Promise<void>;
}

const SHIM_DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'bin');
export const KUBERNETES_VERSION = '1.32';

/** Random letters and digits, e.g. for an access key id (AKIA + 16 upper-case characters). */
function randomId(length: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'): string {
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** When a manifest was pushed: the registry's revision link is written at push time. */
function pushedAtFromStorage(dataDir: string) {
  return async (repository: string, digest: string): Promise<Date | undefined> => {
    const hex = digest.replace(/^sha256:/, '');
    const link = join(
      dataDir,
      'docker/registry/v2/repositories',
      repository,
      '_manifests/revisions/sha256',
      hex,
      'link',
    );
    return stat(link).then(
      (info) => info.mtime,
      () => undefined,
    );
  };
}

/** The sandbox CA, and server certificates for the registry and the API server. */
async function createCertificates(dir: string) {
  const ca = await createCertificateAuthority(dir);
  const [registryTls, apiTls] = await Promise.all([
    issueServerCertificate(ca, dir, 'registry'),
    issueServerCertificate(ca, dir, 'apiserver'),
  ]);
  // podman's --cert-dir: a directory whose *.crt files are trusted for the registry.
  await mkdir(join(dir, 'registry-trust'), { recursive: true });
  await copyFile(ca.certPath, join(dir, 'registry-trust', 'ca.crt'));
  return { ca, registryTls, apiTls };
}

/** Starts every part in this process; the caller (main.ts) owns signals. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const state = resolve(options.stateDir);
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => {});
  };
  try {
    await mkdir(state, { recursive: true, mode: 0o700 });
    // podman refuses a runroot longer than 50 characters, and the state directory can be deep (a
    // long TMPDIR), so the docker shim's runroot is a short directory of its own, removed last.
    // Always /tmp, not os.tmpdir(): TMPDIR is what may be long.
    const podmanRunroot = await mkdtemp('/tmp/sbx-');
    closers.push(() => rm(podmanRunroot, { recursive: true, force: true }));
    const credentials = {
      accessKeyId: `AKIA${randomId(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
    };
    const registryPassword = randomBytes(24).toString('base64url');
    const staticToken = `sandbox-${randomBytes(24).toString('base64url')}`;

    // Start-up time is mostly waiting (openssl, docker-registry, loading the cluster modules), so
    // these run side by side. A failure still stops whatever did start.
    const loadingCluster = options.kubernetes ? import('./cluster.js') : undefined;
    loadingCluster?.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    const registryDir = join(state, 'registry');
    const [certsResult, backendResult] = await Promise.allSettled([
      createCertificates(join(state, 'certs')),
      startRegistry({ dir: registryDir, user: 'AWS', password: registryPassword }),
    ]);
    if (backendResult.status === 'fulfilled') closers.push(backendResult.value.close);
    if (certsResult.status === 'rejected') throw certsResult.reason;
    if (backendResult.status === 'rejected') throw backendResult.reason;
    const { ca, registryTls, apiTls } = certsResult.value;
    const backend = backendResult.value;
    const registry = new RegistryClient(backend.backendUrl, 'AWS', registryPassword);
    // Faults for podman's pushes and pulls (admin route /registry/faults); kubelets read the registry directly.
    const registryFaults = new RegistryFaultPlan();
    const proxy = await startRegistryProxy({
      tls: registryTls,
      backendUrl: backend.backendUrl,
      user: 'AWS',
      password: registryPassword,
      openCatalog: (registryHost) =>
        RepositoryCatalog.open(
          join(state, 'ecr-repositories.json'),
          { accountId: options.accountId, region: options.region, registryHost },
          registry,
        ),
      registry,
      faults: registryFaults,
    });
    closers.push(proxy.close);
    const { catalog, host: registryHost } = proxy;

    const auditLogPath = join(state, 'audit.log');
    const cluster: SimulatedCluster = {
      name: options.clusterName,
      accountId: options.accountId,
      region: options.region,
      endpoint: undefined,
      caPem: ca.cert,
      kubernetesVersion: KUBERNETES_VERSION,
      status: 'ACTIVE',
      createdAt: new Date(),
    };
    // One Secrets Manager for the admin routes that seed it and the ESO stand-in that reads it.
    const secrets = new SimulatedSecretsManager();
    seedDefaultSecrets(secrets);
    // Every EKS token the clusters are shown, for the AWS admin route GET /eks/tokens.
    const eksTokens: string[] = [];
    let kube: ClusterHandle | undefined;
    if (options.kubernetes) {
      const { startCluster } = await (loadingCluster ?? import('./cluster.js'));
      kube = await startCluster({
        tls: apiTls,
        authenticate: recordEksTokens(
          createTokenAuthenticator({
            clusterName: options.clusterName,
            accountId: options.accountId,
            credentials,
            staticToken,
          }),
          staticToken,
          eksTokens,
        ),
        imagePullCheck: createImagePullCheck(registryHost, registry),
        auditLogPath,
        timeScale: options.timeScale,
        remoteSecrets: secrets,
        region: options.region,
      });
      closers.push(kube.close);
      cluster.endpoint = kube.url;
    }
    const extraClusters: SimulatedCluster[] = [];
    const clusterInfos: SandboxClusterInfo[] = [];
    const extraKubeconfigs: { path: string; name: string; url: string }[] = [];
    if (kube) {
      clusterInfos.push({
        name: options.clusterName,
        kubeconfig: join(state, 'kubeconfig'),
        adminUrl: kube.adminUrl,
        auditLog: auditLogPath,
      });
    }
    for (const name of options.extraClusters ?? []) {
      if (!options.kubernetes)
        throw new Error('Extra clusters need the simulated Kubernetes (not --without-kubernetes).');
      const { startCluster } = await (loadingCluster ?? import('./cluster.js'));
      const extraAudit = join(state, `audit-${name}.log`);
      const extra = await startCluster({
        tls: apiTls,
        authenticate: recordEksTokens(
          createTokenAuthenticator({
            clusterName: name,
            accountId: options.accountId,
            credentials,
            staticToken,
          }),
          staticToken,
          eksTokens,
        ),
        imagePullCheck: createImagePullCheck(registryHost, registry),
        auditLogPath: extraAudit,
        timeScale: options.timeScale,
        remoteSecrets: secrets,
        region: options.region,
      });
      closers.push(extra.close);
      extraClusters.push({ ...cluster, name, endpoint: extra.url, createdAt: new Date() });
      const path = join(state, `kubeconfig-${name}`);
      extraKubeconfigs.push({ path, name, url: extra.url });
      clusterInfos.push({ name, kubeconfig: path, adminUrl: extra.adminUrl, auditLog: extraAudit });
    }

    const aws = await startAwsService({
      credentials,
      region: options.region,
      cluster,
      extraClusters,
      secrets,
      registryFaults,
      eksTokens,
      ecr: {
        catalog,
        registry,
        proxyEndpoint: `https://${registryHost}`,
        registryPassword,
        pushedAt: pushedAtFromStorage(join(registryDir, 'data')),
        now: () => new Date(),
      },
    });
    closers.push(aws.close);
    const github = await startGitHubService();
    closers.push(github.close);

    const kubeconfigPath = join(state, 'kubeconfig');
    if (kube) {
      await writeFile(kubeconfigPath, kubeconfig(options.clusterName, kube.url, ca.cert, staticToken), {
        mode: 0o600,
      });
    }
    for (const extra of extraKubeconfigs) {
      await writeFile(extra.path, kubeconfig(extra.name, extra.url, ca.cert, staticToken), { mode: 0o600 });
    }
    const env = sandboxEnv({
      state,
      options,
      credentials,
      awsUrl: aws.url,
      awsAdminUrl: aws.adminUrl,
      registryHost,
      podmanRunroot,
      caPath: ca.certPath,
      auditLogPath,
      kube: kube && { kubeconfigPath, adminUrl: kube.adminUrl },
      github,
    });
    // Every cluster (the main one first) when there are extra ones; the single-cluster env is unchanged.
    if (clusterInfos.length > 1) env.SANDBOX_CLUSTERS = JSON.stringify(clusterInfos);
    const envPath = join(state, 'env');
    await writeFile(envPath, envFile(env), { mode: 0o600 });
    await chmod(envPath, 0o600);
    return { env, close };
  } catch (error) {
    await close();
    throw error;
  }
}

interface EnvFacts {
  state: string;
  options: SandboxOptions;
  credentials: { accessKeyId: string; secretAccessKey: string };
  awsUrl: string;
  awsAdminUrl: string;
  registryHost: string;
  /** A short directory for podman's runroot (podman refuses one longer than 50 characters). */
  podmanRunroot: string;
  caPath: string;
  auditLogPath: string;
  kube: { kubeconfigPath: string; adminUrl: string } | undefined;
  github: { url: string; adminUrl: string; token: string; readOnlyToken: string };
}

/** The variables of STATE/env: what a shell, a test or the demo needs to use the sandbox. */
export function sandboxEnv(facts: EnvFacts): Record<string, string> {
  const { options, credentials } = facts;
  return {
    ...(facts.kube ? { KUBECONFIG: facts.kube.kubeconfigPath, SANDBOX_ADMIN_URL: facts.kube.adminUrl } : {}),
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_ECR: facts.awsUrl,
    AWS_ENDPOINT_URL_EKS: facts.awsUrl,
    // No instance-metadata lookups: the credentials above are the only ones that can work.
    AWS_EC2_METADATA_DISABLED: 'true',
    SANDBOX_STATE_DIR: facts.state,
    SANDBOX_CLUSTER_NAME: options.clusterName,
    SANDBOX_ACCOUNT_ID: options.accountId,
    SANDBOX_REGISTRY: facts.registryHost,
    SANDBOX_CA_CERT: facts.caPath,
    SANDBOX_AWS_ADMIN_URL: facts.awsAdminUrl,
    SANDBOX_AUDIT_LOG: facts.auditLogPath,
    SANDBOX_DOCKER_LOG: join(facts.state, 'docker.log'),
    SANDBOX_PODMAN_RUNROOT: facts.podmanRunroot,
    // The GitHub REST stand-in, reached like the real API; the runner stand-in hands the action the
    // write token as its `github-token` input (what `${{ github.token }}` gives a job).
    GITHUB_API_URL: facts.github.url,
    SANDBOX_GITHUB_TOKEN: facts.github.token,
    SANDBOX_GITHUB_READONLY_TOKEN: facts.github.readOnlyToken,
    SANDBOX_GITHUB_ADMIN_URL: facts.github.adminUrl,
    PATH: `${SHIM_DIR}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  };
}

/** A kubeconfig for the simulated cluster with the static test token. */
export function kubeconfig(clusterName: string, server: string, caPem: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: clusterName,
        cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
      },
    ],
    users: [{ name: 'sandbox-admin', user: { token } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: 'sandbox-admin' } }],
    'current-context': clusterName,
  });
}

/** Shell-sourceable `export NAME='value'` lines (single quotes escaped). */
export function envFile(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => `export ${name}='${value.replaceAll("'", "'\\''")}'\n`)
    .join('');
}
