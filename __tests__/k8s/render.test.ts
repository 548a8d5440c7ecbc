import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { autoscaledWorkloads } from './autoscaling.js';
import { containerImages } from './images.js';
import { type Manifest, parseManifests } from './manifests.js';
import { policyViolations } from './policy.js';
import { validateManifests } from './validate.js';

// The reference deployment as the action deploys it: rendered by the action's own `render`
// command (run as a process), with every image replaced by an ECR reference.
const OVERLAYS = ['k8s/overlays/staging', 'k8s/overlays/production'];
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const IMAGES: Record<string, string> = {
  'laravel-app': `${ECR}/laravel-app:4f2c1e9@${DIGEST}`,
  frontend: `${ECR}/frontend:4f2c1e9@${DIGEST}`,
  'nginxinc/nginx-unprivileged': `${ECR}/mirror/nginx-unprivileged:1.27-alpine`,
};
// An image that matches no container is an error, so postgres is only offered where it runs.
const OVERLAY_IMAGES: Record<string, Record<string, string>> = {
  'k8s/overlays/staging': { ...IMAGES, postgres: `${ECR}/mirror/postgres:17-alpine` },
  'k8s/overlays/production': IMAGES,
};
const TSX_LOADER = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href;

function render(overlay: string): Manifest[] {
  const imageArgs = Object.entries(OVERLAY_IMAGES[overlay]).flatMap(([name, ref]) => [
    '--image',
    `${name}=${ref}`,
  ]);
  const stdout = execFileSync(
    process.execPath,
    ['--import', TSX_LOADER, 'src/cli.ts', 'render', '--manifests', overlay, ...imageArgs],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, GITHUB_SHA: '4f2c1e9', GITHUB_WORKSPACE: process.cwd() },
    },
  );
  return parseManifests(stdout);
}

describe.each(OVERLAYS)('%s rendered by the action', (overlay) => {
  let docs: Manifest[];
  beforeAll(() => {
    docs = render(overlay);
  });

  it('validates against the Kubernetes and CRD schemas', () => {
    expect(docs.length).toBeGreaterThan(20);
    expect(validateManifests(docs)).toEqual([]);
  });

  it('keeps every pod spec within the security, probe and resource policy', () => {
    expect(policyViolations(docs)).toEqual([]);
  });

  it('points every container at an ECR reference', () => {
    const images = containerImages(docs).map((container) => container.image);
    expect(images.length).toBeGreaterThan(4);
    for (const image of images) expect(image.startsWith(`${ECR}/`)).toBe(true);
  });

  it('leaves replicas out of every workload an autoscaler manages', () => {
    const autoscaled = autoscaledWorkloads(docs);
    expect(autoscaled.map((doc) => doc.metadata.name).sort()).toEqual(['api', 'frontend', 'worker']);
    for (const workload of autoscaled) {
      expect({
        name: workload.metadata.name,
        replicas: (workload.spec as { replicas?: number }).replicas,
      }).toEqual({
        name: workload.metadata.name,
        replicas: undefined,
      });
    }
  });

  it('records the commit on every Deployment for rollout history', () => {
    for (const doc of docs.filter((candidate) => candidate.kind === 'Deployment')) {
      expect(doc.metadata.annotations?.['kubernetes.io/change-cause']).toContain('4f2c1e9');
    }
  });
});
