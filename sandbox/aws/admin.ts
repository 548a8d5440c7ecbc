import type { TokenAuthenticator } from '../kube/contract.js';
import { parseRegistryFaultRule, type RegistryFaultPlan } from '../registry/faults.js';
import { CLUSTER_STATUSES, type ClusterStatus, type SimulatedCluster } from './eks.js';
import { type FaultPlan, parseFaultRule } from './faults.js';
import { answerSecretsAdmin, type SimulatedSecretsManager } from './secrets-manager.js';

/** One answered control-plane call, for tests that count calls or prove retries. */
export interface CallRecord {
  time: string;
  service: 'ecr' | 'eks';
  operation: string;
  status: number;
  error?: string;
}

export interface AdminState {
  cluster: SimulatedCluster;
  faults: FaultPlan;
  calls: CallRecord[];
  /** The simulated Secrets Manager, seeded through /secretsmanager/secrets/NAME. */
  secrets?: SimulatedSecretsManager;
  /** The registry proxy's faults (POST/GET/DELETE /registry/faults). */
  registryFaults?: RegistryFaultPlan;
  /** The EKS bearer tokens the clusters were shown (see recordEksTokens), for leak tests. */
  eksTokens?: string[];
}

export interface AdminAnswer {
  status: number;
  body: unknown;
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body || '{}') };
  } catch {
    return { ok: false };
  }
}

/**
 * The control plane's unsigned test controls (under SANDBOX_AWS_ADMIN_URL):
 *   GET /health; POST /eks/status {"status":"CREATING"};
 *   POST /faults {service?, operation?, status?, code, message?, times?}; DELETE /faults;
 *   GET /calls (every answered call); DELETE /calls;
 *   GET /eks/tokens (every EKS token a cluster was shown); DELETE /eks/tokens;
 *   GET|PUT|DELETE /secretsmanager/secrets/NAME (see secrets-manager.ts);
 *   POST /registry/faults {method?, path?, status?, times?}; GET /registry/faults (the requests
 *   answered with a fault); DELETE /registry/faults (see ../registry/faults.ts).
 */
export function answerAdmin(state: AdminState, method: string, path: string, body: string): AdminAnswer {
  const route = `${method} ${path}`;
  const secretsAnswer = state.secrets && answerSecretsAdmin(state.secrets, method, path, body);
  if (secretsAnswer) return secretsAnswer;
  if (route === 'GET /health') return { status: 200, body: { ok: true } };
  if (path === '/registry/faults' && state.registryFaults)
    return answerRegistryFaults(state.registryFaults, method, body);
  if (route === 'GET /calls') return { status: 200, body: state.calls };
  if (route === 'DELETE /calls') {
    state.calls.length = 0;
    return { status: 200, body: {} };
  }
  if (route === 'GET /eks/tokens') return { status: 200, body: state.eksTokens ?? [] };
  if (route === 'DELETE /eks/tokens') {
    state.eksTokens?.splice(0);
    return { status: 200, body: {} };
  }
  if (route === 'DELETE /faults') {
    state.faults.reset();
    return { status: 200, body: {} };
  }
  if (route !== 'POST /eks/status' && route !== 'POST /faults') {
    return { status: 404, body: { message: `No admin route ${route}.` } };
  }
  const parsed = parseJson(body);
  if (!parsed.ok) return { status: 400, body: { message: `The body of ${route} must be JSON.` } };
  if (route === 'POST /faults') {
    try {
      const rule = parseFaultRule(parsed.value);
      state.faults.add(rule);
      return { status: 200, body: rule };
    } catch (error) {
      return { status: 400, body: { message: (error as Error).message } };
    }
  }
  const status = (parsed.value as { status?: unknown }).status;
  if (!CLUSTER_STATUSES.includes(status as ClusterStatus)) {
    return {
      status: 400,
      body: {
        message: `status must be one of ${CLUSTER_STATUSES.join(', ')}, got ${JSON.stringify(status)}.`,
      },
    };
  }
  state.cluster.status = status as ClusterStatus;
  return { status: 200, body: { status } };
}

function answerRegistryFaults(faults: RegistryFaultPlan, method: string, body: string): AdminAnswer {
  if (method === 'GET') return { status: 200, body: { injected: faults.injected } };
  if (method === 'DELETE') {
    faults.reset();
    return { status: 200, body: {} };
  }
  if (method !== 'POST')
    return { status: 404, body: { message: `No admin route ${method} /registry/faults.` } };
  const parsed = parseJson(body);
  if (!parsed.ok)
    return { status: 400, body: { message: 'The body of POST /registry/faults must be JSON.' } };
  try {
    const rule = parseRegistryFaultRule(parsed.value);
    faults.add(rule);
    return { status: 200, body: rule };
  } catch (error) {
    return { status: 400, body: { message: (error as Error).message } };
  }
}

/** The tokens kept for GET /eks/tokens: a long demo must not grow the list without bound. */
const MAX_EKS_TOKENS_KEPT = 1000;

/**
 * An authenticator that also keeps every bearer token it is shown (the sandbox's static token
 * apart) in `tokens`, accepted or not. Real EKS keeps no such list; the sandbox does so that a
 * test can look for the exact tokens an exec plugin minted in logs and files.
 */
export function recordEksTokens(
  authenticate: TokenAuthenticator,
  staticToken: string,
  tokens: string[],
): TokenAuthenticator {
  return (token) => {
    if (token !== staticToken && !tokens.includes(token)) {
      tokens.push(token);
      if (tokens.length > MAX_EKS_TOKENS_KEPT) tokens.splice(0, tokens.length - MAX_EKS_TOKENS_KEPT);
    }
    return authenticate(token);
  };
}
