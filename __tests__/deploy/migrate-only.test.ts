import { describe, expect, it } from '@jest/globals';
import { migrationPrerequisites } from '../../src/deploy/migrate-only.js';
import { unnamedReleaseJobWarnings } from '../../src/deploy/migration-job.js';
import type { PlannedObject } from '../../src/deploy/plan.js';

// What a `migrations: only` run may create before its Job: never an update, never a workload.

function planned(
  kind: string,
  name: string,
  change: PlannedObject['change'],
  namespace?: string,
): PlannedObject {
  const ref = {
    apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
    kind,
    name,
    ...(namespace ? { namespace } : {}),
  };
  const stage = kind === 'Namespace' ? 'definitions' : kind === 'Deployment' ? 'workloads' : 'configuration';
  return {
    ref,
    key: `${kind}/${namespace}/${name}`,
    object: {},
    location: { source: 'x', line: 1 },
    stage,
    change,
    deferred: false,
  } as PlannedObject;
}

const migration = planned('Job', 'migrate-abc', 'create', 'shop');
const names = (objects: PlannedObject[]) => objects.map((o) => `${o.ref.kind}/${o.ref.name}`);

describe('migrationPrerequisites', () => {
  it('in a new namespace: the namespace and everything there but the workloads', () => {
    const { objects, kept } = migrationPrerequisites(
      [
        planned('Namespace', 'shop', 'create'),
        planned('ConfigMap', 'config-h4sh', 'create', 'shop'),
        planned('NetworkPolicy', 'allow-migrate-to-db', 'create', 'shop'),
        planned('Deployment', 'web', 'create', 'shop'),
        planned('Namespace', 'other', 'create'),
        planned('ConfigMap', 'theirs', 'create', 'other'),
      ],
      migration,
    );
    expect(names(objects)).toEqual([
      'Namespace/shop',
      'ConfigMap/config-h4sh',
      'NetworkPolicy/allow-migrate-to-db',
    ]);
    expect(kept).toEqual([]);
  });

  it('in an existing namespace: only new pod inputs; a changed ConfigMap is kept as it is, a new NetworkPolicy is not created', () => {
    const { objects, kept } = migrationPrerequisites(
      [
        planned('Namespace', 'shop', 'unchanged'),
        planned('ConfigMap', 'config-n3w', 'create', 'shop'),
        planned('ConfigMap', 'settings', 'update', 'shop'),
        planned('NetworkPolicy', 'deny-more', 'create', 'shop'),
        planned('Deployment', 'web', 'update', 'shop'),
      ],
      migration,
    );
    expect(names(objects)).toEqual(['ConfigMap/config-n3w']);
    expect(kept.map((ref) => ref.name)).toEqual(['settings']);
  });
});

describe('unnamedReleaseJobWarnings', () => {
  const job = (name: string, run?: string) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, ...(run ? { annotations: { 'k8s-deploy-action/run': run } } : {}) },
  });

  it('names the input a marked Job needs when it is left in the applied set', () => {
    expect(
      unnamedReleaseJobWarnings([
        job('smoke-test', 'after-verify'),
        job('migrate', 'before-apply'),
        job('plain'),
      ]),
    ).toEqual([
      "Job smoke-test is annotated k8s-deploy-action/run: after-verify, but 'post-deploy-jobs' does not name it: it is applied and verified like any object, and a release with a new tag will meet its immutable pod template; expected post-deploy-jobs: smoke-test.",
      "Job migrate is annotated k8s-deploy-action/run: before-apply, but 'migration-job' does not name it: it is applied and verified like any object, and a release with a new tag will meet its immutable pod template; expected migration-job: migrate.",
    ]);
  });
});
