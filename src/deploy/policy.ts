import type { Logger } from '../log.js';
import { ApiError, type KubeApi } from './kube-api.js';
import type { Json } from './objects.js';
import type { Plan } from './plan.js';
import { evaluateRules, type PolicyMode, type RuleName, reportFindings } from './rules.js';

/**
 * The plan's policy step: the built-in rules over the whole set (the migration Job included),
 * reported as `policy` says. A replicated workload the set gives no PodDisruptionBudget may have
 * one the cluster holds already (a platform team's): those are read, only then, before it counts.
 */
export async function checkPolicy(
  plan: Plan,
  mode: PolicyMode,
  skip: readonly RuleName[],
  api: KubeApi,
  logger: Logger,
): Promise<void> {
  if (mode === 'off') return;
  const objects = [...plan.objects, ...(plan.migration ? [plan.migration] : [])];
  const context = { skip: new Set(skip) };
  let findings = evaluateRules(objects, context);
  const namespaces = new Set(
    findings.filter((f) => f.rule === 'disruption-budget').map((f) => f.object.ref.namespace ?? ''),
  );
  if (namespaces.size > 0) {
    const livePdbs = (await Promise.all([...namespaces].map((ns) => livePdbsIn(ns, api, logger)))).flat();
    if (livePdbs.length > 0) findings = evaluateRules(objects, { ...context, livePdbs });
  }
  reportFindings(findings, mode, logger);
}

/** The PodDisruptionBudgets of a namespace; none when it does not exist or may not be listed (said). */
async function livePdbsIn(namespace: string, api: KubeApi, logger: Logger): Promise<Json[]> {
  try {
    return (
      await api.list(`/apis/policy/v1/namespaces/${encodeURIComponent(namespace)}/poddisruptionbudgets`)
    ).items;
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 403 && error.status !== 404)) throw error;
    if (error.status === 403) {
      logger.warning(
        `Policy rule disruption-budget could not see the PodDisruptionBudgets already in namespace ${namespace}: the deploy role may not list them (${error.message}); expected \`list\` on poddisruptionbudgets (README, Kubernetes RBAC for the deploy role).`,
      );
    }
    return [];
  }
}
