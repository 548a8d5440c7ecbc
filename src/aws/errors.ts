import { attemptsOf } from './retries.js';

/**
 * Turns AWS SDK errors into one sentence a user can act on. Throttling reaches here only when the
 * SDK's own retries (see clients.ts) ran out; the sentence says how many attempts were made.
 */

/** An AWS call that failed in a way the user must fix; the message says how. */
export class AwsError extends Error {
  override name = 'AwsError';
  constructor(
    message: string,
    /** The SDK's error name (AccessDeniedException, ...), for callers that branch on it. */
    readonly code: string,
  ) {
    super(message);
  }
}

/** Where a call went: `service` is the IAM prefix (ecr, eks, sts), `operation` the API name. */
export interface AwsCallContext {
  service: string;
  operation: string;
  region?: string;
  /** What the call was about, e.g. "repository 'api'"; named in the sentence. */
  subject?: string;
}

const CREDENTIALS_MISSING =
  'No AWS credentials were found. Configure them before this step, e.g. with aws-actions/configure-aws-credentials and an OIDC role (permissions: id-token: write), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.';

const CREDENTIALS_REJECTED = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
]);

const CREDENTIALS_EXPIRED = new Set(['ExpiredTokenException', 'ExpiredToken', 'RequestExpired']);

/** The error's SDK name, whether it is a modelled exception or a plain Error. */
export function errorName(error: unknown): string {
  if (error && typeof error === 'object' && 'name' in error && typeof error.name === 'string') {
    return error.name;
  }
  return 'Error';
}

/** The principal in an AccessDenied message: "User: arn:aws:sts::1:assumed-role/x/y is not authorized ...". */
export function principalFromMessage(message: string): string | undefined {
  return /\bUser: (arn:aws[a-z-]*:[a-z0-9-]+::\d*:[^\s]+)/.exec(message)?.[1];
}

/** Explains an SDK error for the call described by `context`; returns the error as is if already explained. */
export function explainAwsError(error: unknown, context: AwsCallContext): Error {
  if (error instanceof AwsError) return error;
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  const action = `${context.service}:${context.operation}`;
  const where = context.region ? ` in ${context.region}` : '';
  const about = context.subject ? ` on ${context.subject}` : '';
  const attempts = attemptsOf(error);
  const afterAttempts = attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : '';

  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new AwsError(CREDENTIALS_MISSING, name);
  }
  if (CREDENTIALS_EXPIRED.has(name)) {
    return new AwsError(
      `The AWS credentials have expired (${action} was refused with ${name}). Request fresh credentials for this job, e.g. a longer role-duration-seconds in aws-actions/configure-aws-credentials.`,
      name,
    );
  }
  if (CREDENTIALS_REJECTED.has(name)) {
    return new AwsError(
      `AWS did not accept the credentials for ${action}${where} (${name}). Check that the access key, secret and session token belong together and are current.`,
      name,
    );
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    const principal = principalFromMessage(message);
    return new AwsError(
      `Access denied: ${principal ?? 'the AWS identity of this job'} is not allowed to call ${action}${about}${where}. Grant ${action} to that role in its IAM policy (and in the repository or key policy if one applies).`,
      name,
    );
  }
  if (name === 'ThrottlingException' || name === 'TooManyRequestsException') {
    return new AwsError(
      `AWS kept throttling ${action}${where}${afterAttempts || " after the SDK's retries"} (${name}). Try again later or lower the number of parallel jobs calling it.`,
      name,
    );
  }
  if (name === 'AbortError') return new AwsError(`${action}${about}${where} was cancelled.`, name);
  return new AwsError(`${action}${about}${where} failed${afterAttempts}: ${name}: ${message}`, name);
}

/** Runs one AWS call and explains any error it throws. */
export async function callAws<T>(context: AwsCallContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explainAwsError(error, context);
  }
}
