/**
 * Fault injection rules set through the admin endpoint. The "share" of requests a rule hits is
 * deterministic: with share s the n-th matching request fails when floor(n*s) > floor((n-1)*s),
 * so 1 fails every request, 0.5 every second one, 0.25 every fourth — tests need no luck.
 */

export interface FaultRule {
  /** Regular expression matched against the request path (without the query). */
  path: string;
  /** Only these HTTP methods (default: all). */
  methods?: string[];
  /** Only dry runs (`true`) or only real requests (`false`); default both. */
  dryRun?: boolean;
  /** Answer with this status instead of serving the request (500 or 429, or another 4xx/5xx). */
  status?: number;
  /**
   * Serve the request first (a write takes effect), then answer `status`: a real API server whose
   * storage committed but whose answer timed out (504) or whose connection broke after the write.
   */
  afterServing?: boolean;
  /** Share of matching requests that get `status`, 0..1 (default 1). */
  share?: number;
  /** Retry-After seconds sent with a 429 (default 1). */
  retryAfterSeconds?: number;
  /** Delay before serving (or failing) a matching request. */
  latencyMs?: number;
  /** Close matching watch streams after this many events. */
  closeWatchAfterEvents?: number;
  /** Injections left; the rule stops applying at 0 (default: unlimited). */
  count?: number;
}

export interface Refusal {
  /** Refuse every connection for this many seconds (the listener is closed, then reopened). */
  refuseConnectionsSeconds: number;
}

/**
 * EKS accepts a token for 15 minutes after it was signed; this shortens that window (until the
 * faults are reset), so a test can make the tokens a long-running kubectl holds expire.
 */
export interface TokenLifetime {
  tokenLifetimeSeconds: number;
}

export interface FaultDecision {
  latencyMs: number;
  failWith?: { status: number; retryAfterSeconds?: number; afterServing?: boolean };
  closeWatchAfterEvents?: number;
}

interface ActiveRule {
  rule: FaultRule;
  pattern: RegExp;
  seen: number;
  injected: number;
}

/** Checks a rule posted to the admin endpoint; returns a sentence naming what is wrong. */
export function checkRule(input: unknown): FaultRule | string {
  if (typeof input !== 'object' || input === null) return 'A fault must be a JSON object.';
  const rule = input as FaultRule;
  if (typeof rule.path !== 'string') return 'A fault needs "path": a regular expression for request paths.';
  try {
    new RegExp(rule.path);
  } catch {
    return `"path" is not a valid regular expression: ${rule.path}`;
  }
  if (rule.afterServing !== undefined && typeof rule.afterServing !== 'boolean') {
    return `"afterServing" must be true or false, got ${JSON.stringify(rule.afterServing)}.`;
  }
  if (rule.dryRun !== undefined && typeof rule.dryRun !== 'boolean') {
    return `"dryRun" must be true or false, got ${JSON.stringify(rule.dryRun)}.`;
  }
  if (rule.share !== undefined && !(typeof rule.share === 'number' && rule.share >= 0 && rule.share <= 1)) {
    return `"share" must be a number from 0 to 1, got ${JSON.stringify(rule.share)}.`;
  }
  if (
    rule.status !== undefined &&
    !(Number.isInteger(rule.status) && rule.status >= 400 && rule.status <= 599)
  ) {
    return `"status" must be an HTTP error status (400-599), got ${JSON.stringify(rule.status)}.`;
  }
  for (const name of ['latencyMs', 'closeWatchAfterEvents', 'count', 'retryAfterSeconds'] as const) {
    const value = rule[name];
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
      return `"${name}" must be a non-negative number, got ${JSON.stringify(value)}.`;
    }
  }
  if (rule.status === undefined && rule.latencyMs === undefined && rule.closeWatchAfterEvents === undefined) {
    return 'A fault needs at least one of "status", "latencyMs" or "closeWatchAfterEvents".';
  }
  return rule;
}

export class FaultPlan {
  private rules: ActiveRule[] = [];
  /** Seconds an EKS token stays valid after signing, when shorter than EKS's 15 minutes. */
  tokenLifetimeSeconds: number | undefined;

  add(rule: FaultRule): void {
    this.rules.push({ rule, pattern: new RegExp(rule.path), seen: 0, injected: 0 });
  }

  reset(): void {
    this.rules = [];
    this.tokenLifetimeSeconds = undefined;
  }

  list(): Array<FaultRule & { seen: number; injected: number }> {
    return this.rules.map((r) => ({ ...r.rule, seen: r.seen, injected: r.injected }));
  }

  /** What happens to a request; counts it against the matching rules. */
  decide(method: string, path: string, dryRun = false): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const active of this.rules) {
      const { rule } = active;
      if (!active.pattern.test(path)) continue;
      if (rule.methods && !rule.methods.map((m) => m.toUpperCase()).includes(method)) continue;
      if (rule.dryRun !== undefined && rule.dryRun !== dryRun) continue;
      if (rule.count !== undefined && active.injected >= rule.count) continue;
      active.seen++;
      const share = rule.share ?? 1;
      const hit = Math.floor(active.seen * share) > Math.floor((active.seen - 1) * share);
      if (!hit) continue;
      active.injected++;
      decision.latencyMs += rule.latencyMs ?? 0;
      if (rule.status !== undefined && !decision.failWith) {
        decision.failWith = {
          status: rule.status,
          ...(rule.afterServing ? { afterServing: true } : {}),
          ...(rule.status === 429 ? { retryAfterSeconds: rule.retryAfterSeconds ?? 1 } : {}),
        };
      }
      if (rule.closeWatchAfterEvents !== undefined)
        decision.closeWatchAfterEvents = rule.closeWatchAfterEvents;
    }
    return decision;
  }
}
