// The Node runtimes the start-up figures are taken on: the one running the bench (Node 20 in
// CI and here) and Node 24 (the action's `node24`), from the npm registry's node-linux-<arch>
// package installed with --ignore-scripts into a prefix, as .ci/run's install_node does it.
// BENCH_NODE24=/path/to/node uses a given one instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NODE24_VERSION = '24.21.0';

export interface Runtime {
  label: string;
  node: string;
  version: string;
}

function versionOf(node: string): string {
  return spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

/** Node 24 from BENCH_NODE24, or installed once under the temp folder; undefined with the reason printed. */
export function node24(): Runtime | undefined {
  const arch = process.arch === 'arm64' ? 'arm64' : process.arch === 'x64' ? 'x64' : undefined;
  let node = process.env.BENCH_NODE24;
  if (!node) {
    if (!arch) {
      console.log(`no Node ${NODE24_VERSION} package for ${process.arch}: Node 24 figures skipped`);
      return undefined;
    }
    const prefix = join(tmpdir(), 'k8s-deploy-bench-runtimes', `node-${NODE24_VERSION}`);
    node = join(prefix, 'node_modules', `node-linux-${arch}`, 'bin', 'node');
    if (!existsSync(node)) {
      console.log(`installing Node ${NODE24_VERSION} (npm package node-linux-${arch}) into ${prefix}…`);
      const installed = spawnSync(
        'npm',
        [
          'install',
          '--prefix',
          prefix,
          '--no-save',
          '--no-audit',
          '--no-fund',
          '--ignore-scripts',
          '--loglevel=error',
          `node-linux-${arch}@${NODE24_VERSION}`,
        ],
        { stdio: 'inherit' },
      );
      if (installed.status !== 0) {
        console.log(`npm could not install node-linux-${arch}@${NODE24_VERSION}: Node 24 figures skipped`);
        return undefined;
      }
    }
  }
  const version = versionOf(node);
  if (!version.startsWith('v24.')) {
    console.log(`${node} is ${version || 'not a working node'}, not Node 24: Node 24 figures skipped`);
    return undefined;
  }
  return { label: 'Node 24', node, version };
}

/** The runtime running the bench, and Node 24 when it is another. */
export function runtimes(): Runtime[] {
  const own: Runtime = {
    label: `Node ${process.versions.node.split('.')[0]}`,
    node: process.execPath,
    version: process.version,
  };
  if (process.versions.node.startsWith('24.')) return [own];
  const other = node24();
  return other ? [own, other] : [own];
}
