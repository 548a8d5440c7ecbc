import { describe, expect, it } from '@jest/globals';
import { answerAdmin } from './admin.js';
import type { SimulatedCluster } from './eks.js';
import { FaultPlan } from './faults.js';
import { DEFAULT_SECRETS, SimulatedSecretsManager, seedDefaultSecrets } from './secrets-manager.js';

function adminWith(secrets: SimulatedSecretsManager) {
  const state = { cluster: {} as SimulatedCluster, faults: new FaultPlan(), calls: [], secrets };
  return (method: string, path: string, body = '') => answerAdmin(state, method, path, body);
}

describe('simulated Secrets Manager admin routes', () => {
  it('stores a secret string under a name with slashes, a new version on every write', () => {
    const secrets = new SimulatedSecretsManager();
    const admin = adminWith(secrets);
    const first = admin('PUT', '/secretsmanager/secrets/team/app', '{"A":"1"}');
    const second = admin('PUT', '/secretsmanager/secrets/team%2Fapp', '{"A":"2"}');
    expect(first.status).toBe(200);
    expect((second.body as { VersionId: string }).VersionId).not.toBe(
      (first.body as { VersionId: string }).VersionId,
    );
    expect(admin('GET', '/secretsmanager/secrets/team/app').body).toMatchObject({
      Name: 'team/app',
      SecretString: '{"A":"2"}',
    });
    expect(admin('GET', '/secretsmanager/secrets').body).toEqual({ names: ['team/app'] });
  });

  it('answers ResourceNotFoundException for an unknown name, and after a delete', () => {
    const secrets = new SimulatedSecretsManager();
    const admin = adminWith(secrets);
    secrets.put('gone', 'x');
    expect(admin('DELETE', '/secretsmanager/secrets/gone').status).toBe(200);
    expect(admin('GET', '/secretsmanager/secrets/gone')).toMatchObject({
      status: 404,
      body: { __type: 'ResourceNotFoundException' },
    });
  });

  it('tells subscribers which secret changed', () => {
    const secrets = new SimulatedSecretsManager();
    const changed: string[] = [];
    const unsubscribe = secrets.subscribe((name) => changed.push(name));
    secrets.put('a', '1');
    secrets.delete('a');
    unsubscribe();
    secrets.put('b', '2');
    expect(changed).toEqual(['a', 'a']);
  });

  it('seeds what the reference deployment extracts, as JSON with the app keys', () => {
    const secrets = new SimulatedSecretsManager();
    seedDefaultSecrets(secrets);
    expect(secrets.names()).toEqual(Object.keys(DEFAULT_SECRETS).sort());
    for (const name of secrets.names()) {
      expect(Object.keys(JSON.parse(secrets.get(name)?.secretString ?? '{}')).sort()).toEqual([
        'APP_KEY',
        'DB_PASSWORD',
        'DB_USERNAME',
        'REDIS_PASSWORD',
      ]);
    }
  });
});
