/** Names of what the main step saves for the post step (core.saveState / core.getState). */
export const STATE = { registry: 'registry', kubeconfig: 'kubeconfig' } as const;
