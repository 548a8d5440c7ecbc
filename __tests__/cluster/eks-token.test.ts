import { describe, expect, it } from '@jest/globals';
import { eksToken } from '../../src/cli/eks-token.js';

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

  it.each([
    [[], 'Missing --cluster-name.'],
    [['--cluster-name', 'prod'], 'Missing --region (and neither AWS_REGION nor AWS_DEFAULT_REGION is set).'],
    [
      ['--cluster-name', 'prod', '--region', 'eu-west-1', '--token-lifetime', 'soon'],
      'Invalid token lifetime "soon"',
    ],
    [['--cluster', 'prod'], "Unknown option '--cluster'"],
  ])('refuses %j with usage on stderr and nothing on stdout', async (argv, message) => {
    const { code, stdout, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  it.each([
    [['--cluster-name', 'bad name!', '--region', 'eu-west-1'], 'Invalid --cluster-name "bad name!".'],
    [['--cluster-name', 'prod', '--region', 'evil.example.com/#'], 'Invalid region "evil.example.com/#".'],
  ])('refuses to sign for a malformed name or region: %j', async (argv, message) => {
    const { code, stdout, stderr } = await run(argv);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain(message);
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
    expect(stderr).toContain('eks-token: No AWS credentials were found.');
  });
});
