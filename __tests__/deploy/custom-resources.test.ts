/**
 * Item "every object verified": custom resources judged by their conditions and what a deploy
 * applies without verifying, end to end against the sandbox, whose External Secrets controller
 * sets an ExternalSecret's Ready condition as ESO does (Ready=False SecretSyncedError while the
 * remote key cannot be read).
 */
import { describe, expect, it } from '@jest/globals';
import { deployYaml, kubectlRun, useSandbox, webApp } from './support.js';

const ctx = useSandbox('custom-resources/app');

/** An ExternalSecret `db` syncing every property of the Secrets Manager entry `key`. */
function externalSecret(namespace: string, key: string, annotations = ''): string {
  return `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: db
  namespace: ${namespace}${annotations}
spec:
  refreshInterval: 1h
  secretStoreRef: {kind: ClusterSecretStore, name: aws-secrets-manager}
  target: {name: db, creationPolicy: Owner}
  dataFrom:
    - extract: {key: ${key}}
`;
}

function cronJob(namespace: string, image: string): string {
  return `apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
  namespace: ${namespace}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: report
              image: ${image}
`;
}

describe('custom resources are verified by their conditions', () => {
  it('an ExternalSecret that syncs is verified with the workloads, and the last line counts both', async () => {
    const ns = 'cr-synced';
    const run = await deployYaml(
      ctx.sandbox,
      webApp(ns, ctx.image, { config: 'a', before: [externalSecret(ns, 'laravel-upload')] }),
      { releaseName: 'web' },
    );
    expect(run.outcome.result).toBe('success');
    expect(run.outcome.verify?.workloads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ref: expect.objectContaining({ kind: 'ExternalSecret', name: 'db' }),
          state: 'current',
        }),
      ]),
    );
    expect(run.outcome.notVerified).toEqual([]);
    expect(run.log.at(-1)).toBe('Verified 2 objects.');
  }, 120_000);

  it('an ExternalSecret whose remote key does not exist fails the deploy with its condition and the controller’s warning, and is rolled back', async () => {
    const ns = 'cr-missing-key';
    const good = await deployYaml(
      ctx.sandbox,
      webApp(ns, ctx.image, { config: 'a', before: [externalSecret(ns, 'laravel-upload')] }),
      { releaseName: 'web' },
    );
    expect(good.outcome.result).toBe('success');
    const bad = await deployYaml(
      ctx.sandbox,
      webApp(ns, ctx.image, { config: 'b', before: [externalSecret(ns, 'no-such-key')] }),
      { releaseName: 'web', rolloutTimeoutMs: 8000 },
    );
    expect(bad.outcome.result).toBe('rolled-back');
    expect(bad.outcome.verdict).toMatch(/did not finish within 8.0 s/);
    expect(bad.outcome.verdict).toContain(
      'ExternalSecret cr-missing-key/db not ready (SecretSyncedError: could not get secret data from provider)',
    );
    expect(bad.outcome.verdict).toMatch(/last warning: UpdateFailed: .*Secret does not exist/);
    // The rollback put the last good key back.
    const key = await kubectlRun(ctx.sandbox, [
      'get',
      'externalsecret/db',
      '-n',
      ns,
      '-o',
      'jsonpath={.spec.dataFrom[0].extract.key}',
    ]);
    expect(key).toBe('laravel-upload');
  }, 120_000);

  it('an ExternalSecret annotated k8s-deploy-action/verify "false" is applied and listed, not waited for', async () => {
    const ns = 'cr-opted-out';
    const annotation = '\n  annotations: {k8s-deploy-action/verify: "false"}';
    const run = await deployYaml(
      ctx.sandbox,
      webApp(ns, ctx.image, { before: [externalSecret(ns, 'no-such-key', annotation)] }),
      { releaseName: 'web', rolloutTimeoutMs: 8000 },
    );
    expect(run.outcome.result).toBe('success');
    expect(run.outcome.notVerified).toEqual([
      {
        ref: expect.objectContaining({ kind: 'ExternalSecret', name: 'db' }),
        why: 'annotated k8s-deploy-action/verify: "false"',
      },
    ]);
    expect(run.log.at(-1)).toBe(
      'Verified 1 object; applied, not verified: ExternalSecret cr-opted-out/db (annotated k8s-deploy-action/verify: "false").',
    );
  }, 120_000);
});

describe('what a deploy cannot verify is said, not counted', () => {
  it('a CronJob whose image changed is applied, not verified; a ConfigMap is not listed at all', async () => {
    const ns = 'cron-changed';
    const first = await deployYaml(
      ctx.sandbox,
      webApp(ns, ctx.image, { config: 'a', after: [cronJob(ns, ctx.image)] }),
      { releaseName: 'web' },
    );
    expect(first.outcome.result).toBe('success');
    const other = `${ctx.image.replace(/@sha256:.*$/, '')}-nightly`;
    const second = await deployYaml(
      ctx.sandbox,
      webApp(ns, ctx.image, { config: 'b', after: [cronJob(ns, other)] }),
      { releaseName: 'web' },
    );
    expect(second.outcome.result).toBe('success');
    expect(second.outcome.notVerified).toEqual([
      {
        ref: expect.objectContaining({ kind: 'CronJob', name: 'report' }),
        why: 'its Jobs run at its schedule',
      },
    ]);
    expect(second.log.at(-1)).toBe(
      'Verified 1 object; applied, not verified: CronJob cron-changed/report (its Jobs run at its schedule).',
    );
  }, 120_000);
});
