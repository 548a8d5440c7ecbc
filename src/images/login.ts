import type { ECRClient } from '@aws-sdk/client-ecr';
import type { Logger } from '../log.js';
import type { ProcessRunner } from '../process.js';
import { accountOfRegistry, registryHost } from './decide.js';
import { getAuthorization } from './ecr.js';

export interface RegistryLogin {
  /** The host images are pushed to and named by: `registry` input, else ECR's proxyEndpoint. */
  host: string;
  /** The registry's account, when known (registry-id, or the ECR host name). */
  account: string | undefined;
}

/**
 * Logs docker in to ECR. The password is registered as a secret before it is used anywhere,
 * and goes to docker on standard input only — never in the arguments, the environment or a file
 * of ours.
 */
export async function loginToEcr(deps: {
  ecr: ECRClient;
  docker: ProcessRunner;
  logger: Logger;
  region: string;
  registryId: string | undefined;
  registry: string | undefined;
}): Promise<RegistryLogin> {
  const auth = await getAuthorization(deps.ecr, deps.registryId, deps.region);
  deps.logger.setSecret(auth.password);
  deps.logger.setSecret(Buffer.from(`${auth.username}:${auth.password}`).toString('base64'));
  const host = deps.registry ?? registryHost(auth.proxyEndpoint);
  const result = await deps.docker.run(
    'docker',
    ['login', '--username', auth.username, '--password-stdin', host],
    {
      stdin: auth.password,
    },
  );
  if (result.exitCode !== 0) {
    throw new Error(
      `docker login to ${host} failed (exit ${result.exitCode}): ${lastLine(result.stderr)}. Check that docker is installed and can reach the registry.`,
    );
  }
  deps.logger.info(`Logged in to ${host}.`);
  return {
    host,
    account: deps.registryId ?? accountOfRegistry(host) ?? accountOfRegistry(auth.proxyEndpoint),
  };
}

/** `docker logout` for the post step; a failure is a warning, never a failed job. */
export async function logoutFromRegistry(docker: ProcessRunner, logger: Logger, host: string): Promise<void> {
  const result = await docker.run('docker', ['logout', host]);
  if (result.exitCode === 0) logger.info(`Logged out of ${host}.`);
  else logger.warning(`docker logout ${host} failed (exit ${result.exitCode}): ${lastLine(result.stderr)}`);
}

export function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]?.trim() || 'no error output';
}
