import { describe, expect, it } from '@jest/globals';
import { FaultPlan, parseFaultRule } from './faults.js';

describe('FaultPlan', () => {
  it('fails the next N matching calls, then lets them through', () => {
    const plan = new FaultPlan();
    plan.add(
      parseFaultRule({ service: 'ecr', operation: 'DescribeImages', code: 'ThrottlingException', times: 2 }),
    );
    expect(plan.take('ecr', 'DescribeRepositories')).toBeUndefined();
    expect(plan.take('eks', 'DescribeImages')).toBeUndefined();
    expect(plan.take('ecr', 'DescribeImages')).toMatchObject({ code: 'ThrottlingException', status: 400 });
    expect(plan.take('ecr', 'DescribeImages')).toMatchObject({ code: 'ThrottlingException' });
    expect(plan.take('ecr', 'DescribeImages')).toBeUndefined();
  });

  it('keeps failing every call without a count until reset', () => {
    const plan = new FaultPlan();
    plan.add(parseFaultRule({ code: 'ServerException', status: 500 }));
    expect(plan.take('eks', 'DescribeCluster')).toMatchObject({ code: 'ServerException', status: 500 });
    expect(plan.take('ecr', 'GetAuthorizationToken')).toMatchObject({ code: 'ServerException' });
    plan.reset();
    expect(plan.take('ecr', 'GetAuthorizationToken')).toBeUndefined();
  });
});

describe('parseFaultRule', () => {
  it('names the field that is wrong and what it expects', () => {
    expect(() => parseFaultRule({ status: 400 })).toThrow(
      'code must name the AWS error, e.g. "ThrottlingException", got undefined.',
    );
    expect(() => parseFaultRule({ code: 'X', status: 200 })).toThrow(
      'status must be an HTTP error status (400-599), got 200.',
    );
    expect(() => parseFaultRule({ code: 'X', times: 0 })).toThrow(
      'times must be a whole number of at least 1 when given, got 0.',
    );
    expect(() => parseFaultRule({ code: 'X', service: 'sts' })).toThrow(
      'service must be "ecr" or "eks" when given, got "sts".',
    );
  });
});

describe('slow answers', () => {
  it('holds the next matching calls for delayMs, apart from the error rules', () => {
    const plan = new FaultPlan();
    plan.add(parseFaultRule({ service: 'eks', operation: 'DescribeCluster', delayMs: 5000, times: 1 }));
    plan.add(parseFaultRule({ service: 'eks', code: 'ServerException', status: 500, times: 1 }));
    expect(plan.delayFor('ecr', 'DescribeImages')).toBe(0);
    expect(plan.delayFor('eks', 'DescribeCluster')).toBe(5000);
    expect(plan.delayFor('eks', 'DescribeCluster')).toBe(0);
    expect(plan.take('eks', 'DescribeCluster')).toMatchObject({ code: 'ServerException' });
  });

  it('refuses a rule with both code and delayMs, or a delay that is not a whole number', () => {
    expect(() => parseFaultRule({ code: 'X', delayMs: 10 })).toThrow('not both');
    expect(() => parseFaultRule({ delayMs: 1.5 })).toThrow('delayMs must be a whole number');
  });
});
