import { describe, expect, it } from '@jest/globals';
import type { AdminState } from './admin.js';
import { answerAdmin, recordEksTokens } from './admin.js';
import type { SimulatedCluster } from './eks.js';
import { FaultPlan } from './faults.js';

describe('GET /eks/tokens', () => {
  it('lists every token the clusters were shown, once, accepted or not, the static token apart', async () => {
    const tokens: string[] = [];
    const authenticate = recordEksTokens(
      async (token) =>
        token === 'k8s-aws-v1.good' || token === 'static'
          ? { ok: true, user: 'u' }
          : { ok: false, reason: 'no' },
      'static',
      tokens,
    );
    expect(await authenticate('k8s-aws-v1.good')).toEqual({ ok: true, user: 'u' });
    expect(await authenticate('k8s-aws-v1.bad')).toEqual({ ok: false, reason: 'no' });
    await authenticate('k8s-aws-v1.good');
    await authenticate('static');
    const state: AdminState = {
      cluster: {} as SimulatedCluster,
      faults: new FaultPlan(),
      calls: [],
      eksTokens: tokens,
    };
    expect(answerAdmin(state, 'GET', '/eks/tokens', '')).toEqual({
      status: 200,
      body: ['k8s-aws-v1.good', 'k8s-aws-v1.bad'],
    });
    expect(answerAdmin(state, 'DELETE', '/eks/tokens', '').status).toBe(200);
    expect(answerAdmin(state, 'GET', '/eks/tokens', '').body).toEqual([]);
  });
});
