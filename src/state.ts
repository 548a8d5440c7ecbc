/** Names of what the main step saves for the post step (core.saveState / core.getState). */
export const STATE = {
  /** Set by the main step: when the same bundle runs again with it, it is the post step. */
  isPost: 'isPost',
  registry: 'registry',
  kubeconfig: 'kubeconfig',
  /** JSON of the release lock the main step holds (post.ts HeldLockAt); empty once released. */
  lock: 'lock',
} as const;
