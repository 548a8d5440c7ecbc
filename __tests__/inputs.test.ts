import { describe, expect, it } from '@jest/globals';
import { InputError, parseImages, parseInputs, releaseNameOf } from '../src/inputs.js';

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';
const SHA = '0123456789abcdef0123456789abcdef01234567';
const parse = (
  values: Record<string, string>,
  env: NodeJS.ProcessEnv = { GITHUB_SHA: SHA, AWS_REGION: 'eu-west-1' },
) => parseInputs(reader(values), env);
const rejection = (values: Record<string, string>, env?: NodeJS.ProcessEnv): string => {
  try {
    parse(values, env);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected the inputs to be rejected');
};

describe('parseInputs defaults', () => {
  it('applies the documented defaults when nothing is set', () => {
    const inputs = parseInputs(reader({}), {});
    expect(inputs).toMatchObject({
      images: [],
      tag: undefined,
      build: 'auto',
      createRepositories: false,
      manifests: ['k8s'],
      migrationTimeoutMs: 600_000,
      rolloutTimeoutMs: 600_000,
      rolloutSettleMs: 5_000,
      crashloopRestarts: 2,
      rollback: true,
      prune: false,
      historyLimit: 10,
      lockTimeoutMs: 300_000,
      dryRun: false,
      releaseName: undefined,
      clusterName: undefined,
      githubToken: undefined,
    });
  });

  it('reads lock-timeout as a duration, 0 failing at once while another run holds the release', () => {
    expect(parse({ 'lock-timeout': '90s' }).lockTimeoutMs).toBe(90_000);
    expect(parse({ 'lock-timeout': '0' }).lockTimeoutMs).toBe(0);
    expect(parse({ 'lock-timeout': '0s' }).lockTimeoutMs).toBe(0);
  });

  it('reads rollout-settle as a duration, 0 turning the settle window off', () => {
    expect(parse({ 'rollout-settle': '30s' }).rolloutSettleMs).toBe(30_000);
    expect(parse({ 'rollout-settle': '0' }).rolloutSettleMs).toBe(0);
    expect(parse({ 'rollout-settle': '0s' }).rolloutSettleMs).toBe(0);
  });

  it('tags images with the commit SHA when no tag is given', () => {
    expect(parse({ images: 'api' }).tag).toBe(SHA);
  });

  it('prefers an explicit tag over the commit SHA', () => {
    expect(parse({ images: 'api', tag: 'v1.2.3' }).tag).toBe('v1.2.3');
  });

  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(parse({}, { AWS_REGION: 'us-east-1' }).awsRegion).toBe('us-east-1');
    expect(parse({}, { AWS_DEFAULT_REGION: 'ap-southeast-2' }).awsRegion).toBe('ap-southeast-2');
    expect(parse({ 'aws-region': 'eu-central-1' }, { AWS_REGION: 'us-east-1' }).awsRegion).toBe(
      'eu-central-1',
    );
  });

  it("names the release after the repository when 'release-name' is empty", () => {
    expect(parse({}, { GITHUB_REPOSITORY: 'acme/upload-platform' }).releaseName).toBe('upload-platform');
  });

  it('prefers an explicit release name over the repository', () => {
    expect(parse({ 'release-name': 'api' }, { GITHUB_REPOSITORY: 'acme/upload-platform' }).releaseName).toBe(
      'api',
    );
  });

  it('ignores surrounding whitespace in values', () => {
    expect(parse({ build: '  never \n', rollback: ' false ' })).toMatchObject({
      build: 'never',
      rollback: false,
    });
  });
});

describe('parseInputs rejects bad values with one sentence naming the input', () => {
  it.each([
    [{ rollback: 'yes' }, `Invalid value "yes" for input 'rollback'. Expected true or false.`],
    [{ 'dry-run': '1' }, `Invalid value "1" for input 'dry-run'. Expected true or false.`],
    [
      { build: 'sometimes' },
      `Invalid value "sometimes" for input 'build'. Expected one of auto, always, never.`,
    ],
    [{ policy: 'strict' }, `Invalid value "strict" for input 'policy'. Expected one of warn, enforce, off.`],
    [
      { 'policy-skip': 'readiness-probe, pdb, hostpath' },
      `Invalid value "pdb, hostpath" for input 'policy-skip'. Expected built-in rule names, of resources, readiness-probe, image-tag, host-path, privileged, privilege-escalation, disruption-budget, service-selector.`,
    ],
    [
      { 'rollout-timeout': '10 minutes' },
      `Invalid value "10 minutes" for input 'rollout-timeout'. Expected a duration such as 90s, 10m or 1h.`,
    ],
    [
      { 'migration-timeout': '0s' },
      `Invalid value "0s" for input 'migration-timeout'. Expected a duration such as 90s, 10m or 1h.`,
    ],
    [
      { 'rollout-settle': '-1' },
      `Invalid value "-1" for input 'rollout-settle'. Expected a duration such as 5s or 30s, or 0 to turn it off.`,
    ],
    [
      { 'crashloop-restarts': '-1' },
      `Invalid value "-1" for input 'crashloop-restarts'. Expected a whole number from 0 to 1000.`,
    ],
    [
      { 'registry-id': '1234' },
      `Invalid value "1234" for input 'registry-id'. Expected a 12-digit AWS account ID.`,
    ],
    [
      { 'aws-region': 'Europe' },
      `Invalid value "Europe" for input 'aws-region'. Expected an AWS region such as eu-west-1.`,
    ],
    [{ namespace: 'My_App' }, expect.stringContaining(`Invalid value "My_App" for input 'namespace'.`)],
    [
      { 'migration-job': 'Migrate!' },
      expect.stringContaining(`for input 'migration-job'. Expected the name of a Job`),
    ],
    [
      { 'environment-url': 'ftp://example.com' },
      `Invalid value "ftp://example.com" for input 'environment-url'. Expected an http:// or https:// URL.`,
    ],
    [
      { 'cluster-name': '-prod' },
      expect.stringContaining(`for input 'cluster-name'. Expected an EKS cluster name`),
    ],
    [
      { registry: 'https://example.com' },
      expect.stringContaining(`for input 'registry'. Expected a registry host`),
    ],
    [
      { 'release-name': 'Upload_Platform' },
      `Invalid value "Upload_Platform" for input 'release-name'. Expected a DNS-1123 label of at most 53 characters (lower-case letters, digits and "-", starting and ending with a letter or digit).`,
    ],
    // 54 characters: valid as a label, but the record name's suffix would no longer fit in 63.
    [{ 'release-name': 'a'.repeat(54) }, expect.stringContaining(`for input 'release-name'. Expected`)],
    [{ 'release-name': 'api-' }, expect.stringContaining(`for input 'release-name'.`)],
    [{ prune: 'on' }, `Invalid value "on" for input 'prune'. Expected true or false.`],
    [
      { 'lock-timeout': 'forever' },
      `Invalid value "forever" for input 'lock-timeout'. Expected a duration such as 30s or 5m, or 0 to fail at once while another run holds the release.`,
    ],
    [
      { 'lock-timeout': '-1m' },
      `Invalid value "-1m" for input 'lock-timeout'. Expected a duration such as 30s or 5m, or 0 to fail at once while another run holds the release.`,
    ],
    [
      { 'history-limit': '0' },
      `Invalid value "0" for input 'history-limit'. Expected a whole number from 1 to 100.`,
    ],
    [
      { 'history-limit': '101' },
      `Invalid value "101" for input 'history-limit'. Expected a whole number from 1 to 100.`,
    ],
    [
      { 'history-limit': '2.5' },
      `Invalid value "2.5" for input 'history-limit'. Expected a whole number from 1 to 100.`,
    ],
    [{ tag: 'bad tag' }, expect.stringContaining(`Invalid value "bad tag" for input 'tag'.`)],
    [{ tag: '.hidden' }, expect.stringContaining(`for input 'tag'.`)],
    // Beyond a Node timer's 24.8 days a timeout would fire at once.
    [
      { 'rollout-timeout': '99999999h' },
      `Invalid value "99999999h" for input 'rollout-timeout'. Expected a duration of at most 24h.`,
    ],
    [
      { 'migration-timeout': '25h' },
      `Invalid value "25h" for input 'migration-timeout'. Expected a duration of at most 24h.`,
    ],
    [
      { environment: 'staging\n::set-output name=x::y' },
      `Invalid value "staging\\n::set-output name=x::y" for input 'environment'. Expected a GitHub environment name of at most 255 characters, without line breaks or control characters.`,
    ],
    [{ environment: 'e'.repeat(256) }, expect.stringContaining(`for input 'environment'.`)],
    [
      { kubeconfig: '/x\n::set-output name=x::y' },
      `Invalid value "/x\\n::set-output name=x::y" for input 'kubeconfig'. Expected the path of a kubeconfig file, without line breaks or control characters.`,
    ],
    [
      { images: 'api:\n  build-args: ["bad name=1"]' },
      `Input 'images': build arg name "bad name" of 'api' is not a valid variable name; expected letters, digits and "_", not starting with a digit.`,
    ],
    [
      { 'environment-url': 'https://example.com/a\n::set-output name=x::y' },
      expect.stringContaining(`for input 'environment-url'. Expected an http:// or https:// URL.`),
    ],
  ])('rejects %j', (values, message) => {
    expect(rejection(values as Record<string, string>)).toEqual(message);
  });

  it('rejects an ECR registry of another account than registry-id', () => {
    expect(
      rejection({ registry: '210987654321.dkr.ecr.eu-west-1.amazonaws.com', 'registry-id': '123456789012' }),
    ).toBe(
      "Input 'registry-id' is 123456789012 but 'registry' 210987654321.dkr.ecr.eu-west-1.amazonaws.com belongs to account 210987654321. Expected the same account in both, or only one of them.",
    );
  });

  it('rejects an ECR registry in another region than aws-region', () => {
    expect(rejection({ registry: '210987654321.dkr.ecr.us-east-1.amazonaws.com' })).toContain(
      "is in region us-east-1 but 'aws-region' is eu-west-1.",
    );
  });

  it('rejects a bare-word registry without a port, which pulls would send to Docker Hub', () => {
    expect(rejection({ registry: 'myregistry' })).toContain(
      `Invalid value "myregistry" for input 'registry'.`,
    );
  });

  it('rejects cluster-name together with kubeconfig', () => {
    expect(rejection({ 'cluster-name': 'prod', kubeconfig: '/tmp/kubeconfig' })).toBe(
      "Inputs 'cluster-name' and 'kubeconfig' are both set. Expected one: 'cluster-name' writes a kubeconfig for that EKS cluster, 'kubeconfig' uses yours.",
    );
  });

  it('rejects a namespace longer than a DNS label allows', () => {
    expect(rejection({ namespace: 'a'.repeat(64) })).toContain("input 'namespace'");
  });

  it('needs a tag when images are configured and no commit SHA is known', () => {
    expect(rejection({ images: 'api' }, { AWS_REGION: 'eu-west-1' })).toBe(
      "Input 'tag' is empty and GITHUB_SHA is not set. Expected a tag for the images (the commit SHA by default).",
    );
  });

  it('needs a region for an EKS cluster', () => {
    expect(rejection({ 'cluster-name': 'prod' }, {})).toContain("Input 'aws-region' is empty");
  });

  it('needs a region for ECR even when the registry host is given, since ECR is asked about every tag', () => {
    expect(rejection({ images: 'api' }, { GITHUB_SHA: SHA })).toContain('region of the ECR registry');
    expect(rejection({ images: 'api', registry: 'localhost:5000' }, { GITHUB_SHA: SHA })).toContain(
      'region of the ECR registry',
    );
  });
});

describe('parseInputs accepts well-formed values', () => {
  it.each(['90s', '10m', '1h', '1h30m', '500ms'])('accepts the duration %s', (value) => {
    expect(parse({ 'rollout-timeout': value }).rolloutTimeoutMs).toBeGreaterThan(0);
  });

  it('converts durations to milliseconds', () => {
    expect(parse({ 'rollout-timeout': '1h30m', 'migration-timeout': '90s' })).toMatchObject({
      rolloutTimeoutMs: 5_400_000,
      migrationTimeoutMs: 90_000,
    });
  });

  it.each([
    'localhost:5000',
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    '127.0.0.1:5443',
    'registry:5000',
    '[::1]:5000',
  ])('accepts the registry %s', (registry) => {
    expect(parse({ registry }).registry).toBe(registry);
  });

  it('reads manifests one per line, skipping blanks and comments, keeping commas for brace globs', () => {
    expect(parse({ manifests: 'k8s/base\n\n# later\nk8s/{api,web}.yaml\nextra.yaml' }).manifests).toEqual([
      'k8s/base',
      'k8s/{api,web}.yaml',
      'extra.yaml',
    ]);
  });

  it('takes the account of an ECR registry host as registry-id', () => {
    expect(parse({ registry: '210987654321.dkr.ecr.eu-west-1.amazonaws.com' }).registryId).toBe(
      '210987654321',
    );
  });

  it('accepts a release name of exactly 53 characters and history limits at both ends', () => {
    expect(parse({ 'release-name': 'a'.repeat(53) }).releaseName).toHaveLength(53);
    expect(parse({ 'history-limit': '1' }).historyLimit).toBe(1);
    expect(parse({ 'history-limit': '100', prune: 'true' })).toMatchObject({
      historyLimit: 100,
      prune: true,
    });
  });

  it('warns by the built-in rules by default, and takes the rules to skip by commas or lines', () => {
    expect(parse({})).toMatchObject({ policy: 'warn', policySkip: [] });
    expect(
      parse({ policy: 'enforce', 'policy-skip': 'disruption-budget,\nreadiness-probe\n' }),
    ).toMatchObject({
      policy: 'enforce',
      policySkip: ['disruption-budget', 'readiness-probe'],
    });
  });

  it('accepts the YAML boolean spellings @actions/core accepts', () => {
    expect(parse({ rollback: 'False', 'dry-run': 'TRUE', 'create-repositories': 'true' })).toMatchObject({
      rollback: false,
      dryRun: true,
      createRepositories: true,
    });
  });
});

describe('releaseNameOf (the default release name)', () => {
  it.each([
    ['acme/upload-platform', 'upload-platform'],
    ['acme/Upload_Platform.v2', 'upload-platform-v2'],
    ['acme/.github', 'github'],
    ['acme/3d-viewer', '3d-viewer'],
  ])('makes %s the DNS-1123 label %s', (repository, name) => {
    expect(releaseNameOf(repository)).toBe(name);
  });

  it('cuts a long repository name to 53 characters without leaving a trailing "-"', () => {
    const name = releaseNameOf(`acme/${'a'.repeat(52)}_b`);
    expect(name).toBe('a'.repeat(52));
    expect(releaseNameOf(`acme/${'x'.repeat(80)}`)).toHaveLength(53);
  });

  it('gives no name when there is no repository or nothing of its name is usable', () => {
    expect(releaseNameOf(undefined)).toBeUndefined();
    expect(releaseNameOf('')).toBeUndefined();
    expect(releaseNameOf('acme/___')).toBeUndefined();
  });

  it('leaves the release name undefined when neither the input nor GITHUB_REPOSITORY is set', () => {
    // A run that deploys nothing (images only) needs no release: the deploy engine complains instead.
    expect(parse({ images: 'api' }).releaseName).toBeUndefined();
  });
});

describe('parseImages', () => {
  it('reads a bare list of names as images built from the repository root', () => {
    expect(parseImages('- api\n- team/worker')).toEqual([
      { name: 'api', context: '.', dockerfile: undefined, target: undefined, buildArgs: {}, platforms: [] },
      {
        name: 'team/worker',
        context: '.',
        dockerfile: undefined,
        target: undefined,
        buildArgs: {},
        platforms: [],
      },
    ]);
  });

  it('reads a flow list and a comma-separated line alike', () => {
    expect(parseImages('[api, worker]').map((image) => image.name)).toEqual(['api', 'worker']);
    expect(parseImages('api, worker').map((image) => image.name)).toEqual(['api', 'worker']);
  });

  it('reads full build settings per image', () => {
    const [image] = parseImages(
      [
        'laravel-app:',
        '  context: app',
        '  dockerfile: app/docker/Dockerfile',
        '  target: production',
        '  build-args:',
        '    PHP_VERSION: 8.3',
        '    COMPOSER_NO_DEV: 1',
        '  platforms: linux/amd64, linux/arm64',
      ].join('\n'),
    );
    expect(image).toEqual({
      name: 'laravel-app',
      context: 'app',
      dockerfile: 'app/docker/Dockerfile',
      target: 'production',
      buildArgs: { PHP_VERSION: '8.3', COMPOSER_NO_DEV: '1' },
      platforms: ['linux/amd64', 'linux/arm64'],
    });
  });

  it('accepts build args as a KEY=VALUE list, keeping "=" inside values', () => {
    expect(parseImages('api:\n  build-args: ["A=1", "B=x=y"]')[0].buildArgs).toEqual({ A: '1', B: 'x=y' });
  });

  it('treats an image with no settings as context "."', () => {
    expect(parseImages('api:\nworker:\n  context: worker').map((image) => image.context)).toEqual([
      '.',
      'worker',
    ]);
  });

  it('treats an empty value as no images', () => {
    expect(parseImages('')).toEqual([]);
    expect(parseImages('# nothing yet')).toEqual([]);
  });

  it.each([
    ['API', `Invalid value "API" for input 'images'. Expected an ECR repository name`],
    ['- api\n- api', `Input 'images' names 'api' twice. Expected each image once.`],
    [
      'api:\n  contxt: .',
      `Input 'images': 'api' has an unknown setting 'contxt'. Expected context, dockerfile, target, build-args, platforms.`,
    ],
    [
      'api:\n  build-args: ["NOVALUE"]',
      `Input 'images': build arg "NOVALUE" of 'api' is not KEY=VALUE; expected a name, "=" and the value.`,
    ],
    [
      'api:\n  platforms: [amd64]',
      `Invalid value "amd64" for input 'images'. Expected a platform of 'api' such as linux/amd64`,
    ],
    ['api: [1, 2]', `Input 'images': the settings of 'api' must be a mapping`],
    ['api:\n  context: ""', `Input 'images': 'api.context' must be a non-empty string.`],
    ['{ api: [', `Input 'images' is not valid YAML`],
    ['- name: api\n  context: .', `Input 'images' lists a mapping where an image name was expected.`],
  ])('rejects %j with a sentence naming the problem', (value, message) => {
    expect(() => parseImages(value)).toThrow(InputError);
    expect(() => parseImages(value)).toThrow(message);
  });
});

describe('release jobs inputs (migrations, migration-not-needed, post-deploy-jobs)', () => {
  it('defaults to running the migration and no post-deploy Jobs', () => {
    expect(parse({})).toMatchObject({ migrations: 'run', migrationNotNeeded: undefined, postDeployJobs: [] });
  });

  it('reads skip with its escape hatch, and post-deploy Jobs one per line', () => {
    expect(
      parse({
        'migration-job': 'migrate',
        migrations: 'skip',
        'migration-not-needed': SHA,
        'post-deploy-jobs': 'smoke\nseed',
      }),
    ).toMatchObject({ migrations: 'skip', migrationNotNeeded: SHA, postDeployJobs: ['smoke', 'seed'] });
  });

  it.each([
    [
      { migrations: 'later' },
      `Invalid value "later" for input 'migrations'. Expected one of run, skip, only.`,
    ],
    [
      { migrations: 'skip' },
      "Input 'migrations' is skip, but 'migration-job' is empty. Expected 'migration-job' naming the migration Job when migrations is skip or only.",
    ],
    [
      { 'migration-job': 'migrate', 'migration-not-needed': SHA },
      "Input 'migration-not-needed' is set, but 'migrations' is run. Expected it only with migrations: skip, for a release whose migration is not needed.",
    ],
    [
      { 'migration-job': 'migrate', migrations: 'skip', 'migration-not-needed': 'yes please' },
      `Invalid value "yes please" for input 'migration-not-needed'. Expected the commit SHA (or tag) being deployed.`,
    ],
    [
      { 'migration-job': 'migrate', migrations: 'only', 'post-deploy-jobs': 'smoke' },
      "Inputs 'migrations: only' and 'post-deploy-jobs' are both set. Expected one: migrations: only runs the migration Job and nothing else.",
    ],
    [
      { 'migration-job': 'migrate', 'post-deploy-jobs': 'migrate' },
      "Input 'post-deploy-jobs' names migrate, the migration-job. Expected Jobs that run after the workloads are verified, not the migration.",
    ],
    [
      { 'post-deploy-jobs': 'Smoke Test' },
      `Invalid value "Smoke Test" for input 'post-deploy-jobs'. Expected names of Jobs in the manifests (DNS-1123 subdomains), one per line.`,
    ],
  ])('refuses %j with one sentence', (values, message) => {
    expect(rejection(values)).toBe(message);
  });
});

describe('input action', () => {
  it('is deploy by default, and promote or reject when asked', () => {
    expect(parse({}).action).toBe('deploy');
    expect(parse({ action: 'promote' }).action).toBe('promote');
    expect(parse({ action: 'reject' }).action).toBe('reject');
  });

  it('refuses any other value, naming the three', () => {
    expect(rejection({ action: 'abort' })).toBe(
      'Invalid value "abort" for input \'action\'. Expected one of deploy, promote, reject.',
    );
  });

  it('refuses promote or reject with dry-run, since they change the cluster', () => {
    expect(rejection({ action: 'promote', 'dry-run': 'true' })).toBe(
      "Input 'action' is promote and 'dry-run' is true. Expected one of them: promote changes the cluster, a dry run changes nothing.",
    );
  });
});
