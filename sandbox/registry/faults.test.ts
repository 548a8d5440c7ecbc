import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pushStandInImage } from '../seed-images.js';
import { type RunningSandbox, startSandbox } from '../testing.js';
import { parseRegistryFaultRule, RegistryFaultPlan } from './faults.js';

describe('RegistryFaultPlan', () => {
  it('answers the next matching requests with the registry error of the status, then forwards again', () => {
    const plan = new RegistryFaultPlan();
    plan.add(parseRegistryFaultRule({ method: 'PUT', path: '/blobs/uploads/', status: 500, times: 2 }));
    expect(plan.take('PATCH', '/v2/app/blobs/uploads/1')).toBeUndefined();
    expect(plan.take('PUT', '/v2/app/manifests/v1')).toBeUndefined();
    expect(plan.take('PUT', '/v2/app/blobs/uploads/1?digest=sha256:1')).toEqual({
      status: 500,
      code: 'UNKNOWN',
      message: 'unknown error',
    });
    expect(plan.take('PUT', '/v2/app/blobs/uploads/2')).toMatchObject({ status: 500 });
    expect(plan.take('PUT', '/v2/app/blobs/uploads/3')).toBeUndefined();
    expect(plan.injected.map((fault) => fault.path)).toEqual([
      '/v2/app/blobs/uploads/1',
      '/v2/app/blobs/uploads/2',
    ]);
  });

  it('answers 503 as UNAVAILABLE, every matching request without times', () => {
    const plan = new RegistryFaultPlan();
    plan.add(parseRegistryFaultRule({ status: 503 }));
    for (let i = 0; i < 3; i++) {
      expect(plan.take('GET', '/v2/')).toEqual({
        status: 503,
        code: 'UNAVAILABLE',
        message: 'service unavailable',
      });
    }
  });

  it('refuses a rule it cannot apply, naming the field', () => {
    expect(() => parseRegistryFaultRule({ status: 404 })).toThrow('status must be 500 or 503');
    expect(() => parseRegistryFaultRule({ path: '(' })).toThrow('path is not a valid regular expression');
    expect(() => parseRegistryFaultRule({ method: 'put' })).toThrow('upper-case HTTP method');
    expect(() => parseRegistryFaultRule({ times: 0 })).toThrow('times must be a whole number');
  });
});

describe('registry faults in the sandbox (admin route /registry/faults)', () => {
  let sandbox: RunningSandbox;
  const admin = (method: string, body?: unknown) =>
    fetch(`${sandbox.env.SANDBOX_AWS_ADMIN_URL}/registry/faults`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((response) => response.json() as Promise<Record<string, unknown>>);

  beforeAll(async () => {
    sandbox = await startSandbox({ kubernetes: false });
  }, 60_000);
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('fails a real podman push with the 500 a failing registry answers, then lets the next one through', async () => {
    await admin('POST', { method: 'PUT', path: '/blobs/uploads/', status: 500, times: 1 });
    await expect(pushStandInImage(sandbox.env, 'faulty', 'v1', { content: 'one' })).rejects.toThrow(
      /docker push failed .*received unexpected HTTP status: 500 Internal Server Error/s,
    );
    const { injected } = await admin('GET');
    expect(injected).toEqual([expect.objectContaining({ method: 'PUT', status: 500 })]);
    await expect(pushStandInImage(sandbox.env, 'faulty', 'v1', { content: 'one' })).resolves.toMatchObject({
      digest: expect.stringMatching(/^sha256:/),
    });
  }, 60_000);

  it('refuses a bad rule with 400 and one sentence, and DELETE clears the rules and the record', async () => {
    await expect(admin('POST', { status: 418 })).resolves.toEqual({
      message: 'status must be 500 or 503, got 418.',
    });
    await admin('POST', { status: 503 });
    await admin('DELETE');
    expect(await admin('GET')).toEqual({ injected: [] });
    await expect(pushStandInImage(sandbox.env, 'faulty', 'v2', { content: 'two' })).resolves.toBeDefined();
  }, 60_000);
});
