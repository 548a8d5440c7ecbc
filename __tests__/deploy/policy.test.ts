import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { RULE_NAMES } from '../../src/deploy/rule-names.js';
import { auditMark, deployYaml, kubectlRun, mutationsAfter, useSandbox, webApp } from './support.js';

/*
 * The built-in rules through the deploy engine against the sandbox: each rule's failing and
 * passing fixture (__tests__/fixtures/policy) in warn and enforce, and a whole release.
 */

const ctx = useSandbox('policy/app');
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'policy');

/** A fixture as deployYaml names its file, with the line of its first document of `kind`. */
function fixture(name: string): { yaml: string; lineOf: (kind: string) => number } {
  const yaml = readFileSync(join(FIXTURES, name), 'utf8');
  const lines = yaml.split('\n');
  return { yaml, lineOf: (kind) => lines.indexOf(`kind: ${kind}`) };
}

const warningsOf = (log: string[]) => log.filter((line) => line.startsWith('warning:'));

describe('built-in rules against the sandbox', () => {
  beforeAll(async () => {
    await kubectlRun(ctx.sandbox, ['create', 'namespace', 'shop']);
  });

  describe.each(RULE_NAMES)('rule %s', (rule) => {
    const kind = rule === 'service-selector' ? 'Service' : 'Deployment';

    it('fails the plan of its failing fixture in enforce, at the line, with zero mutating requests', async () => {
      const { yaml, lineOf } = fixture(`${rule}.fail.yaml`);
      const mark = await auditMark(ctx.sandbox);
      const run = await deployYaml(ctx.sandbox, yaml, { releaseName: `fail-${rule}`, policy: 'enforce' });

      expect(run.outcome.result).toBe('failed');
      expect(run.outcome.nothingChanged).toBe(true);
      expect(run.outcome.verdict).toContain(
        `test.yaml:${lineOf(kind)}: ${kind} shop/web breaks policy rule ${rule}: `,
      );
      expect(run.outcome.verdict).toMatch(/Nothing was changed in the cluster\.$/);
      expect(run.outcome.failedAt).toEqual({ source: 'test.yaml', line: lineOf(kind) });
      expect(await mutationsAfter(ctx.sandbox, mark)).toEqual([]);
    }, 60_000);

    it('warns at the line of its failing fixture in warn, and the plan passes', async () => {
      const { yaml, lineOf } = fixture(`${rule}.fail.yaml`);
      const run = await deployYaml(ctx.sandbox, yaml, {
        releaseName: `warn-${rule}`,
        policy: 'warn',
        dryRun: true,
      });

      expect(run.outcome.result).toBe('dry-run');
      expect(warningsOf(run.log)).toEqual([
        expect.stringMatching(
          new RegExp(`^warning: test\\.yaml:${lineOf(kind)}: ${kind} shop/web breaks policy rule ${rule}: `),
        ),
      ]);
    }, 60_000);

    it.each(['warn', 'enforce'] as const)(
      'passes the plan of its passing fixture in %s without a warning',
      async (policy) => {
        const { yaml } = fixture(`${rule}.pass.yaml`);
        const run = await deployYaml(ctx.sandbox, yaml, {
          releaseName: `pass-${rule}`,
          policy,
          dryRun: true,
        });

        expect(run.outcome.verdict).toBeUndefined();
        expect(run.outcome.result).toBe('dry-run');
        expect(warningsOf(run.log)).toEqual([]);
      },
      60_000,
    );
  });

  it('deploys a release that breaks rules in warn, each finding a warning at its line', async () => {
    const yaml = webApp('policy-warned', ctx.image);
    const line = yaml.split('\n').indexOf('kind: Deployment');
    const run = await deployYaml(ctx.sandbox, yaml, { releaseName: 'web', policy: 'warn' });

    expect(run.outcome.result).toBe('success');
    expect(warningsOf(run.log).map((w) => w.replace(/ breaks policy rule ([a-z-]+):.*/, ' $1'))).toEqual([
      `warning: test.yaml:${line}: Deployment policy-warned/web resources`,
      `warning: test.yaml:${line}: Deployment policy-warned/web privilege-escalation`,
      `warning: test.yaml:${line}: Deployment policy-warned/web readiness-probe`,
      `warning: test.yaml:${line}: Deployment policy-warned/web disruption-budget`,
    ]);
  }, 90_000);

  it('counts a PodDisruptionBudget the cluster holds already, which the set does not bring', async () => {
    const ns = 'policy-platform-pdb';
    await kubectlRun(ctx.sandbox, ['create', 'namespace', ns]);
    const pdb = join(ctx.sandbox.stateDir, 'platform-pdb.yaml');
    writeFileSync(
      pdb,
      `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: platform, namespace: ${ns}}\nspec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}\n`,
    );
    await kubectlRun(ctx.sandbox, ['apply', '-f', pdb]);
    const yaml = webApp(ns, ctx.image, { replicas: 2 }).replace(
      /^apiVersion: v1\nkind: Namespace\n[\s\S]*?---\n/,
      '',
    );
    const run = await deployYaml(ctx.sandbox, yaml, {
      releaseName: 'web',
      policy: 'enforce',
      policySkip: ['resources', 'privilege-escalation', 'readiness-probe'],
      dryRun: true,
    });

    expect(run.outcome.verdict).toBeUndefined();
    expect(run.outcome.result).toBe('dry-run');
  }, 60_000);
});
