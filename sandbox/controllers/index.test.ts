import { describe, expect, it } from '@jest/globals';
import { createStore } from '../apiserver/store.js';
import { startControllers } from './index.js';
import { container, deployment, fakeRegistry } from './test-support.js';

describe('startControllers', () => {
  it('rejects a timeScale that is not above 0, saying what it expects', () => {
    expect(() =>
      startControllers({ store: createStore(), imagePullCheck: fakeRegistry, timeScale: 0 }),
    ).toThrow('timeScale is 0; expected a number above 0 (1 is real time).');
  });

  it('picks up objects that were stored before it started', async () => {
    const store = createStore();
    store.create(deployment('early', { replicas: 1 }));
    const controllers = startControllers({ store, imagePullCheck: fakeRegistry, timeScale: 0.01 });
    const type = store.typeOf('apps/v1', 'ReplicaSet');
    if (!type) throw new Error('apps/v1 ReplicaSet is not served');
    await new Promise<void>((resolve) => {
      const check = () => {
        if (store.list(type, 'default').length > 0) {
          unsubscribe();
          resolve();
        }
      };
      const unsubscribe = store.subscribe(check);
      check();
    });
    expect(store.list(type, 'default').map((rs) => rs.metadata.ownerReferences?.[0]?.name)).toEqual([
      'early',
    ]);
    controllers.stop();
  });

  it('stops every timer: after stop() nothing writes to the store any more', async () => {
    const store = createStore();
    const controllers = startControllers({ store, imagePullCheck: fakeRegistry, timeScale: 0.01 });
    const crashing = container('app', { env: { SANDBOX_CRASH: '1' } });
    store.create(deployment('busy', { replicas: 3 }, [crashing]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    controllers.stop();
    const before = store.resourceVersion;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(store.resourceVersion).toBe(before);
  });
});
