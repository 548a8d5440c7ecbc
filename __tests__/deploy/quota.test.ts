import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  addFault,
  auditMark,
  clearFaults,
  deployYaml,
  kubectlRun,
  mutationsAfter,
  useSandbox,
} from './support.js';

/*
 * Quota and limits in the plan, through the engine against the sandbox (whose admission and
 * quota controller follow a real server's: sandbox/apiserver/README.md).
 */

const ctx = useSandbox('quota/app');

interface AppOptions {
  replicas: number;
  memory: string;
  /** An env value: a new one changes the pod template, so the Deployment rolls. */
  version?: string;
  strategy?: string;
  before?: string;
}

/** ConfigMap `settings`, then Deployment `web` whose container requests (and is limited to) `memory`. */
function app(namespace: string, options: AppOptions): string {
  return `${options.before ?? ''}apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ${namespace}}
data: {value: one}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${namespace}}
spec:
  replicas: ${options.replicas}
  selector: {matchLabels: {app: web}}${options.strategy ? `\n  strategy: ${options.strategy}` : ''}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ${ctx.image}
          env: [{name: VERSION, value: "${options.version ?? 'one'}"}]
          resources: {requests: {cpu: 100m, memory: ${options.memory}}, limits: {memory: ${options.memory}}}
`;
}

const deploymentLine = (yaml: string) => yaml.split('\n').indexOf('kind: Deployment');

async function namespaceWith(namespace: string, yaml: string): Promise<void> {
  await kubectlRun(ctx.sandbox, ['create', 'namespace', namespace]);
  const file = join(ctx.sandbox.stateDir, `${namespace}-constraints.yaml`);
  writeFileSync(file, yaml);
  await kubectlRun(ctx.sandbox, ['apply', '-f', file]);
}

const QUOTA = (namespace: string) => `apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: ${namespace}}
spec: {hard: {pods: "10", requests.memory: 1Gi}}
`;

describe('quota and limits in the plan', () => {
  it("fails the plan of a rollout whose surge pod exceeds the quota's headroom, naming quota, resource, requested and available, before any write", async () => {
    const ns = 'quota-surge';
    await namespaceWith(ns, QUOTA(ns));
    const first = await deployYaml(ctx.sandbox, app(ns, { replicas: 2, memory: '384Mi' }), {
      releaseName: 'web',
    });
    expect(first.outcome.result).toBe('success');
    const used = async () =>
      JSON.parse(await kubectlRun(ctx.sandbox, ['get', 'resourcequota', 'compute', '-n', ns, '-o', 'json']))
        .status?.used?.['requests.memory'];
    for (let i = 0; i < 50 && (await used()) !== '768Mi'; i++) await new Promise((r) => setTimeout(r, 100));

    const yaml = app(ns, { replicas: 2, memory: '384Mi', version: 'two' });
    const mark = await auditMark(ctx.sandbox);
    const second = await deployYaml(ctx.sandbox, yaml, { releaseName: 'web' });

    expect(second.outcome.result).toBe('failed');
    expect(second.outcome.nothingChanged).toBe(true);
    expect(second.outcome.verdict).toBe(
      `The release's new pods would not fit ResourceQuota compute in namespace ${ns} at the rollout's surge (the old pods still counted): requests.memory requested 384Mi, available 256Mi (768Mi of 1Gi used): Deployment ${ns}/web (test.yaml:${deploymentLine(yaml)}): 1 new pod(s) of 384Mi; expected that much headroom (kubectl describe resourcequota compute -n ${ns}): a larger quota, fewer replicas, a smaller maxSurge or smaller requests. Nothing was changed in the cluster.`,
    );
    expect(second.outcome.failedAt).toEqual({ source: 'test.yaml', line: deploymentLine(yaml) });
    expect(await mutationsAfter(ctx.sandbox, mark)).toEqual([]);

    // Without a surge (one old pod goes before each new one comes) the same release fits.
    const noSurge = app(ns, {
      replicas: 2,
      memory: '384Mi',
      version: 'two',
      strategy: '{type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}',
    });
    const third = await deployYaml(ctx.sandbox, noSurge, { releaseName: 'web' });
    expect(third.outcome.verdict).toBeUndefined();
    expect(third.outcome.result).toBe('success');
  }, 120_000);

  it('fails the plan of a first release whose replicas together exceed the quota, and passes one that fits', async () => {
    const ns = 'quota-replicas';
    await namespaceWith(ns, QUOTA(ns));
    const yaml = app(ns, { replicas: 3, memory: '512Mi' });
    const mark = await auditMark(ctx.sandbox);
    const run = await deployYaml(ctx.sandbox, yaml, { releaseName: 'web', dryRun: true });

    expect(run.outcome.result).toBe('failed');
    expect(run.outcome.verdict).toContain(
      `requests.memory requested 1536Mi, available 1Gi (0 of 1Gi used): Deployment ${ns}/web (test.yaml:${deploymentLine(yaml)}): 3 new pod(s) of 512Mi;`,
    );
    expect(await mutationsAfter(ctx.sandbox, mark)).toEqual([]);
    const fits = await deployYaml(ctx.sandbox, app(ns, { replicas: 2, memory: '512Mi' }), {
      releaseName: 'web',
      dryRun: true,
    });
    expect(fits.outcome.result).toBe('dry-run');
    expect(fits.log.join('\n')).toContain(
      'Quota and limits: 1 pod template(s) dry-run as pods in 1 namespace(s)',
    );
  }, 60_000);

  it('counts a ResourceQuota the set itself applies', async () => {
    const ns = 'quota-in-set';
    await kubectlRun(ctx.sandbox, ['create', 'namespace', ns]);
    const quota = `apiVersion: v1
kind: ResourceQuota
metadata: {name: team, namespace: ${ns}}
spec: {hard: {requests.memory: 512Mi}}
---
`;
    const run = await deployYaml(ctx.sandbox, app(ns, { replicas: 2, memory: '384Mi', before: quota }), {
      releaseName: 'web',
      dryRun: true,
    });
    expect(run.outcome.verdict).toContain(
      `would not fit ResourceQuota team in namespace ${ns} at the rollout's surge (the old pods still counted): requests.memory requested 768Mi, available 512Mi (0 of 512Mi used)`,
    );
  }, 60_000);

  it("fails the plan of a workload whose containers break the namespace's LimitRange, with the server's words at its line", async () => {
    const ns = 'limits-max';
    await namespaceWith(
      ns,
      `apiVersion: v1
kind: LimitRange
metadata: {name: bounds, namespace: ${ns}}
spec: {limits: [{type: Container, max: {memory: 256Mi}}]}
`,
    );
    const yaml = app(ns, { replicas: 1, memory: '512Mi' });
    const mark = await auditMark(ctx.sandbox);
    const run = await deployYaml(ctx.sandbox, yaml, { releaseName: 'web' });

    expect(run.outcome.result).toBe('failed');
    expect(run.outcome.verdict).toBe(
      `test.yaml:${deploymentLine(yaml)}: Deployment ${ns}/web would have every pod refused: maximum memory usage per Container is 256Mi, but limit is 512Mi.; expected container resources within namespace ${ns}'s LimitRange (kubectl describe limitrange -n ${ns}). Nothing was changed in the cluster.`,
    );
    expect(await mutationsAfter(ctx.sandbox, mark)).toEqual([]);
  }, 60_000);

  it("counts the resources a LimitRange fills in, as the cluster's admission of the dry-run pod says", async () => {
    const ns = 'limits-defaults';
    await namespaceWith(
      ns,
      `${QUOTA(ns)}---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: ${ns}}
spec: {limits: [{type: Container, default: {memory: 512Mi}}]}
`,
    );
    // The template states no memory: each pod gets 512Mi from the LimitRange, so 3 do not fit 1Gi.
    const yaml = app(ns, { replicas: 3, memory: '512Mi' }).replace(
      'resources: {requests: {cpu: 100m, memory: 512Mi}, limits: {memory: 512Mi}}',
      'resources: {requests: {cpu: 100m}}',
    );
    expect(yaml).toContain('resources: {requests: {cpu: 100m}}');
    const run = await deployYaml(ctx.sandbox, yaml, { releaseName: 'web', dryRun: true });
    expect(run.outcome.verdict).toContain(
      `requests.memory requested 1536Mi, available 1Gi (0 of 1Gi used): Deployment ${ns}/web (test.yaml:${deploymentLine(yaml)}): 3 new pod(s) of 512Mi;`,
    );
  }, 60_000);

  it("counts the migration Job apart: its pod is gone before the workloads' come", async () => {
    const ns = 'quota-migration';
    await namespaceWith(
      ns,
      `apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: pods, namespace: ${ns}}\nspec: {hard: {pods: "2"}}\n`,
    );
    const job = `apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: ${ns}}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: ${ctx.image}
          env: [{name: SANDBOX_EXIT_CODE, value: "0"}]
---
`;
    const run = await deployYaml(ctx.sandbox, app(ns, { replicas: 2, memory: '64Mi', before: job }), {
      releaseName: 'web',
      migrationJob: 'migrate',
      tag: 'v1',
    });
    expect(run.outcome.verdict).toBeUndefined();
    expect(run.outcome.result).toBe('success');
  }, 90_000);

  it('fails the plan, saying so, when the API server does not answer the dry-run pods', async () => {
    const ns = 'quota-no-answer';
    await namespaceWith(ns, QUOTA(ns));
    await addFault(ctx.sandbox, {
      path: `/namespaces/${ns}/pods$`,
      methods: ['POST'],
      dryRun: true,
      status: 500,
    });
    try {
      const mark = await auditMark(ctx.sandbox);
      const run = await deployYaml(ctx.sandbox, app(ns, { replicas: 1, memory: '64Mi' }), {
        releaseName: 'web',
      });
      expect(run.outcome.result).toBe('failed');
      expect(run.outcome.verdict).toMatch(
        new RegExp(
          `^Quota and limits could not be checked: the dry-run pod of Deployment ${ns}/web got no answer from the API server \\(.*\\)\\. Nothing was changed in the cluster\\.$`,
        ),
      );
      expect(await mutationsAfter(ctx.sandbox, mark)).toEqual([]);
    } finally {
      await clearFaults(ctx.sandbox);
    }
  }, 60_000);

  it('says once, and goes on, when the deploy role may not list the quotas', async () => {
    const ns = 'quota-forbidden';
    await namespaceWith(ns, QUOTA(ns));
    await addFault(ctx.sandbox, { path: `/namespaces/${ns}/resourcequotas$`, methods: ['GET'], status: 403 });
    try {
      const run = await deployYaml(ctx.sandbox, app(ns, { replicas: 3, memory: '512Mi' }), {
        releaseName: 'web',
        dryRun: true,
      });
      expect(run.outcome.result).toBe('dry-run');
      expect(run.log.filter((line) => line.startsWith('warning:'))).toEqual([
        expect.stringMatching(
          new RegExp(
            `^warning: Quota and limits could not be checked in namespace ${ns}: the deploy role may not list its ResourceQuotas or LimitRanges \\(.*\\); expected \`list\` on resourcequotas and limitranges`,
          ),
        ),
      ]);
    } finally {
      await clearFaults(ctx.sandbox);
    }
  }, 60_000);
});
