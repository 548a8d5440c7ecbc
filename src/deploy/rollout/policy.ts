import type { RolloutPolicy } from './types.js';

/**
 * The rollout policy of every verification (a deploy, its rollback, a rollback from the CLI), so
 * each is judged alike. Grace periods are real time: a missing ConfigMap or Secret fails after
 * 2.5 s, or 30 s when an operator of the set is about to create it (producedByOperators).
 */
export function rolloutPolicy(crashloopRestarts: number): RolloutPolicy {
  return {
    crashloopRestarts,
    configErrorGraceMs: 2_500,
    operatorGraceMs: 30_000,
    imagePullGraceMs: 30_000,
    failedCreateGraceMs: 5_000,
    unschedulableIsFatal: false,
  };
}
