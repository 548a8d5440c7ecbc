import type { Manifest } from './manifests.js';

/** A Kubernetes label selector (matchLabels and matchExpressions). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

/** Whether labels satisfy a selector, as the API server decides it (an empty selector matches all). */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpression = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels[key];
    switch (operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
  return byLabel && byExpression;
}

export interface PodTemplate {
  owner: string;
  labels: Record<string, string>;
  /** Named container ports, e.g. `http` → 8080. */
  ports: Map<string, number>;
}

interface Template {
  metadata?: { labels?: Record<string, string> };
  spec?: { containers?: { ports?: { name?: string; containerPort: number }[] }[] };
}

/** The pod templates of workloads, Jobs and CronJobs, with their labels and named ports. */
export function podTemplates(docs: readonly Manifest[]): PodTemplate[] {
  return docs.flatMap((doc) => {
    const spec = doc.spec as
      | { template?: Template; jobTemplate?: { spec?: { template?: Template } } }
      | undefined;
    const template = doc.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template : spec?.template;
    if (!template) return [];
    const ports = new Map<string, number>();
    for (const container of template.spec?.containers ?? []) {
      for (const port of container.ports ?? []) if (port.name) ports.set(port.name, port.containerPort);
    }
    return [{ owner: `${doc.kind}/${doc.metadata.name}`, labels: template.metadata?.labels ?? {}, ports }];
  });
}
