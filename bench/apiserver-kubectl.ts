/**
 * How long real kubectl takes against the simulated API server for N Deployments in one file:
 * server-side apply (create), a server-side diff, an apply that changes every image, and a list.
 * Usage: npx tsx bench/apiserver-kubectl.ts [deployments=50]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCluster } from '../sandbox/apiserver/test-support.js';

const [count = 50] = process.argv.slice(2).map(Number);
const cluster = await startTestCluster();

function manifests(image: string): string {
  return Array.from({ length: count }, (_, i) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      `metadata: {name: svc-${i}, labels: {app: svc-${i}}}`,
      'spec:',
      '  replicas: 2',
      `  selector: {matchLabels: {app: svc-${i}}}`,
      '  template:',
      `    metadata: {labels: {app: svc-${i}}}`,
      '    spec:',
      `      containers: [{name: app, image: "${image}", ports: [{containerPort: 8080}], env: [{name: A, value: "1"}]}]`,
    ].join('\n'),
  ).join('\n---\n');
}

async function timed(label: string, args: string[], file?: string, text?: string): Promise<void> {
  if (file && text) writeFileSync(file, text);
  const started = performance.now();
  const result = await cluster.kubectlResult(args);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(`${label}: ${seconds} s (exit ${result.code})`);
}

const v1 = join(cluster.dir, 'v1.yaml');
const v2 = join(cluster.dir, 'v2.yaml');
await timed(
  `apply --server-side, ${count} new Deployments`,
  ['apply', '--server-side', '-f', v1],
  v1,
  manifests('app:1'),
);
await timed(
  `diff --server-side, ${count} changed`,
  ['diff', '--server-side', '-f', v2],
  v2,
  manifests('app:2'),
);
await timed(`apply --server-side, ${count} changed`, ['apply', '--server-side', '-f', v2]);
await timed(`get deployments (${count})`, ['get', 'deployments']);
await cluster.stop();
