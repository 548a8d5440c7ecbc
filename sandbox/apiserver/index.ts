/** The simulated Kubernetes API server: the store controllers write to, and the HTTPS front kubectl talks to. */
export { createStore, MemoryStore, StoreError } from './store.js';
