import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { bundledCliCommand, writeKubeconfig } from '../../src/cluster/kubeconfig.js';
import { cleanUp } from '../../src/post.js';
import { RecordingLogger, RecordingRunner } from '../fakes.js';

const root = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function fakeDist(): string {
  const dir = mkdtempSync(join(root, 'dist-'));
  mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'index.js'), '');
  writeFileSync(join(dir, 'dist', 'cli', 'index.js'), '');
  return join(dir, 'dist');
}

describe('bundledCliCommand', () => {
  it('finds dist/cli/index.js next to the action bundle dist/index.js, run by this node', () => {
    const dist = fakeDist();
    expect(bundledCliCommand(join(dist, 'index.js'), '/usr/local/bin/node')).toEqual({
      command: '/usr/local/bin/node',
      args: [join(dist, 'cli', 'index.js')],
    });
  });

  it('uses the CLI bundle itself when the CLI is what runs', () => {
    const dist = fakeDist();
    expect(bundledCliCommand(join(dist, 'cli', 'index.js'), 'node').args).toEqual([
      join(dist, 'cli', 'index.js'),
    ]);
  });

  it('fails clearly when the CLI bundle is missing', () => {
    const dir = mkdtempSync(join(root, 'nodist-'));
    expect(() => bundledCliCommand(join(dir, 'index.js'))).toThrow(
      `The k8s-deploy CLI bundle is missing at ${join(dir, 'cli', 'index.js')}; kubectl needs it to get EKS tokens.`,
    );
  });
});

describe('cleanUp (post step)', () => {
  it('logs docker out and removes the kubeconfig this run wrote, folder included', async () => {
    const path = await writeKubeconfig(mkdtempSync(join(root, 'runner-temp-')), 'kind: Config\n');
    const docker = new RecordingRunner();
    await cleanUp(
      { registry: 'reg.example:5000', kubeconfigPath: path },
      { docker, logger: new RecordingLogger() },
    );
    expect(docker.calls()).toEqual([['logout', 'reg.example:5000']]);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(path, '..'))).toBe(false);
  });

  it('removes the EKS token cache a killed main step left beside the kubeconfig', async () => {
    const path = await writeKubeconfig(mkdtempSync(join(root, 'runner-temp-')), 'kind: Config\n');
    const cache = join(path, '..', 'eks-tokens');
    mkdirSync(cache, { mode: 0o700 });
    writeFileSync(join(cache, 'entry.json'), '{"token":"k8s-aws-v1.secret"}', { mode: 0o600 });
    await cleanUp({ kubeconfigPath: path }, { docker: new RecordingRunner(), logger: new RecordingLogger() });
    expect(existsSync(cache)).toBe(false);
    expect(existsSync(join(path, '..'))).toBe(false);
  });

  it('warns instead of failing when docker logout fails', async () => {
    const docker = new RecordingRunner().on(['docker', 'logout'], { exitCode: 1, stderr: 'not logged in' });
    const logger = new RecordingLogger();
    await cleanUp({ registry: 'reg.example' }, { docker, logger });
    expect(logger.messages()).toEqual(['warning: docker logout reg.example failed (exit 1): not logged in']);
  });
});
