import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { container, deployment, rolloutStatusOf, type Sandbox, startSandbox } from './test-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = startSandbox(0.05);
});
afterEach(() => sandbox.stop());

describe('a busy sandbox', () => {
  it('settles 50 Deployments applied at once: every one Available and rolled out', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `svc-${i}`);
    for (const name of names) {
      const probe = {
        ...container('app', { image: `registry.local/${name}:1` }),
        readinessProbe: { initialDelaySeconds: 5 },
      };
      sandbox.apply(deployment(name, { replicas: 2 }, [probe]));
    }
    await sandbox.until(
      'all rolled out',
      () => names.every((name) => rolloutStatusOf(sandbox.get('Deployment', name)).done),
      60000,
    );
    for (const name of names) {
      const available = sandbox
        .get('Deployment', name)
        .status.conditions.find((c: { type: string }) => c.type === 'Available');
      expect(available.status).toBe('True');
    }
    expect(sandbox.list('Pod', 'default')).toHaveLength(100);
  }, 90000);
});
