import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { EKSClient } from '@aws-sdk/client-eks';
import { createEksClient } from '../aws/clients.js';
import type { Inputs } from '../inputs.js';
import type { Logger } from '../log.js';
import type { ProcessRunner } from '../process.js';
import { describeUsableCluster } from './eks.js';
import { bundledCliCommand, type CredentialCommand, eksKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { tokenCacheDirOf } from './token-cache.js';

export type ConnectInputs = Pick<Inputs, 'clusterName' | 'kubeconfig' | 'awsRegion' | 'namespace'>;

export interface ConnectDeps {
  kubectl: ProcessRunner;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  /** The EKS client for a region; the real SDK client (loaded lazily) unless replaced. */
  eks?: (region: string) => Promise<EKSClient>;
  /** How kubectl runs `eks-token`; the bundled CLI next to the running bundle unless replaced. */
  credentialCommand?: () => CredentialCommand;
  /** Extra environment for the credential plugin (e.g. K8S_DEPLOY_TOKEN_LIFETIME in tests). */
  pluginEnv?: Record<string, string>;
  /**
   * Have the plugin keep its token in a private folder beside the written kubeconfig, so the
   * run's kubectl processes share one (the action; the folder goes with the kubeconfig).
   */
  tokenCache?: boolean;
  /** A context of the given kubeconfig (the CLI's --context); the current one otherwise. */
  context?: string;
  /** What gave the kubeconfig input, as messages name it (the CLI: "Option --kubeconfig"); default the action's input. */
  kubeconfigSource?: string;
}

export interface ClusterConnection {
  kubeconfigPath: string;
  /** How we got it: written from EKS, the kubeconfig input, or KUBECONFIG in the environment. */
  source: 'eks' | 'input' | 'environment';
  /** True when this run wrote the file (the post step removes it). */
  written: boolean;
  /** The EKS cluster's authentication mode, when known. */
  authenticationMode: string | undefined;
  /** The API server's version, from the read-only check. */
  serverVersion: string | undefined;
}

/**
 * The connect phase. cluster-name → a kubeconfig for that EKS cluster (exec plugin tokens);
 * else the kubeconfig input or KUBECONFIG as they are; else no cluster (undefined) — only a phase
 * that needs one fails, via requireCluster. The connection is proven with one read-only call.
 */
export async function connectCluster(
  inputs: ConnectInputs,
  deps: ConnectDeps,
): Promise<ClusterConnection | undefined> {
  const { logger, env } = deps;
  if (inputs.clusterName) {
    const region = inputs.awsRegion ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) {
      throw new Error(
        "Input 'aws-region' is empty. Expected the region of the EKS cluster, such as eu-west-1.",
      );
    }
    const eks = await (deps.eks ?? createEksClient)(region);
    const cluster = await describeUsableCluster(eks, inputs.clusterName, region);
    const credentialCommand = (deps.credentialCommand ?? bundledCliCommand)();
    const kubeconfigPath = await writeKubeconfig(env.RUNNER_TEMP || tmpdir(), (path) =>
      eksKubeconfig({
        clusterName: cluster.name,
        region,
        endpoint: cluster.endpoint,
        certificateAuthorityData: cluster.certificateAuthorityData,
        credentialCommand,
        env: deps.pluginEnv,
        namespace: inputs.namespace,
        ...(deps.tokenCache ? { tokenCache: tokenCacheDirOf(path) } : {}),
      }),
    );
    logger.info(
      `Wrote a kubeconfig for EKS cluster '${cluster.name}' (${cluster.endpoint}) to ${kubeconfigPath}.`,
    );
    const serverVersion = await proveConnection(
      deps,
      kubeconfigPath,
      cluster.authenticationMode,
      cluster.name,
    );
    return {
      kubeconfigPath,
      source: 'eks',
      written: true,
      authenticationMode: cluster.authenticationMode,
      serverVersion,
    };
  }
  const given = inputs.kubeconfig ?? (env.KUBECONFIG || undefined);
  if (given === undefined) {
    logger.info('No cluster-name or kubeconfig given: not connecting to a cluster.');
    return undefined;
  }
  const source = inputs.kubeconfig ? 'input' : 'environment';
  const named = deps.kubeconfigSource ?? "Input 'kubeconfig'";
  // KUBECONFIG may list several files (path-separated); kubectl merges them, so only check one input.
  if (source === 'input' && !existsSync(given)) {
    throw new Error(`${named} names ${given}, which does not exist. Expected the path of a kubeconfig file.`);
  }
  logger.info(
    `Using the kubeconfig ${given} (${source === 'input' ? named.replace(/^Input /, 'input ').replace(/^The /, 'the ') : 'KUBECONFIG'}).`,
  );
  const serverVersion = await proveConnection(deps, given, undefined, undefined).catch((error: Error) => {
    const unloadable = /error loading config file "[^"]*": (.*)$/m.exec(error.message);
    if (source !== 'input' || !unloadable) throw error;
    throw new Error(
      `${named} names ${given}, which kubectl cannot load (${unloadable[1]?.trim()}). Expected a kubeconfig file (clusters, users and contexts).`,
    );
  });
  return { kubeconfigPath: given, source, written: false, authenticationMode: undefined, serverVersion };
}

/** For phases that need a cluster: the connection, or one sentence saying how to give one. */
export function requireCluster(connection: ClusterConnection | undefined, phase: string): ClusterConnection {
  if (connection) return connection;
  throw new Error(
    `The ${phase} phase needs a cluster. Set cluster-name (an EKS cluster) or kubeconfig (any cluster).`,
  );
}

/**
 * `kubectl version` is read-only and needs a working login: the cheapest honest check. `where`
 * (e.g. the CLI's "context X of PATH") names the cluster in the messages when given.
 */
export async function proveConnection(
  deps: Pick<ConnectDeps, 'kubectl' | 'logger' | 'env' | 'context'>,
  kubeconfigPath: string,
  authenticationMode: string | undefined,
  clusterName: string | undefined,
  where?: string,
): Promise<string | undefined> {
  const context = deps.context ? ['--context', deps.context] : [];
  const result = await deps.kubectl.run(
    'kubectl',
    [...context, 'version', '--output=json', '--request-timeout=30s'],
    { env: { ...deps.env, KUBECONFIG: kubeconfigPath }, timeoutMs: 60_000 },
  );
  if (result.exitCode === 0) {
    const version = parseServerVersion(result.stdout) ?? '(version not reported)';
    deps.logger.info(
      where
        ? `Connected to ${where}: Kubernetes ${version}.`
        : `Connected: the cluster runs Kubernetes ${version}.`,
    );
    return version;
  }
  const detail = tail(result.stderr);
  if (/Unauthorized|\b401\b|must be logged in/i.test(result.stderr)) {
    throw new Error(
      `${explainUnauthorized(authenticationMode, clusterName)} (${where ? `${where}; ` : ''}kubectl said: ${detail})`,
    );
  }
  throw new Error(
    `kubectl could not reach the cluster${where ? ` of ${where}` : ''} (exit ${result.exitCode}): ${detail}`,
  );
}

export function parseServerVersion(stdout: string): string | undefined {
  try {
    const parsed = JSON.parse(stdout) as { serverVersion?: { gitVersion?: string } };
    return parsed.serverVersion?.gitVersion;
  } catch {
    return undefined;
  }
}

/**
 * Why a cluster answers 401 to a valid AWS identity: EKS maps IAM principals to Kubernetes users
 * through access entries (API), the aws-auth ConfigMap (CONFIG_MAP), or either.
 */
export function explainUnauthorized(
  authenticationMode: string | undefined,
  clusterName: string | undefined,
): string {
  if (clusterName === undefined) {
    return "The cluster refused the credentials in the kubeconfig (401 Unauthorized). Check the kubeconfig's user: its token or certificate may be expired or meant for another cluster.";
  }
  const start = `EKS cluster '${clusterName}' does not accept this job's IAM role (401 Unauthorized).`;
  const entry = `create an EKS access entry for the role (aws eks create-access-entry --cluster-name ${clusterName} --principal-arn ROLE_ARN) and associate an access policy with it (aws eks associate-access-policy, e.g. AmazonEKSEditPolicy scoped to the namespace)`;
  const configMap =
    "map the role in the kube-system/aws-auth ConfigMap's mapRoles to a user in a group with the needed RBAC rights";
  switch (authenticationMode) {
    case 'API':
      return `${start} The cluster authenticates with access entries only: ${entry}.`;
    case 'API_AND_CONFIG_MAP':
      return `${start} The cluster accepts access entries and the aws-auth ConfigMap: ${entry}, or ${configMap}.`;
    default:
      return `${start} The cluster authenticates through the aws-auth ConfigMap only: ${configMap} (or switch its authentication mode to API_AND_CONFIG_MAP and ${entry}).`;
  }
}

function tail(stderr: string): string {
  const lines = stderr.trim().split('\n').filter(Boolean);
  return lines.slice(-3).join(' | ') || 'no error output';
}
