import type { MigrationResult } from '../deploy/migrate.js';
import type { ObjectRef } from '../deploy/objects.js';
import { formatLocation, type SourceLocation } from '../manifests/errors.js';
import type { RenderedObject } from '../manifests/render.js';
import type { PipelineResult } from '../pipeline.js';

/** What `core.error(message, { file, startLine })` needs for the run's failure. */
export interface FailureAnnotation {
  message: string;
  /** Relative to the workspace; absent when no manifest line is known. */
  file?: string;
  startLine?: number;
}

/**
 * The error annotation for a failed, rolled-back or cancelled run: the verdict, pointing at the
 * manifest's file and line where one is known: the engine's `failedAt`, the location a manifest
 * error carries, the failing workload or the migration Job as rendered. Undefined for a
 * run that did not fail (success, dry run).
 */
export function failureAnnotation(result: PipelineResult): FailureAnnotation | undefined {
  if (result.result !== 'failed' && result.result !== 'rolled-back') return undefined;
  const deploy = result.deploy;
  const message = (result.verdict ?? deploy?.verdict ?? 'The deploy failed.').trim();
  const location = failureLocation(result);
  if (!location) return { message };
  if (location.document !== undefined) {
    // Kustomize output has no file to point at: the message says where instead.
    const where = formatLocation(location);
    return { message: message.includes(where) ? message : `${message} (${where})` };
  }
  return { message, file: location.source, startLine: location.line };
}

/**
 * Where the failure lies, from the fields errors and the engine carry; never parsed from text.
 * The annotation and the summary's "Where" line both point here.
 */
export function failureLocation(result: PipelineResult): SourceLocation | undefined {
  const deploy = result.deploy;
  if (deploy?.failedAt) return deploy.failedAt;
  if (result.failedAt) return result.failedAt;
  const objects = result.render?.objects ?? [];
  const failedWorkload = deploy?.verify?.workloads.find((w) => w.state === 'failed');
  if (failedWorkload) {
    const object = renderedObject(objects, failedWorkload.ref);
    if (object) return object.location;
  }
  if (deploy?.migration?.status === 'failed') {
    const job = migrationSource(objects, deploy.migration);
    if (job) return job.location;
  }
  return undefined;
}

export function renderedObject(
  objects: readonly RenderedObject[],
  ref: ObjectRef,
): RenderedObject | undefined {
  return objects.find(
    (o) =>
      o.kind === ref.kind &&
      o.name === ref.name &&
      (ref.namespace === undefined || o.namespace === undefined || o.namespace === ref.namespace),
  );
}

/** The rendered Job a migration Job was made from (the engine renames it `NAME-<tag>`). */
function migrationSource(
  objects: readonly RenderedObject[],
  migration: MigrationResult,
): RenderedObject | undefined {
  return objects.find(
    (o) =>
      o.kind === 'Job' &&
      o.name === migration.sourceName &&
      (migration.job.namespace === undefined ||
        o.namespace === undefined ||
        o.namespace === migration.job.namespace),
  );
}
