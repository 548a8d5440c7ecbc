import { parseArgs } from 'node:util';
import type { SandboxOptions } from './sandbox.js';

const USAGE = `Usage: npm run sandbox -- --state-dir DIR [--time-scale 0.05] [--without-kubernetes]
  [--region us-east-1] [--cluster-name sandbox] [--extra-cluster NAME]... [--account-id 123456789012] [--stop-on-stdin-close]`;

/** Turns the command line into sandbox options; throws one sentence per bad flag. */
export function parseSandboxArgs(argv: string[]): SandboxOptions & { stopOnStdinClose: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      'state-dir': { type: 'string' },
      'time-scale': { type: 'string', default: '0.05' },
      'without-kubernetes': { type: 'boolean', default: false },
      region: { type: 'string', default: 'us-east-1' },
      'cluster-name': { type: 'string', default: 'sandbox' },
      'extra-cluster': { type: 'string', multiple: true, default: [] },
      'account-id': { type: 'string', default: '123456789012' },
      'stop-on-stdin-close': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values['state-dir']) throw new Error(`--state-dir is required.\n${USAGE}`);
  const timeScale = Number(values['time-scale']);
  if (!(timeScale > 0 && timeScale <= 1)) {
    throw new Error(`--time-scale must be a number above 0 and at most 1, got '${values['time-scale']}'.`);
  }
  if (!/^\d{12}$/.test(values['account-id'])) {
    throw new Error(`--account-id must be 12 digits, got '${values['account-id']}'.`);
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(values.region)) {
    throw new Error(`--region must look like us-east-1, got '${values.region}'.`);
  }
  const clusterNamePattern = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;
  if (!clusterNamePattern.test(values['cluster-name'])) {
    throw new Error(
      `--cluster-name must be an EKS cluster name (letters, digits, - and _), got '${values['cluster-name']}'.`,
    );
  }
  const extraClusters = values['extra-cluster'];
  for (const name of extraClusters) {
    if (!clusterNamePattern.test(name)) {
      throw new Error(
        `--extra-cluster must be an EKS cluster name (letters, digits, - and _), got '${name}'.`,
      );
    }
  }
  const allNames = [values['cluster-name'], ...extraClusters];
  if (new Set(allNames).size !== allNames.length) {
    throw new Error(`Cluster names must differ, got ${allNames.join(', ')}.`);
  }
  return {
    stateDir: values['state-dir'],
    timeScale,
    kubernetes: !values['without-kubernetes'],
    region: values.region,
    clusterName: values['cluster-name'],
    extraClusters,
    accountId: values['account-id'],
    stopOnStdinClose: values['stop-on-stdin-close'],
  };
}
