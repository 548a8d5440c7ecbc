import { createStore, startApiServer } from './apiserver/index.js';
import { installPlatformSecretStore } from './controllers/external-secrets.js';
import { startControllers } from './controllers/index.js';
import type { ImagePullCheck, RemoteSecrets, TokenAuthenticator } from './kube/contract.js';

export interface ClusterOptions {
  tls: { cert: string; key: string };
  authenticate: TokenAuthenticator;
  imagePullCheck: ImagePullCheck;
  auditLogPath: string;
  timeScale: number;
  /** The simulated AWS Secrets Manager that ExternalSecrets read. */
  remoteSecrets?: RemoteSecrets;
  /** The region of the platform's ClusterSecretStore. */
  region?: string;
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
  // The platform team's add-ons come with the cluster: ESO's store for AWS Secrets Manager.
  installPlatformSecretStore(store, options.region ?? 'us-east-1');
  const controllers = startControllers({
    store,
    imagePullCheck: options.imagePullCheck,
    timeScale: options.timeScale,
    remoteSecrets: options.remoteSecrets,
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
