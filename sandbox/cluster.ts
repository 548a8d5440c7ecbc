import type {
  ApiServerHandle,
  ApiServerOptions,
  ControllerHandle,
  ControllerOptions,
  ImagePullCheck,
  ObjectStore,
  TokenAuthenticator,
} from './kube/contract.js';

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

interface ApiServerModule {
  createStore(): ObjectStore;
  startApiServer(options: ApiServerOptions): Promise<ApiServerHandle>;
}
interface ControllersModule {
  startControllers(options: ControllerOptions): ControllerHandle;
}

// The simulated API server and controllers are built on their own branches against
// kube/contract.ts; they are loaded by path so that this file compiles before they are merged.
const API_SERVER_MODULE = './apiserver/index.js';
const CONTROLLERS_MODULE = './controllers/index.js';

/** Starts the simulated Kubernetes cluster: object store, controllers/kubelet, API server. */
export async function startCluster(options: ClusterOptions): Promise<ClusterHandle> {
  const { createStore, startApiServer } = (await import(API_SERVER_MODULE)) as ApiServerModule;
  const { startControllers } = (await import(CONTROLLERS_MODULE)) as ControllersModule;
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
