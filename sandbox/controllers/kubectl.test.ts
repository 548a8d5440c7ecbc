/**
 * The real kubectl against the simulated API server and these controllers: what a user (and the
 * action) sees of rollouts, undo, Jobs, pod failures and logs, end to end.
 */
import { describe, expect, it } from '@jest/globals';
import { useKubectlCluster } from './test-support.js';

const { kubectl, apply } = useKubectlCluster('controllers-kubectl-');

function deploymentYaml(name: string, image: string, env: Record<string, string> = {}, extra = ''): string {
  const envYaml = Object.entries(env)
    .map(([k, v]) => `{name: ${k}, value: "${v}"}`)
    .join(', ');
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 2${extra}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: app, image: "${image}", env: [${envYaml}]}]
`;
}

describe('kubectl against the simulated cluster', () => {
  it('rollout status waits for a healthy Deployment to roll out', async () => {
    expect((await apply(deploymentYaml('web', 'registry.local/web:1'))).code).toBe(0);
    const status = await kubectl(['rollout', 'status', 'deployment/web', '--timeout=20s']);
    expect(status.out).toContain('deployment "web" successfully rolled out');
    expect(status.code).toBe(0);
  });

  it('rollout undo brings the previous image back as revision 3', async () => {
    await apply(deploymentYaml('shop', 'registry.local/shop:1'));
    await kubectl(['rollout', 'status', 'deployment/shop', '--timeout=20s']);
    await apply(deploymentYaml('shop', 'registry.local/shop:2'));
    expect((await kubectl(['rollout', 'status', 'deployment/shop', '--timeout=20s'])).code).toBe(0);
    const history = await kubectl(['rollout', 'history', 'deployment/shop']);
    expect(history.out).toMatch(/^1\s/m);
    expect(history.out).toMatch(/^2\s/m);
    const undo = await kubectl(['rollout', 'undo', 'deployment/shop']);
    expect(undo.out).toContain('rolled back');
    expect((await kubectl(['rollout', 'status', 'deployment/shop', '--timeout=20s'])).code).toBe(0);
    const image = await kubectl([
      'get',
      'deployment/shop',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(image.out).toBe('registry.local/shop:1');
    const revisions = await kubectl(['rollout', 'history', 'deployment/shop']);
    expect(revisions.out).toMatch(/^3\s/m);
    expect(revisions.out).not.toMatch(/^1\s/m);
  });

  it('rollout status fails once a never-ready Deployment passes its progress deadline', async () => {
    await apply(
      deploymentYaml(
        'stuck',
        'registry.local/stuck:1',
        { SANDBOX_NEVER_READY: 'true' },
        '\n  progressDeadlineSeconds: 2',
      ),
    );
    const status = await kubectl(['rollout', 'status', 'deployment/stuck', '--timeout=20s']);
    expect(status.code).not.toBe(0);
    expect(status.out).toContain('deployment "stuck" exceeded its progress deadline');
  });

  it('shows ImagePullBackOff in get pods and the pull events in describe', async () => {
    await apply(deploymentYaml('ghost', 'registry.local/missing/ghost:1'));
    let pods = '';
    for (let i = 0; i < 100 && !pods.includes('ImagePullBackOff'); i++) {
      pods = (await kubectl(['get', 'pods', '-l', 'app=ghost'])).out;
    }
    expect(pods).toContain('ImagePullBackOff');
    const describe = await kubectl(['describe', 'pods', '-l', 'app=ghost']);
    expect(describe.out).toContain('Back-off pulling image "registry.local/missing/ghost:1"');
  });

  it('waits for a Job to complete and shows its log', async () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: "registry.local/api:1", env: [{name: SANDBOX_LOG, value: "Migrating: 2024_create_users\\nMigrated"}]}]
`;
    await apply(job);
    const wait = await kubectl(['wait', '--for=condition=complete', 'job/migrate', '--timeout=20s']);
    expect(wait.out).toContain('job.batch/migrate condition met');
    const logs = await kubectl(['logs', 'job/migrate']);
    expect(logs.out).toBe('Migrating: 2024_create_users\nMigrated\n');
  });

  it('waits for a failing Job to fail', async () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: {name: broken}
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers: [{name: task, image: "registry.local/api:1", env: [{name: SANDBOX_EXIT_CODE, value: "2"}]}]
`;
    await apply(job);
    const wait = await kubectl(['wait', '--for=condition=failed', 'job/broken', '--timeout=20s']);
    expect(wait.out).toContain('job.batch/broken condition met');
  });

  it('shows the crashed run with logs --previous', async () => {
    await apply(
      deploymentYaml('crashy', 'registry.local/crashy:1', {
        SANDBOX_CRASH: '1',
        SANDBOX_LOG: 'PDOException: connection refused',
      }),
    );
    let previous = { code: 1, out: '' };
    for (let i = 0; i < 100 && previous.code !== 0; i++) {
      const name = (
        await kubectl(['get', 'pods', '-l', 'app=crashy', '-o', 'jsonpath={.items[0].metadata.name}'])
      ).out;
      if (name) previous = await kubectl(['logs', name, '--previous']);
    }
    expect(previous.out).toContain('PDOException: connection refused');
  });

  it('rolls a StatefulSet out and back with rollout undo', async () => {
    const sts = (image: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: pg}
spec:
  replicas: 2
  serviceName: pg
  selector: {matchLabels: {app: pg}}
  template:
    metadata: {labels: {app: pg}}
    spec:
      containers: [{name: pg, image: "${image}"}]
`;
    await apply(sts('registry.local/pg:15'));
    expect((await kubectl(['rollout', 'status', 'statefulset/pg', '--timeout=20s'])).code).toBe(0);
    await apply(sts('registry.local/pg:16'));
    const status = await kubectl(['rollout', 'status', 'statefulset/pg', '--timeout=20s']);
    // The API server defaults partition: 0, and for a partitioned strategy kubectl says so.
    expect(status.out).toContain('partitioned roll out complete: 2 new pods have been updated...');
    const undo = await kubectl(['rollout', 'undo', 'statefulset/pg']);
    expect(undo.out).toContain('rolled back');
    expect((await kubectl(['rollout', 'status', 'statefulset/pg', '--timeout=20s'])).code).toBe(0);
    const image = await kubectl(['get', 'pod/pg-0', '-o', 'jsonpath={.spec.containers[0].image}']);
    expect(image.out).toBe('registry.local/pg:15');
  });

  it('deletes a pod gracefully and the ReplicaSet replaces it', async () => {
    await apply(deploymentYaml('keep', 'registry.local/keep:1'));
    await kubectl(['rollout', 'status', 'deployment/keep', '--timeout=20s']);
    const name = (
      await kubectl(['get', 'pods', '-l', 'app=keep', '-o', 'jsonpath={.items[0].metadata.name}'])
    ).out;
    const deleted = await kubectl(['delete', 'pod', name, '--timeout=20s']);
    expect(deleted.out).toContain(`pod "${name}" deleted`);
    expect((await kubectl(['rollout', 'status', 'deployment/keep', '--timeout=20s'])).code).toBe(0);
    const names = (await kubectl(['get', 'pods', '-l', 'app=keep', '-o', 'name'])).out.trim().split('\n');
    expect(names).toHaveLength(2);
    expect(names).not.toContain(`pod/${name}`);
  });

  it('rolls a DaemonSet out on every node and back with rollout undo', async () => {
    const ds = (image: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: "${image}"}]
`;
    await apply(ds('registry.local/agent:1'));
    const first = await kubectl(['rollout', 'status', 'daemonset/agent', '--timeout=20s']);
    expect(first.out).toContain('daemon set "agent" successfully rolled out');
    await apply(ds('registry.local/agent:2'));
    expect((await kubectl(['rollout', 'status', 'daemonset/agent', '--timeout=20s'])).code).toBe(0);
    expect((await kubectl(['rollout', 'undo', 'daemonset/agent'])).out).toContain('rolled back');
    expect((await kubectl(['rollout', 'status', 'daemonset/agent', '--timeout=20s'])).code).toBe(0);
    const images = await kubectl([
      'get',
      'pods',
      '-l',
      'app=agent',
      '-o',
      'jsonpath={.items[*].spec.containers[0].image}',
    ]);
    expect(images.out.split(' ').sort()).toEqual(Array(3).fill('registry.local/agent:1'));
  });

  it('runs the Jobs a CronJob schedules (a minute passes in 1.2 s at timeScale 0.02)', async () => {
    const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata: {name: cleaner}
spec:
  schedule: "* * * * *"
  jobTemplate:
    metadata: {labels: {app: cleaner}}
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: clean, image: "registry.local/api:1", env: [{name: SANDBOX_LOG, value: "cleaned 3 files"}]}]
`;
    await apply(cronJob);
    let job = '';
    for (let i = 0; i < 100 && !job; i++) {
      job = (await kubectl(['get', 'jobs', '-l', 'app=cleaner', '-o', 'name'])).out.trim().split('\n')[0];
    }
    expect(job).toMatch(/^job\.batch\/cleaner-\d+$/);
    expect((await kubectl(['wait', '--for=condition=complete', job, '--timeout=20s'])).code).toBe(0);
    expect((await kubectl(['logs', job])).out).toBe('cleaned 3 files\n');
  });
});
