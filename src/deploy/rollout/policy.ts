import type { RolloutPolicy } from './types.js';

/**
 * The settle time when the input does not say (`rollout-settle`). A container without a readiness
 * probe is Ready as soon as it starts; a process that dies on a bad config or a missing dependency
 * does so within a second or two, so 5 s catches that crash (with a second to spare for startedAt's
 * whole seconds). The cost is small: time is added only for pods that started less than 5 s before
 * the workload was otherwise done, at most 5 s per verify, since all workloads settle at once.
 */
export const DEFAULT_SETTLE_MS = 5_000;

/**
 * The rollout policy of every verification (a deploy, its rollback, a rollback from the CLI), so
 * each is judged alike. Grace periods are real time: a missing ConfigMap or Secret fails after
 * 2.5 s, or 30 s when an operator of the set is about to create it (producedByOperators).
 */
export function rolloutPolicy(crashloopRestarts: number, settleMs = DEFAULT_SETTLE_MS): RolloutPolicy {
  return {
    crashloopRestarts,
    configErrorGraceMs: 2_500,
    operatorGraceMs: 30_000,
    imagePullGraceMs: 30_000,
    failedCreateGraceMs: 5_000,
    settleMs,
    unschedulableIsFatal: false,
  };
}
