import { describe, expect, it } from '@jest/globals';
import { configValue, deployYaml, kubectlRun, useSandbox, webApp } from './support.js';

// What a redeploy into namespaces that exist already skips: the definitions stage, whose apply
// would change nothing. Counted in phases and kubectl processes, checked on the cluster.

const ctx = useSandbox('redeploy/app');

const names = (phases: { name: string }[]) => phases.map((p) => p.name);

describe('a changed release into an existing namespace', () => {
  it('applies no definitions when the dry run finds them unchanged: no Apply definitions phase, the release verified', async () => {
    const ns = 'redeploy-same-ns';
    const first = await deployYaml(ctx.sandbox, webApp(ns, ctx.image, { config: 'one' }), {
      releaseName: 'web',
      rolloutSettleMs: 0,
    });
    expect(first.outcome.result).toBe('success');
    expect(names(first.outcome.phases)).toContain('Apply definitions');

    const second = await deployYaml(ctx.sandbox, webApp(ns, ctx.image, { config: 'two' }), {
      releaseName: 'web',
      rolloutSettleMs: 0,
    });
    expect(second.outcome.result).toBe('success');
    expect(names(second.outcome.phases)).not.toContain('Apply definitions');
    expect(await configValue(ctx.sandbox, ns)).toBe('two');
  }, 120_000);

  it('still applies a Namespace that changed (a new label) before the rest', async () => {
    const ns = 'redeploy-ns-label';
    const plain = webApp(ns, ctx.image, { config: 'one' });
    expect(
      (await deployYaml(ctx.sandbox, plain, { releaseName: 'web', rolloutSettleMs: 0 })).outcome.result,
    ).toBe('success');
    const labelled = webApp(ns, ctx.image, { config: 'two' }).replace(
      `  name: ${ns}\n`,
      `  name: ${ns}\n  labels: {team: payments}\n`,
    );
    expect(labelled).toContain('team: payments');
    const second = await deployYaml(ctx.sandbox, labelled, { releaseName: 'web', rolloutSettleMs: 0 });
    expect(second.outcome.result).toBe('success');
    expect(names(second.outcome.phases)).toContain('Apply definitions');
    expect(
      await kubectlRun(ctx.sandbox, ['get', 'namespace', ns, '-o', 'jsonpath={.metadata.labels.team}']),
    ).toBe('payments');
  }, 120_000);
});
