/** An error the simulated AWS services answer with: the real error code, message and HTTP status. */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Extra members of the error body (EKS adds e.g. clusterName). */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const invalidParameter = (message: string): AwsServiceError =>
  new AwsServiceError('InvalidParameterException', message);
