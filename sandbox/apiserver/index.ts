/** The simulated Kubernetes API server: the store controllers write to, and the HTTPS front kubectl talks to. */
export { startApiServer } from './server.js';
export { createStore, MemoryStore, StoreError } from './store.js';
