import type { Logger } from './log.js';

/** One phase of a run, for the log's groups and the summary's timeline. */
export interface PhaseTiming {
  name: string;
  startedAt: number;
  durationMs: number;
  outcome: 'done' | 'failed' | 'skipped' | 'cancelled';
}

/**
 * Runs each phase in a log group and records its timing in `phases`: failed when it throws
 * (cancelled when the run's signal aborted), done otherwise.
 */
export function phaseTimer(
  phases: PhaseTiming[],
  logger: Logger,
  signal: AbortSignal | undefined,
  now: () => number = Date.now,
) {
  return async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const timing: PhaseTiming = { name, startedAt: now(), durationMs: 0, outcome: 'done' };
    phases.push(timing);
    try {
      return await logger.group(name, work);
    } catch (error) {
      timing.outcome = signal?.aborted ? 'cancelled' : 'failed';
      throw error;
    } finally {
      timing.durationMs = now() - timing.startedAt;
    }
  };
}
