import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { load } from 'js-yaml';
import { keyOf, refOf } from '../../src/deploy/objects.js';
import { PlanError, type PlannedObject } from '../../src/deploy/plan.js';
import {
  evaluateRules,
  type PolicyMode,
  RULE_NAMES,
  type RuleName,
  reportFindings,
} from '../../src/deploy/rules.js';
import type { Logger } from '../../src/log.js';
import type { SourceLocation } from '../../src/manifests/errors.js';
import { type RenderedObject, renderManifests } from '../../src/manifests/render.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'policy');

/** A fixture file rendered as the pipeline renders it, as the plan's objects. */
function plannedFrom(name: string, text = readFileSync(join(FIXTURES, name), 'utf8')): PlannedObject[] {
  return renderManifests([{ name, text }]).objects.map(plannedOf);
}

function plannedOf(rendered: RenderedObject): PlannedObject {
  const object = load(rendered.yaml) as Record<string, unknown>;
  const ref = refOf(object);
  return {
    ref,
    key: keyOf(ref),
    object,
    location: rendered.location,
    stage: 'workloads',
    change: 'create',
    deferred: false,
  };
}

/** Warnings with the location they were reported at, and info lines. */
class Captured implements Logger {
  warnings: { message: string; location?: SourceLocation }[] = [];
  infos: string[] = [];
  info(message: string): void {
    this.infos.push(message);
  }
  warning(message: string, location?: SourceLocation): void {
    this.warnings.push({ message, location });
  }
  debug(): void {}
  setSecret(): void {}
  group<T>(_title: string, work: () => Promise<T>): Promise<T> {
    return work();
  }
}

function run(objects: PlannedObject[], mode: PolicyMode, skip: RuleName[] = []) {
  const logger = new Captured();
  let error: unknown;
  try {
    reportFindings(evaluateRules(objects, { skip: new Set(skip) }), mode, logger);
  } catch (caught) {
    error = caught;
  }
  return { logger, error };
}

/** The line of the first document whose text contains `marker` (the fixtures start at `---`). */
function lineOf(name: string, kind: string): number {
  const lines = readFileSync(join(FIXTURES, name), 'utf8').split('\n');
  return lines.findIndex((line, i) => line === `kind: ${kind}` && lines[i - 1]?.startsWith('apiVersion'));
}

const KIND_OF: Record<RuleName, string> = {
  resources: 'Deployment',
  'readiness-probe': 'Deployment',
  'image-tag': 'Deployment',
  'host-path': 'Deployment',
  privileged: 'Deployment',
  'privilege-escalation': 'Deployment',
  'disruption-budget': 'Deployment',
  'service-selector': 'Service',
};

describe.each(RULE_NAMES)('policy rule %s', (rule) => {
  const failing = `${rule}.fail.yaml`;
  const passing = `${rule}.pass.yaml`;
  const line = lineOf(failing, KIND_OF[rule]);

  it('warns once, at the breaking object line, naming the rule, in warn mode', () => {
    const { logger, error } = run(plannedFrom(failing), 'warn');
    expect(error).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.message).toMatch(
      new RegExp(
        `^${failing.replace(/\./g, '\\.')}:${line}: ${KIND_OF[rule]} shop/web breaks policy rule ${rule}: .+; expected .+\\.$`,
      ),
    );
    expect(logger.warnings[0]?.location).toEqual({ source: failing, line });
    expect(logger.infos).toEqual([
      `Policy (warn): 1 finding(s) of the built-in rules: ${rule} 1 (each a warning above; policy: enforce would fail the run).`,
    ]);
  });

  it('fails the plan at the breaking object line, naming the rule, in enforce mode', () => {
    const { logger, error } = run(plannedFrom(failing), 'enforce');
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).message).toContain(
      `${failing}:${line}: ${KIND_OF[rule]} shop/web breaks policy rule ${rule}: `,
    );
    expect((error as PlanError).message).toMatch(
      /^The manifests break a built-in policy rule and policy is enforce:\n/,
    );
    expect((error as PlanError).location).toEqual({ source: failing, line });
    expect(logger.warnings).toEqual([]);
  });

  it.each(['warn', 'enforce'] as const)('passes its passing fixture without a finding in %s mode', (mode) => {
    const { logger, error } = run(plannedFrom(passing), mode);
    expect(error).toBeUndefined();
    expect(logger.warnings).toEqual([]);
    expect(logger.infos).toEqual([
      `Policy (${mode}): 0 finding(s) of the built-in rules; every rule passes.`,
    ]);
  });

  it('is silent in off mode, and when the policy-skip input names it', () => {
    expect(run(plannedFrom(failing), 'off')).toEqual({ logger: new Captured(), error: undefined });
    const skipped = run(plannedFrom(failing), 'enforce', [rule]);
    expect(skipped.error).toBeUndefined();
    expect(skipped.logger.warnings).toEqual([]);
  });

  it('is silent for an object whose policy-skip annotation names it', () => {
    const text = readFileSync(join(FIXTURES, failing), 'utf8').replace(
      new RegExp(`(kind: ${KIND_OF[rule]}\\nmetadata: \\{name: web, namespace: shop)\\}`),
      `$1, annotations: {k8s-deploy-action/policy-skip: "host-path, ${rule}"}}`,
    );
    expect(text).toContain('policy-skip');
    const { logger, error } = run(plannedFrom(failing, text), 'enforce');
    expect(error).toBeUndefined();
    expect(logger.warnings).toEqual([]);
  });
});

describe('policy rules', () => {
  it('lists every finding of an enforced set, each at its own line, and blames the first', () => {
    const text = readFileSync(join(FIXTURES, 'resources.fail.yaml'), 'utf8')
      .replace('image: registry.example/shop/web:3f2c1a9', 'image: registry.example/shop/web')
      .replace('selector: {app: web}', 'selector: {app: api}');
    const { error } = run(plannedFrom('set.yaml', text), 'enforce');
    const lines = (error as Error).message.split('\n');
    expect(lines[0]).toBe('The manifests break 3 built-in policy rules and policy is enforce:');
    expect(lines.slice(1, 4).map((l) => l.replace(/: .*? breaks policy rule ([a-z-]+):.*/, ' $1'))).toEqual([
      '  set.yaml:3 resources',
      '  set.yaml:3 image-tag',
      '  set.yaml:25 service-selector',
    ]);
    expect(lines[4]).toBe(
      'Fix the manifests, or turn a rule off for the run (input policy-skip) or for one object (annotation k8s-deploy-action/policy-skip).',
    );
    expect((error as PlanError).location).toEqual({ source: 'set.yaml', line: 3 });
  });

  it('says which container, and which resources it leaves unstated', () => {
    const text = readFileSync(join(FIXTURES, 'resources.pass.yaml'), 'utf8').replace(
      'limits: {cpu: 500m, memory: 256Mi}',
      'limits: {cpu: 500m}',
    );
    const { logger } = run(plannedFrom('r.yaml', text), 'warn');
    expect(logger.warnings.map((w) => w.message)).toEqual([
      'r.yaml:3: Deployment shop/web breaks policy rule resources: container "web" does not state requests.memory, limits.memory, so the scheduler cannot place it by what it needs (and a memory leak takes the node\'s memory); expected resources.requests.cpu, resources.requests.memory and resources.limits.memory.',
    ]);
  });

  it('counts a HorizontalPodAutoscaler minimum as the replicas a disruption budget is needed for', () => {
    const hpa = (min: number) => `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: ${min}
  maxReplicas: 10
`;
    const base = readFileSync(join(FIXTURES, 'disruption-budget.fail.yaml'), 'utf8').replace(
      '  replicas: 2\n',
      '',
    );
    expect(run(plannedFrom('a.yaml', base + hpa(1)), 'warn').logger.warnings).toEqual([]);
    expect(run(plannedFrom('a.yaml', base + hpa(2)), 'warn').logger.warnings[0]?.message).toContain(
      'breaks policy rule disruption-budget: 2 replicas and no PodDisruptionBudget selects its pods',
    );
  });

  it('counts a PodDisruptionBudget the cluster holds already', () => {
    const objects = plannedFrom('disruption-budget.fail.yaml');
    const live = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'platform', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'web' } } },
    };
    expect(evaluateRules(objects, { skip: new Set(), livePdbs: [live] })).toEqual([]);
    const elsewhere = { ...live, metadata: { name: 'platform', namespace: 'other' } };
    expect(evaluateRules(objects, { skip: new Set(), livePdbs: [elsewhere] })).toHaveLength(1);
  });

  it('does not ask a Job, a CronJob or a bare Pod for a readiness probe or a disruption budget', () => {
    const text = `apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example/shop/web:3f2c1a9
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 64Mi}}
          securityContext: {allowPrivilegeEscalation: false}
`;
    expect(run(plannedFrom('job.yaml', text), 'enforce').error).toBeUndefined();
  });

  it('fails the plan on an annotation naming no rule, saying which names exist', () => {
    const text = readFileSync(join(FIXTURES, 'host-path.pass.yaml'), 'utf8').replace(
      'metadata: {name: web, namespace: shop}',
      'metadata: {name: web, namespace: shop, annotations: {k8s-deploy-action/policy-skip: "hostpath"}}',
    );
    expect(() => evaluateRules(plannedFrom('a.yaml', text), { skip: new Set() })).toThrow(
      new PlanError(
        'a.yaml:3: Deployment shop/web has annotation k8s-deploy-action/policy-skip: "hostpath", and "hostpath" is no built-in rule; expected rule names separated by commas, of resources, readiness-probe, image-tag, host-path, privileged, privilege-escalation, disruption-budget, service-selector.',
      ),
    );
  });
});

describe('the reference deployment (k8s/)', () => {
  const IMAGES = new Map([
    ['laravel-app', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/laravel-app:3f2c1a9'],
    ['frontend', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/frontend:3f2c1a9'],
  ]);
  const render = (overlay: string, images?: Map<string, string>) => {
    const text = execFileSync('kubectl', ['kustomize', overlay], { encoding: 'utf8' });
    return renderManifests([{ name: `${overlay} (kubectl kustomize)`, text }], { images }).objects.map(
      plannedOf,
    );
  };

  it.each(['k8s/overlays/staging', 'k8s/overlays/production'])(
    '%s passes every built-in rule in enforce mode, its images patched as the action patches them',
    (overlay) => {
      const objects = render(overlay, IMAGES);
      expect(objects.filter((o) => o.ref.kind === 'Deployment').length).toBeGreaterThanOrEqual(3);
      const { logger, error } = run(objects, 'enforce');
      expect((error as Error | undefined)?.message).toBeUndefined();
      expect(logger.infos).toEqual([
        'Policy (enforce): 0 finding(s) of the built-in rules; every rule passes.',
      ]);
    },
  );

  it('is held to image-tag before its images are patched (they name no tag)', () => {
    const { error } = run(render('k8s/overlays/staging'), 'enforce');
    expect((error as Error).message).toContain(
      'breaks policy rule image-tag: container "php-fpm" runs image laravel-app, which names no tag',
    );
  });
});
