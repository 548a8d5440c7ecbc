import pkg from '../package.json' with { type: 'json' };

/** This release's version (package.json), which `k8s-deploy --version` prints. */
export const VERSION: string = pkg.version;
