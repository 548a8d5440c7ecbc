/**
 * How long the simulated controllers take to settle N Deployments applied at once.
 * Usage: npx tsx bench/sandbox-settle.ts [deployments=50] [replicas=2] [timeScale=0.05]
 */
import { container, deployment, rolloutStatusOf, startSandbox } from '../sandbox/controllers/test-support.js';

const [count = 50, replicas = 2, timeScale = 0.05] = process.argv.slice(2).map(Number);
const sandbox = startSandbox(timeScale);
const names = Array.from({ length: count }, (_, i) => `svc-${i}`);
const started = performance.now();
for (const name of names) {
  const app = {
    ...container('app', { image: `registry.local/${name}:1` }),
    readinessProbe: { initialDelaySeconds: 5 },
  };
  sandbox.apply(deployment(name, { replicas }, [app]));
}
// Poll like a client would, so the measurement is not dominated by checking after every write.
while (!names.every((n) => rolloutStatusOf(sandbox.get('Deployment', n)).done)) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const settled = performance.now() - started;
const writes = sandbox.store.resourceVersion;
console.log(
  `${count} Deployments x ${replicas} replicas (timeScale ${timeScale}, readiness delay 5 s simulated = ${5 * timeScale} s): ` +
    `settled in ${(settled / 1000).toFixed(2)} s, ${writes} store writes`,
);
// A settled sandbox must be quiet: no controller keeps rewriting what it already wrote.
await new Promise((resolve) => setTimeout(resolve, 1000));
console.log(`store writes in the second after settling: ${sandbox.store.resourceVersion - writes}`);
sandbox.stop();
