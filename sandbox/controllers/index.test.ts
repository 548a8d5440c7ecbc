import { describe, expect, it, jest } from '@jest/globals';
import { createStore } from '../apiserver/store.js';
import { startControllers } from './index.js';
import type { Json } from './objects.js';
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
    // A fake clock: an hour of it passes at once, so every back-off and probe would have fired.
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const store = createStore();
      const controllers = startControllers({ store, imagePullCheck: fakeRegistry, timeScale: 0.01 });
      const crashing = container('app', { env: { SANDBOX_CRASH: '1' } });
      store.create(deployment('busy', { replicas: 3 }, [crashing]));
      const pods = store.typeOf('v1', 'Pod');
      if (!pods) throw new Error('v1 Pod is not served');
      const restarted = () =>
        store
          .list(pods, 'default')
          .some((pod) => (pod as Json).status?.containerStatuses?.some((c: Json) => c.restartCount > 0));
      for (let step = 0; step < 400 && !restarted(); step++) await jest.advanceTimersByTimeAsync(50);
      expect(restarted()).toBe(true); // the controllers were busy: back-off timers were pending
      controllers.stop();
      expect(jest.getTimerCount()).toBe(0);
      const before = store.resourceVersion;
      await jest.advanceTimersByTimeAsync(60 * 60_000);
      expect(store.resourceVersion).toBe(before);
    } finally {
      jest.useRealTimers();
    }
  });
});
