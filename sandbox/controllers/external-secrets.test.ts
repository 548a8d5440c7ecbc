import { afterEach, describe, expect, it } from '@jest/globals';
import { SimulatedSecretsManager } from '../aws/secrets-manager.js';
import type { KubeObject } from '../kube/contract.js';
import { installPlatformSecretStore, PLATFORM_SECRET_STORE } from './external-secrets.js';
import type { Json } from './objects.js';
import { container, fakeRegistry, type Sandbox, startSandbox, waitingReason } from './test-support.js';

const APP_SECRET = { APP_KEY: 'base64:abc', DB_USERNAME: 'laravel', DB_PASSWORD: 's3cret', PORT: 5432 };

let sandbox: Sandbox;
let remote: SimulatedSecretsManager;

function start(): Sandbox {
  remote = new SimulatedSecretsManager();
  remote.put('laravel-upload/staging', JSON.stringify(APP_SECRET));
  sandbox = startSandbox(0.01, fakeRegistry, {
    remoteSecrets: remote,
    before: (store) => installPlatformSecretStore(store, 'us-east-1'),
  });
  return sandbox;
}

afterEach(() => sandbox?.stop());

function externalSecret(name: string, spec: Json): KubeObject {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: 'default' },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: PLATFORM_SECRET_STORE },
      target: { name, creationPolicy: 'Owner' },
      ...spec,
    },
  };
}

const extract = (key: string) => ({ dataFrom: [{ extract: { key } }] });

function get(kind: string, name: string): Json {
  const type = sandbox.store.typeOf(kind === 'Secret' ? 'v1' : 'external-secrets.io/v1', kind);
  return type && sandbox.store.get(type, 'default', name);
}

const ready = (es: Json) => es?.status?.conditions?.find((c: Json) => c.type === 'Ready');
const decoded = (secret: Json) =>
  Object.fromEntries(
    Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString()]),
  );

function untilReady(name: string, status: 'True' | 'False'): Promise<Json> {
  return sandbox.until(`ExternalSecret ${name} Ready=${status}`, () => {
    const es = get('ExternalSecret', name);
    return ready(es)?.status === status ? es : undefined;
  });
}

describe('simulated External Secrets Operator', () => {
  it('validates the platform ClusterSecretStore', async () => {
    start();
    const store = await sandbox.until('store Ready', () => {
      const css = sandbox.store.get(
        sandbox.store.typeOf('external-secrets.io/v1', 'ClusterSecretStore') as never,
        undefined,
        PLATFORM_SECRET_STORE,
      ) as Json;
      return css?.status?.conditions?.[0]?.status === 'True' ? css : undefined;
    });
    expect(store.status.conditions[0]).toMatchObject({ reason: 'Valid', message: 'store validated' });
    expect(store.spec.provider.aws).toMatchObject({ service: 'SecretsManager', region: 'us-east-1' });
  });

  it('extracts every property of a JSON secret into a Secret owned by the ExternalSecret', async () => {
    start();
    sandbox.apply(externalSecret('laravel-secrets', extract('laravel-upload/staging')));
    const es = await untilReady('laravel-secrets', 'True');
    expect(ready(es)).toMatchObject({ reason: 'SecretSynced', message: 'secret synced' });
    expect(es.status.refreshTime).toEqual(expect.any(String));
    expect(es.status.syncedResourceVersion).toMatch(/^1-[0-9a-f]{56}$/);
    expect(es.status.binding).toEqual({ name: 'laravel-secrets' });

    const secret = get('Secret', 'laravel-secrets');
    expect(decoded(secret)).toEqual({
      APP_KEY: 'base64:abc',
      DB_USERNAME: 'laravel',
      DB_PASSWORD: 's3cret',
      PORT: '5432',
    });
    expect(secret.type).toBe('Opaque');
    expect(secret.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'ExternalSecret',
        name: 'laravel-secrets',
        uid: es.metadata.uid,
        controller: true,
      }),
    ]);
    expect(secret.metadata.labels).toMatchObject({
      'reconcile.external-secrets.io/managed': 'true',
      'reconcile.external-secrets.io/created-by': expect.stringMatching(/^[0-9a-f]{56}$/),
    });
    expect(secret.metadata.annotations['reconcile.external-secrets.io/data-hash']).toMatch(/^[0-9a-f]{56}$/);
    expect(sandbox.events('laravel-secrets').map((e) => [e.reason, e.message])).toContainEqual([
      'Created',
      'secret created',
    ]);
  });

  it('maps data[].remoteRef key and property onto secretKey', async () => {
    start();
    sandbox.apply(
      externalSecret('db', {
        data: [
          { secretKey: 'password', remoteRef: { key: 'laravel-upload/staging', property: 'DB_PASSWORD' } },
          { secretKey: 'whole', remoteRef: { key: 'laravel-upload/staging' } },
        ],
      }),
    );
    await untilReady('db', 'True');
    expect(decoded(get('Secret', 'db'))).toEqual({ password: 's3cret', whole: JSON.stringify(APP_SECRET) });
  });

  it('reports a missing store as ESO does, and syncs once the store exists', async () => {
    start();
    const es = externalSecret('app', {
      ...extract('laravel-upload/staging'),
      secretStoreRef: { kind: 'SecretStore', name: 'team-store' },
    });
    sandbox.apply(es);
    const failed = await untilReady('app', 'False');
    expect(ready(failed)).toMatchObject({
      reason: 'SecretSyncedError',
      message: 'could not get secret data from provider',
    });
    const warning = sandbox.events('app').find((e) => e.reason === 'UpdateFailed');
    expect(warning).toMatchObject({
      type: 'Warning',
      message:
        'error processing spec.dataFrom[0].extract, err: could not get SecretStore "team-store", secretstores.external-secrets.io "team-store" not found',
    });
    expect(get('Secret', 'app')).toBeUndefined();

    sandbox.apply({
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: 'team-store', namespace: 'default' },
      spec: { provider: { aws: { service: 'SecretsManager', region: 'us-east-1' } } },
    });
    await untilReady('app', 'True');
    expect(decoded(get('Secret', 'app')).DB_USERNAME).toBe('laravel');
  });

  it('fails on a missing remote secret or property, and recovers when the secret is written', async () => {
    start();
    sandbox.apply(externalSecret('later', extract('not-yet')));
    sandbox.apply(
      externalSecret('prop', {
        data: [{ secretKey: 'x', remoteRef: { key: 'laravel-upload/staging', property: 'NOPE' } }],
      }),
    );
    expect(ready(await untilReady('later', 'False')).reason).toBe('SecretSyncedError');
    await untilReady('prop', 'False');
    const messages = [...sandbox.events('later'), ...sandbox.events('prop')].map((e) => e.message);
    expect(messages).toContain('error processing spec.dataFrom[0].extract, err: Secret does not exist');
    expect(messages).toContain(
      'error processing spec.data[0] (key: laravel-upload/staging), err: key NOPE does not exist in secret laravel-upload/staging',
    );

    remote.put('not-yet', '{"TOKEN":"t"}');
    await untilReady('later', 'True');
    expect(decoded(get('Secret', 'later'))).toEqual({ TOKEN: 't' });
  });

  it('propagates a new remote value and a changed ExternalSecret to the Secret', async () => {
    start();
    sandbox.apply(externalSecret('app', extract('laravel-upload/staging')));
    await untilReady('app', 'True');
    const hashOf = () => get('Secret', 'app').metadata.annotations['reconcile.external-secrets.io/data-hash'];
    const firstHash = hashOf();

    remote.put('laravel-upload/staging', JSON.stringify({ ...APP_SECRET, DB_PASSWORD: 'rotated' }));
    await sandbox.until('rotated password', () => decoded(get('Secret', 'app')).DB_PASSWORD === 'rotated');
    expect(hashOf()).not.toBe(firstHash);
    expect(sandbox.events('app').map((e) => e.reason)).toContain('Updated');

    sandbox.apply(
      externalSecret('app', {
        data: [{ secretKey: 'only', remoteRef: { key: 'laravel-upload/staging', property: 'DB_USERNAME' } }],
      }),
    );
    await sandbox.until('new data shape', () => {
      const secret = get('Secret', 'app');
      return JSON.stringify(decoded(secret)) === '{"only":"laravel"}' || undefined;
    });
    expect(get('ExternalSecret', 'app').status.syncedResourceVersion).toMatch(/^2-/);
  });

  it('recreates a deleted target Secret', async () => {
    start();
    sandbox.apply(externalSecret('app', extract('laravel-upload/staging')));
    await untilReady('app', 'True');
    const uid = get('Secret', 'app').metadata.uid;
    sandbox.store.delete(sandbox.kinds.Secret, 'default', 'app');
    const again = await sandbox.until('secret recreated', () => {
      const secret = get('Secret', 'app');
      return secret && secret.metadata.uid !== uid ? secret : undefined;
    });
    expect(decoded(again).APP_KEY).toBe('base64:abc');
  });

  it('lets a pod that envFroms the target Secret start once the ExternalSecret has synced', async () => {
    start();
    sandbox.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'api', namespace: 'default' },
      spec: { containers: [{ ...container('app'), envFrom: [{ secretRef: { name: 'laravel-secrets' } }] }] },
    });
    await sandbox.until(
      'config error',
      () => waitingReason(sandbox.get('Pod', 'api')) === 'CreateContainerConfigError' || undefined,
    );
    sandbox.apply(externalSecret('laravel-secrets', extract('laravel-upload/staging')));
    await sandbox.until(
      'pod running',
      () => sandbox.get('Pod', 'api')?.status?.phase === 'Running' || undefined,
    );
  });
});
