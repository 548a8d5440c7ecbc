import type { PipelineResult } from '../pipeline.js';

/** The job summary of a run, as markdown: what was built or reused, where, and what was rendered. */
export function runSummary(result: PipelineResult): string {
  const lines = ['## k8s-deploy-action', ''];
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
  const kinds = countKinds(result.render.objects.map((object) => object.kind));
  lines.push(`Rendered ${result.render.objects.length} object(s): ${kinds}.`, '');
  const changes = result.render.imageChanges;
  if (changes.length > 0) {
    lines.push('| Workload | Container | Image |', '| --- | --- | --- |');
    for (const change of changes)
      lines.push(`| ${change.workload} | ${change.container} | \`${change.to}\` |`);
    lines.push('');
  }
  lines.push(
    result.applied
      ? 'The manifests were applied.'
      : '**Nothing was applied to the cluster**: this version of the action builds, connects and renders only.',
  );
  return `${lines.join('\n')}\n`;
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
