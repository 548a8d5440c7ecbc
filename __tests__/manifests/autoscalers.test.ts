import { describe, expect, it } from '@jest/globals';
import { HANDOVER_FIELD_MANAGER } from '../../src/manifests/autoscalers.js';
import { replicasHandoverManifest } from '../../src/manifests/replicas-handover.js';
import { deployment, render } from './helpers.js';

const hpa = (target: string, namespace = '') => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: ${target}-hpa${namespace ? `, namespace: ${namespace}` : ''} }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${target} }
  minReplicas: 2
  maxReplicas: 10
`;

describe('replicas and autoscalers', () => {
  it('removes spec.replicas from a Deployment an HPA in the set targets, and lists the handover', () => {
    const { objects, result } = render(
      `${deployment('api', 'api:1')}---\n${hpa('api')}---\n${deployment('web', 'web:1')}`,
    );
    const api = objects.find((object) => object.metadata.name === 'api');
    const web = objects.find((object) => object.metadata.name === 'web');
    expect(api?.spec).not.toHaveProperty('replicas');
    expect(web?.spec.replicas).toBe(3);
    expect(result.replicasHandovers).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: undefined,
        name: 'api',
        autoscaler: 'HorizontalPodAutoscaler/api-hpa',
        declaredReplicas: 3,
      },
    ]);
  });

  it('treats a KEDA ScaledObject without kind/apiVersion as targeting a Deployment', () => {
    const scaledObject = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: { name: worker }
spec:
  scaleTargetRef: { name: worker }
  triggers: [{ type: redis, metadata: { listName: queue, listLength: "10" } }]
`;
    const { objects, result } = render(`${deployment('worker', 'api:1')}---\n${scaledObject}`);
    expect(objects.find((object) => object.kind === 'Deployment')?.spec).not.toHaveProperty('replicas');
    expect(result.replicasHandovers.map((handover) => handover.autoscaler)).toEqual(['ScaledObject/worker']);
  });

  it('keeps replicas when the autoscaler is in another namespace than the workload', () => {
    const { objects, result } = render(`${deployment('api', 'api:1')}---\n${hpa('api', 'other')}`, {
      namespace: 'prod',
    });
    expect(objects.find((object) => object.kind === 'Deployment')?.spec.replicas).toBe(3);
    expect(result.replicasHandovers).toEqual([]);
  });

  it('matches the autoscaler to its workload after namespace defaulting', () => {
    const { result } = render(`${deployment('api', 'api:1')}---\n${hpa('api', 'prod')}`, {
      namespace: 'prod',
    });
    expect(result.replicasHandovers.map((handover) => handover.namespace)).toEqual(['prod']);
  });

  it('keeps replicas of a StatefulSet when the HPA targets a Deployment of the same name', () => {
    const statefulSet = deployment('api', 'api:1').replace('kind: Deployment', 'kind: StatefulSet');
    const { objects } = render(`${statefulSet}---\n${hpa('api')}`);
    expect(objects.find((object) => object.kind === 'StatefulSet')?.spec.replicas).toBe(3);
  });

  it('lists a targeted workload without replicas too, since an earlier deploy may have set them', () => {
    const noReplicas = deployment('api', 'api:1').replace('  replicas: 3\n', '');
    const { result } = render(`${noReplicas}---\n${hpa('api')}`);
    expect(result.replicasHandovers).toMatchObject([{ name: 'api', declaredReplicas: undefined }]);
  });
});

describe('replicasHandoverManifest (the first deploy after adding an autoscaler)', () => {
  const handover = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'prod',
    name: 'api',
    autoscaler: 'HorizontalPodAutoscaler/api',
    declaredReplicas: 3,
  };
  const live = (manager: string, fields: object) => ({
    spec: { replicas: 7 },
    metadata: { managedFields: [{ manager, operation: 'Apply', fieldsV1: { 'f:spec': fields } }] },
  });

  it('pins the live count under a private field manager when our manager owned replicas', () => {
    expect(
      replicasHandoverManifest(handover, live('k8s-deploy', { 'f:replicas': {} }), 'k8s-deploy'),
    ).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'prod' },
      spec: { replicas: 7 },
    });
    expect(HANDOVER_FIELD_MANAGER).not.toBe('k8s-deploy');
  });

  it('does nothing when the autoscaler already owns replicas or the object does not exist yet', () => {
    expect(
      replicasHandoverManifest(handover, live('k8s-deploy', { 'f:template': {} }), 'k8s-deploy'),
    ).toBeUndefined();
    expect(replicasHandoverManifest(handover, undefined, 'k8s-deploy')).toBeUndefined();
  });
});
