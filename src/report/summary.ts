import { describeRef } from '../deploy/objects.js';
import type { PipelineResult } from '../pipeline.js';

const HEADLINES = {
  success: '✅ Deployed',
  'dry-run': '📝 Dry run: nothing was changed',
  'rolled-back': '↩️ Failed and rolled back',
  failed: '❌ Failed',
} as const;

/** The job summary of a run, as markdown: the verdict first, then what each phase did. */
export function runSummary(result: PipelineResult): string {
  const deploy = result.deploy;
  const lines = [`## ${headline(result)}`, ''];
  if (result.verdict) lines.push(quote(result.verdict), '');
  const names = Object.keys(result.images);
  if (names.length > 0) {
    lines.push('| Image | Reference | |', '| --- | --- | --- |');
    for (const name of names) {
      const built = result.built.includes(name);
      lines.push(
        `| \`${name}\` | \`${result.images[name]}\` | ${built ? 'built and pushed' : 'reused from ECR'} |`,
      );
    }
    lines.push('');
  }
  if (result.cluster) {
    const version = result.cluster.serverVersion ? `, Kubernetes ${result.cluster.serverVersion}` : '';
    lines.push(`Cluster: connected through ${describeSource(result.cluster.source)}${version}.`, '');
  }
  if (result.render) {
    lines.push(
      `Rendered ${result.render.objects.length} object(s): ${countKinds(result.render.objects.map((o) => o.kind))}.`,
      '',
    );
  }
  if (deploy) {
    if (deploy.release !== undefined) {
      lines.push(
        `Release v${deploy.release}${deploy.previousRelease !== undefined && deploy.previousRelease !== deploy.release ? ` (replacing v${deploy.previousRelease})` : ''}${deploy.unchanged ? ': already deployed, nothing changed' : ''}.`,
        '',
      );
    }
    const counts = { create: 0, update: 0, unchanged: 0 };
    for (const change of deploy.changes) counts[change.change]++;
    if (deploy.changes.length > 0) {
      lines.push(
        `Plan: ${counts.create} to create, ${counts.update} to change, ${counts.unchanged} unchanged.`,
        '',
      );
    }
    const migration = deploy.migration;
    if (migration) {
      lines.push(
        `Migration: Job \`${migration.job.name}\` ${migration.status === 'skipped' ? 'already completed for this tag (not run again)' : migration.status} in ${(migration.durationMs / 1000).toFixed(1)} s.`,
        '',
      );
    }
    const workloads = deploy.verify?.workloads ?? [];
    if (workloads.length > 0) {
      lines.push('| Workload | Rollout | Time |', '| --- | --- | --- |');
      for (const workload of workloads) {
        const time = workload.durationMs !== undefined ? `${(workload.durationMs / 1000).toFixed(1)} s` : '';
        lines.push(
          `| ${describeRef(workload.ref)} | ${workload.state}: ${escapeCell(workload.summary)} | ${time} |`,
        );
      }
      lines.push('');
      const failed = workloads.find((w) => w.state === 'failed');
      if (failed?.events?.length || failed?.logs?.length) {
        lines.push('<details><summary>Events and last log lines of the failing pod</summary>', '', '```');
        lines.push(
          ...(failed.events ?? []),
          ...(failed.logs?.length ? ['--- log', ...failed.logs] : []),
          '```',
          '</details>',
          '',
        );
      }
    }
    const rollback = deploy.rollback;
    if (rollback) {
      lines.push(
        `Rollback to v${rollback.to}: restored ${rollback.restored.length}, deleted ${rollback.deleted.length} created object(s)${rollback.kept.length > 0 ? `, kept ${rollback.kept.map(describeRef).join(', ')}` : ''}; ${rollback.verify?.ok ? 'verified' : (rollback.problem ?? 'not verified')}.`,
        '',
      );
    }
    if (deploy.pruned.length > 0) lines.push(`Pruned: ${deploy.pruned.map(describeRef).join(', ')}.`, '');
    if (deploy.diff !== undefined) {
      lines.push(
        '<details><summary>Server-side diff</summary>',
        '',
        '```diff',
        deploy.diff.trimEnd() || '(no changes)',
        '```',
        '</details>',
        '',
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function headline(result: PipelineResult): string {
  if (result.result === 'success' && !result.deploy)
    return '✅ Rendered (no cluster given: nothing deployed)';
  return HEADLINES[result.result];
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function describeSource(source: 'eks' | 'input' | 'environment'): string {
  if (source === 'eks') return 'EKS with exec-plugin tokens';
  return source === 'input' ? "the 'kubeconfig' input" : 'KUBECONFIG';
}

function countKinds(kinds: string[]): string {
  const counts = new Map<string, number>();
  for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts].map(([kind, count]) => `${count} ${kind}`).join(', ') || 'none';
}
