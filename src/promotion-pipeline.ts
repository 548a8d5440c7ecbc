import { connectCluster } from './cluster/connect.js';
import type { Inputs } from './inputs.js';
import type { PipelineDeps, PipelineResult } from './pipeline-types.js';

/**
 * The action's run for `action: promote` / `reject`: the cluster, then the release waiting for
 * promotion continued (deploy/promotion.ts). Nothing is built or rendered: what is promoted is
 * the waiting release's recorded manifest, and what a reject restores is the last good one's.
 */
export async function runPromotion(
  inputs: Inputs,
  deps: PipelineDeps,
  result: PipelineResult,
  timed: <T>(name: string, work: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const { logger, env } = deps;
  const action = inputs.action === 'reject' ? 'reject' : 'promote';
  const cluster = await timed('Cluster', () =>
    connectCluster(inputs, {
      kubectl: deps.runner,
      logger,
      env,
      eks: deps.eks,
      context: deps.context,
      kubeconfigSource: deps.kubeconfigSource,
    }),
  );
  result.cluster = cluster;
  if (cluster?.written) deps.onCleanup?.({ kubeconfigPath: cluster.kubeconfigPath });
  if (!cluster) {
    throw new Error(
      `Input 'action' is ${action}, but no cluster was given. Expected 'cluster-name' or 'kubeconfig' (or KUBECONFIG) naming the cluster of the release to ${action}.`,
    );
  }
  const releaseName = inputs.releaseName;
  if (releaseName === undefined) {
    throw new Error(
      "Input 'release-name' is empty and GITHUB_REPOSITORY is not set. Expected the name of the release to continue.",
    );
  }
  const [{ continueRelease }, { Kubectl }, { KubeApi }, { lockOwner }, { runUrlFromEnv }] = await Promise.all(
    [
      import('./deploy/promotion.js'),
      import('./deploy/kubectl.js'),
      import('./deploy/kube-api.js'),
      import('./deploy/release-lock.js'),
      import('./manifests/annotations.js'),
    ],
  );
  const kubectl = new Kubectl({
    runner: deps.runner,
    kubeconfig: cluster.kubeconfigPath,
    context: deps.context,
    env,
    logger,
    signal: deps.signal,
  });
  const api = await KubeApi.start(kubectl);
  try {
    const namespace = inputs.namespace ?? (await kubectl.contextNamespace()) ?? 'default';
    const runUrl = runUrlFromEnv(env);
    const outcome = await continueRelease(
      {
        action,
        releaseName,
        namespace,
        rolloutTimeoutMs: inputs.rolloutTimeoutMs,
        rolloutSettleMs: inputs.rolloutSettleMs,
        crashloopRestarts: inputs.crashloopRestarts,
        lockTimeoutMs: inputs.lockTimeoutMs,
        prune: inputs.prune,
        historyLimit: inputs.historyLimit,
        ...(runUrl !== undefined ? { runUrl } : {}),
      },
      {
        kubectl,
        api,
        logger,
        signal: deps.signal ?? new AbortController().signal,
        lockOwner: lockOwner(env),
        // The post step releases a lock this run still holds (a main step killed before its end).
        onLock: (held) =>
          deps.onCleanup?.({
            lock: held ? { ...held, kubeconfig: cluster.kubeconfigPath, context: deps.context } : null,
          }),
      },
    );
    result.deploy = outcome;
    result.result = outcome.result;
    result.verdict = outcome.verdict;
  } finally {
    await api.close();
  }
}
