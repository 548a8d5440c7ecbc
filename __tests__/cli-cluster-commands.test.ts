import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { interruptible } from '../src/cli/cluster.js';
import type { CliCommand } from '../src/cli/command.js';
import {
  deployCommand,
  diffCommand,
  exitCodeOf,
  parseDeployArgs,
  verdictLine,
  wouldChange,
} from '../src/cli/deploy.js';
import { formatHistory, historyCommand, historyJson, lockLines } from '../src/cli/history.js';
import { parseRollbackArgs, rollbackCommand } from '../src/cli/rollback.js';
import { unlockCommand } from '../src/cli/unlock.js';
import type { DeployOutcome } from '../src/deploy/engine.js';
import { RollbackError, rollbackTarget } from '../src/deploy/history.js';
import type { HistoryEntry, ReleaseRecord } from '../src/deploy/release.js';
import { StreamLogger } from '../src/log.js';
import type { PipelineResult } from '../src/pipeline.js';
import { RecordingRunner } from './fakes.js';

// Every command in process, with a runner that records what it would start: a usage error must be
// found before kubectl (or anything else) runs.
async function run(
  make: (deps: { runner: RecordingRunner; interrupts: () => () => void }) => CliCommand,
  args: string[],
  env: NodeJS.ProcessEnv = {},
) {
  const runner = new RecordingRunner();
  let stdout = '';
  let stderr = '';
  const code = await make({ runner, interrupts: () => () => {} }).run(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
  });
  return { code, stdout, stderr, processes: runner.events.length };
}

const M = ['--manifests', 'k8s', '--release-name', 'shop'];

describe('k8s-deploy deploy and diff: the command line', () => {
  it.each([
    [[], /^error: Option --manifests is required\. Usage: k8s-deploy deploy --manifests PATH/],
    [[...M, '--force'], /^error: Unknown option --force\. Usage: k8s-deploy deploy /],
    [[...M, 'extra'], /^error: Unexpected argument "extra"\./],
    [[...M, '--image', 'api'], /^error: Option --image "api" is not NAME=REF;/],
    [
      [...M, '--rollout-timeout', 'ten'],
      /^error: Invalid value "ten" for option --rollout-timeout\. Expected a duration/,
    ],
    [[...M, '--migration-timeout', '0s'], /^error: Invalid value "0s" for option --migration-timeout\./],
    [
      [...M, '--crashloop-restarts', 'many'],
      /^error: Invalid value "many" for option --crashloop-restarts\. Expected a whole number from 0 to 1000\./,
    ],
    [
      [...M, '--history-limit', '0'],
      /^error: Invalid value "0" for option --history-limit\. Expected a whole number from 1 to 100\./,
    ],
    [
      [...M, '--namespace', 'Bad_NS'],
      /^error: Invalid value "Bad_NS" for option --namespace\. Expected a DNS-1123 label/,
    ],
    [
      ['--manifests', 'k8s', '--release-name', 'Shop_1'],
      /^error: Invalid value "Shop_1" for option --release-name\./,
    ],
    [
      [...M, '--migration-job', 'Not A Job'],
      /^error: Invalid value "Not A Job" for option --migration-job\./,
    ],
    [['--manifests', 'k8s'], /^error: Option --release-name is required when GITHUB_REPOSITORY is not set/],
    [[...M, '--rollout-timeout'], /^error: Option --rollout-timeout needs a value\./],
  ])('deploy %j is a usage error: exit 2, one line on stderr, nothing started', async (args, message) => {
    const result = await run(deployCommand, args);
    expect(result).toMatchObject({ code: 2, stdout: '', processes: 0 });
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  // diff takes what plans the set; what only a real deploy does is refused, not silently ignored.
  it.each([['--dry-run'], ['--no-rollback'], ['--rollout-timeout', '5m'], ['--history-limit', '3']])(
    'diff refuses %s with its own usage line',
    async (...flag) => {
      const result = await run(diffCommand, [...M, ...flag]);
      expect(result).toMatchObject({ code: 2, stdout: '', processes: 0 });
      expect(result.stderr).toMatch(
        new RegExp(`^error: Unknown option ${flag[0]}\\. Usage: k8s-deploy diff `),
      );
    },
  );

  it('records --commit as the commit (and the tag), or the one tag all --image references share', () => {
    const base = ['--manifests', 'k8s', '--release-name', 'shop'];
    const withCommit = parseDeployArgs([...base, '--commit', 'abc1234def'], {}, 'deploy');
    expect(withCommit).toMatchObject({ commit: 'abc1234def', inputs: { tag: 'abc1234def' } });
    const shared = parseDeployArgs(
      [...base, '--image', 'api=r.io/api:1.4.2', '--image', 'web=r.io/web:1.4.2'],
      {},
      'deploy',
    );
    expect(shared.inputs.tag).toBe('1.4.2');
    const mixed = parseDeployArgs(
      [...base, '--image', 'api=r.io/api:1', '--image', 'web=r.io/web:2'],
      {},
      'deploy',
    );
    expect(mixed.inputs.tag).toBeUndefined();
    expect(parseDeployArgs([...base, '--tag', 'rc1', '--commit', 'abc1234'], {}, 'deploy').inputs.tag).toBe(
      'rc1',
    );
    expect(() => parseDeployArgs([...base, '--commit', 'main'], {}, 'deploy')).toThrow(
      'Option --commit "main" is not a commit SHA; expected 7 to 40 hexadecimal digits, such as $(git rev-parse HEAD).',
    );
  });

  it('takes --policy and --policy-skip as the action takes policy and policy-skip, and refuses an unknown rule', () => {
    const base = ['--manifests', 'k8s', '--release-name', 'shop'];
    expect(parseDeployArgs(base, {}, 'deploy').inputs).toMatchObject({ policy: 'warn', policySkip: [] });
    const set = parseDeployArgs(
      [...base, '--policy', 'enforce', '--policy-skip', 'resources', '--policy-skip', 'host-path'],
      {},
      'diff',
    );
    expect(set.inputs).toMatchObject({ policy: 'enforce', policySkip: ['resources', 'host-path'] });
    expect(() => parseDeployArgs([...base, '--policy', 'strict'], {}, 'deploy')).toThrow(/policy/);
    expect(() => parseDeployArgs([...base, '--policy-skip', 'no-such-rule'], {}, 'deploy')).toThrow(
      /no-such-rule/,
    );
  });

  it('turns every flag into the input of the same name, with the action defaults for the rest', () => {
    const parsed = parseDeployArgs(
      [
        ...['--manifests', 'k8s/base', '--manifests', 'k8s/{api,web}.yaml', '--release-name', 'shop'],
        ...[
          '--image',
          'api=r.io/api:1',
          '--image',
          `web=r.io/web@sha256:${'a'.repeat(64)}`,
          '--namespace',
          'prod',
        ],
        ...['--migration-job', 'migrate', '--rollout-timeout', '90s', '--crashloop-restarts', '0'],
        ...['--no-rollback', '--prune', '--history-limit', '3', '--context', 'staging', '--kubeconfig', '/k'],
        ...['--lock-timeout', '0'],
      ],
      { GITHUB_SHA: '4f2c1e9' },
      'deploy',
    );
    expect(parsed.inputs).toMatchObject({
      manifests: ['k8s/base', 'k8s/{api,web}.yaml'],
      images: [],
      tag: '4f2c1e9',
      namespace: 'prod',
      releaseName: 'shop',
      migrationJob: 'migrate',
      migrationTimeoutMs: 600_000,
      rolloutTimeoutMs: 90_000,
      crashloopRestarts: 0,
      rollback: false,
      prune: true,
      dryRun: false,
      historyLimit: 3,
      lockTimeoutMs: 0,
    });
    expect([...parsed.images]).toEqual([
      ['api', 'r.io/api:1'],
      ['web', `r.io/web@sha256:${'a'.repeat(64)}`],
    ]);
    expect(parsed).toMatchObject({ context: 'staging', kubeconfig: '/k' });
  });

  it('rolls back by default, names the release after GITHUB_REPOSITORY as the action does, and diff is always a dry run', () => {
    const deploy = parseDeployArgs(
      ['--manifests', 'k8s'],
      { GITHUB_REPOSITORY: 'acme/Upload_Platform' },
      'deploy',
    );
    expect(deploy.inputs).toMatchObject({
      rollback: true,
      prune: false,
      dryRun: false,
      releaseName: 'upload-platform',
    });
    expect(parseDeployArgs(M, {}, 'diff').inputs.dryRun).toBe(true);
    expect(parseDeployArgs([...M, '--dry-run'], {}, 'deploy').inputs.dryRun).toBe(true);
  });
});

describe('deploy: verdict line and exit code', () => {
  const outcome = (extra: Partial<DeployOutcome>): DeployOutcome => ({
    result: 'success',
    releaseName: 'shop',
    unchanged: false,
    nothingChanged: false,
    cancelled: false,
    changes: [],
    pruned: [],
    pruneKept: [],
    phases: [],
    kubectlProcesses: 0,
    secretValues: [],
    notVerified: [],
    ...extra,
  });
  const result = (
    name: PipelineResult['result'],
    deploy?: Partial<DeployOutcome>,
    verdict?: string,
  ): PipelineResult => ({
    result: name,
    verdict,
    images: {},
    built: [],
    cluster: undefined,
    phases: [],
    cancelled: false,
    ...(deploy ? { deploy: outcome({ result: name, ...deploy }) } : {}),
  });
  const api = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', namespace: 'prod' };

  it.each([
    [result('success', { release: 4 }), false, 0, 'success: release shop v4 deployed and verified.'],
    [
      result('success', {
        release: 5,
        verify: {
          ok: true,
          workloads: [
            {
              ref: api,
              state: 'current',
              summary: 'paused (allow-paused): its new pod template is not rolled out',
              notRolledOut: true,
            },
          ],
          updateRevisions: new Map(),
        },
      }),
      false,
      0,
      'success: release shop v5 deployed and verified, except Deployment prod/api (not rolled out: paused (allow-paused): its new pod template is not rolled out).',
    ],
    [
      result('success', {
        release: 6,
        notVerified: [
          {
            ref: { ...api, apiVersion: 'batch/v1', kind: 'CronJob', name: 'report' },
            why: 'its Jobs run at its schedule',
          },
        ],
      }),
      false,
      0,
      'success: release shop v6 deployed and verified; applied, not verified: CronJob prod/report (its Jobs run at its schedule).',
    ],
    [
      result('success', { release: 3, unchanged: true }),
      false,
      0,
      'success: release shop v3 already has these manifests; nothing changed.',
    ],
    [
      result('dry-run', { changes: [{ ref: api, change: 'update' }], diffPath: '/t/diff.txt' }),
      false,
      0,
      'dry-run: 1 object(s) would be created or changed; nothing was changed (the diff is in /t/diff.txt).',
    ],
    [result('failed', undefined, 'The cluster said no.'), false, 1, 'failed: The cluster said no.'],
    [
      result(
        'rolled-back',
        { rollback: { to: 2 } as DeployOutcome['rollback'] },
        'Deployment prod/api crash-loops.',
      ),
      false,
      3,
      'rolled back: Deployment prod/api crash-loops. Release v2 was restored.',
    ],
    // containerd's reason ends without a period: the next sentence must not run into it.
    [
      result(
        'rolled-back',
        { rollback: { to: 2 } as DeployOutcome['rollback'] },
        'Deployment prod/api cannot pull its image: r.io/api:x: not found',
      ),
      false,
      3,
      'rolled back: Deployment prod/api cannot pull its image: r.io/api:x: not found. Release v2 was restored.',
    ],
    // Ctrl-C wins over what the run made of it: the shell's convention for an interrupted command.
    [
      result(
        'rolled-back',
        { rollback: { to: 2 } as DeployOutcome['rollback'] },
        'Verification was cancelled.',
      ),
      true,
      130,
      'cancelled: Verification was cancelled.',
    ],
  ])('%#: ends with the verdict line and its exit code', (given, cancelled, code, line) => {
    expect(verdictLine(given, 'shop', cancelled)).toBe(line);
    expect(exitCodeOf(given, cancelled)).toBe(code);
  });

  it("diff counts as a change a planned create or update, a prune, or a line of kubectl's diff — not the engine's notes", () => {
    const notes =
      '# No longer in the manifests (kept: prune is off): ConfigMap prod/old\n# Release shop has no earlier successful release.\n';
    expect(
      wouldChange(result('dry-run', { diff: notes, changes: [{ ref: api, change: 'unchanged' }] })),
    ).toBe(false);
    expect(
      wouldChange(
        result('dry-run', {
          diff: `${notes}diff -u -N /tmp/LIVE/apps.v1.Deployment.prod.api /tmp/MERGED/x\n`,
        }),
      ),
    ).toBe(true);
    expect(wouldChange(result('dry-run', { changes: [{ ref: api, change: 'create' }] }))).toBe(true);
    expect(wouldChange(result('dry-run', { wouldPrune: [api] }))).toBe(true);
  });
});

describe('history and rollback: the command line', () => {
  it.each([
    [
      [],
      /^error: Option --release-name is required when GITHUB_REPOSITORY is not set .*Usage: k8s-deploy history /,
    ],
    [
      ['--release-name', 'shop', '--output', 'yaml'],
      /^error: Option --output "yaml" is not supported; expected --output json/,
    ],
    [['--release-name', 'Shop!'], /^error: Invalid value "Shop!" for option --release-name\./],
    [
      ['--release-name', 'shop', '--namespace', 'Prod'],
      /^error: Invalid value "Prod" for option --namespace\./,
    ],
    [['--release-name', 'shop', '--to', '3'], /^error: Unknown option --to\. Usage: k8s-deploy history /],
    [['shop'], /^error: Unexpected argument "shop"\./],
  ])('history %j is a usage error: exit 2, nothing started', async (args, message) => {
    const result = await run(historyCommand, args);
    expect(result).toMatchObject({ code: 2, stdout: '', processes: 0 });
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it.each([
    [
      ['--release-name', 'shop', '--to', 'latest'],
      /^error: Option --to "latest" is not a release number; expected e\.g\. --to 4/,
    ],
    [['--release-name', 'shop', '--to', '0'], /^error: Option --to "0" is not a release number;/],
    [
      ['--release-name', 'shop', '--rollout-timeout', '5'],
      /^error: Invalid value "5" for option --rollout-timeout\./,
    ],
    [
      ['--release-name', 'shop', '--lock-timeout', 'soon'],
      /^error: Invalid value "soon" for option --lock-timeout\. Expected a duration such as 30s or 5m, or 0/,
    ],
    [
      ['--to', '2'],
      /^error: Option --release-name is required when GITHUB_REPOSITORY is not set .*Usage: k8s-deploy rollback /,
    ],
    [
      ['--release-name', 'shop', '--output', 'json'],
      /^error: Unknown option --output\. Usage: k8s-deploy rollback /,
    ],
  ])('rollback %j is a usage error: exit 2, nothing started', async (args, message) => {
    const result = await run(rollbackCommand, args);
    expect(result).toMatchObject({ code: 2, stdout: '', processes: 0 });
    expect(result.stderr).toMatch(message);
  });

  it('reads --to as history shows it (v4) or as a number, leaves the namespace to the kubeconfig context, and defaults the timeout as the action', () => {
    expect(parseRollbackArgs(['--release-name', 'shop', '--to', 'v4'], {})).toEqual({
      releaseName: 'shop',
      namespace: undefined,
      to: 4,
      rolloutTimeoutMs: 600_000,
      crashloopRestarts: 2,
      lockTimeoutMs: 300_000,
      kubeconfig: undefined,
      context: undefined,
    });
    const parsed = parseRollbackArgs(['--to', '12', '--namespace', 'prod', '--context', 'eu'], {
      GITHUB_REPOSITORY: 'acme/shop',
    });
    expect(parsed).toMatchObject({ releaseName: 'shop', namespace: 'prod', to: 12, context: 'eu' });
    expect(parseRollbackArgs(['--release-name', 'shop'], {})).not.toHaveProperty('to');
  });
});

describe('deploy: where the verdict goes', () => {
  it('prints a failure as the last line on stderr, `error:` first, and nothing on stdout', async () => {
    const missing = path.join(os.tmpdir(), 'k8s-deploy-no-such-dir', 'kubeconfig');
    const result = await run(deployCommand, [...M, '--kubeconfig', missing]);
    expect(result).toMatchObject({ code: 1, stdout: '', processes: 0 });
    const last = result.stderr.trimEnd().split('\n').pop();
    expect(last).toMatch(/^error: failed: Option --kubeconfig names .*kubeconfig, which does not exist\./);
  });
});

describe('history and rollback: a kubeconfig that does not exist', () => {
  // kubectl itself would try localhost:8080 and report "the connection ... was refused".
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'cli-kubeconfig-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));
  const commands = [
    ['history', historyCommand],
    ['rollback', rollbackCommand],
  ] as const;

  it.each(commands)('%s names the --kubeconfig file, exit 1, starting nothing', async (_name, command) => {
    const file = path.join(home, 'missing.yaml');
    const result = await run(command, ['--release-name', 'shop', '--kubeconfig', file], { HOME: home });
    expect(result).toMatchObject({ code: 1, stdout: '', processes: 0 });
    expect(result.stderr).toBe(
      `error: Option --kubeconfig names ${file}, which does not exist. Expected the path of a kubeconfig file.\n`,
    );
  });

  it.each(commands)('%s names the KUBECONFIG files when none exists', async (_name, command) => {
    const files = [path.join(home, 'a.yaml'), path.join(home, 'b.yaml')].join(path.delimiter);
    const result = await run(command, ['--release-name', 'shop'], { HOME: home, KUBECONFIG: files });
    expect(result).toMatchObject({ code: 1, stdout: '', processes: 0 });
    expect(result.stderr).toBe(
      `error: KUBECONFIG names ${files}, which does not exist. Expected the path of a kubeconfig file there, or --kubeconfig PATH.\n`,
    );
  });

  it.each(commands)('%s names ~/.kube/config when nothing else is given', async (_name, command) => {
    const result = await run(command, ['--release-name', 'shop'], { HOME: home });
    expect(result).toMatchObject({ code: 1, stdout: '', processes: 0 });
    const config = path.join(home, '.kube', 'config');
    expect(result.stderr).toBe(
      `error: No kubeconfig: ${config} does not exist and neither --kubeconfig nor KUBECONFIG is given. Expected --kubeconfig PATH, KUBECONFIG or ${config}.\n`,
    );
  });

  it('goes on to kubectl when one file of KUBECONFIG exists, as kubectl reads the ones that do', async () => {
    const present = path.join(home, 'present.yaml');
    await writeFile(present, 'apiVersion: v1\nkind: Config\n');
    const runner = new RecordingRunner().on(['kubectl'], { exitCode: 1, stderr: 'error: no context' });
    const missingToo = [path.join(home, 'gone.yaml'), present].join(path.delimiter);
    let stderr = '';
    const code = await historyCommand({ runner, interrupts: () => () => {} }).run(
      ['--release-name', 'shop'],
      {
        stdout: () => {},
        stderr: (text) => {
          stderr += text;
        },
        env: { HOME: home, KUBECONFIG: missingToo },
      },
    );
    expect(code).toBe(1);
    expect(runner.calls('kubectl').length).toBeGreaterThan(0);
    expect(stderr).not.toMatch(/does not exist/);
  });
});

const record = (version: number, extra: Partial<ReleaseRecord> = {}): ReleaseRecord => ({
  name: 'shop',
  version,
  status: 'success',
  images: {},
  startedAt: `2025-03-0${version}T10:00:00.123Z`,
  finishedAt: `2025-03-0${version}T10:02:30.456Z`,
  manifest: `# manifest of v${version}\n`,
  objects: [],
  fingerprint: `f${version}`,
  ...extra,
});

describe('history: the table', () => {
  const entries: HistoryEntry[] = [
    {
      version: 5,
      record: record(5, {
        status: 'rolled-back',
        commit: '4f2c1e9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e',
        tag: '4f2c1e9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e',
        runUrl: 'https://github.com/acme/shop/actions/runs/42',
        reason: `Deployment prod/api is crash-looping: ${'x'.repeat(100)}\nlast log lines follow`,
      }),
    },
    {
      version: 4,
      problem:
        'Release record k8s-deploy.shop.v4 cannot be read (incorrect header check); it was changed by something other than this action.',
    },
    { version: 3, record: record(3, { tag: 'v1.2.0', reason: 'rollback to v1' }) },
    { version: 2, record: record(2) },
  ];
  const lines = formatHistory(entries).split('\n');

  it('has a header and one line per release, in the order given (newest first), columns aligned', () => {
    expect(lines).toHaveLength(entries.length + 2); // and the final newline
    expect(lines[0]).toMatch(/^VERSION +STATUS +TAG\/COMMIT +DEPLOYED AT +FINISHED +RUN +REASON$/);
    expect(lines.slice(1, 5).map((line) => line.split(' ')[0])).toEqual(['v5', 'v4', 'v3', 'v2']);
    const column = (title: string) => lines[0]?.indexOf(title);
    expect(lines[1]?.indexOf('2025-03-05 10:00:00Z')).toBe(column('DEPLOYED AT'));
    expect(lines[3]?.indexOf('2025-03-03 10:02:30Z')).toBe(column('FINISHED'));
    expect(lines[1]?.indexOf('https://github.com/acme/shop/actions/runs/42')).toBe(column('RUN'));
  });

  it('shows a commit SHA as its first 7 characters, a tag as it is, and - when there is neither', () => {
    expect(lines[1]).toMatch(/^v5 +rolled-back +4f2c1e9 +/);
    expect(lines[3]).toMatch(/^v3 +success +v1\.2\.0 +/);
    expect(lines[4]).toMatch(/^v2 +success +- +2025-03-02 10:00:00Z +2025-03-02 10:02:30Z +-$/);
  });

  it("keeps a reason's first line, cut to 80 characters, and shows why a record cannot be read", () => {
    const reason = lines[1]?.slice(lines[0]?.indexOf('REASON'));
    expect(reason).toBe(`Deployment prod/api is crash-looping: ${'x'.repeat(41)}…`);
    expect(reason).toHaveLength(80);
    expect(lines[2]).toMatch(
      /^v4 +unreadable +- +- +- +- +Release record k8s-deploy\.shop\.v4 cannot be read/,
    );
    expect(lines[3]).toMatch(/rollback to v1$/);
  });

  it('gives --output json the whole records without their manifests', () => {
    const json = JSON.parse(historyJson(entries));
    expect(json[0]).toMatchObject({
      version: 5,
      status: 'rolled-back',
      reason: expect.stringContaining('last log lines follow'),
    });
    expect(json[0]).not.toHaveProperty('manifest');
    expect(json[1]).toEqual({ version: 4, problem: expect.stringContaining('cannot be read') });
  });
});

describe('history: the lock under the table', () => {
  const now = Date.parse('2026-12-07T14:05:30Z');
  const lease = (spec: Record<string, unknown>, annotations: Record<string, string> = {}) => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'k8s-deploy.shop.lock', namespace: 'prod', annotations },
    spec,
  });

  it('names the holder, what it runs, since when, and when the lock expires unless renewed', () => {
    const text = lockLines(
      lease(
        {
          holderIdentity: 'https://github.com/acme/shop/actions/runs/42/attempts/1 job deploy (a1b2c3)',
          leaseDurationSeconds: 60,
          acquireTime: '2026-12-07T14:05:01.000000Z',
          renewTime: '2026-12-07T14:05:21.000000Z',
        },
        { 'k8s-deploy-action/operation': 'deploy' },
      ),
      [],
      now,
    );
    expect(text).toBe(
      'Lock: held by https://github.com/acme/shop/actions/runs/42/attempts/1 job deploy (a1b2c3), deploy since 2026-12-07 14:05:01Z, last renewed 2026-12-07 14:05:21Z; expires at 2026-12-07 14:06:21Z unless renewed.\n',
    );
  });

  it('says a lock whose holder stopped renewing has expired, and a released one is free', () => {
    const expired = lockLines(
      lease({
        holderIdentity: 'alice@laptop pid 7 (ffffff)',
        leaseDurationSeconds: 10,
        renewTime: '2026-12-07T14:00:00.000000Z',
      }),
      [],
      now,
    );
    expect(expired).toContain(
      'expired at 2026-12-07 14:00:10Z (its holder stopped renewing it; the next run takes it over)',
    );
    expect(lockLines(lease({ leaseDurationSeconds: 60 }), [], now)).toBe('Lock: free.\n');
    expect(lockLines(undefined, [], now)).toBe('Lock: free.\n');
  });

  it('lists each override by unlock noted on a record, with its version', () => {
    const text = lockLines(
      undefined,
      [{ version: 3, record: record(3), unlocks: ['2026-12-07 14:10:00Z bob@ops removed the lock of X'] }],
      now,
    );
    expect(text.split('\n')[1]).toBe(
      'Unlocked by hand: 2026-12-07 14:10:00Z bob@ops removed the lock of X (noted on v3).',
    );
  });
});

describe('unlock: the command line', () => {
  it.each([
    [
      ['--release-name', 'shop'],
      /^error: Option --holder is required: the exact holder of the lock, as k8s-deploy history shows it\. Usage: k8s-deploy unlock /,
    ],
    [['--release-name', 'shop', '--holder', ' '], /^error: Option --holder is required/],
    [
      ['--holder', 'x'],
      /^error: Option --release-name is required when GITHUB_REPOSITORY is not set .*Usage: k8s-deploy unlock /,
    ],
    [
      ['--release-name', 'shop', '--holder', 'x', '--force'],
      /^error: Unknown option --force\. Usage: k8s-deploy unlock /,
    ],
  ])('unlock %j is a usage error: exit 2, nothing started', async (args, message) => {
    const result = await run(unlockCommand, args);
    expect(result).toMatchObject({ code: 2, stdout: '', processes: 0 });
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('rollback: which release it restores', () => {
  const where = { releaseName: 'shop', namespace: 'prod' };
  const history: HistoryEntry[] = [
    { version: 6, record: record(6, { status: 'failed' }) },
    { version: 5, record: record(5, { status: 'rolled-back' }) },
    { version: 4, problem: 'unreadable' },
    { version: 3, record: record(3) },
    { version: 2, record: record(2) },
  ];

  it('defaults to the newest successful release before the latest one', () => {
    expect(rollbackTarget(history, where).version).toBe(3);
    // The latest, even successful, is what is being undone.
    expect(rollbackTarget([{ version: 3, record: record(3) }, ...history.slice(4)], where).version).toBe(2);
  });

  it('skips a migrate-only record on top: the deploy under it is what is undone', () => {
    const migratedOnTop: HistoryEntry[] = [
      { version: 4, record: record(4, { status: 'migrated', manifest: '', objects: [] }) },
      { version: 3, record: record(3) },
      { version: 2, record: record(2) },
    ];
    expect(rollbackTarget(migratedOnTop, where).version).toBe(2);
  });

  it('takes --to when that release exists and can be read', () => {
    expect(rollbackTarget(history, { ...where, to: 2 }).version).toBe(2);
  });

  it.each([
    [[], undefined, 'Release shop in namespace prod has no records: there is nothing to roll back to'],
    [history, 9, 'Release shop in namespace prod has no v9; expected one of v6, v5, v4, v3, v2'],
    [history, 4, 'Release shop in namespace prod: v4 cannot be restored. unreadable'],
    [
      history.slice(0, 2),
      undefined,
      'Release shop in namespace prod has no successful release before v6, so there is nothing to roll back to; expected --to N',
    ],
    [
      [{ version: 7, record: record(7, { status: 'migrated', manifest: '', objects: [] }) }, ...history],
      7,
      'Release shop in namespace prod: v7 is a migration only (migrations: only) and holds no manifests to re-apply, even with --force',
    ],
  ])('%#: refuses with one sentence when there is nothing to restore', (given, to, message) => {
    expect(() => rollbackTarget(given, { ...where, to })).toThrow(RollbackError);
    expect(() => rollbackTarget(given, { ...where, to })).toThrow(message);
  });
});

describe('Ctrl-C', () => {
  it('aborts the signal of the run once, says so, and removes its handlers when the run ends', async () => {
    let fire: (signal: string) => void = () => {};
    let removed = false;
    const logged: string[] = [];
    const aborted = await interruptible(
      {
        interrupts: (abort) => {
          fire = abort;
          return () => {
            removed = true;
          };
        },
      },
      new StreamLogger((line) => logged.push(line)),
      async (signal) => {
        expect(signal.aborted).toBe(false);
        fire('SIGINT');
        return signal.aborted;
      },
    );
    expect({ aborted, removed }).toEqual({ aborted: true, removed: true });
    expect(logged).toEqual(['Received SIGINT: cancelling (press Ctrl-C again to quit at once).']);
  });
});
