import { describe, expect, it } from '@jest/globals';
import type { KubeApi } from '../../src/deploy/kube-api.js';
import { rolloutPolicy } from '../../src/deploy/rollout/policy.js';
import { verifyRollout } from '../../src/deploy/verify.js';
import { RecordingLogger } from '../fakes.js';

describe('verify', () => {
  it('ends at once, cancelled, when the run was cancelled before it started (no abort event comes)', async () => {
    const cancel = new AbortController();
    cancel.abort();
    const started = Date.now();
    const result = await verifyRollout(
      [{ apiVersion: 'batch/v1', kind: 'Job', name: 'migrate', namespace: 'shop' }],
      {
        api: {} as KubeApi, // never asked: nothing is read for a cancelled verify
        logger: new RecordingLogger(),
        policy: rolloutPolicy(2),
        timeoutMs: 60_000,
        signal: cancel.signal,
        since: started,
      },
    );
    expect(result).toMatchObject({ ok: false, cancelled: true, verdict: 'Verification was cancelled.' });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
