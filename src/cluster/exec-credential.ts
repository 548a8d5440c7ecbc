/*
 * What eks-token prints, apart from the signing (token.ts, which loads the SigV4 signer): a token
 * served from the run's cache (token-cache.ts) needs only this.
 */

/** Tell kubectl to fetch a new token a minute before EKS's 15 minutes run out. */
export const DEFAULT_TOKEN_LIFETIME_MS = 14 * 60_000;

export interface EksToken {
  token: string;
  /** When kubectl should ask for a new one (RFC 3339). */
  expirationTimestamp: string;
}

/** The ExecCredential kubectl reads from an exec plugin's standard output. */
export function execCredential(token: EksToken) {
  return {
    kind: 'ExecCredential',
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    spec: {},
    status: { token: token.token, expirationTimestamp: token.expirationTimestamp },
  };
}
