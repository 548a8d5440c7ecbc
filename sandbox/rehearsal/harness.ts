import { UnsupportedConstruct } from './errors.js';
import {
  type Contexts,
  evaluateCondition,
  evaluateString,
  evaluateValue,
  type Json,
  type StatusFunctions,
} from './expressions.js';
import {
  checkout,
  classifyUses,
  configureAwsCredentials,
  REPO_ROOT,
  runOurAction,
  runScript,
  type StepContext,
  type StepRun,
} from './steps.js';
import { type Job, loadWorkflow, type Workflow } from './workflow.js';

/**
 * A local rehearsal of a reusable workflow (`on: workflow_call`) against the sandbox: the job graph
 * in `needs` order, expressions through @actions/expressions, matrices, environments answered by
 * the test, outputs passed on as strings, and steps run by stand-ins or, for our action, by the
 * runner stand-in (sandbox/runner.ts). A test harness, not a runner: what it does not support is an
 * UnsupportedConstruct naming it.
 */

export type Result = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface ApprovalRequest {
  job: string;
  /** The matrix of the leg that asked (one answer covers every leg waiting at that moment). */
  matrix: Record<string, Json> | undefined;
  /** What happened so far in this run (e.g. which jobs finished before the approval was asked). */
  timeline: readonly TimelineEvent[];
}

export interface RehearsalOptions {
  /** Path of the workflow file, e.g. .github/workflows/deploy.yml. */
  workflow: string;
  /** The caller's `with:`. */
  inputs: Record<string, string | boolean | number>;
  /** The sandbox's STATE/env. */
  sandboxEnv: Record<string, string>;
  github: {
    sha: string;
    repository: string;
    ref?: string;
    event_name?: string;
    run_id?: string;
    server_url?: string;
  };
  /** Repository variables and secrets. */
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  /** Per GitHub Environment: its variables and secrets, which override the repository's in its jobs. */
  environments?: Record<string, { vars?: Record<string, string>; secrets?: Record<string, string> }>;
  /** The environment's protection rule (required reviewers): true approves, false rejects. */
  approve(environment: string, request: ApprovalRequest): boolean | Promise<boolean>;
  workspace?: string;
  echo?: (text: string) => void;
}

export interface StepRecord {
  id?: string;
  name: string;
  uses?: string;
  outcome: Result;
  conclusion: Result;
  outputs: Record<string, string>;
  log: string;
  summary: string;
  exitCode?: number;
  postExitCode?: number;
}

export interface LegRecord {
  name: string;
  matrix: Record<string, Json> | undefined;
  result: Result;
  environment?: { name: string; url: string; approved: boolean; deployment: boolean };
  concurrency?: { group: string; cancelInProgress: boolean };
  /** The `GITHUB_TOKEN` the job got: `write` with `deployments: write`, else `read-only`. */
  token: 'write' | 'read-only';
  assumedRoles: string[];
  steps: StepRecord[];
  outputs: Record<string, string>;
  /** Why it failed without a step failing (rejected approval, timeout). */
  reason?: string;
}

export interface JobRecord {
  id: string;
  result: Result;
  outputs: Record<string, string>;
  legs: LegRecord[];
  strategy?: { failFast: boolean; maxParallel: number | undefined };
}

export interface TimelineEvent {
  seq: number;
  job: string;
  leg?: string;
  event:
    | 'job-started'
    | 'approval-asked'
    | 'approved'
    | 'rejected'
    | 'leg-started'
    | 'leg-finished'
    | 'job-finished';
  detail?: string;
}

export interface Rehearsal {
  result: Result;
  outputs: Record<string, string>;
  jobs: Record<string, JobRecord>;
  timeline: TimelineEvent[];
  concurrency?: string;
}

/** Job-level concurrency groups, across every rehearsal in this process (GitHub's are per repository). */
const groupLocks = new Map<string, Promise<void>>();

async function inGroup<T>(group: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!group) return work();
  const before = groupLocks.get(group) ?? Promise.resolve();
  let release = () => {};
  const mine = new Promise<void>((done) => {
    release = done;
  });
  groupLocks.set(
    group,
    before.then(() => mine),
  );
  await before;
  try {
    return await work();
  } finally {
    release();
  }
}

/** Variables a runner machine does not have before configure-aws-credentials, and the sandbox's kubeconfig. */
const NOT_ON_THE_RUNNER = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'KUBECONFIG',
];

function needsOf(job: Job): string[] {
  return [job.needs ?? []].flat();
}

function bool(value: Json, where: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new UnsupportedConstruct(`${where}: expected true or false, got ${JSON.stringify(value)}.`);
}

function tokenFor(permissions: Workflow['permissions']): 'write' | 'read-only' {
  if (permissions === undefined || permissions === 'write-all') return 'write';
  if (typeof permissions === 'string') return 'read-only';
  return permissions.deployments === 'write' ? 'write' : 'read-only';
}

function idTokenAllowed(permissions: Workflow['permissions']): boolean {
  if (permissions === undefined || permissions === 'write-all') return true;
  if (typeof permissions === 'string') return false;
  return permissions['id-token'] === 'write';
}

/** The cross product of a matrix whose every key is a list (include/exclude are refused at load). */
function expandMatrix(matrix: Json, where: string): Record<string, Json>[] {
  if (!matrix || typeof matrix !== 'object' || Array.isArray(matrix)) {
    throw new UnsupportedConstruct(
      `${where}: the matrix must be a mapping of lists, got ${JSON.stringify(matrix)}.`,
    );
  }
  let legs: Record<string, Json>[] = [{}];
  for (const [key, values] of Object.entries(matrix)) {
    if (!Array.isArray(values))
      throw new UnsupportedConstruct(
        `${where}.${key}: a matrix vector must be a list, got ${JSON.stringify(values)}.`,
      );
    if (values.length === 0) throw new Error(`${where}: Matrix vector '${key}' does not contain any values.`);
    legs = legs.flatMap((leg) => values.map((value) => ({ ...leg, [key]: value })));
  }
  if (legs.length > 256) throw new Error(`${where}: a matrix may not produce more than 256 jobs.`);
  return legs;
}

function legName(id: string, matrix: Record<string, Json> | undefined): string {
  if (!matrix) return id;
  const flat = (value: Json): string =>
    value && typeof value === 'object'
      ? Object.values(value)
          .map((item) => flat(item as Json))
          .join(', ')
      : String(value);
  return `${id} (${Object.values(matrix).map(flat).join(', ')})`;
}

function strings(value: Json, where: string): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new UnsupportedConstruct(`${where}: expected a mapping.`);
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      if (item !== null && typeof item === 'object')
        throw new UnsupportedConstruct(`${where}.${key}: expected a scalar.`);
      return [key, item === null ? '' : String(item)];
    }),
  );
}

/** Typed inputs as `on.workflow_call.inputs` declares them; unknown or missing required inputs fail as on GitHub. */
function resolveInputs(
  workflow: Workflow,
  given: RehearsalOptions['inputs'],
  github: Contexts['github'],
): Record<string, Json> {
  for (const name of Object.keys(given)) {
    if (!(name in workflow.inputs))
      throw new Error(`Invalid input, ${name} is not defined in the referenced workflow.`);
  }
  const inputs: Record<string, Json> = {};
  for (const [name, spec] of Object.entries(workflow.inputs)) {
    const type = spec.type ?? 'string';
    let value: Json | undefined = given[name];
    if (value === undefined) {
      if (spec.required) throw new Error(`Input required and not supplied: ${name}`);
      value =
        typeof spec.default === 'string'
          ? evaluateValue(spec.default, { github }, `input ${name} default`)
          : (spec.default ?? (type === 'boolean' ? false : type === 'number' ? 0 : ''));
    }
    if (type === 'boolean' && typeof value !== 'boolean')
      throw new Error(`Input ${name}: expected a boolean, got ${JSON.stringify(value)}.`);
    if (type === 'number' && typeof value !== 'number')
      throw new Error(`Input ${name}: expected a number, got ${JSON.stringify(value)}.`);
    if (type === 'string' && typeof value !== 'string')
      throw new Error(`Input ${name}: expected a string, got ${JSON.stringify(value)}.`);
    inputs[name] = value;
  }
  return inputs;
}

export async function rehearse(options: RehearsalOptions): Promise<Rehearsal> {
  const workflow = await loadWorkflow(options.workflow);
  const workspace = options.workspace ?? REPO_ROOT;
  const sandbox = options.sandboxEnv;
  const github = {
    sha: options.github.sha,
    repository: options.github.repository,
    ref: options.github.ref ?? 'refs/heads/main',
    event_name: options.github.event_name ?? 'push',
    run_id: options.github.run_id ?? String(Date.now()),
    server_url: options.github.server_url ?? 'https://github.com',
  };
  const inputs = resolveInputs(workflow, options.inputs, github);
  const repoVars = options.vars ?? {};
  const repoSecrets = options.secrets ?? {};
  const base: Contexts = { inputs, vars: repoVars, github };
  const workflowEnv = strings(
    evaluateValue(workflow.env ?? {}, { ...base, secrets: repoSecrets }, 'env'),
    'env',
  );
  const concurrency = workflow.concurrency
    ? String(
        evaluateValue(
          typeof workflow.concurrency === 'string' ? workflow.concurrency : workflow.concurrency.group,
          base,
          'concurrency',
        ),
      )
    : undefined;

  const timeline: TimelineEvent[] = [];
  const mark = (event: Omit<TimelineEvent, 'seq'>) => timeline.push({ seq: timeline.length + 1, ...event });
  const jobs: Record<string, JobRecord> = {};
  const ancestors = (id: string): string[] => {
    const direct = needsOf(workflow.jobs[id] as Job);
    return [...new Set([...direct, ...direct.flatMap(ancestors)])];
  };

  async function runJob(id: string, job: Job): Promise<JobRecord> {
    const where = `jobs.${id}`;
    const needs = Object.fromEntries(
      needsOf(job).map((need) => [
        need,
        { result: jobs[need]?.result ?? 'skipped', outputs: jobs[need]?.outputs ?? {} },
      ]),
    ) as Json;
    const upstream = ancestors(id).map((need) => jobs[need]?.result);
    const jobStatus: StatusFunctions = {
      success: () => upstream.every((result) => result === 'success'),
      failure: () => upstream.some((result) => result === 'failure'),
      always: () => true,
      cancelled: () => false,
    };
    const jobContexts: Contexts = { ...base, secrets: repoSecrets, needs };
    if (!evaluateCondition(job.if, jobContexts, jobStatus, `${where}.if`)) {
      return { id, result: 'skipped', outputs: {}, legs: [] };
    }
    mark({ job: id, event: 'job-started' });
    const strategy = job.strategy;
    const matrices = strategy
      ? expandMatrix(
          evaluateValue(strategy.matrix, jobContexts, `${where}.strategy.matrix`),
          `${where}.strategy.matrix`,
        )
      : [undefined];
    const failFast =
      strategy?.['fail-fast'] === undefined
        ? true
        : bool(
            evaluateValue(strategy['fail-fast'], jobContexts, `${where}.strategy.fail-fast`),
            `${where}.strategy.fail-fast`,
          );
    const maxParallelValue =
      strategy?.['max-parallel'] === undefined
        ? undefined
        : Number(evaluateValue(strategy['max-parallel'], jobContexts, `${where}.strategy.max-parallel`));
    if (maxParallelValue !== undefined && !(Number.isInteger(maxParallelValue) && maxParallelValue > 0)) {
      throw new UnsupportedConstruct(`${where}.strategy.max-parallel: expected a positive whole number.`);
    }
    const approvals = new Map<string, Promise<boolean>>();
    const legs: LegRecord[] = [];
    const outputs: Record<string, string> = {};
    let failed = false;
    const queue = matrices.map((matrix, index) => ({ matrix, index }));
    const records: (LegRecord | undefined)[] = [];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const name = legName(id, next.matrix);
        if (failed && failFast) {
          records[next.index] = {
            name,
            matrix: next.matrix,
            result: 'cancelled',
            token: 'read-only',
            assumedRoles: [],
            steps: [],
            outputs: {},
            reason: 'fail-fast',
          };
          continue;
        }
        const leg = await runLeg(id, job, next.matrix, needs, approvals);
        records[next.index] = leg;
        if (leg.result === 'failure') failed = true;
        // Matrix outputs: every leg that sets a value overwrites it, the last to finish wins (as on GitHub).
        for (const [key, value] of Object.entries(leg.outputs)) if (value !== '') outputs[key] = value;
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(maxParallelValue ?? matrices.length, matrices.length) }, worker),
    );
    legs.push(...(records as LegRecord[]));
    const result: Result = legs.some((leg) => leg.result === 'failure' || leg.result === 'cancelled')
      ? 'failure'
      : 'success';
    mark({ job: id, event: 'job-finished', detail: result });
    return {
      id,
      result,
      outputs,
      legs,
      ...(strategy ? { strategy: { failFast, maxParallel: maxParallelValue } } : {}),
    };
  }

  async function runLeg(
    id: string,
    job: Job,
    matrix: Record<string, Json> | undefined,
    needs: Json,
    approvals: Map<string, Promise<boolean>>,
  ): Promise<LegRecord> {
    const name = legName(id, matrix);
    const where = `jobs.${id}${matrix ? ` ${name}` : ''}`;
    const permissions = job.permissions ?? workflow.permissions;
    const token = tokenFor(permissions);
    const legBase: Contexts = { ...base, secrets: repoSecrets, needs, ...(matrix ? { matrix } : {}) };
    const leg: LegRecord = {
      name,
      matrix,
      result: 'success',
      token,
      assumedRoles: [],
      steps: [],
      outputs: {},
    };

    // Environment: its protection rule is the test's approve(); its variables override the repository's.
    let vars = repoVars;
    let secrets = repoSecrets;
    let environmentUrl: unknown;
    if (job.environment !== undefined) {
      const raw = typeof job.environment === 'string' ? { name: job.environment } : job.environment;
      const envName = String(evaluateValue(raw.name, legBase, `${where}.environment.name`));
      const deployment =
        raw.deployment === undefined
          ? true
          : bool(
              evaluateValue(raw.deployment, legBase, `${where}.environment.deployment`),
              `${where}.environment.deployment`,
            );
      environmentUrl = raw.url;
      let approval = approvals.get(envName);
      if (!approval) {
        mark({ job: id, leg: name, event: 'approval-asked', detail: envName });
        approval = Promise.resolve(options.approve(envName, { job: id, matrix, timeline: [...timeline] }));
        approvals.set(envName, approval);
        const approved = await approval;
        mark({ job: id, leg: name, event: approved ? 'approved' : 'rejected', detail: envName });
        // One review answers the legs waiting now; a leg that starts later (max-parallel below the
        // number of legs) waits for the environment again, as on GitHub.
        approvals.delete(envName);
      }
      const approved = await approval;
      leg.environment = { name: envName, url: '', approved, deployment };
      if (!approved) {
        leg.result = 'failure';
        leg.reason = `The deployment to ${envName} was rejected.`;
        return leg;
      }
      vars = { ...repoVars, ...(options.environments?.[envName]?.vars ?? {}) };
      secrets = { ...repoSecrets, ...(options.environments?.[envName]?.secrets ?? {}) };
    }
    const jobToken =
      token === 'write'
        ? (sandbox.SANDBOX_GITHUB_TOKEN ?? '')
        : (sandbox.SANDBOX_GITHUB_READONLY_TOKEN ?? '');
    const githubContext = { ...github, token: jobToken };
    const contexts: Contexts = {
      ...legBase,
      vars,
      secrets: { ...secrets, GITHUB_TOKEN: jobToken },
      github: githubContext,
    };
    if (job.concurrency !== undefined) {
      const raw = typeof job.concurrency === 'string' ? { group: job.concurrency } : job.concurrency;
      const cancelInProgress =
        raw['cancel-in-progress'] === undefined
          ? false
          : bool(
              evaluateValue(raw['cancel-in-progress'], contexts, `${where}.concurrency`),
              `${where}.concurrency`,
            );
      if (cancelInProgress)
        throw new UnsupportedConstruct(
          `${where}.concurrency: cancel-in-progress: true is not supported by the rehearsal.`,
        );
      leg.concurrency = {
        group: evaluateString(raw.group, contexts, `${where}.concurrency.group`),
        cancelInProgress,
      };
    }
    return inGroup(leg.concurrency?.group, async () => {
      mark({ job: id, leg: name, event: 'leg-started' });
      const started = Date.now();
      await runSteps(job, where, contexts, leg, permissions);
      const timeout =
        job['timeout-minutes'] === undefined
          ? undefined
          : Number(evaluateValue(job['timeout-minutes'], contexts, `${where}.timeout-minutes`));
      // Checked when the steps end (the rehearsal does not cancel a running step).
      if (timeout !== undefined && Date.now() - started > timeout * 60_000 && leg.result === 'success') {
        leg.result = 'failure';
        leg.reason = `The job exceeded timeout-minutes (${timeout}).`;
      }
      if (leg.environment && environmentUrl !== undefined) {
        leg.environment.url = evaluateString(
          String(environmentUrl),
          { ...contexts, steps: stepsContext(leg) },
          `${where}.environment.url`,
        );
      }
      if (leg.environment?.deployment) await automaticDeployment(leg, id);
      mark({ job: id, leg: name, event: 'leg-finished', detail: leg.result });
      return leg;
    });
  }

  function stepsContext(leg: LegRecord): Json {
    return Object.fromEntries(
      leg.steps
        .filter((step) => step.id)
        .map((step) => [
          step.id,
          { outputs: step.outputs, outcome: step.outcome, conclusion: step.conclusion },
        ]),
    ) as Json;
  }

  async function runSteps(
    job: Job,
    where: string,
    contexts: Contexts,
    leg: LegRecord,
    permissions: Workflow['permissions'],
  ) {
    const secretValues = Object.values((contexts.secrets ?? {}) as Record<string, string>).filter(Boolean);
    const masked: string[] = [...secretValues];
    const jobEnvContext = {
      ...workflowEnv,
      ...strings(evaluateValue(job.env ?? {}, contexts, `${where}.env`), `${where}.env`),
    };
    const machine = Object.fromEntries(
      Object.entries(sandbox).filter(([key]) => !NOT_ON_THE_RUNNER.includes(key)),
    );
    const exported: Record<string, string> = {};
    const paths: string[] = [];
    const runnerEnv = () => ({
      ...machine,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_SHA: github.sha,
      GITHUB_REPOSITORY: github.repository,
      GITHUB_REF: github.ref,
      GITHUB_EVENT_NAME: github.event_name,
      GITHUB_RUN_ID: github.run_id,
      GITHUB_SERVER_URL: github.server_url,
      GITHUB_JOB: where.split(' ')[0]?.replace('jobs.', '') ?? '',
      GITHUB_WORKSPACE: workspace,
      ...exported,
      PATH: [...paths, machine.PATH ?? ''].join(':'),
    });
    let anyFailed = false;
    for (const [index, step] of job.steps.entries()) {
      const stepWhere = `${where}.steps[${index}]${step.id ? ` (${step.id})` : ''}`;
      const envContext = { ...jobEnvContext, ...exported };
      const stepContexts: Contexts = {
        ...contexts,
        steps: stepsContext(leg),
        env: envContext,
        job: { status: anyFailed ? 'failure' : 'success' },
      };
      const status: StatusFunctions = {
        success: () => !anyFailed,
        failure: () => anyFailed,
        always: () => true,
        cancelled: () => false,
      };
      const record: StepRecord = {
        ...(step.id ? { id: step.id } : {}),
        name: step.name ?? (step.uses ? step.uses : `Run ${String(step.run).split('\n')[0]}`),
        ...(step.uses ? { uses: step.uses } : {}),
        outcome: 'skipped',
        conclusion: 'skipped',
        outputs: {},
        log: '',
        summary: '',
      };
      leg.steps.push(record);
      if (!evaluateCondition(step.if, stepContexts, status, `${stepWhere}.if`)) continue;
      const stepEnv = strings(
        evaluateValue(step.env ?? {}, stepContexts, `${stepWhere}.env`),
        `${stepWhere}.env`,
      );
      const withContexts = { ...stepContexts, env: { ...envContext, ...stepEnv } };
      const withValues = strings(
        evaluateValue(step.with ?? {}, withContexts, `${stepWhere}.with`),
        `${stepWhere}.with`,
      );
      const processEnv: Record<string, string> = {
        ...runnerEnv(),
        ...envContext,
        ...stepEnv,
        SANDBOX_GITHUB_TOKEN:
          leg.token === 'write'
            ? (sandbox.SANDBOX_GITHUB_TOKEN ?? '')
            : (sandbox.SANDBOX_GITHUB_READONLY_TOKEN ?? ''),
      };
      const stepContext: StepContext = {
        where: stepWhere,
        env: processEnv,
        workspace,
        github,
        idToken: idTokenAllowed(permissions),
        echo: options.echo,
      };
      let run: StepRun;
      if (step.run !== undefined) {
        // A run step's process gets no GitHub token unless the workflow passes one through env.
        const {
          SANDBOX_GITHUB_TOKEN: _token,
          SANDBOX_GITHUB_READONLY_TOKEN: _readOnly,
          ...scriptEnv
        } = processEnv;
        run = await runScript(String(step.run), step['working-directory'] ?? '.', {
          ...stepContext,
          env: scriptEnv,
        });
      } else {
        const kind = classifyUses(String(step.uses), stepWhere);
        run =
          kind === 'checkout'
            ? checkout(withValues, stepContext)
            : kind === 'configure-aws-credentials'
              ? configureAwsCredentials(withValues, stepContext, sandbox)
              : await runOurAction(withValues, stepContext);
      }
      if (run.assumedRole) leg.assumedRoles.push(run.assumedRole);
      masked.push(...run.masked);
      Object.assign(exported, run.exportedEnv);
      paths.unshift(...run.addedPath.reverse());
      const ok = run.exitCode === 0;
      const continueOnError =
        step['continue-on-error'] === undefined
          ? false
          : bool(
              evaluateValue(step['continue-on-error'], stepContexts, `${stepWhere}.continue-on-error`),
              `${stepWhere}.continue-on-error`,
            );
      Object.assign(record, {
        outcome: ok ? 'success' : 'failure',
        conclusion: ok || continueOnError ? 'success' : 'failure',
        outputs: run.outputs,
        log: run.log,
        summary: run.summary,
        exitCode: run.exitCode,
        ...(run.postExitCode === undefined ? {} : { postExitCode: run.postExitCode }),
      });
      if (record.conclusion === 'failure') anyFailed = true;
      // A failing post step fails the job, though the main step's outcome stays.
      if (run.postExitCode !== undefined && run.postExitCode !== 0) anyFailed = true;
    }
    leg.result = anyFailed ? 'failure' : 'success';
    const outputContexts: Contexts = {
      ...contexts,
      steps: stepsContext(leg),
      env: { ...jobEnvContext, ...exported },
      job: { status: leg.result },
    };
    for (const [key, expression] of Object.entries(job.outputs ?? {})) {
      const value = evaluateString(String(expression), outputContexts, `${where}.outputs.${key}`);
      // GitHub does not pass on an output that holds a secret (it warns "Skip output since it may contain secret").
      leg.outputs[key] = masked.some((secret) => secret && value.includes(secret)) ? '' : value;
    }
  }

  /** What GitHub does for a job with `environment:` (without `deployment: false`): a deployment and its status. */
  async function automaticDeployment(leg: LegRecord, job: string) {
    const admin = sandbox.SANDBOX_GITHUB_ADMIN_URL;
    if (!admin || !leg.environment) return;
    const created = (await (
      await fetch(`${admin}/automatic-deployment`, {
        method: 'POST',
        body: JSON.stringify({
          repository: github.repository,
          sha: github.sha,
          ref: github.ref,
          environment: leg.environment.name,
        }),
      })
    ).json()) as { deployment?: { id: number } };
    const deploymentId = created.deployment?.id;
    if (!deploymentId) throw new Error(`jobs.${job}: the GitHub stand-in made no automatic deployment.`);
    await fetch(`${sandbox.GITHUB_API_URL}/repos/${github.repository}/deployments/${deploymentId}/statuses`, {
      method: 'POST',
      headers: { authorization: `token ${sandbox.SANDBOX_GITHUB_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        state: leg.result === 'success' ? 'success' : 'failure',
        environment_url: leg.environment.url,
      }),
    });
  }

  // The job graph: every job whose needs have all finished starts; independent jobs run side by side.
  const pending = new Set(Object.keys(workflow.jobs));
  const running = new Map<string, Promise<void>>();
  while (pending.size > 0 || running.size > 0) {
    for (const id of [...pending]) {
      const job = workflow.jobs[id] as Job;
      if (needsOf(job).every((need) => jobs[need])) {
        pending.delete(id);
        running.set(
          id,
          runJob(id, job).then((record) => {
            jobs[id] = record;
            running.delete(id);
          }),
        );
      }
    }
    if (running.size === 0)
      throw new UnsupportedConstruct(
        `${workflow.path}: the needs of ${[...pending].join(', ')} form a cycle.`,
      );
    await Promise.race(running.values());
  }

  const jobsContext = Object.fromEntries(
    Object.values(jobs).map((job) => [job.id, { result: job.result, outputs: job.outputs }]),
  ) as Json;
  const outputs = Object.fromEntries(
    Object.entries(workflow.outputs).map(([name, output]) => [
      name,
      evaluateString(
        String(output.value),
        { ...base, jobs: jobsContext },
        `on.workflow_call.outputs.${name}`,
      ),
    ]),
  );
  const result: Result = Object.values(jobs).some((job) => job.result === 'failure') ? 'failure' : 'success';
  return { result, outputs, jobs, timeline, ...(concurrency ? { concurrency } : {}) };
}
