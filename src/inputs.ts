import { parse as parseYaml } from 'yaml';
import { AWS_REGION, EKS_CLUSTER } from './aws/names.js';
import { POLICY_MODES, type PolicyMode, RULE_NAMES, type RuleName } from './deploy/rule-names.js';
import { parseDuration } from './duration.js';
import { isRecord } from './records.js';

/** The whole action interface, parsed and validated in one place. */
export interface Inputs {
  images: ImageSpec[];
  /** Tag for every image; undefined only when no image is configured and no commit is known. */
  tag: string | undefined;
  build: BuildMode;
  createRepositories: boolean;
  registry: string | undefined;
  registryId: string | undefined;
  awsRegion: string | undefined;
  clusterName: string | undefined;
  kubeconfig: string | undefined;
  manifests: string[];
  namespace: string | undefined;
  /**
   * Name of the release whose records the action keeps in the cluster (history, rollback, prune).
   * Undefined only when the input is empty and GITHUB_REPOSITORY gives no usable name: the deploy
   * engine then says so, since a run that deploys nothing needs none.
   */
  releaseName: string | undefined;
  migrationJob: string | undefined;
  migrationTimeoutMs: number;
  /** Release jobs (issue 17): whether this run migrates, and the Jobs it runs after verify. */
  migrations: MigrationsMode;
  /** The escape hatch of `migrations: skip`: the commit (or tag) deployed without a completed migration. */
  migrationNotNeeded: string | undefined;
  postDeployJobs: string[];
  rolloutTimeoutMs: number;
  /** How long each new pod must have run before its workload counts as rolled out; 0: not at all. */
  rolloutSettleMs: number;
  crashloopRestarts: number;
  /** A paused Deployment whose new template is not rolled out passes verify (its summary says so). */
  allowPaused: boolean;
  rollback: boolean;
  /** After a successful verify, delete what the previous release had and the manifests no longer do. */
  prune: boolean;
  /** Release records kept in the cluster, 1 to 100. */
  historyLimit: number;
  /** How long to wait for another run's lock on the release; 0: fail at once. */
  lockTimeoutMs: number;
  dryRun: boolean;
  /** What a finding of the built-in rules does: a warning, a failed plan, or nothing. */
  policy: PolicyMode;
  /** Built-in rules turned off for the run. */
  policySkip: RuleName[];
  environment: string | undefined;
  environmentUrl: string | undefined;
  githubToken: string | undefined;
  /** `deploy`; `promote` / `reject` continue a release waiting for promotion (deploy/promotion.ts). */
  action: RunAction;
}

export type RunAction = 'deploy' | 'promote' | 'reject';

export type BuildMode = 'auto' | 'always' | 'never';
/** run: migrate before the workloads; skip: do not, refused unless it ran; only: migrate and nothing else. */
export type MigrationsMode = 'run' | 'skip' | 'only';

export interface ImageSpec {
  /** The ECR repository name, and the name containers are matched by. */
  name: string;
  context: string;
  dockerfile: string | undefined;
  target: string | undefined;
  buildArgs: Record<string, string>;
  platforms: string[];
}

/** A bad input value; the message is one sentence a user can act on. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Reads one raw input by its kebab-case name; '' when unset (as `core.getInput` does). */
export type InputReader = (name: string) => string;

export const INPUT_DEFAULTS = {
  build: 'auto',
  'create-repositories': 'false',
  manifests: 'k8s',
  'migration-timeout': '10m',
  migrations: 'run',
  'rollout-timeout': '10m',
  'rollout-settle': '5s',
  'crashloop-restarts': '2',
  'allow-paused': 'false',
  rollback: 'true',
  prune: 'false',
  'history-limit': '10',
  'lock-timeout': '5m',
  'dry-run': 'false',
  policy: 'warn',
  action: 'deploy',
} as const;

/**
 * Helm's limit for a release name: the records are named after the release plus a suffix
 * (`.v12`), and the whole must still fit the 63-character label limit.
 */
export const RELEASE_NAME_MAX = 53;

const ECR_REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ACCOUNT_ID = /^\d{12}$/;
// The distribution grammar reads a first component as a registry host only when it has a '.' or a
// ':' or is 'localhost'; a bare word would send pulls to Docker Hub, so it needs a port here.
const REGISTRY_HOST =
  /^((localhost|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+|\[[0-9a-fA-F:]+\])(:\d{1,5})?|[A-Za-z0-9-]+:\d{1,5})$/;
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
// GitHub takes almost any text as an environment name; a line break or control character would
// end a log line (and could start a workflow command) wherever the name is printed.
const ENVIRONMENT_NAME = /^[^\p{Cc}]+$/u;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/;
const BUILD_SPEC_KEYS = new Set(['context', 'dockerfile', 'target', 'build-args', 'platforms']);

/**
 * Builds the typed Inputs from raw input strings and the environment.
 * Throws InputError, naming the input and what was expected, on the first bad value.
 */
export function parseInputs(read: InputReader, env: NodeJS.ProcessEnv = process.env): Inputs {
  const raw = (name: string): string => {
    const value = read(name).trim();
    return value !== '' ? value : (INPUT_DEFAULTS[name as keyof typeof INPUT_DEFAULTS] ?? '');
  };
  const optional = (name: string): string | undefined => raw(name) || undefined;

  const images = parseImages(raw('images'));
  const tag = optional('tag') ?? (env.GITHUB_SHA?.trim() || undefined);
  if (tag !== undefined && !IMAGE_TAG.test(tag)) {
    fail('tag', tag, 'a tag of 1 to 128 letters, digits, "_", "." or "-", not starting with "." or "-"');
  }
  if (images.length > 0 && tag === undefined) {
    throw new InputError(
      "Input 'tag' is empty and GITHUB_SHA is not set. Expected a tag for the images (the commit SHA by default).",
    );
  }

  const registry = optional('registry');
  if (registry !== undefined && !REGISTRY_HOST.test(registry)) {
    fail(
      'registry',
      registry,
      'a registry host with an optional port, such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com or localhost:5000',
    );
  }
  const ecrHost = registry !== undefined ? ECR_HOST.exec(registry) : null;
  const registryId =
    matching('registry-id', optional('registry-id'), ACCOUNT_ID, 'a 12-digit AWS account ID') ?? ecrHost?.[1];
  if (ecrHost && registryId !== ecrHost[1]) {
    throw new InputError(
      `Input 'registry-id' is ${registryId} but 'registry' ${registry} belongs to account ${ecrHost[1]}. Expected the same account in both, or only one of them.`,
    );
  }
  const clusterName = matching(
    'cluster-name',
    optional('cluster-name'),
    EKS_CLUSTER,
    'an EKS cluster name of 1 to 100 letters, digits, "-" or "_", starting with a letter or digit',
  );
  const awsRegion = matching(
    'aws-region',
    optional('aws-region') ?? (env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined),
    AWS_REGION,
    'an AWS region such as eu-west-1',
  );
  if (awsRegion === undefined && (clusterName !== undefined || images.length > 0)) {
    throw new InputError(
      `Input 'aws-region' is empty and neither AWS_REGION nor AWS_DEFAULT_REGION is set. Expected the region of the ${
        clusterName !== undefined ? 'EKS cluster' : 'ECR registry'
      }, such as eu-west-1.`,
    );
  }

  if (ecrHost && awsRegion !== undefined && awsRegion !== ecrHost[2]) {
    throw new InputError(
      `Input 'registry' ${registry} is in region ${ecrHost[2]} but 'aws-region' is ${awsRegion}. Expected the registry's region, since ECR is asked about every image there.`,
    );
  }
  const kubeconfig = optional('kubeconfig');
  if (kubeconfig !== undefined && /\p{Cc}/u.test(kubeconfig)) {
    fail(
      'kubeconfig',
      kubeconfig,
      'the path of a kubeconfig file, without line breaks or control characters',
    );
  }
  if (kubeconfig !== undefined && clusterName !== undefined) {
    throw new InputError(
      "Inputs 'cluster-name' and 'kubeconfig' are both set. Expected one: 'cluster-name' writes a kubeconfig for that EKS cluster, 'kubeconfig' uses yours.",
    );
  }

  const action = oneOf('action', raw('action'), ['deploy', 'promote', 'reject'] as const);
  if (action !== 'deploy' && boolean('dry-run', raw('dry-run'))) {
    throw new InputError(
      `Input 'action' is ${action} and 'dry-run' is true. Expected one of them: ${action} changes the cluster, a dry run changes nothing.`,
    );
  }

  const environmentUrl = optional('environment-url');
  // The URL parser drops line breaks and tabs silently; the raw value would keep them.
  if (environmentUrl !== undefined && (!isHttpUrl(environmentUrl) || /\p{Cc}/u.test(environmentUrl))) {
    fail('environment-url', environmentUrl, 'an http:// or https:// URL');
  }

  return {
    images,
    tag,
    build: oneOf('build', raw('build'), ['auto', 'always', 'never']),
    createRepositories: boolean('create-repositories', raw('create-repositories')),
    registry,
    registryId,
    awsRegion,
    clusterName,
    kubeconfig,
    // One per line only: a comma belongs to brace globs such as k8s/{api,web}.yaml.
    manifests: parseList(raw('manifests'), /\n/),
    namespace: parseNamespace(optional('namespace')),
    releaseName:
      matching(
        'release-name',
        optional('release-name'),
        DNS_LABEL,
        `a DNS-1123 label of at most ${RELEASE_NAME_MAX} characters (lower-case letters, digits and "-", starting and ending with a letter or digit)`,
        RELEASE_NAME_MAX,
      ) ?? releaseNameOf(env.GITHUB_REPOSITORY),
    migrationJob: matching(
      'migration-job',
      optional('migration-job'),
      DNS_SUBDOMAIN,
      'the name of a Job in the manifests (a DNS-1123 subdomain)',
      253,
    ),
    migrationTimeoutMs: duration('migration-timeout', raw('migration-timeout')),
    ...releaseJobs(raw, optional),
    rolloutTimeoutMs: duration('rollout-timeout', raw('rollout-timeout')),
    rolloutSettleMs: durationOrZero('rollout-settle', raw('rollout-settle')),
    crashloopRestarts: wholeNumber('crashloop-restarts', raw('crashloop-restarts'), 0, 1000),
    allowPaused: boolean('allow-paused', raw('allow-paused')),
    rollback: boolean('rollback', raw('rollback')),
    prune: boolean('prune', raw('prune')),
    historyLimit: wholeNumber('history-limit', raw('history-limit'), 1, 100),
    lockTimeoutMs: durationOrZero(
      'lock-timeout',
      raw('lock-timeout'),
      'a duration such as 30s or 5m, or 0 to fail at once while another run holds the release',
    ),
    dryRun: boolean('dry-run', raw('dry-run')),
    policy: oneOf('policy', raw('policy'), POLICY_MODES),
    policySkip: parsePolicySkip(raw('policy-skip')),
    environment: matching(
      'environment',
      optional('environment'),
      ENVIRONMENT_NAME,
      'a GitHub environment name of at most 255 characters, without line breaks or control characters',
      255,
    ),
    environmentUrl,
    githubToken: optional('github-token'),
    action,
  };
}

/** The `namespace` input's check, which `k8s-deploy render --namespace` shares. Throws InputError. */
export function parseNamespace(value: string | undefined): string | undefined {
  return matching(
    'namespace',
    value,
    DNS_LABEL,
    'a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters)',
    63,
  );
}

/** `policy-skip`: built-in rule names, separated by commas or lines. */
function parsePolicySkip(value: string): RuleName[] {
  const names = parseList(value);
  const unknown = names.filter((name) => !(RULE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0)
    fail('policy-skip', unknown.join(', '), `built-in rule names, of ${RULE_NAMES.join(', ')}`);
  return [...new Set(names as RuleName[])];
}

function fail(input: string, value: string, expected: string): never {
  throw new InputError(`Invalid value ${JSON.stringify(value)} for input '${input}'. Expected ${expected}.`);
}

function matching(
  input: string,
  value: string | undefined,
  pattern: RegExp,
  expected: string,
  maxLength = Infinity,
) {
  if (value !== undefined && (!pattern.test(value) || value.length > maxLength)) fail(input, value, expected);
  return value;
}

/** `migrations`, `migration-not-needed` and `post-deploy-jobs`, checked against each other. */
function releaseJobs(raw: (name: string) => string, optional: (name: string) => string | undefined) {
  const migrations = oneOf('migrations', raw('migrations'), ['run', 'skip', 'only'] as const);
  if (migrations !== 'run' && optional('migration-job') === undefined) {
    throw new InputError(
      `Input 'migrations' is ${migrations}, but 'migration-job' is empty. Expected 'migration-job' naming the migration Job when migrations is skip or only.`,
    );
  }
  const migrationNotNeeded = matching(
    'migration-not-needed',
    optional('migration-not-needed'),
    IMAGE_TAG,
    'the commit SHA (or tag) being deployed',
  );
  if (migrationNotNeeded !== undefined && migrations !== 'skip') {
    throw new InputError(
      `Input 'migration-not-needed' is set, but 'migrations' is ${migrations}. Expected it only with migrations: skip, for a release whose migration is not needed.`,
    );
  }
  const postDeployJobs = parseList(raw('post-deploy-jobs'));
  for (const name of postDeployJobs) {
    matching(
      'post-deploy-jobs',
      name,
      DNS_SUBDOMAIN,
      'names of Jobs in the manifests (DNS-1123 subdomains), one per line',
      253,
    );
  }
  if (migrations === 'only' && postDeployJobs.length > 0) {
    throw new InputError(
      "Inputs 'migrations: only' and 'post-deploy-jobs' are both set. Expected one: migrations: only runs the migration Job and nothing else.",
    );
  }
  const migrationJob = optional('migration-job');
  if (migrationJob !== undefined && postDeployJobs.includes(migrationJob)) {
    throw new InputError(
      `Input 'post-deploy-jobs' names ${migrationJob}, the migration-job. Expected Jobs that run after the workloads are verified, not the migration.`,
    );
  }
  return { migrations, migrationNotNeeded, postDeployJobs };
}

function oneOf<T extends string>(input: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) fail(input, value, `one of ${allowed.join(', ')}`);
  return value as T;
}

function boolean(input: string, value: string): boolean {
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  fail(input, value, 'true or false');
}

/**
 * The longest timeout an input may set. A Node timer longer than 2^31-1 ms (24.8 days) fires at
 * once, so an absurd value would fail the rollout immediately; no job runs a day anyway.
 */
export const MAX_TIMEOUT_MS = 24 * 3_600_000;

function duration(input: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) fail(input, value, 'a duration such as 90s, 10m or 1h');
  if (ms > MAX_TIMEOUT_MS) fail(input, value, 'a duration of at most 24h');
  return ms;
}

/** A duration where `0` (or `0s`) means "not at all". */
function durationOrZero(
  input: string,
  value: string,
  expected = 'a duration such as 5s or 30s, or 0 to turn it off',
): number {
  if (/^0+(ms|s|m|h)?$/.test(value)) return 0;
  const ms = parseDuration(value);
  if (ms === undefined || ms > MAX_TIMEOUT_MS) fail(input, value, expected);
  return ms;
}

function wholeNumber(input: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    fail(input, value, `a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

/**
 * The default release name: the repository part of GITHUB_REPOSITORY (`acme/upload-platform` →
 * `upload-platform`) made a DNS-1123 label of at most RELEASE_NAME_MAX characters (`My_App.v2` →
 * `my-app-v2`). Undefined when there is no repository or nothing of its name is usable.
 */
export function releaseNameOf(repository: string | undefined): string | undefined {
  const name = repository?.trim().split('/').pop() ?? '';
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, RELEASE_NAME_MAX)
    .replace(/-+$/, '');
  return label || undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A multi-line (or comma-separated) list; blank entries and `#` comments are dropped. */
export function parseList(value: string, separator: RegExp = /[\n,]/): string[] {
  return value
    .split(separator)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && !entry.startsWith('#'));
}

/**
 * `images` is YAML: a list of names (context `.`), or a mapping name → build settings
 * (`context`, `dockerfile`, `target`, `build-args`, `platforms`), or name → null.
 */
export function parseImages(value: string): ImageSpec[] {
  if (value === '') return [];
  let doc: unknown;
  try {
    doc = parseYaml(value, { maxAliasCount: 50 });
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new InputError(
      `Input 'images' is not valid YAML (${reason}). Expected a list of image names or a mapping name → build settings.`,
    );
  }
  if (doc === null || doc === undefined) return [];
  if (typeof doc === 'string') doc = parseList(doc);
  const entries: [unknown, unknown][] = Array.isArray(doc)
    ? doc.map((name) => [name, null])
    : isRecord(doc)
      ? Object.entries(doc)
      : [];
  if (!Array.isArray(doc) && !isRecord(doc)) {
    throw new InputError("Input 'images' must be a list of image names or a mapping name → build settings.");
  }
  const seen = new Set<string>();
  return entries.map(([name, settings]) => {
    if (isRecord(name)) {
      throw new InputError(
        "Input 'images' lists a mapping where an image name was expected. Expected a list of names, or build settings keyed by name (e.g. `api: {context: ., dockerfile: Dockerfile}`).",
      );
    }
    if (typeof name !== 'string' || !ECR_REPOSITORY.test(name) || name.length < 2 || name.length > 256) {
      fail(
        'images',
        String(name),
        'an ECR repository name (2 to 256 lower-case letters, digits, "/", ".", "_" or "-")',
      );
    }
    if (seen.has(name))
      throw new InputError(`Input 'images' names '${name}' twice. Expected each image once.`);
    seen.add(name);
    return imageSpec(name, settings);
  });
}

function imageSpec(name: string, settings: unknown): ImageSpec {
  if (settings === null || settings === undefined) {
    return { name, context: '.', dockerfile: undefined, target: undefined, buildArgs: {}, platforms: [] };
  }
  if (!isRecord(settings)) {
    throw new InputError(
      `Input 'images': the settings of '${name}' must be a mapping of ${[...BUILD_SPEC_KEYS].join(', ')}.`,
    );
  }
  for (const key of Object.keys(settings)) {
    if (!BUILD_SPEC_KEYS.has(key)) {
      throw new InputError(
        `Input 'images': '${name}' has an unknown setting '${key}'. Expected ${[...BUILD_SPEC_KEYS].join(', ')}.`,
      );
    }
  }
  const text = (key: string): string | undefined => {
    const value = settings[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new InputError(`Input 'images': '${name}.${key}' must be a non-empty string.`);
    }
    return value;
  };
  return {
    name,
    context: text('context') ?? '.',
    dockerfile: text('dockerfile'),
    target: text('target'),
    buildArgs: buildArgs(name, settings['build-args']),
    platforms: platforms(name, settings.platforms),
  };
}

function buildArgs(name: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const pairs: [string, unknown][] = Array.isArray(value)
    ? value.map((entry) => {
        const text = String(entry);
        const eq = text.indexOf('=');
        if (eq <= 0)
          throw new InputError(
            `Input 'images': build arg ${JSON.stringify(text)} of '${name}' is not KEY=VALUE; expected a name, "=" and the value.`,
          );
        return [text.slice(0, eq), text.slice(eq + 1)];
      })
    : isRecord(value)
      ? Object.entries(value)
      : fail(
          'images',
          String(value),
          `build-args of '${name}' as a mapping KEY: VALUE or a list of KEY=VALUE`,
        );
  const result: Record<string, string> = {};
  for (const [key, arg] of pairs) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new InputError(
        `Input 'images': build arg name ${JSON.stringify(key)} of '${name}' is not a valid variable name; expected letters, digits and "_", not starting with a digit.`,
      );
    }
    if (arg !== null && typeof arg === 'object') {
      throw new InputError(`Input 'images': build arg '${key}' of '${name}' must be a plain value.`);
    }
    result[key] = arg === null || arg === undefined ? '' : String(arg);
  }
  return result;
}

function platforms(name: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value)
    ? value.map(String)
    : typeof value === 'string'
      ? parseList(value)
      : undefined;
  if (list === undefined)
    fail('images', String(value), `platforms of '${name}' as a list such as linux/amd64, linux/arm64`);
  for (const platform of list) {
    if (!PLATFORM.test(platform))
      fail('images', platform, `a platform of '${name}' such as linux/amd64 or linux/arm64/v8`);
  }
  return list;
}
