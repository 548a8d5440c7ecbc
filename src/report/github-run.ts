import { readFileSync } from 'node:fs';
import type { Inputs } from '../inputs.js';
import type { Logger } from '../log.js';
import { runUrlFromEnv } from '../manifests/annotations.js';
import type { PipelineResult } from '../pipeline.js';
import type { DeploymentReporter } from './deployments.js';

/**
 * The GitHub deployment of one run: created (or GitHub's own found) once the plan passed and the
 * cluster is about to change, finished with the run's outcome. Nothing happens without
 * `environment`, a token and GITHUB_REPOSITORY; a dry run creates none.
 */
export class GitHubRun {
  private reporter: DeploymentReporter | undefined;
  private readonly startedAt: Date;

  constructor(
    private readonly inputs: Inputs,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logger: Logger,
  ) {
    // The job started before this step; its own deployment was created then.
    this.startedAt = new Date(Date.now() - process.uptime() * 1000);
  }

  get deploymentId(): number | undefined {
    return this.reporter?.id;
  }

  private get enabled(): boolean {
    return Boolean(this.inputs.environment && this.inputs.githubToken && this.env.GITHUB_REPOSITORY);
  }

  /** The engine is about to change the cluster (see DeployDeps.onDeploying). */
  async deploying(
    previous: number | undefined,
    images: Record<string, string>,
    dryRun = false,
  ): Promise<void> {
    if (!this.enabled || this.reporter) return;
    const { DeploymentReporter } = await import('./deployments.js');
    this.reporter = await DeploymentReporter.start({
      token: this.inputs.githubToken ?? '',
      apiUrl: this.env.GITHUB_API_URL || 'https://api.github.com',
      repository: this.env.GITHUB_REPOSITORY ?? '',
      sha: deployedSha(this.env),
      environment: this.inputs.environment ?? '',
      environmentUrl: this.inputs.environmentUrl,
      runUrl: runUrlFromEnv(this.env),
      releaseName: this.inputs.releaseName,
      images,
      previousRelease: previous,
      startedAt: this.startedAt,
      logger: this.logger,
      dryRun,
    });
  }

  /** The final status, for every outcome. */
  async finished(result: PipelineResult): Promise<void> {
    if (result.result === 'dry-run' && result.deploy)
      await this.deploying(result.deploy.previousRelease, result.images, true);
    await this.reporter?.finish({
      result: result.result,
      verdict: result.verdict,
      cancelled: result.cancelled,
      nothingChanged: result.deploy?.nothingChanged ?? true,
      release: result.deploy?.release,
      rolledBackTo: result.deploy?.rollback?.to,
      unchanged: result.deploy?.unchanged,
    });
  }
}

/**
 * The commit deployed: GITHUB_SHA, except for pull requests, where GITHUB_SHA is a merge commit
 * and GitHub's own deployment (and the reviewer) know the head commit.
 */
export function deployedSha(env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_EVENT_NAME?.startsWith('pull_request') && env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
        pull_request?: { head?: { sha?: string } };
      };
      const head = event.pull_request?.head?.sha;
      if (head) return head;
    } catch {
      // no readable event: GITHUB_SHA it is
    }
  }
  return env.GITHUB_SHA ?? '';
}
