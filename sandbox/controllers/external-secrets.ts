import type { KubeObject, ObjectStore, RemoteSecrets, ResourceType } from '../kube/contract.js';
import {
  dataHash,
  goDurationSeconds,
  objectHash,
  providerData,
  syncedResourceVersion,
} from './external-secrets-data.js';
import { type Condition, type Json, ownerReference } from './objects.js';
import type { Runtime } from './runtime.js';

const GROUP_VERSION = 'external-secrets.io/v1';
const COMPONENT = 'external-secrets';
const LABEL_MANAGED = 'reconcile.external-secrets.io/managed';
const LABEL_OWNER = 'reconcile.external-secrets.io/created-by';
const ANNOTATION_DATA_HASH = 'reconcile.external-secrets.io/data-hash';

/** The store the platform team installs with ESO: AWS Secrets Manager in the cluster's region. */
export const PLATFORM_SECRET_STORE = 'aws-secrets-manager';

const noRemoteSecrets: RemoteSecrets = { get: () => undefined, subscribe: () => () => {} };

/** Creates the platform's ClusterSecretStore, as the platform's add-on install would. */
export function installPlatformSecretStore(store: ObjectStore, region: string): void {
  const type = store.typeOf(GROUP_VERSION, 'ClusterSecretStore');
  if (!type || store.get(type, undefined, PLATFORM_SECRET_STORE)) return;
  store.create({
    apiVersion: GROUP_VERSION,
    kind: 'ClusterSecretStore',
    metadata: { name: PLATFORM_SECRET_STORE, labels: { 'app.kubernetes.io/managed-by': 'platform' } },
    spec: {
      provider: {
        aws: {
          service: 'SecretsManager',
          region,
          auth: { jwt: { serviceAccountRef: { name: 'external-secrets', namespace: 'external-secrets' } } },
        },
      },
    },
  });
}

/**
 * A stand-in for the External Secrets Operator with the AWS Secrets Manager provider: validates
 * stores, and syncs each ExternalSecret into its target Secret with ESO's labels, annotations,
 * status, conditions and events. `target.template` is not applied (keys are written as fetched).
 */
export function startExternalSecretsController(
  runtime: Runtime,
  remote: RemoteSecrets = noRemoteSecrets,
): void {
  const esType = runtime.store.typeOf(GROUP_VERSION, 'ExternalSecret');
  const storeType = runtime.store.typeOf(GROUP_VERSION, 'SecretStore');
  const clusterStoreType = runtime.store.typeOf(GROUP_VERSION, 'ClusterSecretStore');
  if (!esType || !storeType || !clusterStoreType) return;
  const failures = new Map<string, number>();
  /** ESO reconciles on generation, label and annotation changes only, not on its own status writes. */
  const seen = new Map<string, string>();

  const storeError = (namespace: string) => (ref: Json) => {
    const kind = ref?.kind ?? 'SecretStore';
    const name = String(ref?.name ?? '');
    if (kind !== 'SecretStore' && kind !== 'ClusterSecretStore')
      return `unsupported secret store kind: ${kind}`;
    const cluster = kind === 'ClusterSecretStore';
    const store = runtime.get(
      cluster ? clusterStoreType : storeType,
      cluster ? undefined : namespace,
      name,
    ) as Json;
    if (!store) {
      return `could not get ${kind} "${name}", ${cluster ? 'clustersecretstores' : 'secretstores'}.external-secrets.io "${name}" not found`;
    }
    if (!simulatedProvider(store)) {
      return `${kind} "${name}": the sandbox simulates only provider aws with service SecretsManager`;
    }
    const ready = store.status?.conditions?.find((c: Condition) => c.type === 'Ready');
    return ready?.status === 'False' ? `${kind} "${name}" is not ready` : undefined;
  };

  const reconcile = (namespace: string | undefined, name: string) => {
    const ns = namespace ?? 'default';
    const es = runtime.get(esType, ns, name) as Json;
    if (!es || es.metadata.deletionTimestamp) return;
    const key = `${ns}/${name}`;
    const target = es.spec?.target ?? {};
    const secretName = String(target.name || name);
    const creationPolicy = target.creationPolicy ?? 'Owner';
    const existing = runtime.get(runtime.kinds.Secret, ns, secretName) as Json;
    if (refreshDisabled(es) && es.status?.syncedResourceVersion === syncedResourceVersion(es.metadata)) {
      if (
        existing &&
        existing.metadata.annotations?.[ANNOTATION_DATA_HASH] === dataHash(decode(existing.data))
      )
        return;
    }
    const fetched = providerData(es.spec ?? {}, storeError(ns), remote);
    if (!fetched.ok) return fail(es, 'could not get secret data from provider', fetched.error);
    for (const message of fetched.missing) {
      runtime.record(es, { reason: 'MissingProviderSecret', message, component: COMPONENT });
    }
    failures.delete(key);
    const data = fetched.data;
    if (Object.keys(data).length === 0 && (target.deletionPolicy ?? 'Retain') === 'Retain') {
      return done(es, 'SecretSynced', 'secret retained due to DeletionPolicy=Retain', secretName);
    }
    if (Object.keys(data).length === 0 && target.deletionPolicy === 'Delete') {
      if (creationPolicy !== 'Owner') {
        const error = `unable to delete secret ${secretName}: creationPolicy=${creationPolicy} is not Owner`;
        return fail(es, 'could not delete secret', error);
      }
      if (existing) {
        runtime.store.delete(runtime.kinds.Secret, ns, secretName);
        runtime.record(es, { reason: 'Deleted', message: 'secret deleted', component: COMPONENT });
      }
      return done(es, 'SecretDeleted', 'secret deleted due to DeletionPolicy=Delete', secretName);
    }
    if (creationPolicy === 'None') return done(es, 'SecretSynced', 'secret synced', secretName);
    if (creationPolicy === 'Merge' && !existing) {
      return done(es, 'SecretMissing', 'secret will not be created due to CreationPolicy=Merge', secretName);
    }
    if (existing?.immutable && existing.metadata.annotations?.[ANNOTATION_DATA_HASH] !== dataHash(data)) {
      return fail(es, 'could not update secret, target is immutable', `secret ${secretName} is immutable`);
    }
    writeSecret(es, existing, secretName, creationPolicy, data);
    done(es, 'SecretSynced', 'secret synced', secretName);
  };

  const writeSecret = (
    es: Json,
    existing: Json,
    name: string,
    creationPolicy: string,
    fetched: Record<string, Buffer>,
  ) => {
    const data = creationPolicy === 'Merge' ? { ...decode(existing?.data), ...fetched } : fetched;
    const meta = existing?.metadata ?? { name, namespace: es.metadata.namespace };
    const labels: Record<string, string> = { ...meta.labels, [LABEL_MANAGED]: 'true' };
    let ownerReferences = (meta.ownerReferences ?? []).filter((ref: Json) => ref.uid !== es.metadata.uid);
    if (creationPolicy === 'Owner') {
      labels[LABEL_OWNER] = objectHash(`${es.metadata.namespace}/${es.metadata.name}`);
      ownerReferences = [...ownerReferences.filter((ref: Json) => !ref.controller), ownerReference(es)];
    }
    const secret: KubeObject = {
      ...(existing ?? { apiVersion: 'v1', kind: 'Secret', type: 'Opaque' }),
      metadata: {
        ...meta,
        labels,
        annotations: { ...meta.annotations, [ANNOTATION_DATA_HASH]: dataHash(data) },
        ...(ownerReferences.length > 0 ? { ownerReferences } : {}),
      },
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString('base64')])),
      ...(es.spec?.target?.immutable ? { immutable: true } : {}),
    };
    if (!existing) {
      runtime.store.create(secret);
      runtime.record(es, { reason: 'Created', message: 'secret created', component: COMPONENT });
    } else if (JSON.stringify(secret) !== JSON.stringify(existing)) {
      runtime.store.update(secret);
      runtime.record(es, { reason: 'Updated', message: 'secret updated', component: COMPONENT });
    }
  };

  const done = (es: Json, reason: string, message: string, secretName: string) => {
    const conditions = withReady(es.status?.conditions, 'True', reason, message, runtime.nowIso());
    const status = {
      ...es.status,
      binding: { name: secretName },
      conditions,
      refreshTime: runtime.nowIso(),
      syncedResourceVersion: syncedResourceVersion(es.metadata),
    };
    const same = (s: Json) => JSON.stringify({ ...s, refreshTime: undefined });
    if (same(status) !== same(es.status ?? {})) runtime.store.update({ ...es, status });
    const interval = goDurationSeconds(es.spec?.refreshInterval ?? '1h');
    // Refresh intervals are the user's real seconds, as the README says of deadlines in specs.
    if (interval) runtime.enqueueAfter('ExternalSecret', es.metadata.namespace, es.metadata.name, interval);
  };

  const fail = (es: Json, message: string, error: string) => {
    runtime.record(es, { reason: 'UpdateFailed', message: error, type: 'Warning', component: COMPONENT });
    const conditions = withReady(
      es.status?.conditions,
      'False',
      'SecretSyncedError',
      message,
      runtime.nowIso(),
    );
    if (JSON.stringify(conditions) !== JSON.stringify(es.status?.conditions)) {
      runtime.store.update({ ...es, status: { ...es.status, conditions } });
    }
    // controller-runtime's per-item back-off (5 ms doubling to 1000 s), in simulated time.
    const key = `${es.metadata.namespace}/${es.metadata.name}`;
    const count = (failures.get(key) ?? 0) + 1;
    failures.set(key, count);
    const delay = runtime.scaled(Math.min(1000, 0.005 * 2 ** (count - 1)));
    runtime.enqueueAfter('ExternalSecret', es.metadata.namespace, es.metadata.name, Math.max(delay, 0.01));
  };

  const validateStore = (type: ResourceType) => (namespace: string | undefined, name: string) => {
    const store = runtime.get(type, namespace, name) as Json;
    if (!store) return;
    const valid = simulatedProvider(store);
    const [status, reason, message] = valid
      ? (['True', 'Valid', 'store validated'] as const)
      : (['False', 'InvalidProviderConfig', 'unable to validate store'] as const);
    const conditions = withReady(store.status?.conditions, status, reason, message, runtime.nowIso());
    if (JSON.stringify(conditions) === JSON.stringify(store.status?.conditions)) return;
    runtime.store.update({ ...store, status: { ...store.status, conditions, capabilities: 'ReadWrite' } });
    runtime.record(store, {
      reason,
      message,
      type: valid ? 'Normal' : 'Warning',
      component: COMPONENT,
    });
  };

  runtime.register('ExternalSecret', reconcile);
  runtime.register('SecretStore', validateStore(storeType));
  runtime.register('ClusterSecretStore', validateStore(clusterStoreType));

  const enqueueReferencing = (matches: (es: Json) => boolean) => {
    for (const es of runtime.store.list(esType) as Json[]) {
      if (matches(es)) runtime.enqueue('ExternalSecret', es.metadata.namespace, es.metadata.name);
    }
  };
  // Listeners outlive stop() only until their next call: the runtime then refuses all work.
  const unsubscribeStore = runtime.store.subscribe((event) => {
    if (runtime.isStopped) return unsubscribeStore();
    const { kind } = event.resource;
    const meta = event.object.metadata;
    if (kind === 'ExternalSecret') {
      const key = `${meta.namespace}/${meta.name}`;
      const fingerprint = syncedResourceVersion(meta);
      if (event.type === 'DELETED') seen.delete(key);
      else if (seen.get(key) !== fingerprint) {
        seen.set(key, fingerprint);
        runtime.enqueue('ExternalSecret', meta.namespace, meta.name);
      }
    } else if (kind === 'SecretStore' || kind === 'ClusterSecretStore') {
      if (event.type !== 'DELETED') runtime.enqueue(kind, meta.namespace, meta.name);
      enqueueReferencing((es) => usesStore(es, kind, meta.name, meta.namespace));
    }
  });
  const unsubscribeRemote = remote.subscribe((name) => {
    if (runtime.isStopped) return unsubscribeRemote();
    // ESO would see the new value at the next refreshInterval; the sandbox does not make tests wait.
    enqueueReferencing((es) => !refreshDisabled(es) && remoteKeys(es).includes(name));
  });
  for (const type of [clusterStoreType, storeType]) {
    for (const store of runtime.store.list(type))
      runtime.enqueue(type.kind, store.metadata.namespace, store.metadata.name);
  }
  enqueueReferencing(() => true);
}

function simulatedProvider(store: Json): boolean {
  return store.spec?.provider?.aws?.service === 'SecretsManager';
}

/** refreshInterval 0: ESO syncs once and then only when the ExternalSecret itself changes. */
function refreshDisabled(es: Json): boolean {
  return goDurationSeconds(es.spec?.refreshInterval ?? '1h') === 0;
}

function remoteKeys(es: Json): string[] {
  const fromData = (es.spec?.data ?? []).map((d: Json) => d?.remoteRef?.key);
  const fromExtract = (es.spec?.dataFrom ?? []).map((d: Json) => d?.extract?.key);
  return [...fromData, ...fromExtract].filter((key): key is string => typeof key === 'string');
}

function usesStore(es: Json, kind: string, name: string, namespace: string | undefined): boolean {
  const ref = es.spec?.secretStoreRef ?? {};
  if ((ref.kind ?? 'SecretStore') !== kind || ref.name !== name) return false;
  return kind === 'ClusterSecretStore' || es.metadata.namespace === namespace;
}

function decode(data: Record<string, string> | undefined): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

/** Sets the Ready condition; lastTransitionTime moves only when the status flips, as in ESO. */
function withReady(
  conditions: Condition[] | undefined,
  status: 'True' | 'False',
  reason: string,
  message: string,
  now: string,
): Condition[] {
  const current = conditions?.find((c) => c.type === 'Ready');
  const lastTransitionTime = current?.status === status ? current.lastTransitionTime : now;
  const ready: Condition = { type: 'Ready', status, reason, message, lastTransitionTime };
  return [...(conditions ?? []).filter((c) => c.type !== 'Ready'), ready];
}
