import { parseAllDocuments } from 'yaml';
import { type RenderOptions, renderManifests } from '../../src/manifests/render.js';

/** Renders one in-memory file and returns the output and its objects as plain data. */
export function render(text: string, options: RenderOptions = {}, name = 'app.yaml') {
  const result = renderManifests([{ name, text }], options);
  // biome-ignore lint/suspicious/noExplicitAny: tests reach deep into arbitrary Kubernetes objects
  const objects = parseAllDocuments(result.yaml).map((document) => document.toJS() as Record<string, any>);
  return { result, objects };
}

export function images(entries: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(entries));
}

/** The error message renderManifests throws, or a failure when it does not throw. */
export function renderError(text: string, options: RenderOptions = {}, name = 'app.yaml'): string {
  try {
    renderManifests([{ name, text }], options);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected rendering to fail');
}

export function deployment(name: string, image: string, extra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 3
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: main
          image: ${image}
${extra}`;
}
