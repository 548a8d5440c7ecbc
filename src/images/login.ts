import type { ECRClient } from '@aws-sdk/client-ecr';
import type { Logger } from '../log.js';
import type { ProcessRunner } from '../process.js';
import { accountOfRegistry, registryHost } from './decide.js';
import { getAuthorization } from './ecr.js';

export interface RegistryAuthorization {
  /** The host images are pushed to and named by: `registry` input, else ECR's proxyEndpoint. */
  host: string;
  /** The registry's account, when known (registry-id, or the ECR host name). */
  account: string | undefined;
  username: string;
  /** Registered as a secret before it is returned; only ever given to docker on stdin. */
  password: string;
}

/**
 * Asks ECR for a registry password. It is registered as a secret before it is used anywhere
 * (in both forms: plain, and inside the base64 token).
 */
export async function authorizeEcr(deps: {
  ecr: ECRClient;
  logger: Logger;
  region: string;
  registryId: string | undefined;
  registry: string | undefined;
}): Promise<RegistryAuthorization> {
  const auth = await getAuthorization(deps.ecr, deps.registryId, deps.region);
  deps.logger.setSecret(auth.password);
  deps.logger.setSecret(Buffer.from(`${auth.username}:${auth.password}`).toString('base64'));
  const host = deps.registry ?? registryHost(auth.proxyEndpoint);
  return {
    host,
    account: deps.registryId ?? accountOfRegistry(host) ?? accountOfRegistry(auth.proxyEndpoint),
    username: auth.username,
    password: auth.password,
  };
}

/** `docker login` with the password on standard input — never in the arguments or environment. */
export async function dockerLogin(docker: ProcessRunner, logger: Logger, auth: RegistryAuthorization) {
  const result = await docker.run(
    'docker',
    ['login', '--username', auth.username, '--password-stdin', auth.host],
    {
      stdin: auth.password,
    },
  );
  if (result.exitCode !== 0) {
    throw new Error(
      `docker login to ${auth.host} failed (exit ${result.exitCode}): ${lastLine(result.stderr)}. Check that docker is installed and can reach the registry.`,
    );
  }
  logger.info(`Logged in to ${auth.host}.`);
}

/** `docker logout` for the post step; a failure is a warning, never a failed job. */
export async function logoutFromRegistry(docker: ProcessRunner, logger: Logger, host: string): Promise<void> {
  const result = await docker.run('docker', ['logout', host]);
  // docker answers a registry it holds no login for with "Not logged in to HOST" and exit 0.
  if (result.exitCode === 0 && /^Not logged in/m.test(result.stdout))
    logger.info(`Not logged in to ${host}.`);
  else if (result.exitCode === 0) logger.info(`Logged out of ${host}.`);
  else logger.warning(`docker logout ${host} failed (exit ${result.exitCode}): ${lastLine(result.stderr)}`);
}

export function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]?.trim() || 'no error output';
}
