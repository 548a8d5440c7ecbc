import { randomUUID } from 'node:crypto';
import type { RemoteSecrets, RemoteSecretValue } from '../kube/contract.js';

/** The answer to an admin request, as admin.ts sends it. */
export interface SecretsAdminAnswer {
  status: number;
  body: unknown;
}

/**
 * The sandbox's AWS Secrets Manager: secrets by name, each write a new version (VersionId), as
 * PutSecretValue makes one. Held in memory for the life of the sandbox; the External Secrets
 * Operator stand-in reads it and is told of every change.
 */
export class SimulatedSecretsManager implements RemoteSecrets {
  private readonly secrets = new Map<string, RemoteSecretValue & { createdDate: string }>();
  private readonly listeners = new Set<(name: string) => void>();

  get(name: string): RemoteSecretValue | undefined {
    const secret = this.secrets.get(name);
    return secret && { name: secret.name, secretString: secret.secretString, versionId: secret.versionId };
  }

  names(): string[] {
    return [...this.secrets.keys()].sort();
  }

  put(name: string, secretString: string): RemoteSecretValue {
    const createdDate = this.secrets.get(name)?.createdDate ?? new Date().toISOString();
    const secret = { name, secretString, versionId: randomUUID(), createdDate };
    this.secrets.set(name, secret);
    this.notify(name);
    return this.get(name) as RemoteSecretValue;
  }

  delete(name: string): boolean {
    const existed = this.secrets.delete(name);
    if (existed) this.notify(name);
    return existed;
  }

  subscribe(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(name: string): void {
    for (const listener of [...this.listeners]) listener(name);
  }
}

/** Placeholder values in the shape the reference app reads (never real credentials). */
const placeholder = (environment: string) =>
  JSON.stringify({
    APP_KEY: `base64:${Buffer.from(`sandbox-${environment}-app-key-32-bytes!`.slice(0, 32)).toString('base64')}`,
    DB_USERNAME: 'laravel',
    DB_PASSWORD: `sandbox-${environment}-db-password`,
    REDIS_PASSWORD: `sandbox-${environment}-redis-password`,
  });

/** The entries the reference deployment's ExternalSecrets extract (k8s/base and both overlays). */
export const DEFAULT_SECRETS: Record<string, string> = {
  'laravel-upload': placeholder('base'),
  'laravel-upload/staging': placeholder('staging'),
  'laravel-upload/production': placeholder('production'),
};

export function seedDefaultSecrets(secrets: SimulatedSecretsManager): void {
  for (const [name, value] of Object.entries(DEFAULT_SECRETS)) secrets.put(name, value);
}

const ROUTE = '/secretsmanager/secrets';

/**
 * Admin routes on SANDBOX_AWS_ADMIN_URL for seeding remote secrets (names may contain `/`):
 *   GET /secretsmanager/secrets → names; GET .../NAME → {Name, SecretString, VersionId};
 *   PUT .../NAME with the secret string as the body; DELETE .../NAME.
 * Undefined when the path is not one of these routes.
 */
export function answerSecretsAdmin(
  secrets: SimulatedSecretsManager,
  method: string,
  path: string,
  body: string,
): SecretsAdminAnswer | undefined {
  const bare = path.split('?')[0] ?? '';
  if (bare === ROUTE && method === 'GET') return { status: 200, body: { names: secrets.names() } };
  if (!bare.startsWith(`${ROUTE}/`) || bare.length === ROUTE.length + 1) return undefined;
  const name = decodeURIComponent(bare.slice(ROUTE.length + 1));
  const notFound = {
    status: 404,
    body: {
      __type: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
    },
  };
  if (method === 'PUT') {
    const secret = secrets.put(name, body);
    return { status: 200, body: { Name: secret.name, VersionId: secret.versionId } };
  }
  if (method === 'GET') {
    const secret = secrets.get(name);
    if (!secret) return notFound;
    return {
      status: 200,
      body: { Name: secret.name, SecretString: secret.secretString, VersionId: secret.versionId },
    };
  }
  if (method === 'DELETE') return secrets.delete(name) ? { status: 200, body: { Name: name } } : notFound;
  return undefined;
}
