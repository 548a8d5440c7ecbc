import type { ECRClient } from '@aws-sdk/client-ecr';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { AwsCredentialIdentity } from '@smithy/types';

/*
 * The SDK is loaded with `await import()` only when a phase needs it, so that a run which
 * fails on its inputs (or only renders) never pays for loading it.
 */

/**
 * Throttling and transient 5xx are retried by the SDK's own adaptive strategy (client-side
 * rate limiting plus exponential back-off with jitter); we never loop ourselves.
 */
export const RETRY_SETTINGS = { maxAttempts: 6, retryMode: 'adaptive' } as const;

/** An ECR client for the region; endpoints follow AWS_ENDPOINT_URL_ECR as the SDK does. */
export async function createEcrClient(region: string): Promise<ECRClient> {
  const { ECRClient } = await import('@aws-sdk/client-ecr');
  return new ECRClient({ region, ...RETRY_SETTINGS });
}

/** An EKS client for the region; endpoints follow AWS_ENDPOINT_URL_EKS as the SDK does. */
export async function createEksClient(region: string): Promise<EKSClient> {
  const { EKSClient } = await import('@aws-sdk/client-eks');
  return new EKSClient({ region, ...RETRY_SETTINGS });
}

/** Credentials from the default chain (env, web identity, SSO, profile, container, IMDS). */
export async function loadDefaultCredentials(): Promise<AwsCredentialIdentity> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider()();
}
