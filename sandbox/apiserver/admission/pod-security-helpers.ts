/** What the PodSecurity checks share: upstream policy/helpers.go and the seccomp check both levels use. */

// biome-ignore lint/suspicious/noExplicitAny: pod specs are schemaless JSON here.
export type Json = any;

export interface Violation {
  reason: string;
  detail: string;
}

export type Check = (meta: Json, spec: Json) => Violation | undefined;

export const plural = (one: string, many: string, count: number) => (count === 1 ? one : many);
export const joinQuote = (items: string[]) => (items.length === 0 ? '' : `"${items.join('", "')}"`);
export const sortedSet = (items: Iterable<string>) => [...new Set(items)].sort();
export const containersPhrase = (names: string[]) =>
  `${plural('container', 'containers', names.length)} ${joinQuote(names)}`;

/** Init containers, then containers, then ephemeral containers: the upstream visiting order. */
export function containersOf(spec: Json): Json[] {
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])];
}

export const isWindows = (spec: Json) => spec?.os?.name === 'windows';

/** Checks that explicitly bad values on the pod and/or containers fail, as "pod and containers ...". */
export function setters(podBad: boolean, badContainers: string[]): string[] {
  const out = podBad ? ['pod'] : [];
  if (badContainers.length > 0) out.push(containersPhrase(badContainers));
  return out;
}

export const validSeccomp = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';

/** Shared by the baseline and restricted seccomp checks; restricted also requires a profile. */
export function seccomp(spec: Json, required: boolean): Violation | undefined {
  const badValues = new Set<string>();
  const podProfile = spec?.securityContext?.seccompProfile;
  const podBad = Boolean(podProfile) && !validSeccomp(podProfile.type);
  if (podBad) badValues.add(String(podProfile.type ?? ''));
  const podSet = Boolean(podProfile) && !podBad;
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containersOf(spec)) {
    const profile = c.securityContext?.seccompProfile;
    if (profile) {
      if (!validSeccomp(profile.type)) {
        explicit.push(c.name);
        badValues.add(String(profile.type ?? ''));
      }
    } else if (!podSet) implicit.push(c.name);
  }
  const who = setters(podBad, explicit);
  if (who.length > 0) {
    return {
      reason: 'seccompProfile',
      detail: `${who.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`,
    };
  }
  if (required && implicit.length > 0) {
    return {
      reason: 'seccompProfile',
      detail: `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    };
  }
  return undefined;
}
