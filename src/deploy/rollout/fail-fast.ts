import type { PodProblem } from './types.js';

/**
 * Decides when a problem has lasted past its grace. A waiting container state carries no
 * timestamp, so the tracker remembers when it first saw each problem key; the engine creates one
 * per verify phase and, after each rolloutStatus, forgets the keys no longer reported, so a
 * problem that clears and comes back starts its grace again.
 */
export class FailFastTracker {
  private readonly firstSeen = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  isFatal(p: PodProblem): boolean {
    if (p.graceMs <= 0) return true;
    if (!Number.isFinite(p.graceMs)) return false;
    const now = this.now();
    const since = this.firstSeen.get(p.key);
    if (since === undefined) {
      this.firstSeen.set(p.key, now);
      return false;
    }
    return now - since >= p.graceMs;
  }

  /** How long the problem has been seen, in ms (0 if it is new): for "retrying for 12 s" messages. */
  seenForMs(key: string): number {
    const since = this.firstSeen.get(key);
    return since === undefined ? 0 : this.now() - since;
  }

  forget(keysStillPresent: Set<string>): void {
    for (const key of this.firstSeen.keys()) if (!keysStillPresent.has(key)) this.firstSeen.delete(key);
  }
}
