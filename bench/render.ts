/**
 * bench/render: time to render 5,000 manifest documents (the design's number: under 1 s).
 * The set is what a large platform looks like: multi-container Deployments (init container,
 * probes, resources, env, comments), each with a Service and an HPA.
 * Run: npm run bench:render [-- DOCUMENTS]
 */
import { performance } from 'node:perf_hooks';
import { renderManifests } from '../src/manifests/render.js';
import { resetSerializeCounts, serializeCounts } from '../src/manifests/serialize.js';

const documents = Number(process.argv[2] ?? 5000);
const apps = Math.ceil(documents / 3);

function app(index: number): string {
  const name = `svc-${index}`;
  return `# ${name}: the application's API tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: { app.kubernetes.io/name: ${name}, app.kubernetes.io/part-of: platform }
spec:
  replicas: 3 # the HPA owns this after the first deploy
  selector:
    matchLabels: { app.kubernetes.io/name: ${name} }
  template:
    metadata:
      labels: { app.kubernetes.io/name: ${name} }
    spec:
      serviceAccountName: ${name}
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      initContainers:
        - name: wait-for-db
          image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/api:previous
          command: ["php", "artisan", "db:wait"]
      containers:
        - name: php-fpm
          image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/api:previous
          ports: [{ containerPort: 9000, name: fpm }]
          envFrom: [{ configMapRef: { name: platform-config } }, { secretRef: { name: platform-secrets } }]
          env:
            - { name: APP_ENV, value: production }
            - { name: LOG_CHANNEL, value: stderr }
          resources:
            requests: { cpu: 250m, memory: 256Mi }
            limits: { cpu: "1", memory: 512Mi }
          readinessProbe: { tcpSocket: { port: fpm }, periodSeconds: 5 }
          livenessProbe: { tcpSocket: { port: fpm }, periodSeconds: 10 }
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
        - name: nginx
          image: registry.local:5000/platform/nginx:1.27 # sidecar
          ports: [{ containerPort: 8080, name: http }]
          resources:
            requests: { cpu: 50m, memory: 64Mi }
            limits: { cpu: 200m, memory: 128Mi }
          readinessProbe: { httpGet: { path: /healthz, port: http } }
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: { app.kubernetes.io/name: ${name} }
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${name} }
  minReplicas: 2
  maxReplicas: 20
  metrics:
    - type: Resource
      resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }
`;
}

// One file per 50 applications, as a repository would hold them.
const sources = [];
for (let start = 0; start < apps; start += 50) {
  const texts = [];
  for (let index = start; index < Math.min(start + 50, apps); index++) texts.push(app(index));
  sources.push({ name: `k8s/apps-${start}.yaml`, text: texts.join('---\n') });
}
const options = {
  images: new Map([['platform/api', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/api:4f2c1e9']]),
  namespace: 'platform',
  traceability: {
    tag: '4f2c1e9',
    commit: '4f2c1e9',
    runUrl: 'https://github.com/org/platform/actions/runs/42',
  },
};

renderManifests(sources.slice(0, 2), options); // warm up the JIT on a small set
const bytes = sources.reduce((sum, source) => sum + source.text.length, 0);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const walls: number[] = [];
const cpus: number[] = [];
for (let run = 1; run <= runs; run++) {
  resetSerializeCounts();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = renderManifests(sources, options);
  const wall = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  walls.push(wall);
  cpus.push((cpu.user + cpu.system) / 1000);
  console.log(
    `run ${run}: rendered ${result.objects.length} documents (${(bytes / 1e6).toFixed(1)} MB of YAML, ${result.imageChanges.length} image changes, ${result.replicasHandovers.length} replica handovers) in ${wall.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`,
  );
}
// Every edited document is read back and compared (serialize.ts); a fallback here is a text-editor bug.
const { asWritten, textEdited, documentApi, textEditsRejected } = serializeCounts();
console.log(
  `per run: ${textEdited} text-edited and read back, ${asWritten} unedited, ${documentApi} through the Document API (${textEditsRejected} of them after a rejected text edit)`,
);
// Other work on a shared machine only ever adds time, so the fastest run is the best estimate.
console.log(
  `render ${documents} documents: best ${Math.min(...walls).toFixed(0)} ms wall, ${Math.min(...cpus).toFixed(0)} ms CPU (target < 1000 ms; on a busy machine wall time includes waiting for a core)`,
);
