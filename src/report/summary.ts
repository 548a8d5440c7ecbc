import { parse } from 'yaml';
import type { DeployOutcome, PhaseTiming } from '../deploy/engine.js';
import { describeRef, type ObjectRef, RUN_ANNOTATIONS, redact, secretValues } from '../deploy/objects.js';
import { isRolloutTarget } from '../deploy/verifiable.js';
import type { WorkloadResult } from '../deploy/verify.js';
import { minutesAndSeconds } from '../duration.js';
import { formatLocation } from '../manifests/errors.js';
import type { PipelineResult } from '../pipeline.js';
import { plural } from '../text.js';
import { failureLocation } from './annotations.js';

/** GitHub refuses a step summary over 1 MiB; the summary stays under this many bytes. */
export const SUMMARY_LIMIT_BYTES = 1_000_000;
/** Diff lines shown before the rest is left out (and said so); lowered further to fit the limit. */
export const DIFF_LINES_SHOWN = 2_000;
/** A diff of more lines than this is collapsed. */
const DIFF_OPEN_LINES = 30;
/** Longer lines (a minified JSON value, a log line) are shortened, saying how much. */
const LINE_CHARS = 2_000;
/** Object lists (rollback, prune) name at most this many, then say how many more. */
const LIST_ITEMS = 50;
const TABLE_ROWS = 200;

export interface SummaryOptions {
  /** Byte budget of the whole summary; default SUMMARY_LIMIT_BYTES. */
  maxBytes?: number;
  /** Diff lines shown at most; default DIFF_LINES_SHOWN. */
  diffLines?: number;
  /** Where the run deployed and from what, as the front end knows it. */
  context?: SummaryContext;
}

/**
 * What the headline needs besides the outcome: GitHub stacks every job's summary on one page, so
 * a staging and a production failure must not read the same.
 */
export interface SummaryContext {
  /** The EKS cluster name (the cluster-name input). */
  cluster?: string;
  region?: string;
  /** The GitHub Environment and its URL (the environment and environment-url inputs). */
  environment?: string;
  environmentUrl?: string;
  /** https://github.com/OWNER/REPO and the commit: a manifest's file:line links to the file there. */
  repositoryUrl?: string;
  commit?: string;
}

type Outcome = PhaseTiming['outcome'];

interface TimelinePhase {
  name: string;
  section: 'Prepare' | 'Deploy';
  startedAt: number;
  durationMs: number;
  outcome: Outcome;
}

/**
 * The job summary of a run, as markdown, for every outcome: the verdict in the first line, then
 * what a reviewer or on-call person needs on one screen: release, images, migration, rollouts
 * (and the failing pod), rollback, prune, the dry run's diff and a timeline of the phases.
 * Pure. Stays within `maxBytes`, saying what was left out.
 */
export function runSummary(result: PipelineResult, options: SummaryOptions = {}): string {
  const maxBytes = options.maxBytes ?? SUMMARY_LIMIT_BYTES;
  const diffLines = options.diffLines ?? DIFF_LINES_SHOWN;
  // The log shows every Secret value the run saw as *** (the engine masks the manifests', the
  // live ones they replace and the last good release's); a failing pod's log lines or a verdict
  // may hold one too, and the summary must not show what the log hides.
  const secrets = [...manifestSecretValues(result), ...(result.deploy?.secretValues ?? [])];
  const context = options.context ?? {};
  const compose = (lines: number) => redact(composeShown(result, lines, context), secrets);
  const whole = compose(diffLines);
  if (byteLength(whole) <= maxBytes) return whole;
  // Too big: the diff gives way first, as many of its lines as the rest leaves room for.
  const withoutDiff = compose(0);
  const diff = result.deploy?.diff?.trimEnd() ?? '';
  if (diff !== '') {
    let room = maxBytes - byteLength(withoutDiff) - 1_000; // the fences and the note on what was left out
    let fit = 0;
    for (const line of diff.split('\n')) {
      room -= byteLength(shorten(line)) + 1;
      if (room < 0 || fit >= diffLines) break;
      fit++;
    }
    const fitted = compose(fit);
    if (byteLength(fitted) <= maxBytes) return fitted;
  }
  if (byteLength(withoutDiff) <= maxBytes) return withoutDiff;
  return cut(whole, maxBytes);
}

/** The values of the Secrets among the rendered objects, in every form they can show in text. */
function manifestSecretValues(result: PipelineResult): string[] {
  return (result.render?.objects ?? [])
    .filter((object) => object.kind === 'Secret')
    .flatMap((object) => {
      try {
        return secretValues(parse(object.yaml));
      } catch {
        return []; // rendered, so parseable; nothing to hide if not
      }
    });
}

/**
 * A failure reads: the headline (outcome, release, where), what is live now, why it failed in
 * the app's own words, where in the manifests, then the details. Success and dry run: the
 * headline, the verdict sentence (a dry run's list of what would change), then the details.
 */
function composeShown(result: PipelineResult, diffLines: number, context: SummaryContext): string {
  const deploy = result.deploy;
  const leftOut: string[] = [];
  const out: string[] = [`## ${headline(result, context)}`, ''];
  const failure = result.result === 'failed' || result.result === 'rolled-back';
  if (failure) {
    out.push(...liveNow(result), ...cause(result), ...failedWhere(result, context));
  } else {
    const verdict = verdictSentence(result);
    if (verdict) out.push(quote(verdict), '');
    if (deploy && result.result === 'dry-run') out.push(...wouldChange(deploy, leftOut));
  }
  out.push(...facts(result, context));
  out.push(...images(result));
  if (deploy) {
    out.push(...migration(deploy, failure));
    out.push(...rollouts(result, leftOut));
    out.push(...postDeployJobs(deploy, failure));
    out.push(...notVerified(deploy));
    out.push(...rollback(deploy, leftOut));
    out.push(...pruned(deploy, leftOut));
    for (const line of diff(deploy, diffLines, leftOut)) out.push(line);
  }
  out.push(...timeline(result));
  if (leftOut.length > 0) {
    out.push(`_Left out to keep this summary short: ${leftOut.join('; ')}._`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

// ---------------------------------------------------------------- verdict

const PHASE_WHERE: Record<string, string> = {
  'Check manifests': 'checking the manifests',
  Cluster: 'connecting to the cluster',
  Images: 'building the images',
  'Render manifests': 'rendering the manifests',
  Plan: 'the plan',
  Diff: 'the diff',
  'Apply definitions': 'applying namespaces and CRDs',
  'Apply configuration': 'applying the configuration',
  Migrate: 'the migration',
  Apply: 'applying the workloads',
  Verify: 'verification',
  'Post-deploy jobs': 'the post-deploy Jobs',
  'Roll back': 'the rollback',
  Prune: 'the prune',
  Record: 'recording the release',
};

function where(phase: TimelinePhase | undefined): string {
  if (!phase) return '';
  const place = PHASE_WHERE[phase.name] ?? phase.name;
  return /^[a-z]+ing /.test(place) ? ` ${place}` : ` in ${place}`;
}

function headline(result: PipelineResult, context: SummaryContext): string {
  const deploy = result.deploy;
  const release = releaseName(result);
  const version = deploy?.release !== undefined ? ` v${deploy.release}` : '';
  const subject = release ? `${code(release)}${version}` : undefined;
  const failedIn = timelinePhases(result).find((p) => p.outcome === 'failed' || p.outcome === 'cancelled');
  const cancelled = isCancelled(result);
  const at = place(result, context, 'in');
  switch (result.result) {
    case 'success': {
      if (!deploy)
        return `✅ Rendered ${plural(result.render?.objects.length ?? 0, 'object')}: no cluster given, nothing deployed`;
      if (deploy.unchanged) return `✅ Already deployed: ${subject ?? 'the release'}${at}, nothing changed`;
      if (deploy.migrationOnly) return `✅ Migrated ${subject ?? 'the release'}${at}: no workload changed`;
      return `✅ Deployed ${subject ?? 'the release'}${place(result, context, 'to')}`;
    }
    case 'dry-run':
      return `📝 Dry run${release ? ` of ${code(release)}` : ''}${at}: the cluster was not changed`;
    case 'waiting-for-promotion':
      return `⏸ ${subject ?? 'The release'}${at} is waiting for promotion: promote it with action: promote, or reject it with action: reject`;
    case 'rolled-back': {
      const to = deploy?.rollback?.to;
      const unverified = deploy?.rollback?.verify?.ok !== true ? ' (the rollback did not verify)' : '';
      return `${cancelled ? '⏹' : '↩️'} ${subject ?? 'The release'}${at} ${cancelled ? 'was cancelled' : 'failed'}${where(failedIn)} and was rolled back${to !== undefined ? ` to v${to}` : ''}${unverified}`;
    }
    case 'failed':
      return `${cancelled ? '⏹' : '❌'} ${subject ?? 'The run'}${at} ${cancelled ? 'was cancelled' : 'failed'}${where(failedIn)}: ${failedState(result)}`;
  }
}

/** " in NS on cluster C (region), environment E": as much of it as is known. */
function place(result: PipelineResult, context: SummaryContext, preposition: 'in' | 'to'): string {
  const namespace = namespaceOf(result);
  const parts = [
    namespace ? ` ${preposition} ${code(namespace)}` : '',
    context.cluster
      ? ` on ${code(context.cluster)}${context.region ? ` (${text(context.region)})` : ''}`
      : '',
    context.environment ? `, environment ${code(context.environment)}` : '',
  ];
  return parts.join('');
}

/** What the cluster is left with after a failed (not rolled back) run. */
function failedState(result: PipelineResult): string {
  const deploy = result.deploy;
  if (!deploy || deploy.nothingChanged) return 'nothing changed';
  if (deploy.migration?.leftRunning) return 'the migration Job was left running, the workloads unchanged';
  if (deploy.migrationOnly) return 'the migration failed, the workloads unchanged';
  const r = deploy.rollback;
  if (r) {
    if (r.applied && r.verify?.ok) return `v${r.to} restored`;
    return r.applied ? `v${r.to} re-applied, not verified` : 'the rollback was not applied';
  }
  if (deploy.lastGood === undefined) return 'the first release, nothing to roll back to';
  return 'not rolled back, the failed release is left in place';
}

// ---------------------------------------------------------------- a failure: live now, why, where

/** What runs now, in one line: the first thing an on-call person needs. */
function liveNow(result: PipelineResult): string[] {
  const deploy = result.deploy;
  const good = deploy?.lastGood;
  const goodName = good ? releaseVersion(good) : undefined;
  const lines: string[] = [];
  const say = (line: string) => lines.push(`**Live now**: ${line}`, '');
  if (!deploy || deploy.nothingChanged) {
    say(
      goodName
        ? `${goodName}, untouched: this run changed nothing.`
        : 'nothing this run made: it changed nothing.',
    );
  } else if (deploy.migration?.leftRunning) {
    say(
      `the workloads of ${goodName ?? 'the previous release'}, unchanged; the migration Job ${code(deploy.migration.job.name)} was left running.`,
    );
  } else if (deploy.rollback) {
    const r = deploy.rollback;
    const restored = good?.version === r.to ? releaseVersion(good) : `v${r.to}`;
    if (r.applied && r.verify?.ok) say(`✅ ${restored} again: restored and verified.`);
    else if (r.applied)
      say(
        `⚠️ ${restored} was re-applied but did not verify (${text(r.problem ?? r.verify?.verdict ?? 'no reason given')}): look at its workloads first.`,
      );
    else
      say(
        `❌ the failed release${versionOf(deploy)}: the rollback was not applied (${text(r.problem ?? 'no reason given')}).${restoreCommand(result)}`,
      );
  } else if (!good) {
    say(`❌ the failed release${versionOf(deploy)}: there is no earlier release to restore.`);
  } else {
    say(`❌ the failed release${versionOf(deploy)} (rollback is off).${restoreCommand(result)}`);
  }
  if (deploy?.migration?.status === 'failed' && !deploy.migration.leftRunning && !deploy.nothingChanged) {
    lines.push(
      '_Restoring the manifests does not undo a schema change: a migration that failed part-way may have changed the database before it stopped._',
      '',
    );
  }
  return lines;
}

function versionOf(deploy: DeployOutcome): string {
  return deploy.release !== undefined ? ` v${deploy.release}` : '';
}

function releaseVersion(release: { version: number; commit?: string; tag?: string }): string {
  const from = release.commit
    ? ` (commit ${code(release.commit.slice(0, 12))})`
    : release.tag
      ? ` (tag ${code(release.tag)})`
      : '';
  return `v${release.version}${from}`;
}

/** The command that restores the last good release, when there is one. */
function restoreCommand(result: PipelineResult): string {
  const deploy = result.deploy;
  const good = deploy?.lastGood;
  if (!deploy || !good) return '';
  const namespace = deploy.namespace ? ` --namespace ${deploy.namespace}` : '';
  return ` To restore v${good.version}: ${code(`k8s-deploy rollback --to ${good.version} --release-name ${deploy.releaseName}${namespace}`)}`;
}

/** The verdict once, then the failing container's or the migration's own words. */
function cause(result: PipelineResult): string[] {
  const verdict = verdictSentence(result);
  const lines = [`### ${isCancelled(result) ? 'Why it stopped' : 'Why it failed'}`, ''];
  if (verdict) lines.push(quote(verdict), '');
  const failed = failedWorkload(result);
  const migrationFailed = result.deploy?.migration?.status === 'failed';
  if (failed?.logs?.length) {
    if (migrationFailed) {
      const own = [...failed.logs].reverse().find((line) => /\b(error|exception|fatal|failed)\b/i.test(line));
      if (own) lines.push(`The migration's own error: ${code(own.trim())}`, '');
    }
    const p = failed.problem;
    const which = failed.logsFrom === 'previous' ? ', from before the last restart' : '';
    const title = `Last ${plural(failed.logs.length, 'log line')}${p?.pod ? ` of pod ${p.pod}` : ''}${p?.container ? `, container ${p.container}` : ''}${which}`;
    if (failed.logs.length <= LOG_OPEN_LINES)
      lines.push(`${text(title)}:`, '', ...fenced(failed.logs, 'text'), '');
    else lines.push(...collapsed(title, failed.logs, 'text'));
  }
  return lines;
}

/** Log lines shown open under the verdict; more are collapsed. */
const LOG_OPEN_LINES = 20;

/** The workload (or migration Job) whose pod failed: the one whose details explain the verdict. */
function failedWorkload(result: PipelineResult): WorkloadResult | undefined {
  const deploy = result.deploy;
  return (
    deploy?.migration?.verify?.workloads.find((w) => w.state === 'failed') ??
    deploy?.verify?.workloads.find((w) => w.state === 'failed') ??
    deploy?.postDeploy
      ?.find((job) => job.status === 'failed')
      ?.verify?.workloads.find((w) => w.state === 'failed')
  );
}

/** The manifest's file:line of what failed, linked to the file at the commit on GitHub. */
function failedWhere(result: PipelineResult, context: SummaryContext): string[] {
  const location = failureLocation(result);
  if (!location) return [];
  const shown = code(formatLocation(location));
  const linkable = location.document === undefined && context.repositoryUrl && context.commit;
  const target = linkable
    ? `${context.repositoryUrl}/blob/${context.commit}/${location.source.split('/').map(encodeURIComponent).join('/')}#L${location.line}`
    : undefined;
  return [`**Where**: ${target ? `[${shown}](${target})` : shown}`, ''];
}

// ---------------------------------------------------------------- a dry run: what would change

function wouldChange(deploy: DeployOutcome, leftOut: string[]): string[] {
  const rows: [string, ObjectRef[]][] = [
    ['Create', deploy.changes.filter((c) => c.change === 'create').map((c) => c.ref)],
    ['Change', deploy.changes.filter((c) => c.change === 'update').map((c) => c.ref)],
    ['Delete (prune)', deploy.wouldPrune ?? []],
  ];
  const lines = ['### Would change', ''];
  if (deploy.wouldMigrate)
    lines.push(`- **Migration**: Job ${code(describeRef(deploy.wouldMigrate))} would run first`);
  if (deploy.wouldRunAfterVerify?.length)
    lines.push(
      `- **After verify**: ${deploy.wouldRunAfterVerify.map((ref) => `Job ${code(describeRef(ref))}`).join(', ')} would run`,
    );
  for (const [label, refs] of rows) if (refs.length > 0) lines.push(`- **${label}**: ${list(refs, leftOut)}`);
  if (lines.length === 2) lines.push('Nothing: the cluster already matches the manifests.');
  else if (deploy.diff) lines.push('', 'The server-side diff is below.');
  return [...lines, ''];
}

function isCancelled(result: PipelineResult): boolean {
  return result.cancelled;
}

function verdictSentence(result: PipelineResult): string | undefined {
  if (result.verdict) return result.verdict;
  const deploy = result.deploy;
  if (!deploy) return undefined;
  if (result.result === 'dry-run') {
    const would = deploy.wouldPrune?.length
      ? `; prune would delete ${plural(deploy.wouldPrune.length, 'object')}`
      : '';
    return `Nothing was applied. Applying would ${planCounts(deploy.changes)}${would}.`;
  }
  if (deploy.unchanged)
    return `v${deploy.release} already has exactly these manifests and the cluster matches them: nothing was applied.`;
  const verified = deploy.verify?.workloads ?? [];
  const workloads = verified.filter((w) => isRolloutTarget(w.ref));
  const others = verified.length - workloads.length;
  const slowest = Math.max(0, ...verified.map((w) => w.durationMs ?? 0));
  const what = [
    workloads.length > 0 ? `${plural(workloads.length, 'workload')} rolled out` : '',
    others > 0 ? `${plural(others, 'resource')} ready` : '',
  ].filter(Boolean);
  return `${capitalize(planCounts(deploy.changes, true))}${what.length > 0 ? `; ${what.join(', ')} in ${minutesAndSeconds(slowest)}` : ''}.`;
}

function planCounts(changes: { change: 'create' | 'update' | 'unchanged' }[], past = false): string {
  const counts = { create: 0, update: 0, unchanged: 0 };
  for (const change of changes) counts[change.change]++;
  return past
    ? `${counts.create} created, ${counts.update} changed, ${counts.unchanged} unchanged`
    : `create ${counts.create}, change ${counts.update}, leave ${counts.unchanged} unchanged`;
}

// ---------------------------------------------------------------- facts

function facts(result: PipelineResult, context: SummaryContext): string[] {
  const deploy = result.deploy;
  const lines: string[] = [];
  const release = releaseLine(result);
  if (release) lines.push(`- **Release**: ${release}`);
  if (deploy && deploy.changes.length > 0 && result.result !== 'dry-run')
    lines.push(
      `- **Plan**: ${planCounts(deploy.changes, true).replace(' created', ' to create').replace(' changed', ' to change')}`,
    );
  if (result.cluster) {
    const version = result.cluster.serverVersion ? `, Kubernetes ${text(result.cluster.serverVersion)}` : '';
    const name = context.cluster
      ? `${code(context.cluster)}${context.region ? ` in ${text(context.region)}` : ''}, `
      : '';
    lines.push(`- **Cluster**: ${name}${describeSource(result.cluster.source)}${version}`);
  }
  if (context.environment) {
    const url =
      context.environmentUrl && /^https?:\/\//.test(context.environmentUrl)
        ? context.environmentUrl
        : undefined;
    lines.push(
      `- **Environment**: ${code(context.environment)}${url ? ` at <${url.replace(/[<>\s]/g, encodeURIComponent)}>` : ''}`,
    );
  }
  if (result.render) lines.push(`- **Rendered**: ${countKinds(result.render.objects.map((o) => o.kind))}`);
  return lines.length > 0 ? [...lines, ''] : [];
}

function releaseLine(result: PipelineResult): string | undefined {
  const deploy = result.deploy;
  if (!deploy) return undefined;
  const name = releaseName(result);
  const of = name ? ` of ${code(name)}` : '';
  const previous = deploy.previousRelease;
  // What it replaces is what was live: the last good release, not the latest record (which may
  // be a failed or rolled-back one).
  const good = deploy.lastGood;
  const replacing = good ? `, replacing ${releaseVersion(good)}` : '';
  if (result.result === 'dry-run')
    return `would be v${(previous ?? 0) + 1}${of}${good ? replacing : previous === undefined ? ' (its first)' : ' (no earlier release succeeded)'}`;
  if (deploy.unchanged) return `v${deploy.release}${of}, unchanged`;
  if (deploy.release === undefined)
    return `none recorded${previous !== undefined ? `; v${previous} is still the latest` : ''}`;
  if (result.result === 'success')
    return `v${deploy.release}${of}${good ? replacing : ', the first to succeed'}`;
  return `v${deploy.release}${of} recorded as ${result.result}${good ? ` (${releaseVersion(good)} was live)` : ' (no earlier release succeeded)'}`;
}

function releaseName(result: PipelineResult): string | undefined {
  return result.deploy?.releaseName;
}

/** The namespace the release lives in: the outcome's, else the rendered set's only namespace. */
function namespaceOf(result: PipelineResult): string | undefined {
  const given = result.deploy?.namespace;
  if (given) return given;
  const namespaces = new Set(
    (result.render?.objects ?? []).map((o) => o.namespace).filter((n): n is string => n !== undefined),
  );
  return namespaces.size === 1 ? [...namespaces][0] : undefined;
}

// ---------------------------------------------------------------- images

function images(result: PipelineResult): string[] {
  const names = Object.keys(result.images);
  if (names.length === 0) return [];
  // The registry host once above the table, and digests shortened: a 64-digit digest and a full
  // ECR host in every row push the table past a normal screen. The outputs have them whole.
  const parsed = names.map((name) => {
    const reference = result.images[name] ?? '';
    const [withTag = reference, digest] = reference.split('@');
    const colon = withTag.lastIndexOf(':');
    const tag = colon > withTag.lastIndexOf('/') ? withTag.slice(colon + 1) : '';
    const repository = colon > withTag.lastIndexOf('/') ? withTag.slice(0, colon) : withTag;
    const slash = repository.indexOf('/');
    const host = slash > 0 && /[.:]/.test(repository.slice(0, slash)) ? repository.slice(0, slash) : '';
    return { name, tag, digest, host, path: host ? repository.slice(slash + 1) : repository };
  });
  const hosts = new Set(parsed.map((image) => image.host));
  const oneHost = hosts.size === 1 ? [...hosts][0] : undefined;
  const dry = result.result === 'dry-run';
  const lines = ['### Images', ''];
  if (oneHost) lines.push(`Registry ${code(oneHost)}:`, '');
  lines.push('| Repository | Tag | Digest | Source |', '| --- | --- | --- | --- |');
  for (const image of parsed) {
    const repository =
      oneHost !== undefined ? image.path : image.host ? `${image.host}/${image.path}` : image.path;
    const digest = image.digest
      ? code(image.digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1…'))
      : 'none';
    const source = result.built.includes(image.name)
      ? dry
        ? 'built and pushed to the registry (the cluster is unchanged)'
        : 'built and pushed'
      : 'reused from the registry';
    lines.push(`| ${code(repository)} | ${image.tag ? code(image.tag) : ''} | ${digest} | ${source} |`);
  }
  return [...lines, ''];
}

// ---------------------------------------------------------------- migration

function migration(deploy: DeployOutcome, failure: boolean): string[] {
  const m = deploy.migration;
  if (!m) return [];
  const job = code(`${m.job.namespace ? `${m.job.namespace}/` : ''}${m.job.name}`);
  const time = minutesAndSeconds(m.durationMs);
  const lines = ['### Migration', ''];
  if (m.status === 'complete') lines.push(`✅ Job ${job} completed in ${time}.`);
  else if (m.status === 'skipped') lines.push(`✅ Job ${job} already completed for this tag: not run again.`);
  else if (m.leftRunning)
    lines.push(`⏹ Job ${job} was left running when the run was cancelled (after ${time}).`);
  else if (failure) lines.push(`❌ Job ${job} failed after ${time}: the reason and its log are above.`);
  else lines.push(`❌ Job ${job} failed after ${time}: ${text(m.verdict ?? 'no reason given')}`);
  lines.push('');
  if (deploy.migrationOnly && m.status !== 'failed') {
    lines.push('`migrations: only`: the migration ran and no workload was changed.', '');
    if (m.logTail?.length)
      lines.push(...collapsed(`Last ${plural(m.logTail.length, 'log line')} of the Job`, m.logTail, 'text'));
  }
  const failed = m.verify?.workloads.find((w) => w.state === 'failed');
  if (failed) lines.push(...podDetails(failed, failure));
  return lines;
}

/** The Jobs run after verify (post-deploy-jobs): each one's verdict; a failed one's log is above. */
function postDeployJobs(deploy: DeployOutcome, failure: boolean): string[] {
  const jobs = deploy.postDeploy ?? [];
  if (jobs.length === 0) return [];
  const lines = ['### Post-deploy Jobs', ''];
  for (const m of jobs) {
    const job = code(`${m.job.namespace ? `${m.job.namespace}/` : ''}${m.job.name}`);
    const time = minutesAndSeconds(m.durationMs);
    if (m.status === 'complete') lines.push(`- ✅ ${job} completed in ${time}.`);
    else if (m.status === 'skipped') lines.push(`- ✅ ${job} already completed for this tag: not run again.`);
    else if (failure) lines.push(`- ❌ ${job} failed after ${time}: the reason and its log are above.`);
    else lines.push(`- ❌ ${job} failed after ${time}: ${text(m.verdict ?? 'no reason given')}`);
  }
  lines.push('');
  return lines;
}

// ---------------------------------------------------------------- rollouts

function rollouts(result: PipelineResult, leftOut: string[]): string[] {
  const deploy = result.deploy;
  const workloads = deploy?.verify?.workloads ?? [];
  if (workloads.length === 0) return [];
  const cancelled = deploy?.cancelled === true || deploy?.verify?.cancelled === true;
  const lines = ['### Rollout', '', '| Workload | Ready | Time | Verdict |', '| --- | --- | --- | --- |'];
  const order = [...workloads].sort((a, b) => rank(a) - rank(b));
  const stoppedAtFailure = workloads.some((w) => w.state === 'failed');
  for (const w of order.slice(0, TABLE_ROWS)) {
    lines.push(
      `| ${code(describeRef(w.ref))} | ${readiness(w)} | ${w.durationMs !== undefined ? minutesAndSeconds(w.durationMs) : ''} | ${cell(workloadVerdict(w, cancelled, stoppedAtFailure))} |`,
    );
  }
  if (order.length > TABLE_ROWS) {
    lines.push(`| … ${order.length - TABLE_ROWS} more | | | all current |`);
    leftOut.push(`${order.length - TABLE_ROWS} rows of the rollout table (current workloads)`);
  }
  lines.push('');
  const failure = result.result === 'failed' || result.result === 'rolled-back';
  for (const failed of workloads.filter((w) => w.state === 'failed')) {
    lines.push(`#### ${text(describeRef(failed.ref))}`, '', ...podDetails(failed, failure));
  }
  return lines;
}

/** What the run applied and did not verify, with why (src/deploy/verifiable.ts): said, not counted. */
function notVerified(deploy: DeployOutcome): string[] {
  const list = deploy.notVerified ?? [];
  if (list.length === 0) return [];
  return [
    `Applied, not verified: ${list.map((n) => `${code(describeRef(n.ref))} (${text(n.why)})`).join(', ')}.`,
    '',
  ];
}

/** Failed first, then unfinished, then done: the row that matters on top. */
function rank(w: WorkloadResult): number {
  return w.state === 'failed' ? 0 : w.state === 'in-progress' ? 1 : 2;
}

function workloadVerdict(w: WorkloadResult, cancelled: boolean, stoppedAtFailure: boolean): string {
  if (w.state === 'current' && w.notRolledOut) return `⏸ applied, not rolled out: ${w.summary}`;
  if (w.state === 'current' && w.replacedPods?.length) {
    return `✅ rolled out (OnDelete: ${plural(w.replacedPods.length, 'old pod')} replaced)`;
  }
  if (w.state === 'current') {
    if (w.ref.kind === 'Job') return '✅ complete';
    // A custom resource judged by its conditions is ready, not rolled out.
    return isRolloutTarget(w.ref) ? '✅ rolled out' : `✅ ready: ${w.summary}`;
  }
  // The verdict above says it in full; the row names the reason.
  if (w.state === 'failed') return `❌ ${w.problem?.reason ?? 'failed'}`;
  if (w.state === 'waiting') return `⏸ waiting for promotion: ${w.summary}`;
  if (cancelled) return `⏹ not finished (cancelled): ${w.summary}`;
  return stoppedAtFailure
    ? `not waited for (verify stopped at the first failure): ${w.summary}`
    : `⏳ not finished: ${w.summary}`;
}

/** ready/desired from the fields when the rollout module gives them, else from its summary text. */
function readiness(w: WorkloadResult): string {
  if (w.ready !== undefined && w.desired !== undefined) return `${w.ready}/${w.desired}`;
  const counted = /(\d+)\/(\d+) (?:ready|available)/.exec(w.summary);
  if (counted) return `${counted[1]}/${counted[2]}`;
  const all = /^(\d+) (?:replica|node)s? /.exec(w.summary);
  if (all) return `${all[1]}/${all[1]}`;
  const job = /^job complete \((\d+) succeeded\)/.exec(w.summary);
  if (job) return `${job[1]} succeeded`;
  return '—';
}

/**
 * The failing pod: reason, container, restarts, then its events and last log lines, collapsed
 * (the log lines are left out when the failure's cause above shows them).
 */
function podDetails(w: WorkloadResult, logsShown = false): string[] {
  const lines: string[] = [];
  const p = w.problem;
  if (p) {
    const subject = p.pod
      ? `Pod ${code(p.pod)}${p.container ? `, ${p.init ? 'init container' : 'container'} ${code(p.container)}` : ''}`
      : `${code(p.owner ?? 'its controller')}`;
    const extra = [
      p.restarts !== undefined ? `restarted ${plural(p.restarts, 'time')}` : '',
      p.exitCode !== undefined ? `last exit code ${p.exitCode}` : '',
    ].filter(Boolean);
    lines.push(
      `- ${subject}: **${text(p.reason)}**${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`,
      ...(p.message ? [`- ${text(p.message)}`] : []),
    );
  } else {
    lines.push(`- ${text(w.summary)}`);
  }
  lines.push('');
  const pod = p?.pod ? ` of ${p.pod}` : '';
  if (w.events?.length) lines.push(...collapsed(`Events${pod} (${w.events.length})`, w.events, 'text'));
  if (w.logs?.length && !logsShown) {
    const which = w.logsFrom === 'previous' ? ', from before the last restart' : '';
    lines.push(...collapsed(`Last ${plural(w.logs.length, 'log line')}${pod}${which}`, w.logs, 'text'));
  }
  return lines;
}

// ---------------------------------------------------------------- rollback and prune

function rollback(deploy: DeployOutcome, leftOut: string[]): string[] {
  const r = deploy.rollback;
  if (!r) return [];
  const state = !r.applied
    ? `❌ not applied: ${text(r.problem ?? 'no reason given')}`
    : r.verify?.ok
      ? '✅ applied and verified'
      : `⚠️ applied but not verified: ${text(r.problem ?? r.verify?.verdict ?? 'no reason given')}`;
  const lines = [`### Rollback to v${r.to}`, '', state, ''];
  const rows: [string, ObjectRef[] | string[]][] = [
    [`Restored as v${r.to} declared them`, r.restored],
    ['Deleted (created by the failed run)', r.deleted],
    ['Kept (created by the failed run, may hold data)', r.kept],
    [`Changed but not in v${r.to} (left as they are)`, r.notInRelease],
    ['Left in place (planned as new, not provably created by this run)', r.unconfirmed],
    ['StatefulSet pods replaced', r.replacedPods],
  ];
  for (const [label, items] of rows) if (items.length > 0) lines.push(`- ${label}: ${list(items, leftOut)}`);
  return [...lines, ''];
}

function pruned(deploy: DeployOutcome, leftOut: string[]): string[] {
  const lines: string[] = [];
  if (deploy.pruned.length > 0) lines.push(`- **Pruned**: ${list(deploy.pruned, leftOut)}`);
  if (deploy.pruneKept.length > 0)
    lines.push(`- **Not pruned** (they hold data): ${list(deploy.pruneKept, leftOut)}`);
  if (deploy.wouldPrune?.length) lines.push(`- **Prune would delete**: ${list(deploy.wouldPrune, leftOut)}`);
  return lines.length > 0 ? ['### Prune', '', ...lines, ''] : [];
}

function list(items: readonly (ObjectRef | string)[], leftOut: string[]): string {
  const named = items
    .slice(0, LIST_ITEMS)
    .map((item) => code(typeof item === 'string' ? item : describeRef(item)));
  if (items.length > LIST_ITEMS) {
    leftOut.push(`${items.length - LIST_ITEMS} names of a list of ${items.length}`);
    return `${named.join(', ')} and ${items.length - LIST_ITEMS} more`;
  }
  return named.join(', ');
}

// ---------------------------------------------------------------- diff

/** A changed line of one of our per-run annotations: churn on every run, not a change. */
const RUN_ANNOTATION_LINE = new RegExp(
  `^[-+]\\s+(?:${RUN_ANNOTATIONS.map((key) => key.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')}):`,
);

function diff(deploy: DeployOutcome, shown: number, leftOut: string[]): string[] {
  if (deploy.diff === undefined) return [];
  const whole = deploy.diff.trimEnd() === '' ? [] : deploy.diff.trimEnd().split('\n');
  const all = whole.filter((line) => !RUN_ANNOTATION_LINE.test(line));
  const lines = ['### Diff', ''];
  if (all.length < whole.length) {
    lines.push(
      `_${plural(whole.length - all.length, 'line')} changing only our per-run annotations (${RUN_ANNOTATIONS.map(code).join(', ')}) left out._`,
      '',
    );
  }
  if (all.length === 0)
    return [...lines, 'The cluster already matches the manifests: the diff is empty.', ''];
  const kept = all.slice(0, shown);
  const omitted = all.length - kept.length;
  const where = deploy.diffPath ? ` The full diff is in ${code(deploy.diffPath)} on the runner.` : '';
  const title = `Server-side diff (${plural(all.length, 'line')}${omitted > 0 ? `, the first ${kept.length} shown` : ''})`;
  if (kept.length > 0) {
    // Not push(...): a long diff is more arguments than a call can take.
    const block =
      all.length <= DIFF_OPEN_LINES ? [...fenced(kept, 'diff'), ''] : collapsed(title, kept, 'diff');
    for (const line of block) lines.push(line);
  }
  if (omitted > 0) {
    lines.push(
      `**${plural(omitted, 'line')} of the diff ${omitted === 1 ? 'was' : 'were'} left out** (lines ${kept.length + 1}–${all.length} of ${all.length}) to fit GitHub's step summary limit.${where}`,
      '',
    );
    leftOut.push(
      `${plural(omitted, 'diff line')}${deploy.diffPath ? ` (full diff: ${code(deploy.diffPath)})` : ''}`,
    );
  }
  return lines;
}

// ---------------------------------------------------------------- timeline

/** Every phase of the run in order, each with what became of it (a verify that failed is failed). */
function timelinePhases(result: PipelineResult): TimelinePhase[] {
  const deploy = result.deploy;
  // The pipeline and the engine mark each phase's outcome, a failed verify or migration included.
  const prepare = result.phases.map((p): TimelinePhase => ({ ...p, section: 'Prepare' }));
  const steps = (deploy?.phases ?? []).map((p): TimelinePhase => ({ ...p, section: 'Deploy' }));
  return [...prepare, ...steps];
}

/** The phases as a mermaid gantt (GitHub renders it): wall-clock axis, failed phases in red. */
export function timeline(result: PipelineResult): string[] {
  const phases = timelinePhases(result);
  if (phases.length === 0) return [];
  const start = Math.min(...phases.map((p) => p.startedAt));
  const end = Math.max(...phases.map((p) => p.startedAt + p.durationMs));
  const lines = [
    '### Timeline',
    '',
    `_Clock times in your browser's time zone; the run started at ${new Date(start).toISOString().slice(11, 19)} UTC._`,
    '',
    '```mermaid',
    'gantt',
    '  dateFormat x',
    '  axisFormat %H:%M:%S',
    `  tickInterval ${tickInterval(end - start)}`,
    '  todayMarker off',
  ];
  let section: string | undefined;
  phases.forEach((phase, index) => {
    if (phase.section !== section) {
      section = phase.section;
      lines.push(`  section ${section}`);
    }
    const tags = { done: 'done, ', failed: 'crit, ', cancelled: 'crit, active, ', skipped: '' }[
      phase.outcome
    ];
    const what = phase.outcome === 'done' ? '' : ` ${phase.outcome}`;
    const name = ganttText(`${phase.name}${what} ${minutesAndSeconds(phase.durationMs)}`);
    lines.push(
      `  ${name} :${tags}p${index}, ${Math.round(phase.startedAt)}, ${Math.max(1, Math.round(phase.durationMs))}ms`,
    );
  });
  return [...lines, '```', ''];
}

/** An axis step giving about 4 to 10 ticks, so a short run does not repeat its labels. */
function tickInterval(durationMs: number): string {
  const steps: [number, string][] = [
    [1_000, '1second'],
    [2_000, '2second'],
    [5_000, '5second'],
    [10_000, '10second'],
    [15_000, '15second'],
    [30_000, '30second'],
    [60_000, '1minute'],
    [120_000, '2minute'],
    [300_000, '5minute'],
    [600_000, '10minute'],
    [1_800_000, '30minute'],
  ];
  return (steps.find(([ms]) => durationMs / ms <= 10) ?? [0, '1hour'])[1];
}

/** Task names end at ':' and comments start at '#' or '%%'; ';' ends a statement. */
function ganttText(name: string): string {
  return name
    .replace(/[:#;%]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// ---------------------------------------------------------------- markdown helpers

function collapsed(title: string, lines: readonly string[], language: string): string[] {
  return [
    `<details><summary>${escapeHtml(title)}</summary>`,
    '',
    ...fenced(lines, language),
    '',
    '</details>',
    '',
  ];
}

/** A fence longer than any run of backticks inside, so no line can close it. */
function fenced(lines: readonly string[], language: string): string[] {
  const shortened = lines.map(shorten);
  let longest = 2;
  for (const line of shortened) {
    for (const run of line.matchAll(/`{3,}/g)) longest = Math.max(longest, run[0].length);
  }
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, ...shortened, fence];
}

function shorten(line: string): string {
  return line.length <= LINE_CHARS
    ? line
    : `${line.slice(0, LINE_CHARS)} … (${line.length - LINE_CHARS} more characters)`;
}

function quote(value: string): string {
  return value
    .split('\n')
    .map((line) => `> ${text(line)}`)
    .join('\n');
}

/**
 * Text from the cluster, the manifests or an image, shown as itself: no HTML, and no markdown
 * (a `[link](url)`, emphasis, an image, a heading or list at the start of a quoted line, a code
 * span, a table pipe, an autolink): the punctuation that starts them is backslash-escaped, as CommonMark allows
 * for any ASCII punctuation (an escaped `[` is no link, so `(`, `)` and `!` stay as they are).
 */
function text(value: string): string {
  const escaped = shorten(value)
    .replace(/[\\`*_[\]~#|]/g, '\\$&')
    // GitHub's autolinks: "scheme://", "www." and e-mail addresses become links even as plain text.
    .replaceAll('://', '\\://')
    .replace(/\b(www)\./gi, '$1\\.')
    .replaceAll('@', '\\@');
  return escapeHtml(escaped).replace(
    /^(\s*)([-+=]|\d+[.)])/,
    (_, space: string, marker: string) => `${space}${marker.replace(/([-+=.)])$/, '\\$1')}`,
  );
}

function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** text() for a table cell: its pipes are escaped already; a line break would end the row. */
function cell(value: string): string {
  return text(value).replace(/\r?\n/g, ' ');
}

/** A code span that no backtick run inside can close (CommonMark: a longer fence, spaces inside). */
function code(value: string): string {
  const runs = value.match(/`+/g) ?? [];
  if (runs.length === 0) return `\`${value}\``;
  const fence = '`'.repeat(Math.max(...runs.map((run) => run.length)) + 1);
  return `${fence} ${value} ${fence}`;
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

function describeSource(source: 'eks' | 'input' | 'environment'): string {
  if (source === 'eks') return 'EKS with exec-plugin tokens';
  return source === 'input' ? "the 'kubeconfig' input" : 'KUBECONFIG';
}

function countKinds(kinds: string[]): string {
  const counts = new Map<string, number>();
  for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts].map(([kind, count]) => `${count} ${kind}`).join(', ') || 'none';
}

function byteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** Last resort (a verdict or table that alone is too big): cut at a line, and say so. */
function cut(value: string, maxBytes: number): string {
  const note = `\n\n_The rest of this summary (${byteLength(value)} bytes in all) was left out: GitHub takes at most 1 MiB per step summary. The log has everything._\n`;
  const budget = maxBytes - byteLength(note);
  let kept = Buffer.from(value, 'utf8').subarray(0, Math.max(0, budget)).toString('utf8');
  kept = kept.replace(/\uFFFD$/, '');
  const newline = kept.lastIndexOf('\n');
  if (newline > 0) kept = kept.slice(0, newline);
  // An open fence would swallow the note: close it.
  const fences = kept.match(/^`{3,}/gm) ?? [];
  if (fences.length % 2 === 1) kept += `\n${fences[fences.length - 1]}`;
  const open = (kept.match(/<details>/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length;
  if (open > 0) kept += '\n\n</details>'.repeat(open);
  return `${kept}${note}`;
}
