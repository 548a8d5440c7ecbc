import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnsupportedConstruct } from './errors.js';
import { evaluateValue } from './expressions.js';
import { rehearse } from './harness.js';
import { loadWorkflow } from './workflow.js';

// The harness on small workflows of `run:` steps: no sandbox needed. The rehearsal of the real
// deploy.yml against the sandbox is __tests__/workflows/rehearsal.test.ts.

let dir: string;
const github = { sha: 'a'.repeat(40), repository: 'acme/upload-platform' };
const sandboxEnv = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  SANDBOX_GITHUB_TOKEN: 'ghs_w',
  SANDBOX_GITHUB_READONLY_TOKEN: 'ghs_r',
};

async function workflow(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rehearsal-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const graph = `
on:
  workflow_call:
    inputs:
      targets: { type: string, required: true }
      greeting: { type: string, default: hello }
    outputs:
      first: { value: "\${{ jobs.first.outputs.word }}" }
      last: { value: "\${{ jobs.last.outputs.seen }}" }
jobs:
  first:
    runs-on: ubuntu-latest
    outputs:
      word: \${{ steps.say.outputs.word }}
    steps:
      - id: say
        env:
          GREETING: \${{ inputs.greeting }}
        run: echo "word=$GREETING" >> "$GITHUB_OUTPUT"
  fan:
    needs: first
    environment: { name: prod, url: "https://\${{ matrix.target.cluster }}.example" }
    strategy:
      fail-fast: false
      max-parallel: 1
      matrix:
        target: \${{ fromJSON(inputs.targets) }}
    outputs:
      cluster: \${{ steps.leg.outputs.cluster }}
    steps:
      - id: leg
        env:
          CLUSTER: \${{ matrix.target.cluster }}
          WORD: \${{ needs.first.outputs.word }}
          ROLE: \${{ vars.ROLE }}
        run: |
          test "$WORD" = hello
          echo "cluster=$CLUSTER" >> "$GITHUB_OUTPUT"
          echo "role=$ROLE"
  last:
    needs: [first, fan]
    outputs:
      seen: \${{ steps.s.outputs.seen }}
    steps:
      - id: s
        env:
          FAN: \${{ needs.fan.result }}
        run: echo "seen=$FAN" >> "$GITHUB_OUTPUT"
  after-failure:
    needs: fan
    if: failure()
    steps:
      - run: echo cleaning up
`;

describe('the rehearsal harness', () => {
  it('runs the job graph in needs order, fans out a matrix, passes outputs as strings and asks again for each wave of max-parallel', async () => {
    const asked: string[] = [];
    const run = await rehearse({
      workflow: await workflow('graph.yml', graph),
      inputs: { targets: JSON.stringify([{ cluster: 'one' }, { cluster: 'two' }]) },
      sandboxEnv,
      github,
      vars: { ROLE: 'repo-role' },
      environments: { prod: { vars: { ROLE: 'prod-role' } } },
      approve: (environment, request) => {
        asked.push(`${environment}:${request.job}`);
        return true;
      },
    });
    expect(run.result).toBe('success');
    // max-parallel 1: the second leg starts after the first answer and waits for the environment again.
    expect(asked).toEqual(['prod:fan', 'prod:fan']);
    expect(run.jobs.fan?.legs.map((leg) => [leg.name, leg.result, leg.environment?.url])).toEqual([
      ['fan (one)', 'success', 'https://one.example'],
      ['fan (two)', 'success', 'https://two.example'],
    ]);
    expect(run.jobs.fan?.legs[0]?.steps[0]?.log).toContain('role=prod-role');
    expect(run.jobs.fan?.strategy).toEqual({ failFast: false, maxParallel: 1 });
    expect(run.outputs).toEqual({ first: 'hello', last: 'success' });
    expect(run.jobs['after-failure']?.result).toBe('skipped');
    const order = run.timeline.filter((event) => event.event === 'job-started').map((event) => event.job);
    expect(order).toEqual(['first', 'fan', 'last']);
  });

  it('fails a rejected job without running its steps and skips its dependents; failure() jobs still run', async () => {
    const run = await rehearse({
      workflow: await workflow('graph.yml', graph),
      inputs: { targets: JSON.stringify([{ cluster: 'one' }, { cluster: 'two' }]) },
      sandboxEnv,
      github,
      approve: () => false,
    });
    expect(run.result).toBe('failure');
    expect(run.jobs.fan?.result).toBe('failure');
    expect(
      run.jobs.fan?.legs.every((leg) => leg.steps.length === 0 && leg.environment?.approved === false),
    ).toBe(true);
    expect(run.jobs.last?.result).toBe('skipped');
    expect(run.jobs['after-failure']?.result).toBe('success');
    expect(run.outputs).toEqual({ first: 'hello', last: '' });
  });

  it('refuses a missing required input and an input the workflow does not declare, as GitHub does', async () => {
    const path = await workflow('graph.yml', graph);
    const base = { workflow: path, sandboxEnv, github, approve: () => true };
    await expect(rehearse({ ...base, inputs: {} })).rejects.toThrow(
      'Input required and not supplied: targets',
    );
    await expect(rehearse({ ...base, inputs: { targets: '[]', nope: 'x' } })).rejects.toThrow(
      'Invalid input, nope is not defined in the referenced workflow.',
    );
  });

  it.each([
    [
      'a job key',
      'jobs:\n  a:\n    container: node:20\n    steps: [{ run: "true" }]',
      "jobs.a: 'container' is not supported",
    ],
    [
      'a step key',
      'jobs:\n  a:\n    steps: [{ run: "true", timeout-minutes: 3 }]',
      "'timeout-minutes' is not supported",
    ],
    [
      'another trigger',
      'jobs:\n  a:\n    steps: [{ run: "true" }]',
      'on: must be workflow_call alone',
      'on: [workflow_call, push]',
    ],
    [
      'a matrix include',
      'jobs:\n  a:\n    strategy: { matrix: { x: [1], include: [{ x: 2 }] } }\n    steps: [{ run: "true" }]',
      "'include' is not supported",
    ],
    [
      'a called workflow',
      'jobs:\n  a:\n    uses: ./.github/workflows/other.yml',
      "'uses' (a job calling another reusable workflow)",
    ],
    [
      'a shell other than bash',
      'jobs:\n  a:\n    steps: [{ run: "true", shell: pwsh }]',
      "shell 'pwsh' is not supported",
    ],
  ])('refuses %s loudly at load', async (_, jobs, message, on = 'on: workflow_call') => {
    await expect(loadWorkflow(await workflow('bad.yml', `${on}\n${jobs}\n`))).rejects.toThrow(message);
  });

  it.each([
    ['an unknown action', 'uses: docker/login-action@v3', "'uses: docker/login-action@v3' is not supported"],
    [
      'a github property it does not provide',
      `run: echo "$X"\n        env: { X: "\${{ github.workflow }}" }`,
      "'github.workflow' is not provided",
    ],
    ['an unknown context', `run: echo "$X"\n        env: { X: "\${{ runner.os }}" }`, 'cannot evaluate'],
    [
      'an array turned into text',
      `run: echo "$X"\n        env: { X: "a\${{ fromJSON('[1]') }}" }`,
      "which GitHub would turn into the text 'Array'",
    ],
  ])('refuses %s loudly when it runs', async (_, step, message) => {
    const path = await workflow(
      'bad-step.yml',
      `on: workflow_call\njobs:\n  a:\n    steps:\n      - ${step}\n`,
    );
    await expect(
      rehearse({ workflow: path, inputs: {}, sandboxEnv, github, approve: () => true }),
    ).rejects.toThrow(UnsupportedConstruct);
    await expect(
      rehearse({ workflow: path, inputs: {}, sandboxEnv, github, approve: () => true }),
    ).rejects.toThrow(message);
  });

  it('evaluates a whole-value expression to its type and text around expressions to a string', () => {
    const contexts = { inputs: { targets: '[{"cluster":"a"}]', name: 'api' } };
    expect(evaluateValue(`\${{ fromJSON(inputs.targets) }}`, contexts, 'x')).toEqual([{ cluster: 'a' }]);
    expect(evaluateValue(`deploy-\${{ inputs.name }}-staging`, contexts, 'x')).toBe('deploy-api-staging');
    expect(evaluateValue(`\${{ inputs.missing || 'none' }}`, contexts, 'x')).toBe('none');
  });

  it('loads the fixture copy of deploy.yml with every construct supported', async () => {
    const fixture = await loadWorkflow(fileURLToPath(new URL('fixtures/deploy.yml', import.meta.url)));
    expect(Object.keys(fixture.jobs)).toEqual([
      'build',
      'deploy-staging',
      'plan-production',
      'deploy-production',
    ]);
  });
});
