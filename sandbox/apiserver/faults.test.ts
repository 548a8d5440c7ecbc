import { describe, expect, it } from '@jest/globals';
import { checkRule, FaultPlan } from './faults.js';

describe('fault plan', () => {
  it('fails exactly the given share of matching requests, deterministically', () => {
    const plan = new FaultPlan();
    plan.add({ path: '^/apis/apps', status: 500, share: 0.5 });
    const outcomes = Array.from(
      { length: 6 },
      () => plan.decide('GET', '/apis/apps/v1/deployments').failWith?.status,
    );
    expect(outcomes).toEqual([undefined, 500, undefined, 500, undefined, 500]);
    expect(plan.decide('GET', '/api/v1/pods').failWith).toBeUndefined();
  });

  it('adds latency and a Retry-After to 429s, and limits injections by count and method', () => {
    const plan = new FaultPlan();
    plan.add({ path: 'pods', status: 429, latencyMs: 200, count: 1, methods: ['patch'] });
    expect(plan.decide('GET', '/api/v1/pods')).toEqual({ latencyMs: 0 });
    expect(plan.decide('PATCH', '/api/v1/pods/x')).toEqual({
      latencyMs: 200,
      failWith: { status: 429, retryAfterSeconds: 1 },
    });
    expect(plan.decide('PATCH', '/api/v1/pods/x')).toEqual({ latencyMs: 0 });
  });

  it('explains what is wrong with a rule', () => {
    expect(checkRule({ path: 'x', status: 200 })).toBe(
      '"status" must be an HTTP error status (400-599), got 200.',
    );
    expect(checkRule({ path: 'x', share: 2, status: 500 })).toBe(
      '"share" must be a number from 0 to 1, got 2.',
    );
    expect(checkRule({ path: 'x' })).toBe(
      'A fault needs at least one of "status", "latencyMs" or "closeWatchAfterEvents".',
    );
  });
});
