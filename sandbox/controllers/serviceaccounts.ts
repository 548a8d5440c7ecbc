import type { StoreEvent } from '../kube/contract.js';
import type { Runtime } from './runtime.js';

/**
 * The serviceaccount controller: every active namespace has a `default` ServiceAccount, put
 * back when deleted. It is created in the same turn as the namespace (a real cluster takes a
 * moment), so a pod applied right after its namespace is not refused for the lack of it.
 */
export function ensureDefaultServiceAccount(runtime: Runtime, namespace: string): void {
  const ns = runtime.get(runtime.kinds.Namespace, undefined, namespace);
  if (!ns || ns.metadata.deletionTimestamp) return;
  if (runtime.get(runtime.kinds.ServiceAccount, namespace, 'default')) return;
  runtime.store.create({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'default', namespace },
  });
}

/** Follows namespaces, and deletions of `default` ServiceAccounts. */
export function observeForServiceAccounts(runtime: Runtime, event: StoreEvent): void {
  const { kind } = event.resource;
  const meta = event.object.metadata;
  if (kind === 'Namespace' && event.type !== 'DELETED') ensureDefaultServiceAccount(runtime, meta.name);
  if (kind === 'ServiceAccount' && event.type === 'DELETED' && meta.name === 'default' && meta.namespace) {
    ensureDefaultServiceAccount(runtime, meta.namespace);
  }
}

export function startServiceAccountController(runtime: Runtime): void {
  for (const ns of runtime.store.list(runtime.kinds.Namespace))
    ensureDefaultServiceAccount(runtime, ns.metadata.name);
}
