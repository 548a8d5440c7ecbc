import { describe, expect, it } from '@jest/globals';
import { createEcrClient, createEksClient } from '../../src/aws/clients.js';

describe('AWS clients', () => {
  it.each([
    ['ECR', createEcrClient],
    ['EKS', createEksClient],
  ])('%s retries throttling with the SDK adaptive strategy, up to 6 attempts', async (_name, create) => {
    const client = await create('eu-west-1');
    expect(await client.config.region()).toBe('eu-west-1');
    expect(await client.config.maxAttempts()).toBe(6);
    expect((await client.config.retryStrategy()) as { mode?: string }).toMatchObject({ mode: 'adaptive' });
  });
});
