// Checks for the workflow library (issue 10): GitHub's own parser for workflows and action.yml, and the
// policy rules every workflow file must keep. Used by workflows.test.ts (the real files) and
// policy.test.ts (fixtures that prove each rule catches its violation).
//
// @actions/workflow-parser imports its JSON schemas without an import attribute; under jest the
// transform in jest.config.js (json-import-attributes.cjs) adds `with { type: 'json' }`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { parse } from 'yaml';

export interface WorkflowFile {
  path: string;
  text: string;
}

/** `.github/workflows/*.yml` and `workflows/*.yml` (also `.yaml`) under root, sorted. */
export function workflowFiles(root: string): string[] {
  const files: string[] = [];
  for (const dir of [join(root, '.github', 'workflows'), join(root, 'workflows')]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (/\.ya?ml$/.test(name)) files.push(join(dir, name));
    }
  }
  return files;
}

export function readWorkflow(path: string): WorkflowFile {
  return { path, text: readFileSync(path, 'utf8') };
}

/** Errors of GitHub's workflow parser: schema (parseWorkflow) and model conversion (convertWorkflowTemplate). */
export async function workflowParseErrors(file: WorkflowFile): Promise<string[]> {
  const result = parseWorkflow(
    { name: basename(file.path), content: file.text },
    new NoOperationTraceWriter(),
  );
  if (result.value !== undefined) {
    await convertWorkflowTemplate(result.context, result.value);
  }
  return result.context.errors.getErrors().map((e) => e.message);
}

/** Errors of GitHub's action.yml parser against the action metadata schema (action-root-strict). */
export function actionParseErrors(file: WorkflowFile): string[] {
  const result = parseAction({ name: basename(file.path), content: file.text }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((e) => e.message);
}

// ---- the workflow model the rules read (plain YAML; GitHub's parser has validated the shape) ----

type YMap = Record<string, unknown>;
const isMap = (v: unknown): v is YMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const asMap = (v: unknown): YMap => (isMap(v) ? v : {});
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

interface Job {
  id: string;
  def: YMap;
  steps: YMap[];
}

function jobsOf(file: WorkflowFile): Job[] {
  const doc = asMap(parse(file.text));
  return Object.entries(asMap(doc.jobs)).map(([id, def]) => ({
    id,
    def: asMap(def),
    steps: asList(asMap(def).steps).map(asMap),
  }));
}

/** The action of this repository: `./` (in its own workflows) or `org/k8s-deploy-action@v1`. */
export const isOurAction = (uses: unknown): boolean =>
  uses === './' || (typeof uses === 'string' && /^org\/k8s-deploy-action@v1$/.test(uses));
/** Our reusable workflow, local or at the released major tag. */
const isOurReusableWorkflow = (uses: unknown): boolean =>
  typeof uses === 'string' &&
  (/^\.\/\.github\/workflows\/[\w.-]+\.ya?ml$/.test(uses) ||
    /^org\/k8s-deploy-action\/\.github\/workflows\/[\w.-]+\.ya?ml@v1$/.test(uses));

const environmentName = (job: Job): string | undefined => {
  const env = job.def.environment;
  if (env === undefined) return undefined;
  const name = isMap(env) ? env.name : env;
  return typeof name === 'string' ? name : String(name);
};
const actionSteps = (job: Job): YMap[] => job.steps.filter((s) => isOurAction(s.uses));
const withOf = (step: YMap): YMap => asMap(step.with);
const isTrue = (v: unknown): boolean => v === true || v === 'true';
const isDryRun = (job: Job): boolean =>
  actionSteps(job).length > 0 && actionSteps(job).every((s) => isTrue(withOf(s)['dry-run']));
const needsOf = (job: Job): string[] => asList(job.def.needs).map(String);
const expressions = (text: string): string[] => [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]);

// ---- the rules: each returns its violations in one file ('' -free messages naming the job) ----

export type RuleName =
  | 'pinned-actions'
  | 'job-permissions'
  | 'no-untrusted-expressions-in-run'
  | 'environment-concurrency'
  | 'production-behind-staging-and-plan'
  | 'deploy-jobs-never-build';

/**
 * Every `uses:` of a third-party action or reusable workflow is pinned to a full 40-hex commit SHA
 * with its version in a comment on the same line (`@<sha> # v4.2.2`). Exempt: local `./…` and our own
 * `org/k8s-deploy-action…@v1`. `docker://` images must be pinned by digest.
 */
function pinnedActions(file: WorkflowFile): string[] {
  const out: string[] = [];
  const exempt = (ref: string): boolean =>
    ref.startsWith('./') || isOurAction(ref) || isOurReusableWorkflow(ref);
  const uses: string[] = [];
  for (const job of jobsOf(file)) {
    if (typeof job.def.uses === 'string') uses.push(job.def.uses);
    for (const step of job.steps) if (typeof step.uses === 'string') uses.push(step.uses);
  }
  for (const ref of uses) {
    if (exempt(ref)) continue;
    if (ref.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(ref)) out.push(`${ref}: a docker image not pinned by digest`);
    } else if (!/@[0-9a-f]{40}$/.test(ref)) {
      out.push(`${ref}: not pinned to a full 40-hex commit SHA`);
    }
  }
  // The version comment exists only in the text: every `uses:` line of a SHA-pinned ref carries one,
  // and every pinned ref of the model has such a line (a flow-style `{uses: …}` has none: a violation).
  const lineRefs: string[] = [];
  file.text.split('\n').forEach((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*(['"]?)([^\s'"#]+)\1(\s+#.*)?$/.exec(line);
    if (!m || exempt(m[2]) || !/@[0-9a-f]{40}$/.test(m[2])) return;
    lineRefs.push(m[2]);
    if (!/^\s+#\s*v\d+(\.\d+)*\S*\s*$/.test(m[3] ?? '')) {
      out.push(`line ${i + 1}: ${m[2]} without a version comment (# vX.Y.Z)`);
    }
  });
  for (const ref of uses) {
    if (/@[0-9a-f]{40}$/.test(ref) && !ref.startsWith('docker://') && !lineRefs.includes(ref)) {
      out.push(`${ref}: not on a \`uses: <ref> # vX.Y.Z\` line of its own`);
    }
  }
  return out;
}

/**
 * Every job declares its own `permissions:` (least privilege); `write-all` nowhere; `id-token: write`
 * only in jobs that assume an AWS role (a configure-aws-credentials step with `role-to-assume`) or call
 * a reusable workflow (the caller grants what the called jobs need, checked in that file);
 * `deployments: write` only in jobs whose action step records deployments (`environment:` input) or
 * that call a reusable workflow.
 */
function jobPermissions(file: WorkflowFile): string[] {
  const out: string[] = [];
  const doc = asMap(parse(file.text));
  if (doc.permissions === 'write-all') out.push('workflow: permissions write-all');
  for (const job of jobsOf(file)) {
    const perms = job.def.permissions;
    if (perms === undefined) {
      out.push(`${job.id}: no permissions: of its own`);
      continue;
    }
    if (perms === 'write-all') {
      out.push(`${job.id}: permissions write-all`);
      continue;
    }
    const p = asMap(perms);
    const callsWorkflow = typeof job.def.uses === 'string';
    const assumesRole = job.steps.some(
      (s) =>
        typeof s.uses === 'string' &&
        s.uses.startsWith('aws-actions/configure-aws-credentials@') &&
        withOf(s)['role-to-assume'] !== undefined,
    );
    const recordsDeployments = actionSteps(job).some((s) => {
      const env = withOf(s).environment;
      return env !== undefined && env !== '';
    });
    if (p['id-token'] === 'write' && !assumesRole && !callsWorkflow) {
      out.push(`${job.id}: id-token: write but assumes no AWS role`);
    }
    if (p.deployments === 'write' && !recordsDeployments && !callsWorkflow) {
      out.push(`${job.id}: deployments: write but records no deployment`);
    }
  }
  return out;
}

/**
 * No `${{ }}` expression reading `inputs`, `github.event` or `github.head_ref` inside a `run:` script
 * (script injection): such values go through `env:` and are quoted as shell variables.
 */
function noUntrustedExpressionsInRun(file: WorkflowFile): string[] {
  const out: string[] = [];
  const untrusted = /(?<![\w.-])inputs\s*[.[]|(?<![\w.-])github\s*(?:\.\s*|\[\s*['"])(?:event|head_ref)\b/;
  for (const job of jobsOf(file)) {
    job.steps.forEach((step, i) => {
      if (typeof step.run !== 'string') return;
      for (const expr of expressions(step.run)) {
        if (untrusted.test(expr)) out.push(`${job.id} step ${step.name ?? i + 1}: run: uses \${{${expr}}}`);
      }
    });
  }
  return out;
}

/**
 * Every job with an `environment:` has a `concurrency:` whose group is literal text plus expressions
 * reading only `inputs` and `matrix` (never `github.workflow`, which inside a called workflow is the
 * caller's name) and no `cancel-in-progress` other than `false` (a cancelled migration is worse than a
 * queued deploy).
 */
/**
 * What a concurrency group may be built from: values that are the same for every run of the
 * same release, environment and target. `github.workflow` (the caller's name inside a called
 * workflow: the deadlock) and per-run values (`github.ref`, `github.sha`, run ids) are not;
 * `github.repository` is, and is checked as a path below.
 */
const STABLE_CONTEXTS = new Set(['inputs', 'matrix', 'vars', 'needs']);
const STABLE_GITHUB = /\bgithub\.(repository|repository_owner)\b/g;

function environmentConcurrency(file: WorkflowFile): string[] {
  const out: string[] = [];
  for (const job of jobsOf(file)) {
    if (job.def.environment === undefined) continue;
    const c = job.def.concurrency;
    if (c === undefined) {
      out.push(`${job.id}: environment without concurrency:`);
      continue;
    }
    const group = isMap(c) ? c.group : c;
    if (typeof group !== 'string' || group.trim() === '') {
      out.push(`${job.id}: concurrency without a group`);
      continue;
    }
    if (group.replace(/\$\{\{[\s\S]*?\}\}/g, '').trim() === '') {
      out.push(`${job.id}: concurrency group has no literal text`);
    }
    for (const expr of expressions(group)) {
      const code = expr.replace(/'(?:[^']|'')*'/g, "''").replace(STABLE_GITHUB, 'inputs.repository');
      // Property paths start at an identifier not preceded by `.`; function calls are `name(`.
      for (const m of code.matchAll(/(?<![\w.-])([A-Za-z_][\w-]*)\s*(\()?/g)) {
        const [, name, call] = m;
        if (call || ['true', 'false', 'null'].includes(name)) continue;
        if (!STABLE_CONTEXTS.has(name)) {
          out.push(
            `${job.id}: concurrency group reads ${name} (only inputs, matrix, vars and needs): \${{${expr}}}`,
          );
        }
      }
    }
    if (isMap(c) && c['cancel-in-progress'] !== undefined && c['cancel-in-progress'] !== false) {
      out.push(`${job.id}: cancel-in-progress is ${String(c['cancel-in-progress'])}`);
    }
  }
  return out;
}

/**
 * A production deploy (our action, not a dry run, any `with:` value naming `production`) runs only in a
 * job with `environment` named `production`, and a job with `environment: production` needs
 * (directly or through other jobs) the staging deploy (a job with `environment` named `staging`) and
 * the plan (a job whose action steps all run `dry-run: true`). An environment chosen by an expression
 * (promote or roll back to a chosen environment) is not a literal `production` and is not checked here.
 */
const TARGET_INPUTS = ['manifests', 'cluster-name', 'kubeconfig', 'environment', 'namespace'];

function productionBehindStagingAndPlan(file: WorkflowFile): string[] {
  const out: string[] = [];
  const jobs = jobsOf(file);
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const ancestors = (job: Job): Job[] => {
    const seen = new Set<string>();
    const walk = (j: Job): void => {
      for (const id of needsOf(j)) {
        const n = byId.get(id);
        if (n && !seen.has(id)) {
          seen.add(id);
          walk(n);
        }
      }
    };
    walk(job);
    return [...seen].map((id) => byId.get(id) as Job);
  };
  for (const job of jobs) {
    const env = environmentName(job);
    // Where a deploy goes: its manifests, cluster and GitHub environment (not e.g. a Dockerfile
    // `target: production`, which names a build stage).
    const targetsProduction = (s: YMap) =>
      !isTrue(withOf(s)['dry-run']) &&
      TARGET_INPUTS.some((name) => {
        const value = withOf(s)[name];
        return typeof value === 'string' && /\bproduction\b/.test(value);
      });
    // `migrations: only` (workflows/migrate.yml) changes no workload: it runs behind its own
    // environment, production-migrations, whose reviewers approve schema changes.
    const migratesOnly = (s: YMap) => withOf(s).migrations === 'only';
    const deploysProduction = actionSteps(job).some((s) => targetsProduction(s) && !migratesOnly(s));
    const chosenByExpression = typeof env === 'string' && env.includes('${{');
    if (
      actionSteps(job).some((s) => targetsProduction(s) && migratesOnly(s)) &&
      env !== 'production-migrations' &&
      env !== 'production' &&
      !chosenByExpression
    ) {
      out.push(`${job.id}: migrates production outside environment production-migrations (${env ?? 'none'})`);
    }
    if (deploysProduction && env !== 'production' && !chosenByExpression) {
      out.push(`${job.id}: deploys to production outside environment production (${env ?? 'none'})`);
    }
    if (env !== 'production') continue;
    const before = ancestors(job);
    if (!before.some((j) => environmentName(j) === 'staging')) {
      out.push(`${job.id}: environment production does not need the staging deploy`);
    }
    if (!before.some(isDryRun))
      out.push(`${job.id}: environment production does not need the plan (dry run)`);
  }
  return out;
}

/**
 * A deploy job (one with an `environment:`) never builds: every step of our action there runs with
 * `build: never`, and no script in it builds or pushes an image (a job that only runs the CLI,
 * e.g. a rollback, is a deploy job too).
 */
function deployJobsNeverBuild(file: WorkflowFile): string[] {
  const out: string[] = [];
  for (const job of jobsOf(file)) {
    if (job.def.environment === undefined) continue;
    const steps = actionSteps(job);
    const scripts = (Array.isArray(job.def.steps) ? job.def.steps : [])
      .filter(isMap)
      .map((step) => (typeof step.run === 'string' ? step.run : ''));
    if (steps.length === 0 && !scripts.some((run) => run.trim() !== '')) {
      out.push(`${job.id}: environment job that neither runs the action nor a script`);
    }
    if (scripts.some((run) => /\b(docker|podman)\s+(build|push)\b|buildx\s+build/.test(run))) {
      out.push(`${job.id}: a script builds or pushes an image`);
    }
    for (const s of steps) {
      if (withOf(s).build !== 'never')
        out.push(`${job.id}: the action with build: ${String(withOf(s).build ?? '(default auto)')}`);
    }
  }
  return out;
}

export const rules: Record<RuleName, (file: WorkflowFile) => string[]> = {
  'pinned-actions': pinnedActions,
  'job-permissions': jobPermissions,
  'no-untrusted-expressions-in-run': noUntrustedExpressionsInRun,
  'environment-concurrency': environmentConcurrency,
  'production-behind-staging-and-plan': productionBehindStagingAndPlan,
  'deploy-jobs-never-build': deployJobsNeverBuild,
};
