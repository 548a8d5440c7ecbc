import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { UnsupportedConstruct } from './errors.js';

/**
 * The shape of a reusable workflow as far as the rehearsal supports it. Loading checks every key
 * against these lists: anything else is an UnsupportedConstruct naming the key, never ignored.
 */
export interface WorkflowInput {
  type?: 'string' | 'boolean' | 'number';
  required?: boolean;
  default?: string | boolean | number;
  description?: string;
}

export interface Step {
  id?: string;
  name?: string;
  if?: string | boolean;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'working-directory'?: string;
  'continue-on-error'?: boolean | string;
}

export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string | boolean;
  'runs-on'?: unknown;
  permissions?: Record<string, string> | string;
  environment?: string | { name: string; url?: string; deployment?: boolean | string };
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean | string };
  strategy?: { matrix: unknown; 'fail-fast'?: boolean | string; 'max-parallel'?: number | string };
  outputs?: Record<string, string>;
  env?: Record<string, unknown>;
  'timeout-minutes'?: number | string;
  steps: Step[];
}

export interface Workflow {
  path: string;
  name?: string;
  inputs: Record<string, WorkflowInput>;
  outputs: Record<string, { value: string; description?: string }>;
  permissions?: Record<string, string> | string;
  env?: Record<string, unknown>;
  concurrency?: Job['concurrency'];
  jobs: Record<string, Job>;
}

const WORKFLOW_KEYS = ['name', 'on', 'permissions', 'env', 'concurrency', 'jobs'];
const JOB_KEYS = [
  'name',
  'needs',
  'if',
  'runs-on',
  'permissions',
  'environment',
  'concurrency',
  'strategy',
  'outputs',
  'env',
  'timeout-minutes',
  'steps',
];
const STEP_KEYS = [
  'id',
  'name',
  'if',
  'uses',
  'run',
  'shell',
  'with',
  'env',
  'working-directory',
  'continue-on-error',
];
const STRATEGY_KEYS = ['matrix', 'fail-fast', 'max-parallel'];
const ENVIRONMENT_KEYS = ['name', 'url', 'deployment'];
const CONCURRENCY_KEYS = ['group', 'cancel-in-progress'];
const INPUT_KEYS = ['type', 'required', 'default', 'description'];

function onlyKeys(value: unknown, allowed: string[], where: string): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new UnsupportedConstruct(
        `${where}: '${key}' is not supported by the rehearsal (supported: ${allowed.join(', ')}).`,
      );
    }
  }
}

/** Reads and checks a reusable workflow; throws UnsupportedConstruct for anything outside the supported set. */
export async function loadWorkflow(path: string): Promise<Workflow> {
  const text = await readFile(path, 'utf8');
  const document = parse(text) as Record<string, unknown>;
  const where = path;
  if (!document || typeof document !== 'object')
    throw new UnsupportedConstruct(`${where}: not a YAML mapping.`);
  onlyKeys(document, WORKFLOW_KEYS, where);
  const on = document.on as Record<string, unknown> | string | undefined;
  const triggers = typeof on === 'string' ? [on] : Array.isArray(on) ? on : Object.keys(on ?? {});
  if (!triggers.includes('workflow_call') || triggers.length !== 1) {
    throw new UnsupportedConstruct(
      `${where}: on: must be workflow_call alone (the rehearsal runs reusable workflows), got ${JSON.stringify(triggers)}.`,
    );
  }
  const call = ((typeof on === 'object' && !Array.isArray(on) ? on.workflow_call : undefined) ??
    {}) as Record<string, unknown>;
  onlyKeys(call, ['inputs', 'outputs'], `${where} on.workflow_call`);
  const inputs = (call.inputs ?? {}) as Record<string, WorkflowInput>;
  for (const [name, input] of Object.entries(inputs)) {
    onlyKeys(input, INPUT_KEYS, `${where} input ${name}`);
    if (input.type && !['string', 'boolean', 'number'].includes(input.type)) {
      throw new UnsupportedConstruct(`${where} input ${name}: type '${input.type}' is not supported.`);
    }
  }
  const outputs = (call.outputs ?? {}) as Workflow['outputs'];
  for (const [name, output] of Object.entries(outputs))
    onlyKeys(output, ['value', 'description'], `${where} output ${name}`);
  const jobs = (document.jobs ?? {}) as Record<string, Job>;
  for (const [id, job] of Object.entries(jobs)) {
    const at = `${where} jobs.${id}`;
    if (job && typeof job === 'object' && 'uses' in job) {
      throw new UnsupportedConstruct(
        `${at}: 'uses' (a job calling another reusable workflow) is not supported by the rehearsal.`,
      );
    }
    onlyKeys(job, JOB_KEYS, at);
    if (!Array.isArray(job.steps)) throw new UnsupportedConstruct(`${at}: a job needs steps.`);
    onlyKeys(job.strategy, STRATEGY_KEYS, `${at}.strategy`);
    if (typeof job.environment === 'object') onlyKeys(job.environment, ENVIRONMENT_KEYS, `${at}.environment`);
    if (typeof job.concurrency === 'object') onlyKeys(job.concurrency, CONCURRENCY_KEYS, `${at}.concurrency`);
    const matrix = job.strategy?.matrix;
    if (matrix && typeof matrix === 'object') {
      for (const key of ['include', 'exclude']) {
        if (key in matrix)
          throw new UnsupportedConstruct(
            `${at}.strategy.matrix: '${key}' is not supported by the rehearsal.`,
          );
      }
    }
    job.steps.forEach((step, index) => {
      const stepAt = `${at}.steps[${index}]${step.id ? ` (${step.id})` : ''}`;
      onlyKeys(step, STEP_KEYS, stepAt);
      if (Boolean(step.uses) === Boolean(step.run))
        throw new UnsupportedConstruct(`${stepAt}: a step needs exactly one of uses and run.`);
      if (step.shell !== undefined && step.shell !== 'bash') {
        throw new UnsupportedConstruct(`${stepAt}: shell '${step.shell}' is not supported (bash only).`);
      }
    });
    for (const need of [job.needs ?? []].flat()) {
      if (!(need in jobs))
        throw new UnsupportedConstruct(`${at}: needs '${need}', which is not a job of the workflow.`);
    }
  }
  if (document.concurrency !== undefined && typeof document.concurrency === 'object') {
    onlyKeys(document.concurrency, CONCURRENCY_KEYS, `${where} concurrency`);
  }
  return {
    path,
    name: document.name as string | undefined,
    inputs,
    outputs,
    permissions: document.permissions as Workflow['permissions'],
    env: document.env as Workflow['env'],
    concurrency: document.concurrency as Workflow['concurrency'],
    jobs,
  };
}
