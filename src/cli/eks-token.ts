import type { AwsCredentialIdentity } from '@smithy/types';
import { loadDefaultCredentials } from '../aws/clients.js';
import { explainAwsError } from '../aws/errors.js';
import { AWS_REGION, EKS_CLUSTER } from '../aws/names.js';
import { DEFAULT_TOKEN_LIFETIME_MS, execCredential } from '../cluster/exec-credential.js';
import {
  isInside,
  type MintLockOptions,
  mintShared,
  readCachedToken,
  tokenCacheKey,
  writeCachedToken,
} from '../cluster/token-cache.js';
import { parseDuration } from '../duration.js';
import { parseCommandLine } from './command.js';

// The same line as the command table's (src/cli.ts), which `k8s-deploy eks-token --help` shows;
// a test keeps the two equal.
export const EKS_TOKEN_USAGE =
  'Usage: k8s-deploy eks-token --cluster-name NAME [--region REGION] [--token-lifetime 14m] [--token-cache DIR]';

export interface EksTokenIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env?: NodeJS.ProcessEnv;
  /** The default AWS provider chain unless replaced (tests). */
  credentials?: () => Promise<AwsCredentialIdentity>;
  clock?: () => Date;
  /** How starts that miss the cache together wait for one signer (tests shorten it). */
  mintLock?: MintLockOptions;
}

/**
 * `eks-token`: the exec credential plugin kubectl runs (see cluster/kubeconfig.ts). Prints one
 * ExecCredential on standard output — the only place the token ever appears — and explains
 * failures on standard error, which kubectl shows to the user.
 *
 * The lifetime kubectl may cache the token is --token-lifetime, else K8S_DEPLOY_TOKEN_LIFETIME,
 * else 14 minutes (one short of EKS's 15, as aws-iam-authenticator does).
 *
 * Every run signs a new token unless --token-cache DIR (or K8S_DEPLOY_TOKEN_CACHE) names a
 * folder to keep it in: then a token signed for the same cluster and identity is printed again
 * while it has time left (see cluster/token-cache.ts). The action's kubeconfig asks for it; by
 * hand, nothing is kept.
 */
export async function eksToken(argv: string[], io: EksTokenIo): Promise<number> {
  const env = io.env ?? process.env;
  // Every error is one line, `error: ` first, as every command's (kubectl shows it to the user).
  const usage = (sentence: string) => {
    io.stderr.write(`error: ${sentence} ${EKS_TOKEN_USAGE}\n`);
    return 2;
  };
  let values: { 'cluster-name'?: string; region?: string; 'token-lifetime'?: string; 'token-cache'?: string };
  try {
    values = parseCommandLine(
      argv,
      {
        'cluster-name': { type: 'string' },
        region: { type: 'string' },
        'token-lifetime': { type: 'string' },
        'token-cache': { type: 'string' },
      },
      EKS_TOKEN_USAGE,
    );
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\n`);
    return 2;
  }
  const clusterName = values['cluster-name'];
  const region = values.region || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!clusterName) return usage('Option --cluster-name is required.');
  if (!region) {
    return usage('Option --region is required when neither AWS_REGION nor AWS_DEFAULT_REGION is set.');
  }
  // Both end up in the signed URL's host and header: only well-formed names are signed.
  if (!EKS_CLUSTER.test(clusterName)) {
    return usage(`Invalid --cluster-name ${JSON.stringify(clusterName)}. Expected an EKS cluster name.`);
  }
  if (!AWS_REGION.test(region)) {
    return usage(`Invalid region ${JSON.stringify(region)}. Expected an AWS region such as eu-west-1.`);
  }
  const lifetimeText = values['token-lifetime'] ?? env.K8S_DEPLOY_TOKEN_LIFETIME;
  const lifetimeMs = lifetimeText === undefined ? DEFAULT_TOKEN_LIFETIME_MS : parseDuration(lifetimeText);
  if (lifetimeMs === undefined || lifetimeMs <= 0) {
    const from = values['token-lifetime'] !== undefined ? '--token-lifetime' : 'K8S_DEPLOY_TOKEN_LIFETIME';
    return usage(
      `Invalid token lifetime ${JSON.stringify(lifetimeText)} (${from}). Expected a duration such as 90s or 14m.`,
    );
  }

  const clock = io.clock ?? (() => new Date());
  const cacheDir = values['token-cache'] || env.K8S_DEPLOY_TOKEN_CACHE || undefined;
  // Never in the workspace, which a later step may commit or upload: there, no cache.
  const cache =
    cacheDir && !isInside(cacheDir, env.GITHUB_WORKSPACE)
      ? { dir: cacheDir, key: tokenCacheKey(clusterName, region, env) }
      : undefined;
  const cached = cache && readCachedToken(cache.dir, cache.key, clock());
  if (cached) {
    io.stdout.write(`${JSON.stringify(execCredential(cached))}\n`);
    return 0;
  }
  // Signs one token; with a cache, keeps it for the run's next kubectl.
  const sign = async () => {
    const credentials = await (io.credentials ?? defaultCredentials)();
    const now = clock();
    // Loaded only to sign: a token from the cache never loads the signer.
    const { createEksToken } = await import('../cluster/token.js');
    const token = await createEksToken({ clusterName, region, credentials, now, lifetimeMs });
    if (cache) {
      // Temporary credentials that end sooner end the cached token's reuse with them.
      const ends = credentials.expiration?.getTime();
      const expires =
        ends !== undefined && ends < Date.parse(token.expirationTimestamp)
          ? { ...token, expirationTimestamp: new Date(ends).toISOString() }
          : token;
      writeCachedToken(cache.dir, cache.key, expires, now);
    }
    return token;
  };
  try {
    const token = cache ? await mintShared(cache.dir, cache.key, clock, sign, io.mintLock) : await sign();
    io.stdout.write(`${JSON.stringify(execCredential(token))}\n`);
    return 0;
  } catch (error) {
    const explained = explainAwsError(error, { service: 'sts', operation: 'GetCallerIdentity', region });
    io.stderr.write(`error: eks-token could not make a token: ${explained.message}\n`);
    return 1;
  }
}

/**
 * The default provider chain (loadDefaultCredentials), whose first link takes the keys in the
 * environment unless AWS_PROFILE is set. When that link is the one that answers, its answer is
 * built here, as @aws-sdk/credential-provider-env builds it: loading the chain (SSO, INI files,
 * IMDS and their STS clients), or even that link with the SDK core it imports, would cost kubectl
 * more than everything else eks-token does, on every token. __tests__/cluster/eks-token.test.ts
 * compares the two.
 */
export async function defaultCredentials(): Promise<AwsCredentialIdentity> {
  const env = process.env; // what the chain reads, whatever io.env is
  if (env.AWS_PROFILE || !env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY)
    return loadDefaultCredentials();
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }),
    ...(env.AWS_CREDENTIAL_EXPIRATION && { expiration: new Date(env.AWS_CREDENTIAL_EXPIRATION) }),
    ...(env.AWS_CREDENTIAL_SCOPE && { credentialScope: env.AWS_CREDENTIAL_SCOPE }),
    ...(env.AWS_ACCOUNT_ID && { accountId: env.AWS_ACCOUNT_ID }),
    // The SDK's record of where credentials came from (for its user agent), as the link sets it.
    $source: { CREDENTIALS_ENV_VARS: 'g' },
  } as AwsCredentialIdentity;
}
