import { describe, expect, it } from '@jest/globals';
import { AwsError, callAws, explainAwsError, principalFromMessage } from '../../src/aws/errors.js';

const named = (name: string, message = 'boom') => Object.assign(new Error(message), { name });
const ctx = { service: 'eks', operation: 'DescribeCluster', region: 'eu-west-1', subject: "cluster 'prod'" };

describe('explainAwsError', () => {
  it('names the IAM action and the principal for AccessDenied', () => {
    const error = explainAwsError(
      named(
        'AccessDeniedException',
        'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: eks:DescribeCluster on resource: x',
      ),
      ctx,
    );
    expect(error.message).toBe(
      "Access denied: arn:aws:iam::123456789012:user/ci is not allowed to call eks:DescribeCluster on cluster 'prod' in eu-west-1. Grant eks:DescribeCluster to that role in its IAM policy (and in the repository or key policy if one applies).",
    );
  });

  it('still names the IAM action when the message carries no principal', () => {
    expect(explainAwsError(named('AccessDeniedException', 'denied'), ctx).message).toContain(
      'the AWS identity of this job is not allowed to call eks:DescribeCluster',
    );
  });

  it('explains missing credentials with how to provide them', () => {
    const message = explainAwsError(
      named('CredentialsProviderError', 'Could not load credentials from any providers'),
      ctx,
    ).message;
    expect(message).toContain('No AWS credentials were found');
    expect(message).toContain('aws-actions/configure-aws-credentials');
  });

  it('explains expired and rejected credentials apart', () => {
    expect(explainAwsError(named('ExpiredTokenException'), ctx).message).toMatch(
      /^The AWS credentials have expired/,
    );
    expect(explainAwsError(named('UnrecognizedClientException'), ctx).message).toMatch(
      /^AWS did not accept the credentials for eks:DescribeCluster in eu-west-1/,
    );
  });

  it('keeps the SDK error name and message for anything else', () => {
    const error = explainAwsError(named('InvalidParameterException', 'bad name'), ctx);
    expect(error).toBeInstanceOf(AwsError);
    expect(error.message).toBe(
      "eks:DescribeCluster on cluster 'prod' in eu-west-1 failed: InvalidParameterException: bad name",
    );
  });

  it('passes an already explained error through unchanged', async () => {
    const explained = new AwsError('already clear', 'X');
    await expect(callAws(ctx, () => Promise.reject(explained))).rejects.toBe(explained);
  });
});

describe('principalFromMessage', () => {
  it('finds assumed-role and GovCloud ARNs', () => {
    expect(
      principalFromMessage('User: arn:aws-us-gov:sts::123456789012:assumed-role/r/s is not authorized'),
    ).toBe('arn:aws-us-gov:sts::123456789012:assumed-role/r/s');
    expect(principalFromMessage('no principal here')).toBeUndefined();
  });
});
