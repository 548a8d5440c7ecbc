import { describe, expect, it } from '@jest/globals';
import { parseManifests } from './manifests.js';
import { podTemplates, selectorMatches } from './selectors.js';

describe('selectorMatches', () => {
  const labels = { 'app.kubernetes.io/name': 'api', tier: 'web' };

  it('matches on every matchLabels pair, and an empty selector matches everything', () => {
    expect(selectorMatches({ matchLabels: { 'app.kubernetes.io/name': 'api' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { 'app.kubernetes.io/name': 'apii' } }, labels)).toBe(false);
    expect(selectorMatches({}, labels)).toBe(true);
  });

  it('applies In, NotIn, Exists and DoesNotExist', () => {
    const key = 'app.kubernetes.io/name';
    expect(
      selectorMatches({ matchExpressions: [{ key, operator: 'In', values: ['api', 'worker'] }] }, labels),
    ).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key, operator: 'In', values: ['worker'] }] }, labels)).toBe(
      false,
    );
    expect(selectorMatches({ matchExpressions: [{ key, operator: 'NotIn', values: ['api'] }] }, labels)).toBe(
      false,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels)).toBe(
      false,
    );
  });
});

describe('podTemplates', () => {
  it('reads labels and named ports from Deployments and CronJobs', () => {
    const docs = parseManifests(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: nginx, ports: [{name: http, containerPort: 8080}, {containerPort: 9000}]}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cleaner}
spec:
  jobTemplate: {spec: {template: {metadata: {labels: {app: cleaner}}, spec: {containers: [{name: c}]}}}}
---
apiVersion: v1
kind: Service
metadata: {name: api}
`);
    expect(podTemplates(docs)).toEqual([
      { owner: 'Deployment/api', labels: { app: 'api' }, ports: new Map([['http', 8080]]) },
      { owner: 'CronJob/cleaner', labels: { app: 'cleaner' }, ports: new Map() },
    ]);
  });
});
