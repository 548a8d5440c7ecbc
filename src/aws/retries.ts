import type { Logger } from '../log.js';

/*
 * The SDK retries throttling and server errors silently: a run that waits half a minute on a
 * throttled ECR would show nothing. This middleware sits inside the SDK's retry loop, sees each
 * attempt's error, and logs the ones the SDK is about to retry, with the attempt and the bound.
 */

/** The header the SDK's retry middleware sets on every attempt: "attempt=2; max=6". */
const ATTEMPT_HEADER = 'amz-sdk-request';

/** Error names the SDK treats as throttling (smithy's THROTTLING_ERROR_CODES, the ones AWS APIs use). */
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

interface SdkError {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** Whether the SDK's standard/adaptive strategy retries this error (throttling, 5xx, timeouts, resets). */
export function isRetriedBySdk(error: unknown): boolean {
  const e = (error ?? {}) as SdkError;
  if (e.name === 'AbortError') return false;
  if (e.$retryable) return true;
  if (e.name && THROTTLING.has(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && [429, 500, 502, 503, 504].includes(status)) return true;
  return (
    ['TimeoutError', 'RequestTimeout', 'RequestTimeoutException'].includes(e.name ?? '') ||
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(e.code ?? '')
  );
}

/** "attempt=2; max=6" → {attempt: 2, max: 6}. */
export function parseAttempt(header: unknown): { attempt: number; max: number } | undefined {
  const match = /attempt=(\d+);\s*max=(\d+)/.exec(String(header ?? ''));
  return match ? { attempt: Number(match[1]), max: Number(match[2]) } : undefined;
}

/** The number of attempts an SDK error says were made (set by the retry middleware). */
export function attemptsOf(error: unknown): number | undefined {
  return (error as SdkError | undefined)?.$metadata?.attempts;
}

interface Stack {
  addRelativeTo(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { relation: 'after'; toMiddleware: string; name: string; override?: boolean },
  ): void;
}

/** Logs, per attempt the SDK is going to retry: "ECR DescribeImages answered ThrottlingException (attempt 1 of 6); ...". */
export function reportRetries(stack: unknown, service: string, logger: Pick<Logger, 'info'>): void {
  (stack as Stack).addRelativeTo(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const headers = (args as { request?: { headers?: Record<string, string> } }).request?.headers;
        const at = parseAttempt(headers?.[ATTEMPT_HEADER]);
        if (at && at.attempt < at.max && isRetriedBySdk(error)) {
          const operation = (context.commandName ?? 'call').replace(/Command$/, '');
          const name = (error as SdkError).name ?? 'an error';
          logger.info(
            `${service} ${operation} answered ${name} (attempt ${at.attempt} of ${at.max}); the AWS SDK retries it after a back-off.`,
          );
        }
        throw error;
      }
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'k8sDeployRetryLog', override: true },
  );
}
