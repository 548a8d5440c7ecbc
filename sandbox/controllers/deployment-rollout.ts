import { intOrPercent, type Json } from './objects.js';

/** A ReplicaSet as the rollout arithmetic sees it. */
export interface RsCounts {
  name: string;
  /** spec.replicas */
  replicas: number;
  /** status.availableReplicas */
  available: number;
}

export function desiredReplicas(deployment: Json): number {
  return Number(deployment.spec?.replicas ?? 1);
}

export function isRollingUpdate(deployment: Json): boolean {
  return (deployment.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/**
 * maxSurge and maxUnavailable as absolute numbers: surge rounds up, unavailable rounds down, and
 * both zero would deadlock, so unavailable becomes 1 (the controller's resolveFenceposts).
 */
export function fenceposts(deployment: Json): { maxSurge: number; maxUnavailable: number } {
  const replicas = desiredReplicas(deployment);
  const rolling = deployment.spec?.strategy?.rollingUpdate;
  const maxSurge = intOrPercent(rolling?.maxSurge, replicas, true, '25%');
  let maxUnavailable = intOrPercent(rolling?.maxUnavailable, replicas, false, '25%');
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** What the Available condition allows to be missing: 0 for Recreate or no replicas. */
export function maxUnavailableOf(deployment: Json): number {
  const replicas = desiredReplicas(deployment);
  if (!isRollingUpdate(deployment) || replicas === 0) return 0;
  return Math.min(fenceposts(deployment).maxUnavailable, replicas);
}

/** The new ReplicaSet's next size: grow as far as maxSurge allows (NewRSNewReplicas). */
export function nextNewReplicas(deployment: Json, newRs: RsCounts, all: RsCounts[]): number {
  const replicas = desiredReplicas(deployment);
  if (!isRollingUpdate(deployment)) return replicas;
  if (newRs.replicas >= replicas) return replicas;
  const current = all.reduce((sum, rs) => sum + rs.replicas, 0);
  const maxTotal = replicas + fenceposts(deployment).maxSurge;
  if (current >= maxTotal) return newRs.replicas;
  return newRs.replicas + Math.min(maxTotal - current, replicas - newRs.replicas);
}

/**
 * How far to shrink each old ReplicaSet without dropping below replicas - maxUnavailable available
 * pods: first the old pods that are not available anyway, then available ones, oldest set first.
 * `olds` must be sorted oldest first. Returns new sizes for the sets that change.
 */
export function oldScaleDowns(deployment: Json, newRs: RsCounts, olds: RsCounts[]): Map<string, number> {
  const sizes = new Map<string, number>();
  const oldTotal = olds.reduce((sum, rs) => sum + rs.replicas, 0);
  if (oldTotal === 0) return sizes;
  const replicas = desiredReplicas(deployment);
  const minAvailable = replicas - maxUnavailableOf(deployment);
  const allPods = oldTotal + newRs.replicas;
  const newUnavailable = newRs.replicas - newRs.available;
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return sizes;
  const size = (rs: RsCounts) => sizes.get(rs.name) ?? rs.replicas;

  let cleaned = 0;
  for (const rs of olds) {
    if (cleaned >= maxScaledDown) break;
    const unhealthy = rs.replicas - rs.available;
    if (rs.replicas === 0 || unhealthy <= 0) continue;
    const down = Math.min(maxScaledDown - cleaned, unhealthy);
    sizes.set(rs.name, rs.replicas - down);
    cleaned += down;
  }

  const available = olds.reduce((sum, rs) => sum + rs.available, 0) + newRs.available;
  if (available <= minAvailable) return sizes;
  const total = available - minAvailable;
  let scaled = 0;
  for (const rs of olds) {
    if (scaled >= total) break;
    if (size(rs) === 0) continue;
    const down = Math.min(size(rs), total - scaled);
    sizes.set(rs.name, size(rs) - down);
    scaled += down;
  }
  return sizes;
}
