import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';
import { PROTECTED_KINDS } from './apply.js';
import type { Kubectl } from './kubectl.js';
import { describeRef, redact, secretValues, toYaml } from './objects.js';
import type { DeployOutcome, DeploySettings } from './outcome.js';
import { type Plan, PlanError } from './plan.js';
import type { ReleaseRecord } from './release.js';

// The dry run: the server-side diff, with what a prune would delete and the migration that would run.

export async function dryRunDiff(
  settings: DeploySettings,
  plan: Plan,
  lastGood: ReleaseRecord | undefined,
  kubectl: Kubectl,
  logger: Logger,
  outcome: DeployOutcome,
): Promise<void> {
  const objects = [
    ...plan.objects,
    ...(plan.migration && !plan.migration.live ? [plan.migration] : []),
  ].filter((o) => !o.deferred);
  const result = await kubectl.run(
    ['diff', '--server-side', '--field-manager=k8s-deploy-action', '--force-conflicts', '-f', '-'],
    { stdin: toYaml(objects.map((o) => o.object)) },
  );
  if (result.exitCode > 1)
    throw new PlanError(`kubectl diff failed: ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  const notes: string[] = [];
  const deferred = plan.objects.filter((o) => o.deferred);
  if (deferred.length > 0)
    notes.push(
      `# New, in a namespace or of a CRD this set creates: ${deferred.map((o) => describeRef(o.ref)).join(', ')}`,
    );
  if (plan.migration && !plan.migration.live && settings.migrations !== 'skip')
    outcome.wouldMigrate = plan.migration.ref;
  const afterVerify = plan.postDeploy.filter((o) => !o.live).map((o) => o.ref);
  if (afterVerify.length > 0) outcome.wouldRunAfterVerify = afterVerify;
  for (const job of plan.postDeploy)
    notes.push(
      job.live
        ? `# Post-deploy: ${describeRef(job.ref)} exists already for this tag (not run again unless it failed).`
        : `# Post-deploy: ${describeRef(job.ref)} would run after the workloads are verified.`,
    );
  if (plan.migration) {
    notes.push(
      plan.migration.live
        ? `# Migration: ${describeRef(plan.migration.ref)} exists already for this tag (not run again unless it failed).`
        : `# Migration: ${describeRef(plan.migration.ref)} would run before the workloads change.`,
    );
  }
  outcome.wouldPrune = settings.prune ? plan.removed.filter((ref) => !PROTECTED_KINDS.has(ref.kind)) : [];
  if (plan.removed.length > 0) {
    notes.push(
      settings.prune
        ? `# Prune would delete: ${outcome.wouldPrune.map(describeRef).join(', ') || 'nothing'}`
        : `# No longer in the manifests (kept: prune is off): ${plan.removed.map(describeRef).join(', ')}`,
    );
  }
  if (!lastGood) notes.push(`# Release ${settings.releaseName} has no earlier successful release.`);
  // kubectl diff masks a Secret's data; anything else that carries a value (stringData on an
  // older server, an annotation, a failed mask) is hidden here, so no file or summary holds one.
  const secrets = [...plan.objects, ...(plan.migration ? [plan.migration] : [])].flatMap((o) => [
    ...secretValues(o.object),
    ...secretValues(o.live),
  ]);
  const diff = redact(`${notes.join('\n')}${notes.length > 0 ? '\n' : ''}${result.stdout}`, secrets);
  await mkdir(path.dirname(settings.diffPath), { recursive: true });
  await writeFile(settings.diffPath, diff, { mode: 0o600 });
  outcome.diff = diff;
  outcome.diffPath = settings.diffPath;
  const matches =
    result.exitCode === 0 && plan.objects.every((o) => !o.deferred) && outcome.wouldPrune.length === 0;
  logger.info(
    matches
      ? 'The cluster already matches the manifests.'
      : `The server-side diff is in ${settings.diffPath}${outcome.wouldPrune.length > 0 ? `; prune would delete ${outcome.wouldPrune.length} object(s)` : ''}.`,
  );
}
