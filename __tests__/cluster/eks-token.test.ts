import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { afterAll, afterEach, describe, expect, it, jest } from '@jest/globals';
import { defaultCredentials, eksToken } from '../../src/cli/eks-token.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' };

async function run(
  argv: string[],
  extra: { env?: NodeJS.ProcessEnv; credentials?: () => Promise<never> } = {},
) {
  let stdout = '';
  let stderr = '';
  const code = await eksToken(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: extra.env ?? {},
    credentials: extra.credentials ?? (async () => credentials),
    clock: () => new Date('2026-03-04T05:06:07Z'),
  });
  return { code, stdout, stderr };
}

describe('eks-token', () => {
  it('prints one ExecCredential with the token and a 14-minute expiry, and nothing on stderr', async () => {
    const { code, stdout, stderr } = await run(['--cluster-name', 'prod', '--region', 'eu-west-1']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const credential = JSON.parse(stdout);
    expect(credential).toMatchObject({
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      status: { expirationTimestamp: '2026-03-04T05:20:07Z' },
    });
    expect(credential.status.token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
  });

  it('takes the region from AWS_REGION and the lifetime from K8S_DEPLOY_TOKEN_LIFETIME', async () => {
    const { stdout } = await run(['--cluster-name', 'prod'], {
      env: { AWS_REGION: 'us-east-2', K8S_DEPLOY_TOKEN_LIFETIME: '30s' },
    });
    const { token, expirationTimestamp } = JSON.parse(stdout).status;
    expect(expirationTimestamp).toBe('2026-03-04T05:06:37Z');
    expect(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString()).toMatch(
      /^https:\/\/sts\.us-east-2\.amazonaws\.com\/\?/,
    );
  });

  it('prefers --token-lifetime over the environment', async () => {
    const { stdout } = await run(
      ['--cluster-name', 'prod', '--region', 'eu-west-1', '--token-lifetime', '2m'],
      {
        env: { K8S_DEPLOY_TOKEN_LIFETIME: '30s' },
      },
    );
    expect(JSON.parse(stdout).status.expirationTimestamp).toBe('2026-03-04T05:08:07Z');
  });

  // Every error is one line starting `error: `, as every other command's, with the usage after it.
  const usage =
    'Usage: k8s-deploy eks-token --cluster-name NAME [--region REGION] [--token-lifetime 14m] [--token-cache DIR]';
  it.each([
    [[], 'Option --cluster-name is required.'],
    [
      ['--cluster-name', 'prod'],
      'Option --region is required when neither AWS_REGION nor AWS_DEFAULT_REGION is set.',
    ],
    [
      ['--cluster-name', 'prod', '--region', 'eu-west-1', '--token-lifetime', 'soon'],
      'Invalid token lifetime "soon" (--token-lifetime). Expected a duration such as 90s or 14m.',
    ],
    [['--cluster', 'prod'], 'Unknown option --cluster.'],
    [['--cluster-name', 'prod', 'extra'], 'Unexpected argument "extra".'],
    [
      ['--cluster-name', 'bad name!', '--region', 'eu-west-1'],
      'Invalid --cluster-name "bad name!". Expected an EKS cluster name.',
    ],
    [
      ['--cluster-name', 'prod', '--region', 'evil.example.com/#'],
      'Invalid region "evil.example.com/#". Expected an AWS region such as eu-west-1.',
    ],
  ])(
    'refuses %j with one error: line and the usage on stderr, exit 2, nothing on stdout',
    async (argv, message) => {
      const { code, stdout, stderr } = await run(argv);
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr).toBe(`error: ${message} ${usage}\n`);
    },
  );

  it('names K8S_DEPLOY_TOKEN_LIFETIME when the bad lifetime comes from it', async () => {
    const { code, stderr } = await run(['--cluster-name', 'prod', '--region', 'eu-west-1'], {
      env: { K8S_DEPLOY_TOKEN_LIFETIME: 'forever' },
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: Invalid token lifetime "forever" \(K8S_DEPLOY_TOKEN_LIFETIME\)\./);
  });

  it('explains missing AWS credentials on stderr and exits 1', async () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    const { code, stdout, stderr } = await run(['--cluster-name', 'prod', '--region', 'eu-west-1'], {
      credentials: () => Promise.reject(missing) as never,
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: eks-token could not make a token: No AWS credentials were found\./);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('eks-token credentials', () => {
  const saved = { ...process.env };
  const home = mkdtempSync(join(tmpdir(), 'eks-token-credentials-'));
  afterEach(() => {
    process.env = { ...saved };
    jest.restoreAllMocks();
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  /** An environment with only `env` for AWS, and no AWS config files of this machine. */
  function awsEnv(env: Record<string, string>) {
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
    Object.assign(process.env, {
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      ...env,
    });
  }

  it.each<Record<string, string>>([
    { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'secret' },
    {
      AWS_ACCESS_KEY_ID: 'AKIDENV',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'session',
      AWS_CREDENTIAL_EXPIRATION: '2030-01-02T03:04:05Z',
      AWS_CREDENTIAL_SCOPE: 'eu-west-1',
      AWS_ACCOUNT_ID: '123456789012',
    },
  ])('takes the keys in the environment exactly as the default chain does: %j', async (env) => {
    awsEnv(env);
    expect(await defaultCredentials()).toEqual(await defaultProvider()());
  });

  it('leaves AWS_PROFILE to the default chain, which prefers the profile to keys in the environment', async () => {
    writeFileSync(
      join(home, 'credentials'),
      '[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n',
    );
    awsEnv({ AWS_PROFILE: 'dev', AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'secret' });
    jest.spyOn(console, 'warn').mockImplementation(() => {});
    const credentials = await defaultCredentials();
    expect(credentials.accessKeyId).toBe('AKIDPROFILE');
    expect(credentials).toEqual(await defaultProvider()());
  });
});
