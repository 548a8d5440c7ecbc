/** What the registry layer of a real API server does to some objects when they are created. */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../kube/contract.js';

/** The five characters appended to metadata.generateName. */
export function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

/**
 * What the Job registry does on create (unless spec.manualSelector): select the Job's pods by
 * its uid, and label the template so (`kubectl logs job/x` and the Job controller rely on it).
 */
export function generateJobSelector(job: KubeObject): void {
  const spec = job.spec as
    | {
        manualSelector?: boolean;
        selector?: unknown;
        template?: { metadata?: { labels?: Record<string, string> } };
      }
    | undefined;
  if (!spec || spec.manualSelector || !spec.template) return;
  const uid = job.metadata.uid ?? '';
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  spec.template.metadata = spec.template.metadata ?? {};
  spec.template.metadata.labels = {
    ...spec.template.metadata.labels,
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': job.metadata.name,
    'controller-uid': uid,
    'job-name': job.metadata.name,
  };
}
