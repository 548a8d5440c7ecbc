import type { Logger } from '../log.js';
import { ApplyError, PROTECTED_KINDS } from './apply.js';
import type { Kubectl } from './kubectl.js';
import { describeRef, refManifest } from './objects.js';
import type { DeployOutcome } from './outcome.js';
import type { Plan } from './plan.js';

// After a verified release: what the last good release had and this one does not, deleted.

export async function prune(
  plan: Plan,
  kubectl: Kubectl,
  logger: Logger,
  outcome: DeployOutcome,
): Promise<void> {
  const doomed = plan.removed.filter((ref) => !PROTECTED_KINDS.has(ref.kind));
  outcome.pruneKept = plan.removed.filter((ref) => PROTECTED_KINDS.has(ref.kind));
  if (outcome.pruneKept.length > 0) {
    logger.info(
      `Not pruned (they hold data or everything else): ${outcome.pruneKept.map(describeRef).join(', ')}.`,
    );
  }
  if (doomed.length === 0) {
    logger.info('Nothing to prune: every object of the previous release is still in the manifests.');
    return;
  }
  const errors = await kubectl.delete(doomed.map(refManifest));
  if (errors.length > 0) throw new ApplyError(`Pruning failed: ${errors.join(' | ')}`);
  outcome.pruned = doomed;
  logger.info(
    `Pruned ${doomed.length} object(s) no longer in the manifests: ${doomed.map(describeRef).join(', ')}.`,
  );
}
