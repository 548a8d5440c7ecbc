import { isRecord } from '../records.js';
import { annotationsOf, type Json, labelsOf, metadataOf } from './objects.js';

// The migration Job as the plan makes it: pure, shared by the plan and the migrate phase.

/** Label on every migration Job this action creates: the source Job's name. */
export const MIGRATION_LABEL = 'k8s-deploy-action/migration';
/** Label on every post-deploy Job (smoke test, seeder) this action creates: the source Job's name. */
export const POST_DEPLOY_LABEL = 'k8s-deploy-action/post-deploy';
/** The annotation the reference deployment puts on its migration Job for other tools and people. */
const RUN_ANNOTATION = 'k8s-deploy-action/run';

/**
 * The migration Job of one release: its own name per tag (`NAME-<first 8 of the tag>`), because a
 * Job's pod template is immutable and the same name could never get a new image, and a deadline
 * (`activeDeadlineSeconds` from migration-timeout when it has none) so it cannot hang forever
 * even when nobody watches it any more.
 */
export function migrationJob(source: Json, tag: string, timeoutMs: number, label = MIGRATION_LABEL): Json {
  const job = structuredClone(source);
  const metadata = metadataOf(job);
  const sourceName = String(metadata.name);
  const suffix =
    tag
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 8)
      .replace(/^-+|-+$/g, '') || 'run';
  metadata.name = `${sourceName.slice(0, 63 - suffix.length - 1)}-${suffix}`;
  metadata.labels = { ...labelsOf(job), [label]: sourceName };
  const annotations = annotationsOf(job);
  delete annotations[RUN_ANNOTATION];
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  const spec = isRecord(job.spec) ? job.spec : {};
  job.spec = spec;
  if (typeof spec.activeDeadlineSeconds !== 'number')
    spec.activeDeadlineSeconds = Math.ceil(timeoutMs / 1000);
  return job;
}

/**
 * Jobs the manifests mark as release jobs (`k8s-deploy-action/run: before-apply | after-verify`)
 * that no input names: applied like any object, the next tag meets their immutable pod template.
 */
export function unnamedReleaseJobWarnings(objects: readonly Json[]): string[] {
  const input: Record<string, string> = {
    'before-apply': 'migration-job',
    'after-verify': 'post-deploy-jobs',
  };
  return objects.flatMap((object) => {
    const run = object.kind === 'Job' ? annotationsOf(object)[RUN_ANNOTATION] : undefined;
    const name = input[run ?? ''];
    if (name === undefined) return [];
    const job = String(metadataOf(object).name);
    return [
      `Job ${job} is annotated ${RUN_ANNOTATION}: ${run}, but '${name}' does not name it: it is applied and verified like any object, and a release with a new tag will meet its immutable pod template; expected ${name}: ${job}.`,
    ];
  });
}
