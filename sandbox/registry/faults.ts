/**
 * Registry faults for tests: the proxy answers the next matching requests with a server error
 * instead of passing them to docker-registry, in the registry API's own error shape — what
 * distribution answers on an internal failure (500 UNKNOWN "unknown error") or a load balancer
 * in front of it on overload (503 UNAVAILABLE "service unavailable").
 */

export interface RegistryFaultRule {
  /** HTTP method (PUT, PATCH, POST, HEAD, GET); any when absent. */
  method?: string;
  /** A regular expression on the request path (without the query), e.g. "/blobs/uploads/". */
  path?: string;
  status: 500 | 503;
  /** How many matching requests fail; every one when absent. */
  times?: number;
}

/** One request the proxy answered with a fault. */
export interface InjectedRegistryFault {
  time: string;
  method: string;
  path: string;
  status: number;
}

const REPLIES = {
  500: { code: 'UNKNOWN', message: 'unknown error' },
  503: { code: 'UNAVAILABLE', message: 'service unavailable' },
} as const;

/** Validates an admin request body into a rule; throws one sentence naming the bad field. */
export function parseRegistryFaultRule(input: unknown): RegistryFaultRule {
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (raw.method !== undefined && (typeof raw.method !== 'string' || !/^[A-Z]+$/.test(raw.method))) {
    throw new Error(
      `method must be an upper-case HTTP method when given, got ${JSON.stringify(raw.method)}.`,
    );
  }
  if (raw.path !== undefined) {
    if (typeof raw.path !== 'string') {
      throw new Error(`path must be a regular expression string, got ${JSON.stringify(raw.path)}.`);
    }
    try {
      new RegExp(raw.path);
    } catch {
      throw new Error(`path is not a valid regular expression: ${JSON.stringify(raw.path)}.`);
    }
  }
  const status = raw.status ?? 500;
  if (status !== 500 && status !== 503) {
    throw new Error(`status must be 500 or 503, got ${JSON.stringify(raw.status)}.`);
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
    ...(raw.method ? { method: raw.method as string } : {}),
    ...(raw.path !== undefined ? { path: raw.path as string } : {}),
    status,
    ...(raw.times !== undefined ? { times: raw.times as number } : {}),
  };
}

/** The faults in force; the first rule matching a request answers it (and uses up one of its times). */
export class RegistryFaultPlan {
  private rules: RegistryFaultRule[] = [];
  /** Every request answered with a fault (the last 1,000), to prove a client retried. */
  readonly injected: InjectedRegistryFault[] = [];

  add(rule: RegistryFaultRule): void {
    this.rules.push({ ...rule });
  }

  reset(): void {
    this.rules = [];
    this.injected.length = 0;
  }

  /** The error to answer instead of forwarding, or undefined. */
  take(method: string, path: string): { status: number; code: string; message: string } | undefined {
    const bare = path.split('?')[0] ?? '';
    const index = this.rules.findIndex(
      (rule) =>
        (rule.method === undefined || rule.method === method) &&
        (rule.path === undefined || new RegExp(rule.path).test(bare)),
    );
    const rule = this.rules[index];
    if (!rule) return undefined;
    if (rule.times !== undefined && --rule.times === 0) this.rules.splice(index, 1);
    this.injected.push({ time: new Date().toISOString(), method, path: bare, status: rule.status });
    if (this.injected.length > 1000) this.injected.splice(0, this.injected.length - 1000);
    return { status: rule.status, ...REPLIES[rule.status] };
  }
}
