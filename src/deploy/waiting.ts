import { describeRef } from './objects.js';
import type { VerifyResult, WorkloadResult } from './verify.js';

/*
 * "Waiting for promotion": a release whose workloads all verified, except that some stopped at a
 * pause a person ends (an Argo Rollout at a canary pause step or before blue-green promotion; a
 * native canary later). Neither success nor failure: the run records the release with status
 * `waiting-for-promotion` and ends; `action: promote` continues it, `action: reject` aborts it.
 */

/** The workloads verify left waiting for promotion. */
export function waitingForPromotion(verify: VerifyResult | undefined): WorkloadResult[] {
  return (verify?.workloads ?? []).filter((w) => w.state === 'waiting');
}

/** The run's last word on a release waiting for promotion: what waits, and what to do next. */
export function waitingVerdict(release: string, version: number, waiting: readonly WorkloadResult[]): string {
  const what = waiting.map((w) => `${describeRef(w.ref)} ${w.summary}`).join('; ');
  return `Release ${release} v${version} is waiting for promotion: ${what}. Promote it with action: promote (k8s-deploy promote), or reject it with action: reject (k8s-deploy reject).`;
}
