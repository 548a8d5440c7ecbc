import { createStore, startApiServer } from './apiserver/index.js';
import { startControllers } from './controllers/index.js';
import type { ImagePullCheck, TokenAuthenticator } from './kube/contract.js';

export interface ClusterOptions {
  tls: { cert: string; key: string };
  authenticate: TokenAuthenticator;
  imagePullCheck: ImagePullCheck;
  auditLogPath: string;
  timeScale: number;
}

export interface ClusterHandle {
  /** https://127.0.0.1:PORT of the simulated API server. */
  url: string;
  adminUrl: string;
  close(): Promise<void>;
}

/**
 * Starts the simulated Kubernetes cluster as kube/contract.ts describes: one object store, the
 * controllers and kubelets writing to it, and the API server kubectl talks to.
 */
export async function startCluster(options: ClusterOptions): Promise<ClusterHandle> {
  const store = createStore();
  const controllers = startControllers({
    store,
    imagePullCheck: options.imagePullCheck,
    timeScale: options.timeScale,
  });
  try {
    const api = await startApiServer({
      store,
      podLogs: controllers.podLogs,
      tls: options.tls,
      authenticate: options.authenticate,
      auditLogPath: options.auditLogPath,
    });
    return {
      url: api.url,
      adminUrl: api.adminUrl,
      close: async () => {
        await api.close();
        controllers.stop();
      },
    };
  } catch (error) {
    controllers.stop();
    throw error;
  }
}
