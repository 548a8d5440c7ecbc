/**
 * The built-in policy rules by name, apart from their code (rules.ts): the inputs check names
 * against this table without loading the deploy engine.
 */

export type PolicyMode = 'warn' | 'enforce' | 'off';
export const POLICY_MODES: readonly PolicyMode[] = ['warn', 'enforce', 'off'];

/** Each rule's name, and what it asks for (the README's table says the same). */
export const RULES = {
  resources: 'every container states requests.cpu, requests.memory and limits.memory',
  'readiness-probe': 'a Deployment, StatefulSet, DaemonSet or ReplicaSet has a readinessProbe on a container',
  'image-tag': 'every image names a tag other than latest, or a digest',
  'host-path': 'no hostPath volume',
  privileged: 'no privileged container',
  'privilege-escalation': 'every container sets securityContext.allowPrivilegeEscalation: false',
  'disruption-budget': 'a workload of more than one replica has a PodDisruptionBudget selecting its pods',
  'service-selector': "a Service's selector matches the pod template of a workload in the set",
} as const;

export type RuleName = keyof typeof RULES;
export const RULE_NAMES = Object.keys(RULES) as RuleName[];

/** The annotation an object turns rules off with, for itself: `k8s-deploy-action/policy-skip: "host-path"`. */
export const SKIP_ANNOTATION = 'k8s-deploy-action/policy-skip';
