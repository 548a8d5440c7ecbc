import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseFileCommands, runAction } from '../runner.js';
import { UnsupportedConstruct } from './errors.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What one step did, as the rehearsal records it. */
export interface StepRun {
  exitCode: number;
  outputs: Record<string, string>;
  /** Variables the step added to the job's environment (GITHUB_ENV, or a stand-in's exports). */
  exportedEnv: Record<string, string>;
  /** Directories the step prepended to PATH (GITHUB_PATH). */
  addedPath: string[];
  log: string;
  summary: string;
  /** Values to treat as secrets from now on (::add-mask::, credentials). */
  masked: string[];
  /** For the action: the post step's exit code. */
  postExitCode?: number;
  /** For configure-aws-credentials: the role the job assumed. */
  assumedRole?: string;
}

export interface StepContext {
  where: string;
  env: Record<string, string>;
  workspace: string;
  github: { sha: string; repository: string };
  /** Whether the job may request an OIDC token (`id-token: write`). */
  idToken: boolean;
  echo?: (text: string) => void;
}

type StepKind = 'checkout' | 'configure-aws-credentials' | 'action';

/** Which stand-in runs a `uses:`; anything else is refused. */
export function classifyUses(uses: string, where: string): StepKind {
  if (/^actions\/checkout@[^@\s]+$/.test(uses)) return 'checkout';
  if (/^aws-actions\/configure-aws-credentials@[^@\s]+$/.test(uses)) return 'configure-aws-credentials';
  if (uses === './' || uses === '.' || /^org\/k8s-deploy-action@[^@\s/]+$/.test(uses)) return 'action';
  throw new UnsupportedConstruct(
    `${where}: 'uses: ${uses}' is not supported by the rehearsal (only actions/checkout@REF, aws-actions/configure-aws-credentials@REF, org/k8s-deploy-action@REF and ./).`,
  );
}

function refuseOtherInputs(inputs: Record<string, string>, allowed: string[], where: string, what: string) {
  for (const name of Object.keys(inputs)) {
    if (!allowed.includes(name)) {
      throw new UnsupportedConstruct(
        `${where}: input '${name}' of ${what} is not supported by the rehearsal's stand-in (supported: ${allowed.join(', ')}).`,
      );
    }
  }
}

function result(partial: Partial<StepRun>): StepRun {
  return {
    exitCode: 0,
    outputs: {},
    exportedEnv: {},
    addedPath: [],
    log: '',
    summary: '',
    masked: [],
    ...partial,
  };
}

/** actions/checkout: the workspace already is the repository root at the commit under test. */
export function checkout(inputs: Record<string, string>, context: StepContext): StepRun {
  refuseOtherInputs(
    inputs,
    ['persist-credentials', 'fetch-depth', 'ref', 'repository'],
    context.where,
    'actions/checkout',
  );
  if (inputs.ref && inputs.ref !== context.github.sha) {
    throw new UnsupportedConstruct(
      `${context.where}: the checkout stand-in cannot check out '${inputs.ref}'; the workspace is the repository at github.sha.`,
    );
  }
  if (inputs.repository && inputs.repository.toLowerCase() !== context.github.repository.toLowerCase()) {
    throw new UnsupportedConstruct(
      `${context.where}: the checkout stand-in cannot check out another repository (${inputs.repository}).`,
    );
  }
  return result({ log: `checkout stand-in: workspace ${context.workspace}\n` });
}

const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/**
 * aws-actions/configure-aws-credentials (OIDC): checks what the real action needs (a role ARN, a
 * region, `id-token: write`) and exports the sandbox account's credentials, the only ones the
 * sandbox's SigV4 checks accept. It does not model STS: every role gets the same credentials.
 */
export function configureAwsCredentials(
  inputs: Record<string, string>,
  context: StepContext,
  sandboxEnv: Record<string, string>,
): StepRun {
  refuseOtherInputs(
    inputs,
    [
      'role-to-assume',
      'aws-region',
      'role-session-name',
      'role-duration-seconds',
      'mask-aws-account-id',
      'audience',
    ],
    context.where,
    'aws-actions/configure-aws-credentials',
  );
  const role = inputs['role-to-assume'] ?? '';
  const region = inputs['aws-region'] ?? '';
  const fail = (message: string) => result({ exitCode: 1, log: `::error::${message}\n` });
  if (!region) return fail('Input required and not supplied: aws-region');
  if (!role)
    return fail(
      'configure-aws-credentials stand-in: role-to-assume is empty (is the role variable defined for this environment?)',
    );
  if (!ROLE_ARN.test(role))
    return fail(`configure-aws-credentials stand-in: '${role}' is not an IAM role ARN`);
  if (!context.idToken) {
    return fail(
      'Could not assume role with OIDC: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable (the job lacks permissions: id-token: write)',
    );
  }
  const accessKeyId = sandboxEnv.AWS_ACCESS_KEY_ID ?? '';
  const secretAccessKey = sandboxEnv.AWS_SECRET_ACCESS_KEY ?? '';
  return result({
    exportedEnv: {
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
    },
    outputs: { 'aws-account-id': sandboxEnv.SANDBOX_ACCOUNT_ID ?? '' },
    masked: [secretAccessKey],
    assumedRole: role,
    log: `configure-aws-credentials stand-in: assumed ${role} in ${region}\n`,
  });
}

interface ActionInputSpec {
  default?: string;
}

let actionInputs: Record<string, ActionInputSpec> | undefined;

function actionMetadata(): Record<string, ActionInputSpec> {
  actionInputs ??= (
    parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, ActionInputSpec> }
  ).inputs;
  return actionInputs;
}

/** Our action, the bundle in dist/, through the runner stand-in; action.yml defaults filled in as GitHub does. */
export async function runOurAction(inputs: Record<string, string>, context: StepContext): Promise<StepRun> {
  const metadata = actionMetadata();
  for (const name of Object.keys(inputs)) {
    if (!(name in metadata)) {
      throw new UnsupportedConstruct(
        `${context.where}: input '${name}' is not in action.yml (GitHub only warns "Unexpected input"; the rehearsal refuses).`,
      );
    }
  }
  const withDefaults: Record<string, string> = {};
  for (const [name, spec] of Object.entries(metadata)) {
    // `${{ github.token }}` (github-token) is evaluated by the runner stand-in from the job token.
    if (spec.default !== undefined && !String(spec.default).includes('${{'))
      withDefaults[name] = String(spec.default);
  }
  const run = await runAction({
    inputs: { ...withDefaults, ...inputs },
    env: context.env,
    workspace: context.workspace,
    echo: context.echo,
  });
  return result({
    exitCode: run.exitCode,
    postExitCode: run.postExitCode,
    outputs: run.outputs,
    log: run.log,
    summary: run.summary,
    masked: run.masked,
  });
}

/** A `run:` step: bash as GitHub runs it (`bash --noprofile --norc -eo pipefail FILE`), inputs only through env. */
export async function runScript(
  script: string,
  workingDirectory: string,
  context: StepContext,
): Promise<StepRun> {
  const dir = await mkdtemp(join(tmpdir(), 'rehearsal-step-'));
  try {
    const files = {
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_ENV: join(dir, 'env'),
      GITHUB_PATH: join(dir, 'path'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    };
    await Promise.all(Object.values(files).map((file) => writeFile(file, '')));
    const scriptPath = join(dir, 'script.sh');
    await writeFile(scriptPath, script);
    let log = '';
    const exitCode = await new Promise<number>((done, fail) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptPath], {
        cwd: resolve(context.workspace, workingDirectory),
        env: { ...context.env, ...files },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const collect = (chunk: Buffer) => {
        log += chunk.toString();
        context.echo?.(chunk.toString());
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.on('error', fail);
      child.on('close', (code) => done(code ?? 1));
    });
    const pathLines = (await readFile(files.GITHUB_PATH, 'utf8')).split('\n').filter(Boolean);
    return result({
      exitCode,
      log,
      outputs: parseFileCommands(await readFile(files.GITHUB_OUTPUT, 'utf8')),
      exportedEnv: parseFileCommands(await readFile(files.GITHUB_ENV, 'utf8')),
      addedPath: pathLines,
      summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
      masked: [...log.matchAll(/^::add-mask::(.*)$/gm)].map((match) => match[1] ?? '').filter(Boolean),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
