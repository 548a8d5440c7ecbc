import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEcrClient } from '../../src/aws/clients.js';
import { explainAwsError } from '../../src/aws/errors.js';
import { isRetriedBySdk, parseAttempt } from '../../src/aws/retries.js';

// A stand-in ECR endpoint answering in the JSON 1.1 protocol: the real SDK and its retry strategy.
let server: Server;
let answers: (() => { status: number; body: unknown } | undefined)[] = [];
const saved = { ...process.env };

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const answer = answers.shift()?.();
      if (!answer) return; // never answered: a hanging call
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
  });
});

afterAll(async () => {
  process.env = saved;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const throttled = () => ({ status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } });
const ok = () => ({ status: 200, body: { repositories: [] } });

describe('AWS SDK retries', () => {
  it('logs each throttled attempt the SDK retries, with the attempt and the bound', async () => {
    const lines: string[] = [];
    const client = await createEcrClient('us-east-1', { logger: { info: (line) => lines.push(line) } });
    const { DescribeRepositoriesCommand } = await import('@aws-sdk/client-ecr');
    answers = [throttled, throttled, ok];
    const answer = await client.send(new DescribeRepositoriesCommand({}));
    expect(answer.$metadata.attempts).toBe(3);
    expect(lines).toEqual([
      'ECR DescribeRepositories answered ThrottlingException (attempt 1 of 6); the AWS SDK retries it after a back-off.',
      'ECR DescribeRepositories answered ThrottlingException (attempt 2 of 6); the AWS SDK retries it after a back-off.',
    ]);
    client.destroy();
  }, 30_000);

  it('logs nothing for an answer that is not retried (a missing repository is a result)', async () => {
    const lines: string[] = [];
    const client = await createEcrClient('us-east-1', { logger: { info: (line) => lines.push(line) } });
    const { DescribeRepositoriesCommand } = await import('@aws-sdk/client-ecr');
    answers = [() => ({ status: 400, body: { __type: 'RepositoryNotFoundException', message: 'no' } })];
    await expect(client.send(new DescribeRepositoriesCommand({}))).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
    });
    expect(lines).toEqual([]);
    client.destroy();
  });

  it('aborts a call in flight when the run is cancelled, without retrying it', async () => {
    const cancel = new AbortController();
    const client = await createEcrClient('us-east-1', { signal: cancel.signal });
    const { DescribeRepositoriesCommand } = await import('@aws-sdk/client-ecr');
    answers = [() => undefined];
    setTimeout(() => cancel.abort(), 200);
    const started = Date.now();
    const error = await client.send(new DescribeRepositoriesCommand({})).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(explainAwsError(error, { service: 'ecr', operation: 'DescribeRepositories' }).message).toBe(
      'ecr:DescribeRepositories was cancelled.',
    );
    client.destroy();
  });

  it('names the attempts when throttling outlasts the retries', () => {
    const error = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { attempts: 6 },
    });
    expect(
      explainAwsError(error, { service: 'ecr', operation: 'DescribeImages', region: 'us-east-1' }).message,
    ).toBe(
      'AWS kept throttling ecr:DescribeImages in us-east-1 after 6 attempts (ThrottlingException). Try again later or lower the number of parallel jobs calling it.',
    );
  });

  it('reads the attempt header and classifies what the SDK retries', () => {
    expect(parseAttempt('attempt=2; max=6')).toEqual({ attempt: 2, max: 6 });
    expect(parseAttempt(undefined)).toBeUndefined();
    expect(isRetriedBySdk({ name: 'ThrottlingException' })).toBe(true);
    expect(isRetriedBySdk({ name: 'ServerException', $metadata: { httpStatusCode: 500 } })).toBe(true);
    expect(isRetriedBySdk({ name: 'ImageNotFoundException', $metadata: { httpStatusCode: 400 } })).toBe(
      false,
    );
    expect(isRetriedBySdk({ name: 'AbortError', $retryable: {} })).toBe(false);
  });
});
