import { describe, expect, it } from '@jest/globals';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import type { DeployOutcome } from '../../src/deploy/engine.js';
import type { WorkloadResult } from '../../src/deploy/verify.js';
import type { RenderedObject } from '../../src/manifests/render.js';
import type { PipelineResult } from '../../src/pipeline.js';
import { failureAnnotation } from '../../src/report/annotations.js';
import { runSummary } from '../../src/report/summary.js';
import {
  API,
  crashLooping,
  current,
  MIGRATION_JOB,
  migrationLogs,
  NS,
  OUTCOMES,
  outcome,
  RENDERED,
  ref,
  rendered,
  run,
  T0,
  WORKER,
} from './summary-fixtures.js';

const firstLine = (markdown: string) => markdown.split('\n')[0];
/** The block of a summary that starts with `start`, up to the next heading or bold label. */
const section = (markdown: string, start: string) => {
  const from = markdown.indexOf(start);
  if (from < 0) return '';
  const rest = markdown.slice(from + start.length);
  const next = rest.search(/\n(#{2,4} |\*\*(Live now|Where)\*\*|- \*\*Release\*\*)/);
  return (start + (next < 0 ? rest : rest.slice(0, next))).trim();
};
const ganttTasks = (markdown: string) => {
  const block = /```mermaid\n([\s\S]*?)\n```/.exec(markdown)?.[1] ?? '';
  return block.split('\n').filter((line) => /^ {2}\S.* :/.test(line) && !line.startsWith('  section'));
};

describe('runSummary: the first line is the verdict', () => {
  it.each([
    ['success', OUTCOMES.success(), '## ✅ Deployed `upload-platform` v3 to `upload-staging`'],
    [
      'an unchanged re-deploy',
      OUTCOMES.unchanged(),
      '## ✅ Already deployed: `upload-platform` v3 in `upload-staging`, nothing changed',
    ],
    [
      'a failed plan',
      OUTCOMES.failedPlan(),
      '## ❌ `upload-platform` in `upload-staging` failed in the plan: nothing changed',
    ],
    [
      'a failed migration',
      OUTCOMES.failedMigration(),
      '## ↩️ `upload-platform` v3 in `upload-staging` failed in the migration and was rolled back to v2',
    ],
    [
      'a failed verify',
      OUTCOMES.rolledBack(),
      '## ↩️ `upload-platform` v3 in `upload-staging` failed in verification and was rolled back to v2',
    ],
    [
      'a failed first release',
      OUTCOMES.firstRelease(),
      '## ❌ `upload-platform` v1 in `upload-staging` failed in verification: the first release, nothing to roll back to',
    ],
    [
      'a dry run',
      OUTCOMES.dryRun(),
      '## 📝 Dry run of `upload-platform` in `upload-staging`: the cluster was not changed',
    ],
    [
      'a cancelled migration',
      OUTCOMES.cancelledMigration(),
      '## ⏹ `upload-platform` v3 in `upload-staging` was cancelled in the migration: the migration Job was left running, the workloads unchanged',
    ],
  ])('%s', (_, result, headline) => {
    expect(firstLine(runSummary(result))).toBe(headline);
  });

  it('says the run was cancelled before anything was built, and that nothing changed', () => {
    const result = run(undefined, {
      result: 'failed',
      cancelled: true,
      verdict: 'The run was cancelled before anything was built or applied.',
      images: {},
      built: [],
      render: undefined,
    });
    const summary = runSummary(result);
    expect(firstLine(summary)).toBe('## ⏹ The run was cancelled: nothing changed');
    expect(summary).toContain('> The run was cancelled before anything was built or applied.');
  });

  it('names the phase a run failed in before the deploy (the image build)', () => {
    const result = run(undefined, {
      result: 'failed',
      verdict: 'docker build failed for upload/api (exit code 1). Nothing was changed in the cluster.',
      images: {},
      built: [],
      render: undefined,
      phases: [
        { name: 'Check manifests', startedAt: T0, durationMs: 300, outcome: 'done' },
        { name: 'Cluster', startedAt: T0 + 300, durationMs: 800, outcome: 'done' },
        { name: 'Images', startedAt: T0 + 1_100, durationMs: 9_000, outcome: 'failed' },
      ],
    });
    expect(firstLine(runSummary(result))).toBe('## ❌ The run failed building the images: nothing changed');
  });

  it('says when the rollback was applied but did not verify', () => {
    const result = OUTCOMES.rolledBack();
    const rollback = result.deploy?.rollback;
    if (!rollback) throw new Error('fixture');
    rollback.verify = { ok: false, verdict: 'timed out', workloads: [], updateRevisions: new Map() };
    rollback.problem = 'The rollback to v2 did not verify: Deployment upload-staging/api timed out.';
    const summary = runSummary(result);
    expect(firstLine(summary)).toBe(
      '## ↩️ `upload-platform` v3 in `upload-staging` failed in verification and was rolled back to v2 (the rollback did not verify)',
    );
    expect(summary).toContain(
      '⚠️ applied but not verified: The rollback to v2 did not verify: Deployment upload-staging/api timed out.',
    );
  });
});

describe('runSummary: a successful deploy', () => {
  const summary = runSummary(OUTCOMES.success());

  it('says what changed and how long the rollout took, as the verdict sentence', () => {
    expect(summary.split('\n')[2]).toBe(
      '> 0 created, 2 changed, 1 unchanged; 2 workloads rolled out in 41.2 s.',
    );
  });

  it('names the release and the one it replaced', () => {
    expect(summary).toContain('- **Release**: v3 of `upload-platform`, replacing v2 (commit `a1b2c3d4e5f6`)');
  });

  it('lists each image with its tag and digest, built or reused', () => {
    // The registry host once, digests shortened (the outputs have them whole): it fits a screen.
    expect(summary).toContain(
      'Registry `123456789012.dkr.ecr.eu-west-1.amazonaws.com`:\n\n| Repository | Tag | Digest | Source |',
    );
    expect(summary).toContain('| `upload/api` | `3f2a1b9c` | `sha256:aaaaaaaaaaaa…` | built and pushed |');
    expect(summary).toContain(
      '| `upload/worker` | `3f2a1b9c` | `sha256:bbbbbbbbbbbb…` | reused from the registry |',
    );
  });

  it('gives the migration its duration and verdict', () => {
    expect(summary).toContain('✅ Job `upload-staging/migrate-3f2a1b9c` completed in 12.3 s.');
  });

  it('gives each workload ready/desired, its time and verdict', () => {
    expect(summary).toContain('| `Deployment upload-staging/api` | 3/3 | 41.2 s | ✅ rolled out |');
    expect(summary).toContain('| `Deployment upload-staging/worker` | 2/2 | 20.1 s | ✅ rolled out |');
  });

  it('says what was pruned and what was kept', () => {
    expect(summary).toContain('- **Pruned**: `ConfigMap upload-staging/old-flags`');
    expect(summary).toContain(
      '- **Not pruned** (they hold data): `PersistentVolumeClaim upload-staging/scratch`',
    );
  });

  it('draws every phase in a mermaid gantt, none of them critical', () => {
    expect(summary).toContain(
      '```mermaid\ngantt\n  dateFormat x\n  axisFormat %H:%M:%S\n  tickInterval 10second\n  todayMarker off\n',
    );
    const tasks = ganttTasks(summary);
    expect(tasks).toHaveLength(11);
    expect(tasks[0]).toBe(`  Check manifests 0.3 s :done, p0, ${T0}, 300ms`);
    expect(tasks.find((t) => t.startsWith('  Verify'))).toBe(
      `  Verify 41.2 s :done, p8, ${T0 + 57_300}, 41200ms`,
    );
    expect(tasks.join('\n')).not.toContain('crit');
    expect(summary).toContain('  section Prepare\n');
    expect(summary).toContain('  section Deploy\n');
  });

  it('writes task lines mermaid parses: no ":", "#" or ";" in a name, a start in ms and a duration', () => {
    for (const task of ganttTasks(summary)) {
      expect(task).toMatch(/^ {2}[^:#;%]+ :(done, |crit, |crit, active, )?p\d+, \d+, \d+ms$/);
    }
  });

  it('has no error annotation', () => {
    expect(failureAnnotation(OUTCOMES.success())).toBeUndefined();
  });
});

describe('runSummary: an unchanged re-deploy', () => {
  const summary = runSummary(OUTCOMES.unchanged());

  it('says nothing was applied, with no rollout table', () => {
    expect(summary).toContain(
      '> v3 already has exactly these manifests and the cluster matches them: nothing was applied.',
    );
    expect(summary).toContain('- **Release**: v3 of `upload-platform`, unchanged');
    expect(summary).not.toContain('### Rollout');
  });

  it('shows the reused images as reused', () => {
    expect(summary.match(/reused from the registry/g)).toHaveLength(2);
  });
});

describe('runSummary and failureAnnotation: a plan the cluster refused', () => {
  const result = OUTCOMES.failedPlan();
  const summary = runSummary(result);

  it('quotes the refusal and records no release', () => {
    expect(summary).toContain(
      '> The cluster refused the manifests in a server-side dry run, so nothing was changed:',
    );
    expect(summary).toContain('- **Release**: none recorded; v2 is still the latest');
  });

  it('marks the plan phase critical in the timeline', () => {
    expect(ganttTasks(summary).at(-1)).toMatch(/^ {2}Plan failed 2\.1 s :crit, p4, /);
  });

  it('annotates the manifest line the refusal names', () => {
    expect(failureAnnotation(result)).toEqual({
      message: result.verdict,
      file: 'k8s/app.yaml',
      startLine: 14,
    });
  });
});

describe('runSummary and failureAnnotation: a failed migration', () => {
  const result = OUTCOMES.failedMigration();
  const summary = runSummary(result);

  it('leads with the migration’s own error and its last log lines, open, under the verdict', () => {
    const why = section(summary, '### Why it failed');
    expect(why).toContain(
      '> The migration failed: Job upload-staging/migrate-3f2a1b9c failed with BackoffLimitExceeded',
    );
    expect(why).toContain(
      'The migration\'s own error: `ERROR: relation "uploads_checksum_idx" already exists`',
    );
    expect(why).toContain(
      `Last 3 log lines of pod migrate-3f2a1b9c-7kq2p, container migrate:\n\n\`\`\`text\n${migrationLogs.join('\n')}\n\`\`\``,
    );
    // Said once: the migration section below points up instead of repeating it.
    expect(summary.match(/BackoffLimitExceeded/g)).toHaveLength(1);
    expect(summary).toContain(
      '❌ Job `upload-staging/migrate-3f2a1b9c` failed after 8.4 s: the reason and its log are above.',
    );
    expect(summary).toContain(
      '- Pod `migrate-3f2a1b9c-7kq2p`, container `migrate`: **Failed** (last exit code 1)',
    );
  });

  it('says what is live, and that restoring manifests does not undo a schema change', () => {
    expect(section(summary, '**Live now**')).toMatch(
      /^\*\*Live now\*\*: ✅ v2 \(commit `a1b2c3d4e5f6`\) again: restored and verified\.\n\n_Restoring the manifests does not undo a schema change/,
    );
  });

  it('says the configuration was restored', () => {
    expect(summary).toContain(
      '### Rollback to v2\n\n✅ applied and verified\n\n- Restored as v2 declared them: `ConfigMap upload-staging/config`',
    );
  });

  it('annotates the migration Job where the manifests declare it, and the summary says the same place', () => {
    expect(failureAnnotation(result)).toMatchObject({ file: 'k8s/migrate.yaml', startLine: 3 });
    expect(summary).toContain('**Where**: `k8s/migrate.yaml:3`');
  });
});

describe('runSummary and failureAnnotation: a failed rollout, rolled back', () => {
  const result = OUTCOMES.rolledBack();
  const summary = runSummary(result);

  it('puts the failing workload first in the table, with its reason', () => {
    const rows = summary.split('\n').filter((line) => line.startsWith('| `Deployment'));
    expect(rows[0]).toBe('| `Deployment upload-staging/api` | 0/3 | 18.4 s | ❌ CrashLoopBackOff |');
    expect(rows[1]).toBe('| `Deployment upload-staging/worker` | 2/2 | 9.0 s | ✅ rolled out |');
  });

  it('reads in the order a person needs: what is live, why in the app’s own words, where, then the rest', () => {
    const order = [
      '## ↩️',
      '**Live now**',
      '### Why it failed',
      '**Where**',
      '### Images',
      '### Rollout',
      '### Rollback to v2',
      '### Timeline',
    ];
    const positions = order.map((heading) => summary.indexOf(heading));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(section(summary, '**Live now**')).toBe(
      '**Live now**: ✅ v2 (commit `a1b2c3d4e5f6`) again: restored and verified.',
    );
  });

  it('gives kubectl’s reason once, and the container’s last log lines open under it', () => {
    expect(summary.split(crashLooping.summary)).toHaveLength(2);
    expect(section(summary, '### Why it failed')).toContain(
      'Last 3 log lines of pod api-7d9c-xk2, container api, from before the last restart:\n\n```text\nstarting upload-api 3f2a1b9c\nError: DATABASE_URL is not set',
    );
    expect(summary).not.toContain('<details><summary>Last 3 log lines');
  });

  it('names the pod and container with its events collapsed, and where the workload is declared', () => {
    expect(summary).toContain('**Where**: `k8s/app.yaml:14`');
    expect(summary).toContain(
      '- Pod `api-7d9c-xk2`, container `api`: **CrashLoopBackOff** (restarted 4 times, last exit code 1)',
    );
    expect(summary).toContain('<details><summary>Events of api-7d9c-xk2 (1)</summary>');
  });

  it('says what the rollback restored, deleted and kept, and that it verified', () => {
    expect(summary).toContain('### Rollback to v2\n\n✅ applied and verified');
    expect(summary).toContain(
      '- Restored as v2 declared them: `Deployment upload-staging/api`, `Deployment upload-staging/worker`, `ConfigMap upload-staging/config`',
    );
    expect(summary).toContain('- Deleted (created by the failed run): `ConfigMap upload-staging/new-flags`');
    expect(summary).toContain(
      '- Kept (created by the failed run, may hold data): `PersistentVolumeClaim upload-staging/cache`',
    );
    expect(summary).toContain(
      '- **Release**: v3 of `upload-platform` recorded as rolled-back (v2 (commit `a1b2c3d4e5f6`) was live)',
    );
  });

  it('marks verify critical and the rollback done in the timeline', () => {
    const tasks = ganttTasks(summary);
    expect(tasks.find((t) => t.startsWith('  Verify'))).toMatch(/^ {2}Verify failed 18\.4 s :crit, /);
    expect(tasks.find((t) => t.startsWith('  Roll back'))).toMatch(/^ {2}Roll back 11\.0 s :done, /);
  });

  it('annotates the failing workload at its manifest line', () => {
    expect(failureAnnotation(result)).toEqual({
      message: crashLooping.summary,
      file: 'k8s/app.yaml',
      startLine: 14,
    });
  });
});

describe('runSummary: the manifests’ Secret values', () => {
  it('shows them as *** where a failing pod printed one, as the log does', () => {
    const secret: RenderedObject = {
      ...rendered('Secret', 'db', 'k8s/secret.yaml', 1),
      yaml: 'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: s3cr3t-db-pass\ndata:\n  token: dG9rZW4tZnJvbS1kYXRh\n',
    };
    const leaky = {
      ...crashLooping,
      logs: ['connecting as app:s3cr3t-db-pass', 'auth token-from-data refused'],
    };
    const base = OUTCOMES.rolledBack();
    const result = {
      ...base,
      render: { objects: [...RENDERED, secret], yaml: '', imageChanges: [], replicasHandovers: [] },
      deploy: { ...base.deploy, verify: { ...base.deploy?.verify, workloads: [leaky] } } as DeployOutcome,
    };
    const summary = runSummary(result);
    expect(summary).toContain('connecting as app:***');
    expect(summary).toContain('auth *** refused');
    expect(summary).not.toContain('s3cr3t-db-pass');
  });

  it('hides the live values the manifests replace too: the failed pod may run with the old one', () => {
    const leaky = { ...crashLooping, logs: ['connecting as app:old-db-pass-2025'] };
    const base = OUTCOMES.rolledBack();
    const result = {
      ...base,
      deploy: {
        ...base.deploy,
        secretValues: ['old-db-pass-2025'],
        verify: { ...base.deploy?.verify, workloads: [leaky] },
      } as DeployOutcome,
    };
    const summary = runSummary(result);
    expect(summary).toContain('connecting as app:***');
    expect(summary).not.toContain('old-db-pass-2025');
  });
});

describe('runSummary: a failed first release', () => {
  const summary = runSummary(OUTCOMES.firstRelease());

  it('says there was nothing to roll back to and shows the unfinished workload', () => {
    expect(summary).toContain(
      '- **Release**: v1 of `upload-platform` recorded as failed (no earlier release succeeded)',
    );
    expect(summary).toContain(
      '**Live now**: ❌ the failed release v1: there is no earlier release to restore.',
    );
    // Not a second problem: verify stopped at the first failure.
    expect(summary).toContain(
      '| `Deployment upload-staging/worker` | 1/2 |  | not waited for (verify stopped at the first failure): 1/2 updated, 1/2 ready |',
    );
    expect(summary).not.toContain('### Rollback');
  });
});

describe('runSummary: a dry run', () => {
  it('shows a short diff open, with what it would do', () => {
    const summary = runSummary(OUTCOMES.dryRun(3));
    expect(summary).toContain(
      '> Nothing was applied. Applying would create 0, change 2, leave 1 unchanged; prune would delete 1 object.',
    );
    expect(summary).toContain('- **Release**: would be v3 of `upload-platform`, replacing v2');
    expect(summary).toContain('- **Prune would delete**: `ConfigMap upload-staging/old-flags`');
    expect(summary).toContain(
      '### Diff\n\n```diff\n# Prune would delete: ConfigMap upload-staging/old-flags\n-  line 2 of the diff\n+  line 3 of the diff\n```',
    );
    expect(summary).not.toContain('<details><summary>Server-side diff');
  });

  it('collapses a long diff and says how many lines were left out and where the full diff is', () => {
    const summary = runSummary(OUTCOMES.dryRun(5_000));
    expect(summary).toContain(
      '<details><summary>Server-side diff (5000 lines, the first 2000 shown)</summary>',
    );
    expect(summary).toContain('-  line 2000 of the diff\n```');
    expect(summary).not.toContain('line 2001 of the diff');
    expect(summary).toContain(
      "**3000 lines of the diff were left out** (lines 2001–5000 of 5000) to fit GitHub's step summary limit. The full diff is in `/home/runner/work/_temp/k8s-deploy/diff.txt` on the runner.",
    );
  });

  it('shows a diff of up to the limit whole, inside <details>', () => {
    const summary = runSummary(OUTCOMES.dryRun(1_000));
    expect(summary).toContain('<details><summary>Server-side diff (1000 lines)</summary>');
    expect(summary).toContain('-  line 1000 of the diff\n```\n\n</details>');
    expect(summary).not.toContain('left out');
  });

  it('cuts the diff further to fit the byte limit, saying so, and keeps the timeline', () => {
    const summary = runSummary(OUTCOMES.dryRun(5_000), { maxBytes: 30_000 });
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(30_000);
    expect(summary).toMatch(/\*\*\d+ lines of the diff were left out\*\* \(lines \d+–5000 of 5000\)/);
    expect(summary).toContain('```mermaid');
    expect(summary).toContain('_Left out to keep this summary short:');
  });

  it('stays under 1,000,000 bytes with a diff of 200,000 long lines', () => {
    const result = OUTCOMES.dryRun(10);
    if (!result.deploy) throw new Error('fixture');
    result.deploy.diff = Array.from({ length: 200_000 }, (_, i) => `+ ${'x'.repeat(100)} ${i}`).join('\n');
    const summary = runSummary(result, { diffLines: 200_000 });
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(1_000_000);
    expect(summary).toMatch(/lines of the diff were left out\*\* \(lines \d+–200000 of 200000\)/);
  });

  it('keeps a fence inside the diff from closing the code block', () => {
    const result = OUTCOMES.dryRun(3);
    if (!result.deploy) throw new Error('fixture');
    result.deploy.diff = '+  script: |\n+    ```\n+    echo hi\n';
    expect(runSummary(result)).toContain('````diff\n+  script: |\n+    ```\n+    echo hi\n````');
  });

  it('has no error annotation', () => {
    expect(failureAnnotation(OUTCOMES.dryRun(3))).toBeUndefined();
  });
});

describe('runSummary and failureAnnotation: a cancelled run', () => {
  const result = OUTCOMES.cancelledMigration();
  const summary = runSummary(result);

  it('says the migration Job was left running', () => {
    expect(summary).toContain(
      '⏹ Job `upload-staging/migrate-3f2a1b9c` was left running when the run was cancelled (after 5.0 s).',
    );
  });

  it('draws the cancelled phase as critical and active', () => {
    expect(ganttTasks(summary).find((t) => t.startsWith('  Migrate'))).toMatch(
      /^ {2}Migrate cancelled 5\.0 s :crit, active, /,
    );
  });

  it('annotates with the verdict (the run was not cut by a manifest)', () => {
    expect(failureAnnotation(result)?.message).toBe(result.verdict);
  });
});

describe('runSummary: the size limit holds for any input', () => {
  it('cuts an enormous verdict at a line, closes its block and says what was left out', () => {
    const result = OUTCOMES.failedPlan();
    result.verdict = Array.from({ length: 20_000 }, (_, i) => `  error ${i}: ${'y'.repeat(80)}`).join('\n');
    const summary = runSummary(result, { maxBytes: 100_000 });
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(100_000);
    expect(summary).toContain('The rest of this summary');
    expect(summary).toContain('was left out: GitHub takes at most 1 MiB per step summary.');
  });
});

describe('failureAnnotation', () => {
  it('points at the location a manifest error carries, before anything deployed', () => {
    const result = run(undefined, {
      result: 'failed',
      failedAt: { source: 'k8s/app.yaml', line: 52 },
      verdict:
        'k8s/app.yaml:52: Deployment upload-staging/worker is defined twice (first at k8s/app.yaml:14); expected each object once. Nothing was changed in the cluster.',
    });
    expect(failureAnnotation(result)).toMatchObject({ file: 'k8s/app.yaml', startLine: 52 });
  });

  it('names a kustomize location in the message, with no file to point at', () => {
    const result = OUTCOMES.rolledBack();
    result.render = {
      objects: [
        {
          ...rendered('Deployment', 'api', 'overlays/staging (kubectl kustomize)', 120),
          location: { source: 'overlays/staging (kubectl kustomize)', line: 120, document: 4 },
        },
      ],
      yaml: '',
      imageChanges: [],
      replicasHandovers: [],
    };
    expect(failureAnnotation(result)).toEqual({
      message: `${crashLooping.summary} (overlays/staging (kubectl kustomize), document 4, line 120)`,
    });
  });

  it('gives only the message when no manifest line is known', () => {
    const result = run(undefined, { result: 'failed', verdict: 'AccessDeniedException from ECR.' });
    expect(failureAnnotation(result)).toEqual({ message: 'AccessDeniedException from ECR.' });
  });

  it("prefers the engine's failedAt when it gives one", () => {
    const result = OUTCOMES.rolledBack();
    Object.assign(result.deploy ?? {}, { failedAt: { source: 'k8s/other.yaml', line: 7 } });
    expect(failureAnnotation(result)).toMatchObject({ file: 'k8s/other.yaml', startLine: 7 });
  });
});

describe('runSummary: workloads that do not roll out by themselves', () => {
  const DB = ref('StatefulSet', 'db');
  const result = run(
    outcome({
      release: 4,
      verify: {
        ok: true,
        workloads: [
          {
            ...current(
              API,
              'paused (allow-paused): its new pod template is not rolled out, 3 pods keep the previous one until it is resumed',
              900,
            ),
            notRolledOut: true,
          },
          {
            ...current(DB, '2 replicas updated and ready (OnDelete)', 30_000),
            replacedPods: ['db-1', 'db-0'],
          },
        ],
        updateRevisions: new Map(),
      },
    }),
  );
  const summary = runSummary(result);

  it('says a paused Deployment let through by allow-paused is applied but not rolled out', () => {
    expect(summary).toContain(
      '| `Deployment upload-staging/api` | — | 0.9 s | ⏸ applied, not rolled out: paused (allow-paused): its new pod template is not rolled out, 3 pods keep the previous one until it is resumed |',
    );
  });

  it('counts the old pods verify replaced for an OnDelete workload', () => {
    expect(summary).toContain(
      '| `StatefulSet upload-staging/db` | 2/2 | 30.0 s | ✅ rolled out (OnDelete: 2 old pods replaced) |',
    );
  });
});

describe('runSummary: a release waiting for promotion', () => {
  const WEB = ref('Rollout', 'web', 'argoproj.io/v1alpha1');
  const verdict =
    'Release web v7 is waiting for promotion: Rollout upload-staging/web paused at canary step 2 of 4 (CanaryPauseStep). Promote it with action: promote (k8s-deploy promote), or reject it with action: reject (k8s-deploy reject).';
  const result = run(
    outcome({
      result: 'waiting-for-promotion',
      release: 7,
      verdict,
      verify: {
        ok: true,
        workloads: [
          {
            ref: WEB,
            state: 'waiting',
            summary: 'paused at canary step 2 of 4 (CanaryPauseStep)',
            durationMs: 4200,
          },
        ],
        updateRevisions: new Map(),
      },
    }),
    { result: 'waiting-for-promotion', verdict },
  );
  const summary = runSummary(result);

  it('heads the summary with the wait and what ends it', () => {
    expect(summary).toContain(
      'is waiting for promotion: promote it with action: promote, or reject it with action: reject',
    );
  });

  it('says in the rollout row where the Rollout waits', () => {
    expect(summary).toContain('⏸ waiting for promotion: paused at canary step 2 of 4 (CanaryPauseStep) |');
  });
});

describe('runSummary: text from the cluster is shown as text, never as markdown or HTML', () => {
  // What a hostile or unlucky container can put in its state message, its events and its log.
  const hostile = [
    'see [the docs](https://evil.example/phish) or ![x](https://evil.example/p.png)',
    '**urgent** _now_ ~~not~~ `code` ``run`` | a | pipe | \\backslash\\',
    '<img src=x onerror=alert(1)> <b>bold</b> &amp; https://evil.example www.evil.example ops@evil.example',
    '# a heading? - a list? 1. a number?',
  ];
  const evil = hostile.join(' ');
  const failed: WorkloadResult = {
    ...crashLooping,
    summary: `Deployment ${NS}/api pod api-7d9c-xk2: ${evil}`,
    problem: { ...(crashLooping.problem as NonNullable<WorkloadResult['problem']>), message: evil },
    events: hostile,
    logs: hostile,
  };
  const base = OUTCOMES.rolledBack();
  const result: PipelineResult = {
    ...base,
    verdict: `${hostile[3]}\n${failed.summary}`,
    deploy: {
      ...(base.deploy as DeployOutcome),
      verdict: failed.summary,
      verify: {
        ok: false,
        verdict: failed.summary,
        workloads: [current(WORKER, hostile[1] ?? '', 9_000), failed],
        updateRevisions: new Map(),
      },
    },
  };
  const html = micromark(runSummary(result), {
    allowDangerousHtml: true, // as GitHub passes our own <details> through
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
  });

  it('makes no link, image, emphasis, strikethrough, code span or HTML element of it', () => {
    expect(html).not.toMatch(/<a\b|<img\b|<b>|<strong>[^<]*urgent|<em>now|<del>|<h[1-6]>\s*a heading/);
    expect(html).not.toContain('evil.example/phish"');
    expect(html).not.toMatch(/<code>(code|run)<\/code>/);
    // Only our own elements: details/summary, the tables, lists, quotes, code blocks, bold labels.
    const elements = new Set([...html.matchAll(/<([a-z][a-z0-9]*)/g)].map((m) => m[1]));
    for (const element of elements) {
      expect([
        'h2',
        'h3',
        'p',
        'blockquote',
        'ul',
        'li',
        'strong',
        'code',
        'pre',
        'details',
        'summary',
        'table',
        'thead',
        'tbody',
        'tr',
        'th',
        'td',
        'br',
        'em',
        'h4',
      ]).toContain(element);
    }
  });

  it('keeps every character readable: the table has its columns, the text its words', () => {
    const row = html.split('<tr>').find((r) => r.includes('Deployment upload-staging/worker'));
    expect(row?.match(/<td>/g)).toHaveLength(4);
    expect(row).toContain('| a | pipe |');
    expect(html).toContain('see [the docs](https://evil.example/phish)');
    expect(html).toContain('**urgent** _now_ ~~not~~ `code` ``run``');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('ops@evil.example');
    expect(html).toContain('\\backslash\\');
  });
});

describe('runSummary: where, and what was live', () => {
  const context = {
    cluster: 'prod-eks',
    region: 'eu-west-1',
    environment: 'production',
    environmentUrl: 'https://upload.example.com',
    repositoryUrl: 'https://github.com/acme/upload',
    commit: '3f2a1b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a',
  };

  it('names the cluster, its region and the environment in the headline and the facts, failure and success alike', () => {
    const failed = runSummary(OUTCOMES.rolledBack(), { context });
    expect(firstLine(failed)).toBe(
      '## ↩️ `upload-platform` v3 in `upload-staging` on `prod-eks` (eu-west-1), environment `production` failed in verification and was rolled back to v2',
    );
    const success = runSummary(OUTCOMES.success(), { context });
    expect(firstLine(success)).toBe(
      '## ✅ Deployed `upload-platform` v3 to `upload-staging` on `prod-eks` (eu-west-1), environment `production`',
    );
    expect(success).toContain('- **Cluster**: `prod-eks` in eu-west-1, EKS with exec-plugin tokens');
    expect(success).toContain('- **Environment**: `production` at <https://upload.example.com>');
  });

  it('links the failing manifest line to the file at the commit on GitHub', () => {
    expect(runSummary(OUTCOMES.rolledBack(), { context })).toContain(
      `**Where**: [\`k8s/app.yaml:14\`](https://github.com/acme/upload/blob/${context.commit}/k8s/app.yaml#L14)`,
    );
  });

  it('after a rolled-back release, names the last good release as what is replaced, not the latest record', () => {
    const dry = OUTCOMES.dryRun(3);
    if (!dry.deploy) throw new Error('fixture');
    dry.deploy.previousRelease = 2; // v2 was rolled back: v1 is live
    dry.deploy.lastGood = { version: 1, commit: 'c0ffee0000000000000000000000000000000000' };
    const summary = runSummary(dry);
    expect(summary).toContain(
      '- **Release**: would be v3 of `upload-platform`, replacing v1 (commit `c0ffee000000`)',
    );
    expect(summary).not.toContain('replacing v2');
  });

  it('never says the rollback did not finish when it was applied and verified', () => {
    const result = OUTCOMES.failedMigration();
    result.result = 'failed';
    if (result.deploy) result.deploy.result = 'failed';
    const summary = runSummary(result);
    expect(firstLine(summary)).toBe(
      '## ❌ `upload-platform` v3 in `upload-staging` failed in the migration: v2 restored',
    );
    expect(summary).not.toMatch(/did not finish/);
    expect(summary).toContain('✅ applied and verified');
  });

  it('gives the command that restores the last good release when the failed one is left live', () => {
    const result = OUTCOMES.rolledBack();
    result.result = 'failed';
    if (result.deploy) {
      result.deploy.result = 'failed';
      result.deploy.rollback = undefined;
    }
    expect(section(runSummary(result), '**Live now**')).toBe(
      '**Live now**: ❌ the failed release v3 (rollback is off). To restore v2: `k8s-deploy rollback --to 2 --release-name upload-platform --namespace upload-staging`',
    );
  });
});

describe('runSummary: a dry run leads with what would change', () => {
  it('lists the objects and the migration before the diff, and leaves our per-run annotation churn out of the diff', () => {
    const dry = OUTCOMES.dryRun(3);
    if (!dry.deploy) throw new Error('fixture');
    dry.deploy.wouldMigrate = MIGRATION_JOB;
    dry.deploy.diff = [
      'diff -u -N /tmp/LIVE/apps.v1.Deployment.upload-staging.api /tmp/MERGED/apps.v1.Deployment.upload-staging.api',
      '-    k8s-deploy-action/run-url: https://github.com/acme/upload/actions/runs/1',
      '+    k8s-deploy-action/run-url: https://github.com/acme/upload/actions/runs/2',
      '-    kubernetes.io/change-cause: deploy 1',
      '+    kubernetes.io/change-cause: deploy 2',
      '-        image: upload/api:1',
      '+        image: upload/api:2',
    ].join('\n');
    const summary = runSummary(dry);
    const wouldChange = summary.indexOf('### Would change');
    expect(wouldChange).toBeGreaterThan(0);
    expect(wouldChange).toBeLessThan(summary.indexOf('### Diff'));
    expect(section(summary, '### Would change')).toBe(
      [
        '### Would change',
        '',
        '- **Migration**: Job `Job upload-staging/migrate-3f2a1b9c` would run first',
        '- **Change**: `ConfigMap upload-staging/config`, `Deployment upload-staging/api`',
        '- **Delete (prune)**: `ConfigMap upload-staging/old-flags`',
        '',
        'The server-side diff is below.',
      ].join('\n'),
    );
    const diff = section(summary, '### Diff');
    expect(diff).toContain('-        image: upload/api:1\n+        image: upload/api:2');
    expect(diff).not.toMatch(/^[-+].*(run-url|change-cause)/m);
    expect(diff).toContain('_4 lines changing only our per-run annotations');
  });
});

describe('runSummary: what was applied and not verified', () => {
  it('lists each object with why it was not verified, escaped, and says nothing when there is none', () => {
    const notVerified = [
      { ref: ref('CronJob', 'report', 'batch/v1'), why: 'its Jobs run at its schedule' },
      { ref: ref('Database', 'orders', 'example.com/v1'), why: 'annotated *verify*: "false"' },
    ];
    const summary = runSummary(run(outcome({ release: 3, notVerified })));
    expect(summary).toContain(
      'Applied, not verified: `CronJob upload-staging/report` (its Jobs run at its schedule), `Database upload-staging/orders` (annotated \\*verify\\*: "false").',
    );
    expect(runSummary(OUTCOMES.success())).not.toContain('not verified');
  });
});

describe('runSummary: a custom resource verified by its conditions', () => {
  it('is ready, not rolled out, and counted apart from the workloads', () => {
    const result = OUTCOMES.success();
    if (!result.deploy?.verify) throw new Error('fixture');
    const secret = ref('ExternalSecret', 'db', 'external-secrets.io/v1beta1');
    result.deploy.verify.workloads.push(current(secret, 'Ready: SecretSynced', 2_000));
    const summary = runSummary(result);
    expect(summary).toContain(
      '| `ExternalSecret upload-staging/db` | — | 2.0 s | ✅ ready: Ready: SecretSynced |',
    );
    expect(summary).toContain('2 workloads rolled out, 1 resource ready in 41.2 s.');
  });
});
