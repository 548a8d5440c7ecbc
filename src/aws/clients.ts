import type { ECRClient } from '@aws-sdk/client-ecr';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Logger } from '../log.js';
import { reportRetries } from './retries.js';

/*
 * The SDK is loaded with `await import()` only when a phase needs it, so that a run which
 * fails on its inputs (or only renders) never pays for loading it.
 */

/**
 * Throttling and transient 5xx are retried by the SDK's own adaptive strategy (client-side
 * rate limiting plus exponential back-off with jitter); we never loop ourselves.
 */
export const RETRY_SETTINGS = { maxAttempts: 6, retryMode: 'adaptive' } as const;

/** What a client of a run is told: where its retries are logged, when the run is cancelled. */
export interface ClientOptions {
  /** Each retried attempt is logged here (the SDK retries silently otherwise). */
  logger?: Pick<Logger, 'info'>;
  /** Aborts a call in flight (its HTTP request) when the run is cancelled. */
  signal?: AbortSignal;
}

/** An ECR client for the region; endpoints follow AWS_ENDPOINT_URL_ECR as the SDK does. */
export async function createEcrClient(region: string, options: ClientOptions = {}): Promise<ECRClient> {
  const { ECRClient } = await import('@aws-sdk/client-ecr');
  return withRunOptions(new ECRClient({ region, ...RETRY_SETTINGS }), 'ECR', options);
}

/** An EKS client for the region; endpoints follow AWS_ENDPOINT_URL_EKS as the SDK does. */
export async function createEksClient(region: string, options: ClientOptions = {}): Promise<EKSClient> {
  const { EKSClient } = await import('@aws-sdk/client-eks');
  return withRunOptions(new EKSClient({ region, ...RETRY_SETTINGS }), 'EKS', options);
}

interface Handler {
  handle(request: unknown, options?: { abortSignal?: unknown }): Promise<unknown>;
}

function withRunOptions<C extends ECRClient | EKSClient>(
  client: C,
  service: string,
  options: ClientOptions,
): C {
  if (options.logger) reportRetries(client.middlewareStack, service, options.logger);
  const { signal } = options;
  if (signal) {
    // The SDK takes an abort signal per call only; the run's applies to every call of its clients.
    const config = client.config as unknown as { requestHandler: Handler };
    const inner = config.requestHandler;
    config.requestHandler = Object.assign(Object.create(inner) as Handler, {
      handle: (request: unknown, handlerOptions: { abortSignal?: unknown } = {}) =>
        inner.handle(request, { ...handlerOptions, abortSignal: handlerOptions.abortSignal ?? signal }),
    });
  }
  return client;
}

/** Credentials from the default chain (env, web identity, SSO, profile, container, IMDS). */
export async function loadDefaultCredentials(): Promise<AwsCredentialIdentity> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider()();
}
