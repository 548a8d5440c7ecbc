import { existsSync } from 'node:fs';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';

/** The program kubectl runs to get a token: `command args...`. */
export interface CredentialCommand {
  command: string;
  args: string[];
}

export interface EksKubeconfig {
  clusterName: string;
  region: string;
  /** https://… API server endpoint from DescribeCluster. */
  endpoint: string;
  /** Base64 PEM of the cluster CA (certificateAuthority.data), as kubeconfig wants it. */
  certificateAuthorityData: string;
  credentialCommand: CredentialCommand;
  /** Extra environment for the plugin (e.g. a token lifetime); names and values, no secrets. */
  env?: Record<string, string>;
  /** The run's private token cache folder (eks-token --token-cache): one token serves many kubectl processes. */
  tokenCache?: string;
  namespace?: string;
}

/**
 * A kubeconfig for one EKS cluster whose user is an exec credential plugin: kubectl runs it for
 * a fresh token whenever the last one reaches its expirationTimestamp, so a long rollout never
 * holds an expired token. No secret is written to the file.
 */
export function eksKubeconfig(config: EksKubeconfig): string {
  const name = `eks-${config.region}-${config.clusterName}`;
  const env = Object.entries(config.env ?? {}).map(([key, value]) => ({ name: key, value }));
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: { server: config.endpoint, 'certificate-authority-data': config.certificateAuthorityData },
      },
    ],
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: config.credentialCommand.command,
            args: [
              ...config.credentialCommand.args,
              'eks-token',
              '--cluster-name',
              config.clusterName,
              '--region',
              config.region,
              ...(config.tokenCache ? ['--token-cache', config.tokenCache] : []),
            ],
            ...(env.length > 0 ? { env } : {}),
            interactiveMode: 'Never',
            provideClusterInfo: false,
          },
        },
      },
    ],
    contexts: [
      {
        name,
        context: { cluster: name, user: name, ...(config.namespace ? { namespace: config.namespace } : {}) },
      },
    ],
    'current-context': name,
  };
  return stringify(doc);
}

/**
 * Writes the kubeconfig into a fresh private folder under `dir`, readable by its owner only;
 * `content` may be made from the file's path (to name a token cache beside it).
 */
export async function writeKubeconfig(
  dir: string,
  content: string | ((path: string) => string),
): Promise<string> {
  const folder = await mkdtemp(join(dir, 'k8s-deploy-'));
  const path = join(folder, 'kubeconfig');
  await writeFile(path, typeof content === 'string' ? content : content(path), { mode: 0o600 });
  await chmod(path, 0o600); // the umask cannot widen it, but be explicit for a reused path
  return path;
}

/**
 * How kubectl runs our CLI: the running script is dist/index.js (the action) or
 * dist/cli/index.js (the CLI), the two entry points of one bundle (dist/bundle/), and the CLI's
 * sits at dist/cli/index.js. `node` is the current executable, so no node on PATH is needed.
 */
export function bundledCliCommand(
  runningScript: string | undefined = process.argv[1],
  execPath = process.execPath,
): CredentialCommand {
  if (!runningScript) throw new Error('Cannot locate the k8s-deploy CLI bundle: no running script path.');
  const dir = dirname(runningScript);
  const cli = basename(dir) === 'cli' ? join(dir, 'index.js') : join(dir, 'cli', 'index.js');
  if (!existsSync(cli)) {
    throw new Error(
      `The k8s-deploy CLI bundle is missing at ${cli}; kubectl needs it to get EKS tokens. Rebuild dist/ (npm run build).`,
    );
  }
  return { command: execPath, args: [cli] };
}
