import { podSpecPath } from './kinds.js';
import type { ManifestDocument } from './parse.js';

/** What a deploy run knows about itself, written onto each workload. */
export interface Traceability {
  /** The image tag deployed (the commit SHA unless the `tag` input says otherwise). */
  tag?: string;
  commit?: string;
  /** e.g. https://github.com/org/repo/actions/runs/123 */
  runUrl?: string;
}

export const ANNOTATION_PREFIX = 'k8s-deploy-action';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';

/** The run URL from the variables GitHub Actions sets, when all three are there. */
export function runUrlFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  if (!server || !repository || !runId) return undefined;
  return `${server.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}`;
}

export function changeCause(trace: Traceability): string | undefined {
  const what = [
    trace.tag !== undefined ? `tag ${trace.tag}` : undefined,
    trace.commit !== undefined && trace.commit !== trace.tag ? `commit ${trace.commit}` : undefined,
  ].filter(Boolean);
  if (what.length === 0 && trace.runUrl === undefined) return undefined;
  return `k8s-deploy-action deployed ${what.length > 0 ? what.join(', ') : 'manifests'}${
    trace.runUrl !== undefined ? ` in ${trace.runUrl}` : ''
  }`;
}

/**
 * Annotates each workload's own metadata. `kubectl rollout history` shows change-cause from
 * the ReplicaSet / ControllerRevision, which the controllers copy from the workload's
 * annotations. Nothing goes into the pod template: a value that changes every run (the run
 * URL) there would restart every pod on every deploy, even when nothing else changed; a new
 * image already changes the template when the code changes.
 */
export function annotateWorkloads(documents: readonly ManifestDocument[], trace: Traceability): void {
  const cause = changeCause(trace);
  if (cause === undefined) return;
  const annotations: Record<string, string> = {
    [CHANGE_CAUSE]: cause,
    ...(trace.tag !== undefined ? { [`${ANNOTATION_PREFIX}/tag`]: trace.tag } : {}),
    ...(trace.commit !== undefined ? { [`${ANNOTATION_PREFIX}/commit`]: trace.commit } : {}),
    ...(trace.runUrl !== undefined ? { [`${ANNOTATION_PREFIX}/run-url`]: trace.runUrl } : {}),
  };
  for (const manifest of documents) {
    if (podSpecPath(manifest.key) === undefined || manifest.key === '/PodTemplate') continue;
    for (const [key, value] of Object.entries(annotations)) {
      manifest.edits.push({ op: 'set', path: ['metadata', 'annotations', key], value });
    }
  }
}
