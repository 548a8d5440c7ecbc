/*
 * GitHub deployments: why the action owns its deployment.
 *
 * When `environment` is set, the action records the run as a GitHub deployment so it shows on
 * the repository's Environments page and in the pull request / commit timeline: one deployment
 * per run for that environment and commit, with a `task` naming the release (`deploy:<release>`),
 * a `payload` holding the image references, the previous release and the run URL, and statuses
 * that follow the run (`in_progress`, then `success`, `failure` or `inactive`/`error`), each with
 * the job's URL as `log_url`, the `environment-url` as `environment_url` and the verdict as
 * `description`.
 *
 * A job that declares `environment: production` already gets a deployment from GitHub, but that
 * one only knows whether the job passed: its `task`, `payload` and `ref` are undocumented (for a
 * pull request its sha is the head sha), its id is not exposed to the job, and it cannot say
 * "rolled back to v11" or which images went out. Two owners of one deployment also race: GitHub
 * posts its own status when the job ends. So the deploy job should declare
 *
 *     environment:
 *       name: production
 *       url: https://app.example.com
 *       deployment: false
 *
 * `deployment: false` keeps everything environments are used for — required reviewers, the
 * wait timer, environment secrets and variables, the OIDC `environment:` subject — and only stops
 * GitHub from creating its own deployment object, leaving the action as its one owner. (Custom
 * deployment protection rules need GitHub's deployment: with `deployment: false` such a job fails
 * at once. There, leave `deployment` out: the action finds the deployment GitHub made for this
 * job — same sha and environment, created by github-actions[bot] for this run, still pending —
 * and posts its statuses to it instead of creating a second one. GitHub still posts its own
 * status when the job ends.)
 *
 * The token needs `permissions: deployments: write`. Without it (or with a fork's read-only
 * token, or when the API fails) the action prints one warning saying what to add and the deploy
 * goes on unreported. The API defaults are not used: `auto_merge` would merge the default branch
 * into the ref, `required_contexts` would refuse the deployment until every check passed, and
 * `production_environment` would follow the environment's name only when it is `production`.
 *
 * Dry runs create no deployment (nothing was deployed); a deployment that already exists for the
 * job (GitHub's) is set `inactive` with "Dry run: nothing was changed".
 */

import type { getOctokit } from '@actions/github';
import type { Logger } from '../log.js';
import { firstLine } from '../text.js';
import { isProductionEnvironment, statusDescription } from './deployment-rules.js';

export { isProductionEnvironment, statusDescription } from './deployment-rules.js';

type Octokit = ReturnType<typeof getOctokit>;

/** GitHub's login for the deployments it creates for `environment:` jobs. */
const GITHUB_ACTIONS_BOT = 'github-actions[bot]';
/** Clocks of the runner and GitHub differ; a deployment this much older than `startedAt` still counts. */
const CLOCK_SKEW_MS = 2 * 60_000;
/** A deployment whose latest status is one of these has not been finished by anyone yet. */
const UNFINISHED = new Set(['in_progress', 'queued', 'pending']);

export interface DeploymentTarget {
  /** The token (`github-token`); registered as a secret and never printed. */
  token: string;
  /** The REST API's root (`GITHUB_API_URL`), passed to octokit as `baseUrl`. */
  apiUrl: string;
  /** owner/repo */
  repository: string;
  /** The commit deployed; also the deployment's `ref`. */
  sha: string;
  /** The branch or tag that triggered the run: logged only (the deployment's ref is the sha). */
  ref?: string;
  environment: string;
  environmentUrl?: string;
  /** The job's URL: every status's `log_url`. */
  runUrl?: string;
  /** Names the task: `deploy:<releaseName>`, else `deploy`. */
  releaseName?: string;
  images: Record<string, string>;
  previousRelease?: number;
  /** Default: `isProductionEnvironment(environment)`. */
  productionEnvironment?: boolean;
  /** A dry run creates no deployment; it only reports to the one GitHub created for the job, if any. */
  dryRun?: boolean;
  /** When the job started: GitHub's own deployment for an `environment:` job is made at its start. */
  startedAt: Date;
  logger: Logger;
  /** Per API call (default 10 s): a hanging API must not hold the deploy up. */
  timeoutMs?: number;
}

export interface DeploymentFinish {
  result: 'success' | 'failed' | 'rolled-back' | 'dry-run' | 'waiting-for-promotion';
  verdict?: string;
  cancelled?: boolean;
  /** Nothing reached the cluster (the engine's `nothingChanged`): a cancelled run is then `inactive`. */
  nothingChanged?: boolean;
  release?: number;
  rolledBackTo?: number;
  unchanged?: boolean;
}

export class DeploymentReporter {
  private constructor(
    /** The deployment's id, once one was found or created; undefined when reporting is off. */
    readonly id: number | undefined,
    /** The deployment was GitHub's own (an `environment:` job without `deployment: false`). */
    readonly reused: boolean,
    private readonly target: DeploymentTarget | undefined,
    private readonly octokit: Octokit | undefined,
  ) {}

  /**
   * Finds the deployment GitHub created for this job and reuses it, else creates one (not for a
   * dry run), then posts `in_progress`. On any API failure: one warning and a reporter that does
   * nothing. Never throws.
   */
  static async start(target: DeploymentTarget): Promise<DeploymentReporter> {
    const off = new DeploymentReporter(undefined, false, undefined, undefined);
    if (target.token) target.logger.setSecret(target.token);
    let step = 'connect to the GitHub API';
    try {
      const [owner, repo] = splitRepository(target.repository);
      const { getOctokit } = await import('@actions/github');
      const octokit = getOctokit(target.token, {
        baseUrl: target.apiUrl.replace(/\/+$/, ''),
        log: quietLog(target.logger),
      });
      const call = () => ({ signal: AbortSignal.timeout(target.timeoutMs ?? 10_000) });

      step = 'list the deployments of this commit';
      let id = await findAutomaticDeployment(octokit, owner, repo, target, call);
      const reused = id !== undefined;
      if (id === undefined) {
        if (target.dryRun) {
          target.logger.info(
            `Dry run: no GitHub deployment is created for environment ${target.environment}.`,
          );
          return off;
        }
        step = 'create a deployment';
        const production = target.productionEnvironment ?? isProductionEnvironment(target.environment);
        const created = await octokit.rest.repos.createDeployment({
          owner,
          repo,
          ref: target.sha,
          task: target.releaseName ? `deploy:${target.releaseName}` : 'deploy',
          auto_merge: false,
          required_contexts: [],
          environment: target.environment,
          description: describeDeployment(target),
          payload: {
            images: target.images,
            previousRelease: target.previousRelease ?? null,
            runUrl: target.runUrl ?? null,
            release: target.releaseName ?? null,
          },
          production_environment: production,
          transient_environment: false,
          request: call(),
        });
        const data = created.data as { id?: unknown; message?: unknown };
        if (typeof data.id !== 'number') {
          target.logger.warning(
            scrub(
              `GitHub answered ${created.status} without a deployment id${
                typeof data.message === 'string' ? ` ("${data.message}")` : ''
              }, so the deploy to ${target.environment} is not reported on GitHub. The deploy goes on.`,
              target.token,
            ),
          );
          return off;
        }
        id = data.id;
      }
      const reporter = new DeploymentReporter(id, reused, target, octokit);
      step = 'post the in_progress status';
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: id,
        state: 'in_progress',
        ...reporter.urls(true),
        description: statusDescription(
          target.dryRun ? 'Dry run in progress' : `Deploying ${target.sha.slice(0, 7)}`,
        ),
        request: call(),
      });
      target.logger.info(
        `GitHub deployment ${id} ${reused ? "(GitHub's own for this job)" : 'created'} for environment ${
          target.environment
        }${target.ref ? ` (${target.ref})` : ''}: in_progress.`,
      );
      return reporter;
    } catch (error) {
      target.logger.warning(failureWarning(error, step, target));
      return off;
    }
  }

  /** Posts the final status (see `finalStatus`). A failed post is one warning; never throws. */
  async finish(outcome: DeploymentFinish): Promise<void> {
    const { target, octokit, id } = this;
    if (!target || !octokit || id === undefined) return;
    const status = finalStatus(outcome);
    try {
      const [owner, repo] = splitRepository(target.repository);
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: id,
        state: status.state,
        ...this.urls(status.state === 'success'),
        description: status.description,
        ...(status.state === 'success' ? { auto_inactive: true } : {}),
        request: { signal: AbortSignal.timeout(target.timeoutMs ?? 10_000) },
      });
      target.logger.info(`GitHub deployment ${id}: ${status.state} (${status.description}).`);
    } catch (error) {
      target.logger.warning(failureWarning(error, `post the ${status.state} status`, target));
    }
  }

  private urls(withEnvironmentUrl: boolean): { log_url?: string; environment_url?: string } {
    const target = this.target;
    return {
      ...(target?.runUrl ? { log_url: target.runUrl } : {}),
      ...(withEnvironmentUrl && target?.environmentUrl ? { environment_url: target.environmentUrl } : {}),
    };
  }
}

export type FinalState = 'success' | 'failure' | 'error' | 'inactive' | 'in_progress';

/**
 * The final status of a run:
 * - success → `success` "Release vN deployed" (or "… unchanged"), with environment_url; GitHub
 *   then sets earlier non-production deployments of the environment inactive (auto_inactive).
 * - failed → `failure` with the verdict's first line.
 * - rolled-back → `failure` "Rolled back to vN: <verdict>".
 * - dry-run → `inactive` "Dry run: nothing was changed" (only GitHub's own deployment gets one).
 * - waiting-for-promotion → `in_progress` "Release vN waiting for promotion": promote or reject ends it.
 * - cancelled, nothing reached the cluster or it was rolled back → `inactive`: the previous
 *   deployment is still what runs.
 * - cancelled with the cluster part-way (e.g. the migration Job left running) → `error`: someone
 *   has to look.
 */
export function finalStatus(outcome: DeploymentFinish): { state: FinalState; description: string } {
  const reason = outcome.verdict ? firstLine(outcome.verdict) : '';
  const rolledBack =
    outcome.rolledBackTo !== undefined ? `Rolled back to v${outcome.rolledBackTo}` : 'Rolled back';
  if (outcome.result === 'success') {
    const release = outcome.release !== undefined ? `Release v${outcome.release}` : 'Release';
    return {
      state: 'success',
      description: statusDescription(
        outcome.unchanged ? `${release} unchanged: already deployed` : `${release} deployed`,
      ),
    };
  }
  if (outcome.result === 'dry-run') return { state: 'inactive', description: 'Dry run: nothing was changed' };
  if (outcome.result === 'waiting-for-promotion') {
    // Still in progress for GitHub: promote or reject ends it.
    const release = outcome.release !== undefined ? `Release v${outcome.release}` : 'Release';
    return { state: 'in_progress', description: statusDescription(`${release} waiting for promotion`) };
  }
  if (outcome.cancelled) {
    if (outcome.result === 'rolled-back') {
      return { state: 'inactive', description: statusDescription(`Cancelled; ${rolledBack.toLowerCase()}`) };
    }
    if (outcome.nothingChanged) {
      return { state: 'inactive', description: 'Cancelled: nothing was changed' };
    }
    return {
      state: 'error',
      description: statusDescription(`Cancelled part-way${reason ? `: ${reason}` : ''}`),
    };
  }
  if (outcome.result === 'rolled-back') {
    return {
      state: 'failure',
      description: statusDescription(`${rolledBack}${reason ? `: ${reason}` : ''}`),
    };
  }
  return { state: 'failure', description: statusDescription(reason || 'Deploy failed') };
}

/**
 * GitHub's deployment for this job: same sha and environment, made by github-actions[bot] for
 * this run (at/after `startedAt` minus the clock skew, or its latest status links to this run),
 * and not finished yet. Newest first; the first page is enough (a job's own is among the newest).
 */
async function findAutomaticDeployment(
  octokit: Octokit,
  owner: string,
  repo: string,
  target: DeploymentTarget,
  call: () => { signal: AbortSignal },
): Promise<number | undefined> {
  const { data: deployments } = await octokit.rest.repos.listDeployments({
    owner,
    repo,
    sha: target.sha,
    environment: target.environment,
    per_page: 30,
    request: call(),
  });
  const since = target.startedAt.getTime() - CLOCK_SKEW_MS;
  const runPath = runPathOf(target.runUrl);
  const candidates = deployments
    .filter(
      (d) =>
        d.creator?.login === GITHUB_ACTIONS_BOT &&
        d.environment === target.environment &&
        d.sha === target.sha,
    )
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  for (const deployment of candidates) {
    const recent = Date.parse(deployment.created_at) >= since;
    if (!recent && runPath === undefined) continue;
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({
      owner,
      repo,
      deployment_id: deployment.id,
      per_page: 1,
      request: call(),
    });
    const latest = statuses[0];
    if (latest && !UNFINISHED.has(latest.state)) continue;
    const linksThisRun =
      runPath !== undefined &&
      [latest?.log_url, latest?.target_url].some(
        (url) => url !== undefined && url !== null && linksTo(url, runPath),
      );
    if (recent || linksThisRun) return deployment.id;
  }
  return undefined;
}

/** `/actions/runs/<id>/` of a job URL (https://github.com/o/r/actions/runs/1/job/2), when it is one. */
function runPathOf(runUrl: string | undefined): string | undefined {
  const match = runUrl?.match(/\/actions\/runs\/\d+(?=\/|$)/);
  return match?.[0];
}

/** The URL is under the run's path: `/actions/runs/42` matches `/actions/runs/42/job/7`, not `/actions/runs/420`. */
function linksTo(url: string, runPath: string): boolean {
  const at = url.indexOf(runPath);
  return at >= 0 && /^(?:[/?#]|$)/.test(url.slice(at + runPath.length));
}

function describeDeployment(target: DeploymentTarget): string {
  const names = Object.keys(target.images);
  return statusDescription(
    `${target.releaseName ?? 'Deploy'} ${target.sha.slice(0, 7)}${names.length > 0 ? `: ${names.join(', ')}` : ''}`,
  );
}

function splitRepository(repository: string): [string, string] {
  const [owner, repo, extra] = repository.split('/');
  if (!owner || !repo || extra !== undefined) {
    throw new Error(`The repository ${JSON.stringify(repository)} is not owner/repo.`);
  }
  return [owner, repo];
}

/** Octokit's own log (deprecations, retries) goes to debug: never to the job's warnings. */
function quietLog(logger: Logger) {
  const debug = (message: string) => logger.debug(`octokit: ${message}`);
  return { debug, info: debug, warn: debug, error: debug };
}

/**
 * One warning that says what to do. Only the status and GitHub's message are printed: octokit's
 * errors also carry the request, headers included.
 */
function failureWarning(error: unknown, step: string, target: DeploymentTarget): string {
  const failure = (error ?? {}) as { status?: unknown; response?: unknown; name?: unknown; cause?: unknown };
  const cause = (failure.cause ?? {}) as { name?: unknown; message?: unknown };
  const message = (error as Error)?.message ?? String(error);
  // Octokit reports a network failure or an abort as status 500 without a response: no HTTP answer.
  const answered = typeof failure.status === 'number' && failure.response !== undefined;
  const code = answered ? (failure.status as number) : undefined;
  const what = `Could not ${step} for environment ${target.environment}`;
  const goesOn = 'The deploy goes on without a GitHub deployment record.';
  let advice: string;
  if (
    !answered &&
    [failure.name, cause.name].some((name) => name === 'TimeoutError' || name === 'AbortError')
  ) {
    advice = `the GitHub API did not answer within ${(target.timeoutMs ?? 10_000) / 1000} s.`;
  } else if (code === undefined) {
    const reason = typeof cause.message === 'string' && cause.message !== '' ? cause.message : message;
    advice = `the GitHub API at ${target.apiUrl} could not be reached (${reason}).`;
  } else if (code === 401) {
    advice = `the token was refused (401: ${message}): check the \`github-token\` input.`;
  } else if (code === 403 && /rate limit/i.test(message)) {
    advice = `GitHub's rate limit was hit (403: ${message}).`;
  } else if (code === 403 || code === 404) {
    advice = `the token may not write deployments (${code}: ${message}): add \`permissions: deployments: write\` to the job. A pull request from a fork gets a read-only token and cannot report deployments.`;
  } else if (code === 422) {
    advice = `GitHub refused the request (422: ${message}): the commit ${target.sha} must be pushed to ${target.repository}, and the environment name must be valid.`;
  } else if (code >= 500) {
    advice = `the GitHub API failed (${code}: ${message}).`;
  } else {
    advice = `GitHub answered ${code}: ${message}.`;
  }
  return scrub(`${what}: ${advice} ${goesOn}`, target.token);
}

function scrub(text: string, token: string): string {
  return token ? text.split(token).join('***') : text;
}
