import { describe, expect, it } from '@jest/globals';
import { auditMark, deployYaml, kubectlRun, mutationsAfter, useSandbox, webApp } from './support.js';

// Release jobs (issue 17) through the engine against the sandbox: `migrations: only|skip`, the
// guard that no release outruns its migration, and the Jobs run after the workloads verify.

const ctx = useSandbox('release-jobs/app');

const SHA1 = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
const SHA2 = 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2';

interface AppOptions {
  config: string;
  /** Job `smoke`'s exit code and image; no smoke Job when undefined. */
  smokeExit?: string;
  smokeImage?: string;
}

function job(namespace: string, name: string, image: string, exitCode: string): string {
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: ${name}
          image: ${image}
          env:
            - {name: SANDBOX_EXIT_CODE, value: "${exitCode}"}
            - {name: SANDBOX_RUN_SECONDS, value: "1"}
            - {name: SANDBOX_LOG, value: "${name} says hello"}
`;
}

/** Job `migrate`, ConfigMap `settings`, Deployment `web` whose template carries `config`, and maybe Job `smoke`. */
function app(namespace: string, options: AppOptions): string {
  return webApp(namespace, ctx.image, {
    config: options.config,
    envFrom: false,
    configAnnotation: options.config,
    replicas: 1,
    before: [job(namespace, 'migrate', ctx.image, '0')],
    after:
      options.smokeExit === undefined
        ? []
        : [job(namespace, 'smoke', options.smokeImage ?? ctx.image, options.smokeExit)],
  });
}

async function webAnnotation(namespace: string): Promise<string> {
  return kubectlRun(ctx.sandbox, [
    'get',
    'deployment/web',
    '-n',
    namespace,
    '-o',
    'jsonpath={.spec.template.metadata.annotations.config}',
  ]);
}

async function jobsLabelled(namespace: string, label: string): Promise<string[]> {
  const out = await kubectlRun(ctx.sandbox, [
    'get',
    'job',
    '-n',
    namespace,
    '-l',
    label,
    '-o',
    'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}',
  ]);
  return out.trim().split('\n').filter(Boolean).sort();
}

async function recordStatuses(namespace: string, release: string): Promise<string[]> {
  const out = await kubectlRun(ctx.sandbox, [
    'get',
    'secret',
    '-n',
    namespace,
    '-l',
    `k8s-deploy-action/release=${release}`,
    '-o',
    'jsonpath={range .items[*]}{.metadata.labels.k8s-deploy-action/version}={.metadata.labels.k8s-deploy-action/status}{"\\n"}{end}',
  ]);
  return out.trim().split('\n').filter(Boolean).sort();
}

const mig = { migrationJob: 'migrate' } as const;

describe('migrations: only and skip', () => {
  it('only runs the migration Job of the commit and changes no workload, ConfigMap or Namespace', async () => {
    const ns = 'rj-only';
    const first = await deployYaml(ctx.sandbox, app(ns, { config: 'one' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v1',
      commit: SHA1,
    });
    expect(first.outcome.result).toBe('success');

    const mark = await auditMark(ctx.sandbox);
    const only = await deployYaml(ctx.sandbox, app(ns, { config: 'two' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v2',
      commit: SHA2,
      migrations: 'only',
    });
    expect(only.outcome.verdict).toBeUndefined();
    expect(only.outcome.result).toBe('success');
    expect(only.outcome.migration?.status).toBe('complete');
    const writes = await mutationsAfter(ctx.sandbox, mark);
    // The Job (and its pods, by the controller) and the release record: nothing else.
    const ours = writes.filter((w) => !w.path.includes('/pods') && !w.path.includes('/events'));
    expect(ours.map((w) => w.path).filter((path) => !/\/jobs(\/|$)|\/secrets(\/|$)/.test(path))).toEqual([]);
    expect(await webAnnotation(ns)).toBe('one');
    expect(
      await kubectlRun(ctx.sandbox, ['get', 'configmap/settings', '-n', ns, '-o', 'jsonpath={.data.value}']),
    ).toBe('one');
    expect(await jobsLabelled(ns, 'k8s-deploy-action/migration=migrate')).toEqual([
      'migrate-v1',
      'migrate-v2',
    ]);
    expect(await recordStatuses(ns, 'shop')).toEqual(['1=success', '2=migrated']);
  }, 120_000);

  it('only under policy enforce is judged on its Job, not on the workloads it leaves alone', async () => {
    const ns = 'rj-only-policy';
    // The Deployment has no readinessProbe; the Job breaks only rules skipped here.
    const policy = {
      policy: 'enforce' as const,
      policySkip: ['resources' as const, 'privilege-escalation' as const, 'image-tag' as const],
    };
    const first = await deployYaml(ctx.sandbox, app(ns, { config: 'one' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v1',
      commit: SHA1,
    });
    expect(first.outcome.result).toBe('success');
    const refused = await deployYaml(ctx.sandbox, app(ns, { config: 'two' }), {
      releaseName: 'shop',
      ...mig,
      ...policy,
      tag: 'v2',
      commit: SHA2,
    });
    expect(refused.outcome.verdict).toMatch(
      /Deployment rj-only-policy\/web breaks policy rule readiness-probe/,
    );
    expect(refused.outcome.migration).toBeUndefined();

    const only = await deployYaml(ctx.sandbox, app(ns, { config: 'two' }), {
      releaseName: 'shop',
      ...mig,
      ...policy,
      tag: 'v2',
      commit: SHA2,
      migrations: 'only',
    });
    expect(only.outcome.result).toBe('success');
    expect(only.outcome.migration?.status).toBe('complete');
    expect(await recordStatuses(ns, 'shop')).toEqual(['1=success', '2=migrated']);
  }, 120_000);

  it('only as the first run in a new namespace creates the namespace and configuration the Job needs, and no workload', async () => {
    const ns = 'rj-first';
    const only = await deployYaml(ctx.sandbox, app(ns, { config: 'one' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v1',
      commit: SHA1,
      migrations: 'only',
    });
    expect(only.outcome.verdict).toBeUndefined();
    expect(only.outcome.result).toBe('success');
    expect(only.outcome.migration?.status).toBe('complete');
    expect(
      await kubectlRun(ctx.sandbox, ['get', 'configmap/settings', '-n', ns, '-o', 'jsonpath={.data.value}']),
    ).toBe('one');
    expect(await kubectlRun(ctx.sandbox, ['get', 'deployments', '-n', ns, '-o', 'name'])).toBe('');
    const deployed = await deployYaml(ctx.sandbox, app(ns, { config: 'one' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v1',
      commit: SHA1,
      migrations: 'skip',
    });
    expect(deployed.outcome.result).toBe('success');
    expect(await webAnnotation(ns)).toBe('one');
    expect(await recordStatuses(ns, 'shop')).toEqual(['1=migrated', '2=success']);
  }, 120_000);

  it('only as a dry run names the Job it would run and what it would create, and writes nothing', async () => {
    const ns = 'rj-only-dry';
    const mark = await auditMark(ctx.sandbox);
    const { outcome } = await deployYaml(ctx.sandbox, app(ns, { config: 'one' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v1',
      commit: SHA1,
      migrations: 'only',
      dryRun: true,
    });
    expect(outcome.result).toBe('dry-run');
    expect(outcome.wouldMigrate?.name).toBe('migrate-v1');
    expect(outcome.changes.map((c) => `${c.ref.kind}/${c.ref.name}`).sort()).toEqual([
      'ConfigMap/settings',
      'Namespace/rj-only-dry',
    ]);
    expect(await mutationsAfter(ctx.sandbox, mark)).toEqual([]);
  }, 60_000);

  it('skip refuses a commit whose migration has not completed before any write, naming the commit and how to run it', async () => {
    const ns = 'rj-skip';
    await deployYaml(ctx.sandbox, app(ns, { config: 'one' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v1',
      commit: SHA1,
    });
    const mark = await auditMark(ctx.sandbox);
    const refused = await deployYaml(ctx.sandbox, app(ns, { config: 'two' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v2',
      commit: SHA2,
      migrations: 'skip',
    });
    expect(refused.outcome.result).toBe('failed');
    expect(refused.outcome.nothingChanged).toBe(true);
    expect(refused.outcome.verdict).toContain(
      `the migration of commit ${SHA2} has not completed in this cluster`,
    );
    expect(refused.outcome.verdict).toMatch(/migrations: only .*migrate workflow.*migration-not-needed/);
    expect(await mutationsAfter(ctx.sandbox, mark)).toEqual([]);
    expect(await webAnnotation(ns)).toBe('one');

    const only = await deployYaml(ctx.sandbox, app(ns, { config: 'two' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v2',
      commit: SHA2,
      migrations: 'only',
    });
    expect(only.outcome.result).toBe('success');

    const afterMigration = await auditMark(ctx.sandbox);
    const deployed = await deployYaml(ctx.sandbox, app(ns, { config: 'two' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v2',
      commit: SHA2,
      migrations: 'skip',
    });
    expect(deployed.outcome.verdict).toBeUndefined();
    expect(deployed.outcome.result).toBe('success');
    expect(await webAnnotation(ns)).toBe('two');
    // The deploy ran no migration of its own: no Job was created or deleted.
    const jobWrites = (await mutationsAfter(ctx.sandbox, afterMigration)).filter((w) =>
      /\/jobs(\/|$)/.test(w.path),
    );
    expect(jobWrites).toEqual([]);
    expect(await recordStatuses(ns, 'shop')).toEqual(['1=success', '2=migrated', '3=success']);
  }, 180_000);

  it('skip with migration-not-needed deploys exactly the commit it names, and refuses another', async () => {
    const ns = 'rj-hatch';
    await deployYaml(ctx.sandbox, app(ns, { config: 'one' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v1',
      commit: SHA1,
    });
    const mark = await auditMark(ctx.sandbox);
    const stale = await deployYaml(ctx.sandbox, app(ns, { config: 'two' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v2',
      commit: SHA2,
      migrations: 'skip',
      migrationNotNeeded: SHA1,
    });
    expect(stale.outcome.result).toBe('failed');
    expect(stale.outcome.verdict).toContain(
      `'migration-not-needed' is ${SHA1}, but this release is of ${SHA2}`,
    );
    expect(await mutationsAfter(ctx.sandbox, mark)).toEqual([]);

    const hatch = await deployYaml(ctx.sandbox, app(ns, { config: 'two' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v2',
      commit: SHA2,
      migrations: 'skip',
      migrationNotNeeded: SHA2,
    });
    expect(hatch.outcome.result).toBe('success');
    expect(hatch.log.join('\n')).toContain('as migration-not-needed says');
    expect(await webAnnotation(ns)).toBe('two');
    expect(await jobsLabelled(ns, 'k8s-deploy-action/migration=migrate')).toEqual(['migrate-v1']);
  }, 180_000);
});

describe('post-deploy-jobs', () => {
  it('a smoke-test Job that fails after verify rolls the workloads back and shows its log', async () => {
    const ns = 'rj-smoke';
    const good = await deployYaml(ctx.sandbox, app(ns, { config: 'one', smokeExit: '0' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v1',
      postDeployJobs: ['smoke'],
    });
    expect(good.outcome.verdict).toBeUndefined();
    expect(good.outcome.result).toBe('success');
    expect(good.outcome.postDeploy?.map((j) => j.status)).toEqual(['complete']);
    expect(good.log.join('\n')).toContain('smoke says hello');

    const bad = await deployYaml(ctx.sandbox, app(ns, { config: 'two', smokeExit: '1' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v2',
      postDeployJobs: ['smoke'],
    });
    expect(bad.outcome.result).toBe('rolled-back');
    expect(bad.outcome.verdict).toMatch(/^The post-deploy Job smoke failed: /);
    expect(bad.outcome.postDeploy?.[0]?.verify?.workloads[0]?.logs?.join('\n')).toContain('smoke says hello');
    expect(await webAnnotation(ns)).toBe('one');
    expect(await recordStatuses(ns, 'shop')).toEqual(['1=success', '2=rolled-back']);
    // Each release ran its own smoke Job; the failed one is kept for its logs.
    expect(await jobsLabelled(ns, 'k8s-deploy-action/post-deploy=smoke')).toEqual(['smoke-v1', 'smoke-v2']);
  }, 180_000);

  it('a seed Job whose image does not exist fails on the pull error, not at its timeout', async () => {
    const ns = 'rj-pull';
    const missing = `${ctx.sandbox.env.SANDBOX_REGISTRY}/release-jobs/missing:nope`;
    const { outcome } = await deployYaml(
      ctx.sandbox,
      app(ns, { config: 'one', smokeExit: '0', smokeImage: missing }),
      // A timeout far beyond the test's own: only a fail-fast can end it in time.
      { releaseName: 'shop', ...mig, tag: 'v1', postDeployJobs: ['smoke'], migrationTimeoutMs: 3_600_000 },
    );
    expect(outcome.result).toBe('failed');
    expect(outcome.verdict).toMatch(
      /post-deploy Job smoke failed: .*cannot pull its image: .*release-jobs\/missing:nope/,
    );
  }, 90_000);

  it('a dry run names the post-deploy Jobs that would run after verify and creates none', async () => {
    const ns = 'rj-dry';
    const mark = await auditMark(ctx.sandbox);
    const { outcome } = await deployYaml(ctx.sandbox, app(ns, { config: 'one', smokeExit: '0' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v1',
      postDeployJobs: ['smoke'],
      dryRun: true,
    });
    expect(outcome.result).toBe('dry-run');
    expect(outcome.wouldRunAfterVerify?.map((ref) => ref.name)).toEqual(['smoke-v1']);
    expect(outcome.changes.map((c) => c.ref.name)).not.toContain('smoke');
    expect(await mutationsAfter(ctx.sandbox, mark)).toEqual([]);
  }, 60_000);

  it('a post-deploy Job that succeeded is not run again on a no-op redeploy', async () => {
    const ns = 'rj-noop';
    const first = await deployYaml(ctx.sandbox, app(ns, { config: 'one', smokeExit: '0' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v1',
      postDeployJobs: ['smoke'],
    });
    expect(first.outcome.result).toBe('success');
    const mark = await auditMark(ctx.sandbox);
    const again = await deployYaml(ctx.sandbox, app(ns, { config: 'one', smokeExit: '0' }), {
      releaseName: 'shop',
      ...mig,
      tag: 'v1',
      postDeployJobs: ['smoke'],
    });
    expect(again.outcome.result).toBe('success');
    expect(again.outcome.unchanged).toBe(true);
    expect(again.outcome.postDeploy).toBeUndefined();
    expect((await mutationsAfter(ctx.sandbox, mark)).filter((w) => /\/jobs(\/|$)/.test(w.path))).toEqual([]);
    const pods = await kubectlRun(ctx.sandbox, [
      'get',
      'pods',
      '-n',
      ns,
      '-l',
      'batch.kubernetes.io/job-name=smoke-v1',
      '-o',
      'name',
    ]);
    expect(pods.trim().split('\n').filter(Boolean)).toHaveLength(1);
  }, 120_000);
});
