import { describe, expect, it } from '@jest/globals';
import { Kubectl } from '../../src/deploy/kubectl.js';
import { keyOf, refOf } from '../../src/deploy/objects.js';
import { dryRun, type PlannedObject } from '../../src/deploy/plan.js';
import { RecordingLogger, RecordingRunner } from '../fakes.js';

function planned(object: Record<string, unknown>, line: number): PlannedObject {
  const ref = refOf(object);
  return {
    ref,
    key: keyOf(ref),
    object,
    location: { source: 'k8s/app.yaml', line },
    stage: 'workloads',
    change: 'create',
    deferred: false,
  };
}

const budget = planned(
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' } },
  3,
);
const web = planned(
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } },
  9,
);

function kubectlWarning(stderr: string) {
  const runner = new RecordingRunner().on(['kubectl', 'apply'], {
    stdout: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [budget.object, web.object] }),
    stderr,
  });
  const logger = new RecordingLogger();
  return { kubectl: new Kubectl({ runner, kubeconfig: 'kc', env: {}, logger }), logger };
}

const warnings = (logger: RecordingLogger) => logger.messages().filter((m) => m.startsWith('warning:'));

describe("the plan's dry-run warnings", () => {
  it('become workflow warnings at the line of the object they name, each once', async () => {
    const { kubectl, logger } = kubectlWarning(
      [
        'Warning: spec.template.spec.containers[0].ports[1]: duplicate port definition with name "http" in deployment "web"',
        'Warning: spec.template.spec.containers[0].ports[1]: duplicate port definition with name "http" in deployment "web"',
        'Warning: the cluster is running low on something',
      ].join('\n'),
    );
    await dryRun([budget, web], kubectl, logger);
    expect(warnings(logger)).toEqual([
      'warning: k8s/app.yaml:9: Deployment shop/web: the server-side dry run warned: spec.template.spec.containers[0].ports[1]: duplicate port definition with name "http" in deployment "web"',
      'warning: the server-side dry run warned: the cluster is running low on something',
    ]);
  });

  it("leaves Pod Security's warnings to the dry-run pods, which know the workload", async () => {
    const { kubectl, logger } = kubectlWarning(
      'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false)',
    );
    await dryRun([budget, web], kubectl, logger);
    expect(warnings(logger)).toEqual([]);
  });
});
