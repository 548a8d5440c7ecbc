import { AwsServiceError } from './errors.js';

/**
 * An error the control plane answers instead of doing the work, for the next `times` matching
 * calls; or, with `delayMs` instead of `code`, a slow answer (the call is answered normally, late).
 */
export interface FaultRule {
  service?: 'ecr' | 'eks';
  /** e.g. DescribeImages, DescribeCluster; any operation when absent. */
  operation?: string;
  status: number;
  /** The AWS error code, e.g. ThrottlingException, ServerException; '' for a slow answer. */
  code: string;
  message: string;
  /** A slow answer: wait this long, then answer as usual. */
  delayMs?: number;
  /** How many matching calls fail; every one when absent. */
  times?: number;
}

/** Validates an admin request body into a rule; throws one sentence naming the bad field. */
export function parseFaultRule(input: unknown): FaultRule {
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (raw.service !== undefined && raw.service !== 'ecr' && raw.service !== 'eks') {
    throw new Error(`service must be "ecr" or "eks" when given, got ${JSON.stringify(raw.service)}.`);
  }
  if (raw.operation !== undefined && typeof raw.operation !== 'string') {
    throw new Error(
      `operation must be an operation name like "DescribeImages", got ${JSON.stringify(raw.operation)}.`,
    );
  }
  const status = raw.status ?? 400;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
    throw new Error(`status must be an HTTP error status (400-599), got ${JSON.stringify(raw.status)}.`);
  }
  if (raw.delayMs !== undefined) {
    if (typeof raw.delayMs !== 'number' || !Number.isInteger(raw.delayMs) || raw.delayMs < 1) {
      throw new Error(`delayMs must be a whole number of milliseconds, got ${JSON.stringify(raw.delayMs)}.`);
    }
    if (raw.code !== undefined) throw new Error('Give code (an error) or delayMs (a slow answer), not both.');
  } else if (typeof raw.code !== 'string' || raw.code === '') {
    throw new Error(
      `code must name the AWS error, e.g. "ThrottlingException", got ${JSON.stringify(raw.code)}.`,
    );
  }
  if (
    raw.times !== undefined &&
    (typeof raw.times !== 'number' || !Number.isInteger(raw.times) || raw.times < 1)
  ) {
    throw new Error(
      `times must be a whole number of at least 1 when given, got ${JSON.stringify(raw.times)}.`,
    );
  }
  return {
    ...(raw.service ? { service: raw.service } : {}),
    ...(raw.operation ? { operation: raw.operation } : {}),
    status,
    code: typeof raw.code === 'string' ? raw.code : '',
    message: typeof raw.message === 'string' ? raw.message : `Injected by the sandbox: ${raw.code}`,
    ...(raw.delayMs !== undefined ? { delayMs: raw.delayMs } : {}),
    ...(raw.times !== undefined ? { times: raw.times } : {}),
  } as FaultRule;
}

/** The faults in force; the first rule matching a call answers it (and uses up one of its times). */
export class FaultPlan {
  private rules: FaultRule[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }

  reset(): void {
    this.rules = [];
  }

  take(service: 'ecr' | 'eks', operation: string): AwsServiceError | undefined {
    const rule = this.use(service, operation, false);
    return rule && new AwsServiceError(rule.code, rule.message, rule.status);
  }

  /** How long to hold this call before answering it (a slow-answer rule), 0 for none. */
  delayFor(service: 'ecr' | 'eks', operation: string): number {
    return this.use(service, operation, true)?.delayMs ?? 0;
  }

  private use(service: 'ecr' | 'eks', operation: string, slow: boolean): FaultRule | undefined {
    const index = this.rules.findIndex(
      (rule) =>
        (rule.delayMs !== undefined) === slow &&
        (rule.service === undefined || rule.service === service) &&
        (rule.operation === undefined || rule.operation === operation),
    );
    const rule = this.rules[index];
    if (!rule) return undefined;
    if (rule.times !== undefined && --rule.times === 0) this.rules.splice(index, 1);
    return rule;
  }
}
