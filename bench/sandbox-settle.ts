/**
 * How long the simulated controllers take to settle N Deployments applied at once.
 * Usage: npx tsx bench/sandbox-settle.ts [deployments=50] [replicas=2] [timeScale=0.05]
 * (The store and controllers directly, as sandbox/controllers/test-support.ts starts them; that
 * module imports @jest/globals, which cannot be loaded outside jest.)
 */
import { createHash } from 'node:crypto';
import { createStore } from '../sandbox/apiserver/store.js';
import { startControllers } from '../sandbox/controllers/index.js';
import { resolveKinds } from '../sandbox/controllers/kinds.js';
import type { ImagePullCheck, KubeObject } from '../sandbox/kube/contract.js';

const [count = 50, replicas = 2, timeScale = 0.05] = process.argv.slice(2).map(Number);
const store = createStore();
const deployments = resolveKinds(store).Deployment;
// Every image pulls, with a digest of its name.
const imagePullCheck: ImagePullCheck = async (image) => ({
  ok: true,
  digest: `sha256:${createHash('sha256').update(image).digest('hex')}`,
});
const controllers = startControllers({ store, imagePullCheck, timeScale });
const names = Array.from({ length: count }, (_, i) => `svc-${i}`);
const started = performance.now();
for (const name of names) {
  const object: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'app', image: `registry.local/${name}:1`, readinessProbe: { initialDelaySeconds: 5 } },
          ],
        },
      },
    },
  };
  store.create(object);
}
// What `kubectl rollout status` waits for: the spec observed, every replica updated and available.
const settledOne = (name: string): boolean => {
  // biome-ignore lint/suspicious/noExplicitAny: a stored object, read as JSON
  const d = store.get(deployments, 'default', name) as any;
  const status = d?.status ?? {};
  return (
    (status.observedGeneration ?? 0) >= (d?.metadata?.generation ?? 1) &&
    (status.updatedReplicas ?? 0) >= replicas &&
    (status.replicas ?? 0) === (status.updatedReplicas ?? 0) &&
    (status.availableReplicas ?? 0) >= replicas
  );
};
// Poll like a client would, so the measurement is not dominated by checking after every write.
while (!names.every(settledOne)) await new Promise((resolve) => setTimeout(resolve, 20));
const settled = performance.now() - started;
const writes = store.resourceVersion;
console.log(
  `${count} Deployments x ${replicas} replicas (timeScale ${timeScale}, readiness delay 5 s simulated = ${5 * timeScale} s): ` +
    `settled in ${(settled / 1000).toFixed(2)} s, ${writes} store writes`,
);
// A settled sandbox must be quiet: no controller keeps rewriting what it already wrote.
await new Promise((resolve) => setTimeout(resolve, 1000));
console.log(`store writes in the second after settling: ${store.resourceVersion - writes}`);
controllers.stop();
