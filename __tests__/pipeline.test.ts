import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseInputs } from '../src/inputs.js';
import { StreamLogger } from '../src/log.js';
import { renderOutputPath, runPipeline } from '../src/pipeline.js';
import { NodeProcessRunner } from '../src/process.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'pipeline-'));
  await mkdir(path.join(root, 'repo', 'deploy'), { recursive: true });
  await writeFile(
    path.join(root, 'repo', 'deploy', 'app.yaml'),
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: hunter2\n',
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('runPipeline', () => {
  it('writes the rendered manifests to $RUNNER_TEMP/k8s-deploy/rendered.yaml, readable by the owner only, and deploys nothing without a cluster', async () => {
    const env = { GITHUB_WORKSPACE: path.join(root, 'repo'), RUNNER_TEMP: path.join(root, 'tmp') };
    const inputs = parseInputs((name) => ({ manifests: 'deploy', namespace: 'prod' })[name] ?? '', env);
    const lines: string[] = [];
    const result = await runPipeline(inputs, {
      runner: new NodeProcessRunner(),
      logger: new StreamLogger((line) => lines.push(line)),
      env,
    });
    expect(result.manifestsPath).toBe(path.join(root, 'tmp', 'k8s-deploy', 'rendered.yaml'));
    const written = result.manifestsPath ?? '';
    expect(await readFile(written, 'utf8')).toContain('namespace: prod');
    expect((await stat(written)).mode & 0o077).toBe(0);
    expect(result.result).toBe('success');
    expect(result.deploy).toBeUndefined();
    expect(lines).toContain(`Rendered 1 object(s) to ${written}.`);
  });

  it('returns a failed result with one sentence, instead of throwing, when migration-job names no Job', async () => {
    const env = { GITHUB_WORKSPACE: path.join(root, 'repo'), RUNNER_TEMP: path.join(root, 'tmp') };
    const inputs = parseInputs(
      (name) => ({ manifests: 'deploy', 'migration-job': 'migrate' })[name] ?? '',
      env,
    );
    const result = await runPipeline(inputs, {
      runner: new NodeProcessRunner(),
      logger: new StreamLogger(() => {}),
      env,
    });
    expect(result.result).toBe('failed');
    expect(result.verdict).toMatch(
      /^Input 'migration-job' is "migrate", but the manifests hold no Job of that name/,
    );
    expect(result.verdict).toContain('Nothing was changed in the cluster.');
  });

  it('cancelled while a phase waits on a service: stops there, and the verdict names the phase and says nothing changed', async () => {
    const env = { GITHUB_WORKSPACE: path.join(root, 'repo'), RUNNER_TEMP: path.join(root, 'tmp') };
    const inputs = parseInputs(
      (name) => ({ manifests: 'deploy', 'cluster-name': 'prod', 'aws-region': 'eu-west-1' })[name] ?? '',
      env,
    );
    const cancel = new AbortController();
    // DescribeCluster never answers; the run's abort ends the request, as the SDK's handler does.
    const eks = async () =>
      ({
        send: () =>
          new Promise((_resolve, reject) =>
            cancel.signal.addEventListener('abort', () =>
              reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })),
            ),
          ),
      }) as never;
    setTimeout(() => cancel.abort(), 50);
    const result = await runPipeline(inputs, {
      runner: new NodeProcessRunner(),
      logger: new StreamLogger(() => {}),
      env,
      eks,
      signal: cancel.signal,
    });
    expect(result).toMatchObject({ result: 'failed', cancelled: true, images: {}, built: [] });
    expect(result.verdict).toBe(
      "The run was cancelled during 'Cluster': eks:DescribeCluster on cluster 'prod' in eu-west-1 was cancelled. Nothing was changed in the cluster.",
    );
    expect(result.phases.map((phase) => [phase.name, phase.outcome])).toEqual([
      ['Check manifests', 'done'],
      ['Cluster', 'cancelled'],
    ]);
  });

  it('carries the manifest location of a render error as a field, for the annotation', async () => {
    const workspace = path.join(root, 'dupes');
    await mkdir(workspace, { recursive: true });
    const map = (value: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\ndata:\n  v: "${value}"\n`;
    await writeFile(path.join(workspace, 'a.yaml'), `${map('1')}---\n${map('2')}`);
    const env = { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: path.join(root, 'tmp-dupes') };
    const inputs = parseInputs((name) => ({ manifests: 'a.yaml' })[name] ?? '', env);
    const result = await runPipeline(inputs, {
      runner: new NodeProcessRunner(),
      logger: new StreamLogger(() => {}),
      env,
    });
    expect(result.result).toBe('failed');
    expect(result.failedAt).toMatchObject({ source: 'a.yaml', line: 8 });
  });

  it('falls back to the OS temp dir outside a runner', () => {
    expect(renderOutputPath({})).toBe(path.join(os.tmpdir(), 'k8s-deploy', 'rendered.yaml'));
  });
});
