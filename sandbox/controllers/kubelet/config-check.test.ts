import { describe, expect, it } from '@jest/globals';
import { containerConfigError, containerEnv, lookupFrom } from './config-check.js';

const objects: Record<string, Record<string, unknown>> = {
  'ConfigMap/app': { data: { SANDBOX_CRASH: '1', LEVEL: 'debug' }, binaryData: { BLOB: 'aGk=' } },
  'Secret/db': { data: { password: Buffer.from('s3cret').toString('base64') }, stringData: { user: 'app' } },
};
const lookup = lookupFrom((kind, name) => objects[`${kind}/${name}`] as never);

describe('the environment the kubelet gives a container', () => {
  it('takes envFrom sources in order with their prefix, then env entries, later ones winning', () => {
    const container = {
      envFrom: [{ configMapRef: { name: 'app' } }, { secretRef: { name: 'db' }, prefix: 'DB_' }],
      env: [
        { name: 'LEVEL', value: 'info' },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'app', key: 'LEVEL' } } },
      ],
    };
    expect(containerEnv(container, lookup)).toEqual({
      SANDBOX_CRASH: '1',
      LEVEL: 'info',
      BLOB: 'hi',
      DB_password: 's3cret',
      DB_user: 'app',
      PASSWORD: 's3cret',
      MODE: 'debug',
    });
  });

  it('adds nothing for an optional source or key that is missing, and keeps what came before', () => {
    const container = {
      envFrom: [{ configMapRef: { name: 'absent', optional: true } }, { configMapRef: { name: 'app' } }],
      env: [
        { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'app', key: 'nope', optional: true } } },
        { name: 'GONE', valueFrom: { secretKeyRef: { name: 'absent', key: 'k', optional: true } } },
      ],
    };
    expect(containerConfigError(container, 'default', lookup)).toBeUndefined();
    expect(containerEnv(container, lookup)).toEqual({ SANDBOX_CRASH: '1', LEVEL: 'debug', BLOB: 'hi' });
  });

  it('refuses a required key that is missing as CreateContainerConfigError does', () => {
    const container = { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'app', key: 'nope' } } }] };
    expect(containerConfigError(container, 'default', lookup)).toBe(
      "couldn't find key nope in ConfigMap default/app",
    );
  });
});
