import type { ObjectRef } from './objects.js';
import type { PlannedObject } from './plan.js';

// `migrations: only` (issue 17): what a migrate-only run may create before its Job. Pure.

/** What a pod of the migration Job reads, which a migrate-only run may create in an existing namespace. */
const POD_INPUT_KINDS = new Set(['ServiceAccount', 'ConfigMap', 'Secret', 'ExternalSecret', 'SecretStore']);

/**
 * A migrate-only run's prerequisites (pure): objects to create (never an update, never a workload),
 * and the configuration of the Job's namespace that exists and differs, left as it is.
 */
export function migrationPrerequisites(
  objects: readonly PlannedObject[],
  migration: PlannedObject,
): { objects: PlannedObject[]; kept: ObjectRef[] } {
  const namespace = migration.ref.namespace;
  const newNamespace = objects.some(
    (o) => o.ref.kind === 'Namespace' && o.ref.name === namespace && o.change === 'create',
  );
  const needed = objects.filter(
    (o) =>
      o.change === 'create' &&
      o.stage !== 'workloads' &&
      (o.ref.kind === 'Namespace'
        ? o.ref.name === namespace
        : o.ref.namespace === namespace && (newNamespace || POD_INPUT_KINDS.has(o.ref.kind))),
  );
  const kept = objects
    .filter((o) => o.change === 'update' && o.ref.namespace === namespace && POD_INPUT_KINDS.has(o.ref.kind))
    .map((o) => o.ref);
  return { objects: needed, kept };
}
