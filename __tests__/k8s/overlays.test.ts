import { beforeAll, describe, expect, it } from '@jest/globals';
import { autoscalerTargets } from './autoscaling.js';
import { containerImages, containersMatchingImage, imageRepositoryPath } from './images.js';
import { findManifest, type Manifest, manifestsOfKind, renderKustomize, specOf } from './manifests.js';
import { podSpecSites } from './policy.js';
import { type LabelSelector, podTemplates, selectorMatches } from './selectors.js';

const STAGING = 'k8s/overlays/staging';
const PRODUCTION = 'k8s/overlays/production';
const OVERLAYS = [STAGING, PRODUCTION];

const rendered = new Map<string, Manifest[]>();
beforeAll(() => {
  for (const overlay of OVERLAYS) rendered.set(overlay, renderKustomize(overlay));
});
const docsOf = (overlay: string): Manifest[] => rendered.get(overlay) ?? [];

function config(docs: Manifest[]): Record<string, string> {
  const configMap = manifestsOfKind(docs, 'ConfigMap').find((doc) =>
    doc.metadata.name.startsWith('laravel-config-'),
  );
  return (configMap?.data ?? {}) as Record<string, string>;
}

function ingressRoutes(docs: Manifest[]): { host: string; routes: string[]; tlsHosts: string[] } {
  const spec = findManifest(docs, 'Ingress', 'web')?.spec as {
    rules: { host: string; http: { paths: { path: string; backend: { service: { name: string } } }[] } }[];
    tls: { hosts: string[] }[];
  };
  const rule = spec.rules[0];
  return {
    host: rule?.host ?? '',
    routes: (rule?.http.paths ?? []).map((path) => `${path.path} -> ${path.backend.service.name}`),
    tlsHosts: spec.tls.flatMap((entry) => entry.hosts),
  };
}

const bounds = (docs: Manifest[]) =>
  Object.fromEntries(
    autoscalerTargets(docs).map((target) => [target.name, [target.minReplicas, target.maxReplicas]]),
  );

describe('what differs between staging and production', () => {
  it('only staging runs PostgreSQL in the cluster (StatefulSet, headless Service, budget)', () => {
    const postgres = (docs: Manifest[]) =>
      docs
        .filter((doc) => doc.metadata.name === 'postgres')
        .map((doc) => doc.kind)
        .sort();
    expect(postgres(docsOf(STAGING))).toEqual([
      'PodDisruptionBudget',
      'Service',
      'ServiceAccount',
      'StatefulSet',
    ]);
    expect(postgres(docsOf(PRODUCTION))).toEqual([]);
    expect(manifestsOfKind(docsOf(PRODUCTION), 'StatefulSet')).toEqual([]);
  });

  it('staging reaches its database through the headless Service, production through RDS over TLS', () => {
    expect(config(docsOf(STAGING)).DB_HOST).toBe('postgres');
    expect(findManifest(docsOf(STAGING), 'Service', 'postgres')?.spec).toMatchObject({ clusterIP: 'None' });
    expect(config(docsOf(PRODUCTION)).DB_HOST).toMatch(/\.rds\.amazonaws\.com$/);
    expect(config(docsOf(PRODUCTION)).DB_SSLMODE).toBe('require');
  });

  it('each environment allows database traffic only to where its database is', () => {
    const policyNames = (docs: Manifest[]) =>
      manifestsOfKind(docs, 'NetworkPolicy').map((doc) => doc.metadata.name);
    expect(policyNames(docsOf(STAGING))).toEqual(
      expect.arrayContaining(['allow-laravel-to-postgres', 'postgres-from-laravel']),
    );
    expect(policyNames(docsOf(STAGING))).not.toContain('allow-laravel-to-database');
    expect(policyNames(docsOf(PRODUCTION))).toContain('allow-laravel-to-database');
    expect(policyNames(docsOf(PRODUCTION))).not.toContain('allow-laravel-to-postgres');
  });

  it('hostnames differ, and both route /api to the API and / to the frontend over TLS', () => {
    const staging = ingressRoutes(docsOf(STAGING));
    const production = ingressRoutes(docsOf(PRODUCTION));
    expect(staging.host).toBe('staging.upload.example.com');
    expect(production.host).toBe('upload.example.com');
    for (const ingress of [staging, production]) {
      expect(ingress.routes).toEqual(['/api -> api', '/ -> frontend']);
      expect(ingress.tlsHosts).toEqual([ingress.host]);
    }
    expect(config(docsOf(STAGING)).APP_URL).toBe(`https://${staging.host}`);
    expect(config(docsOf(PRODUCTION)).APP_URL).toBe(`https://${production.host}`);
  });

  it('production has more autoscaling headroom than staging', () => {
    expect(bounds(docsOf(STAGING))).toEqual({ api: [2, 4], frontend: [2, 4], worker: [2, 4] });
    expect(bounds(docsOf(PRODUCTION))).toEqual({ api: [3, 20], frontend: [3, 10], worker: [2, 30] });
  });

  it('each environment has its own namespace, APP_ENV, secret path and EFS storage class', () => {
    const facts = (docs: Manifest[]) => ({
      namespace: manifestsOfKind(docs, 'Namespace').map((doc) => doc.metadata.name),
      appEnv: config(docs).APP_ENV,
      secretPath: specOf<{
        dataFrom: { extract: { key: string } }[];
      }>(docs, 'ExternalSecret', 'laravel-secrets').dataFrom[0]?.extract.key,
      storageClass: specOf<{ storageClassName: string }>(docs, 'PersistentVolumeClaim', 'upload-tmp')
        .storageClassName,
      storageClasses: manifestsOfKind(docs, 'StorageClass').map((doc) => doc.metadata.name),
    });
    expect(facts(docsOf(STAGING))).toEqual({
      namespace: ['upload-staging'],
      appEnv: 'staging',
      secretPath: 'laravel-upload/staging',
      storageClass: 'efs-upload-staging',
      storageClasses: ['efs-upload-staging'],
    });
    expect(facts(docsOf(PRODUCTION))).toEqual({
      namespace: ['upload-production'],
      appEnv: 'production',
      secretPath: 'laravel-upload/production',
      storageClass: 'efs-upload-production',
      storageClasses: ['efs-upload-production'],
    });
  });
});

describe.each(OVERLAYS)('%s is wired together', (overlay) => {
  it('puts every namespaced object in the overlay namespace, which enforces Pod Security restricted', () => {
    const docs = docsOf(overlay);
    const [namespace] = manifestsOfKind(docs, 'Namespace');
    expect(namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const clusterScoped = new Set(['Namespace', 'StorageClass']);
    const elsewhere = docs.filter(
      (doc) => !clusterScoped.has(doc.kind) && doc.metadata.namespace !== namespace?.metadata.name,
    );
    expect(elsewhere.map((doc) => `${doc.kind}/${doc.metadata.name}`)).toEqual([]);
  });

  it('labels every object as part of the platform, for `kubectl get all -l` and cost reports', () => {
    const unlabelled = docsOf(overlay)
      .filter((doc) => doc.metadata.labels?.['app.kubernetes.io/part-of'] !== 'laravel-upload')
      .map((doc) => `${doc.kind}/${doc.metadata.name}`);
    expect(unlabelled).toEqual([]);
  });

  it('commits no secret values: no Secret objects, only an ExternalSecret producing laravel-secrets', () => {
    const docs = docsOf(overlay);
    expect(manifestsOfKind(docs, 'Secret')).toEqual([]);
    expect(findManifest(docs, 'ExternalSecret', 'laravel-secrets')?.spec).toMatchObject({
      target: { name: 'laravel-secrets' },
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' },
    });
  });

  it('every ConfigMap, Secret, claim and ServiceAccount a pod uses exists in the overlay', () => {
    const docs = docsOf(overlay);
    const exists = (kind: string, name: string) =>
      findManifest(docs, kind, name) !== undefined ||
      (kind === 'Secret' &&
        manifestsOfKind(docs, 'ExternalSecret').some(
          (doc) => (doc.spec as { target?: { name?: string } }).target?.name === name,
        ));
    const missing: string[] = [];
    for (const site of podSpecSites(docs)) {
      const spec = site.spec as Record<string, unknown>;
      const text = JSON.stringify(spec);
      const refs: [string, string][] = [['ServiceAccount', (spec.serviceAccountName as string) ?? 'default']];
      for (const [, name] of text.matchAll(/"configMapRef":\{"name":"([^"]+)"/g))
        refs.push(['ConfigMap', name ?? '']);
      for (const [, name] of text.matchAll(/"configMapKeyRef":\{"name":"([^"]+)"/g))
        refs.push(['ConfigMap', name ?? '']);
      for (const [, name] of text.matchAll(/"configMap":\{"name":"([^"]+)"/g))
        refs.push(['ConfigMap', name ?? '']);
      for (const [, name] of text.matchAll(/"secretRef":\{"name":"([^"]+)"/g))
        refs.push(['Secret', name ?? '']);
      for (const [, name] of text.matchAll(/"secretKeyRef":\{"name":"([^"]+)"/g))
        refs.push(['Secret', name ?? '']);
      for (const [, name] of text.matchAll(/"claimName":"([^"]+)"/g))
        refs.push(['PersistentVolumeClaim', name ?? '']);
      for (const [kind, name] of refs)
        if (!exists(kind, name)) missing.push(`${site.owner} -> ${kind}/${name}`);
    }
    expect(missing).toEqual([]);
  });

  it('images are plain names the action replaces; third-party images carry a fixed tag', () => {
    const docs = docsOf(overlay);
    const matched = (name: string) =>
      containersMatchingImage(docs, name)
        .map((entry) => `${entry.owner}/${entry.container}`)
        .sort();
    expect(matched('laravel-app')).toEqual(
      expect.arrayContaining([
        'CronJob/cleaner/cleaner',
        'Deployment/api/php-fpm',
        'Deployment/worker/horizon',
        'Job/migrate/migrate',
      ]),
    );
    expect(matched('frontend')).toEqual(['Deployment/frontend/nginx']);
    for (const { image } of containerImages(docs)) {
      const ours = ['laravel-app', 'frontend'].includes(imageRepositoryPath(image));
      if (ours) expect(image).toBe(imageRepositoryPath(image));
      else expect(image).toMatch(/:[\w][\w.-]*$/);
      expect(image).not.toMatch(/:latest$/);
    }
  });

  it('the migration Job is ready for the action: named migrate, bounded, annotated to run before apply', () => {
    const job = findManifest(docsOf(overlay), 'Job', 'migrate');
    expect(job?.metadata.annotations?.['k8s-deploy-action/run']).toBe('before-apply');
    expect(job?.spec).toMatchObject({
      backoffLimit: 1,
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 3600,
      template: { spec: { restartPolicy: 'Never' } },
    });
    const [container] = specOf<{ template: { spec: { containers: { image: string; args: string[] }[] } } }>(
      docsOf(overlay),
      'Job',
      'migrate',
    ).template.spec.containers;
    expect(container?.image).toBe('laravel-app');
    expect(container?.args).toEqual(['php', 'artisan', 'migrate', '--force', '--isolated']);
  });

  it('KEDA watches the queue Laravel writes to, at the address Laravel uses', () => {
    const docs = docsOf(overlay);
    const settings = config(docs);
    const [trigger] = specOf<{
      triggers: { type: string; metadata: Record<string, string> }[];
    }>(docs, 'ScaledObject', 'worker').triggers;
    expect(trigger?.type).toBe('redis');
    expect(trigger?.metadata.listName).toBe(`${settings.REDIS_PREFIX}queues:default`);
    expect(trigger?.metadata.addressFromEnv).toBe('REDIS_ADDRESS');
    expect(settings.REDIS_ADDRESS).toBe(`${settings.REDIS_HOST}:${settings.REDIS_PORT}`);
  });

  it('denies all traffic by default and allows DNS to kube-dns on port 53 over UDP and TCP', () => {
    const docs = docsOf(overlay);
    expect(findManifest(docs, 'NetworkPolicy', 'default-deny')?.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
    const [rule] = specOf<{
      egress: { to: Record<string, unknown>[]; ports: unknown[] }[];
    }>(docs, 'NetworkPolicy', 'allow-dns').egress;
    expect(rule?.to).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      },
    ]);
    expect(rule?.ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
  });

  it('api and worker share the ReadWriteMany upload volume; the worker may finish its jobs', () => {
    const docs = docsOf(overlay);
    expect(findManifest(docs, 'PersistentVolumeClaim', 'upload-tmp')?.spec).toMatchObject({
      accessModes: ['ReadWriteMany'],
    });
    for (const name of ['api', 'worker']) {
      expect(JSON.stringify(findManifest(docs, 'Deployment', name)?.spec)).toContain(
        '"claimName":"upload-tmp"',
      );
    }
    const worker = findManifest(docs, 'Deployment', 'worker')?.spec as {
      template: {
        spec: {
          terminationGracePeriodSeconds: number;
          containers: { lifecycle: unknown; args?: string[] }[];
        };
      };
    };
    expect(worker.template.spec.terminationGracePeriodSeconds).toBe(60);
    // The image's stop signal is php-fpm's SIGQUIT; Horizon must receive SIGTERM instead.
    expect(worker.template.spec.containers[0]?.args?.slice(0, 4)).toEqual([
      'dumb-init',
      '--single-child',
      '--rewrite',
      '3:15',
    ]);
    expect(worker.template.spec.containers[0]?.lifecycle).toEqual({
      preStop: { exec: { command: ['php', 'artisan', 'horizon:terminate'] } },
    });
  });

  it('every Service, PodDisruptionBudget and NetworkPolicy selects pods the overlay runs', () => {
    const docs = docsOf(overlay);
    const templates = podTemplates(docs);
    const selecting = [
      ...manifestsOfKind(docs, 'Service').map((doc) => ({
        doc,
        selector: { matchLabels: (doc.spec as { selector: Record<string, string> }).selector },
      })),
      ...manifestsOfKind(docs, 'PodDisruptionBudget').map((doc) => ({
        doc,
        selector: (doc.spec as { selector: LabelSelector }).selector,
      })),
      ...manifestsOfKind(docs, 'NetworkPolicy').map((doc) => ({
        doc,
        selector: (doc.spec as { podSelector: LabelSelector }).podSelector,
      })),
    ];
    const selectingNothing = selecting
      .filter(({ selector }) => !templates.some((template) => selectorMatches(selector, template.labels)))
      .map(({ doc }) => `${doc.kind}/${doc.metadata.name}`);
    expect(selecting.length).toBeGreaterThanOrEqual(10);
    expect(selectingNothing).toEqual([]);
  });

  it('every long-running workload is covered by a PodDisruptionBudget', () => {
    const docs = docsOf(overlay);
    const budgets = manifestsOfKind(docs, 'PodDisruptionBudget').map(
      (doc) => (doc.spec as { selector: LabelSelector }).selector,
    );
    const uncovered = podTemplates(docs)
      .filter((template) => /^(Deployment|StatefulSet)\//.test(template.owner))
      .filter((template) => !budgets.some((selector) => selectorMatches(selector, template.labels)))
      .map((template) => template.owner);
    expect(uncovered).toEqual([]);
  });

  it('the Ingress reaches Services whose named target ports exist on the selected pods', () => {
    const docs = docsOf(overlay);
    const templates = podTemplates(docs);
    const { routes } = ingressRoutes(docs);
    const broken: string[] = [];
    for (const route of routes) {
      const serviceName = route.split(' -> ')[1] ?? '';
      const service = specOf<{ selector: Record<string, string>; ports: { targetPort: string | number }[] }>(
        docs,
        'Service',
        serviceName,
      );
      const pods = templates.filter((template) =>
        selectorMatches({ matchLabels: service.selector }, template.labels),
      );
      for (const { targetPort } of service.ports) {
        const served = pods.some((pod) => typeof targetPort === 'number' || pod.ports.has(targetPort));
        if (!served) broken.push(`Service/${serviceName} -> ${targetPort}`);
      }
    }
    expect(routes).toHaveLength(2);
    expect(broken).toEqual([]);
  });
});

describe('the staging smoke test (post-deploy-jobs: smoke-test)', () => {
  type Policy = {
    podSelector: LabelSelector;
    egress?: { to: { podSelector?: LabelSelector }[]; ports: { port: number }[] }[];
    ingress?: { from: { podSelector?: LabelSelector }[]; ports: { port: number }[] }[];
  };
  const policies = (docs: Manifest[]) =>
    manifestsOfKind(docs, 'NetworkPolicy').map((doc) => doc.spec as unknown as Policy);
  const podLabels = (docs: Manifest[], kind: string, name: string) =>
    specOf<{ template: { metadata: { labels: Record<string, string> } } }>(docs, kind, name).template.metadata
      .labels;

  it('is a staging-only Job, annotated to run after verify, failing on its first failure, bounded', () => {
    expect(findManifest(docsOf(PRODUCTION), 'Job', 'smoke-test')).toBeUndefined();
    const job = findManifest(docsOf(STAGING), 'Job', 'smoke-test');
    expect(job?.metadata.annotations?.['k8s-deploy-action/run']).toBe('after-verify');
    expect(job?.spec).toMatchObject({
      backoffLimit: 0,
      activeDeadlineSeconds: 120,
      template: { spec: { restartPolicy: 'Never', serviceAccountName: 'smoke-test' } },
    });
    expect(findManifest(docsOf(STAGING), 'ServiceAccount', 'smoke-test')).toBeDefined();
  });

  it('may reach the api and frontend pods on the port their Services target, and they accept it', () => {
    const docs = docsOf(STAGING);
    const smoke = podLabels(docs, 'Job', 'smoke-test');
    for (const target of ['api', 'frontend']) {
      const labels = podLabels(docs, 'Deployment', target);
      const egress = policies(docs).some(
        (p) =>
          selectorMatches(p.podSelector, smoke) &&
          (p.egress ?? []).some(
            (rule) =>
              rule.to.some((peer) => peer.podSelector && selectorMatches(peer.podSelector, labels)) &&
              rule.ports.some((port) => port.port === 8080),
          ),
      );
      const ingress = policies(docs).some(
        (p) =>
          selectorMatches(p.podSelector, labels) &&
          (p.ingress ?? []).some(
            (rule) =>
              rule.from.some((peer) => peer.podSelector && selectorMatches(peer.podSelector, smoke)) &&
              rule.ports.some((port) => port.port === 8080),
          ),
      );
      expect({ target, egress, ingress }).toEqual({ target, egress: true, ingress: true });
    }
  });
});
