import { Sha256 } from '@aws-crypto/sha256-js';
import { describe, expect, it } from '@jest/globals';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { type ReceivedRequest, verifySignedRequest } from './sigv4.js';

const credentials = {
  accessKeyId: 'AKIASANDBOXSIGV40001',
  secretAccessKey: 'sigv4-test-secret-key-000000000000000000',
};
const signedAt = new Date('2026-05-01T12:00:00Z');
const body = JSON.stringify({ repositoryNames: ['app'] });

/**
 * A DescribeRepositories request signed the way the SDK signs it (SignatureV4's defaults, which
 * add a signed x-amz-content-sha256 header), as it arrives on the wire.
 */
async function signedRequest(secretAccessKey = credentials.secretAccessKey): Promise<ReceivedRequest> {
  const sdkSigner = new SignatureV4({
    credentials: { ...credentials, secretAccessKey },
    region: 'us-east-1',
    service: 'ecr',
    sha256: Sha256,
  });
  const signed = await sdkSigner.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4566,
      path: '/',
      headers: {
        host: '127.0.0.1:4566',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories',
      },
      body,
    }),
    { signingDate: signedAt },
  );
  return { method: 'POST', url: '/', headers: signed.headers, body: Buffer.from(body) };
}

describe('verifySignedRequest', () => {
  it('accepts a request signed with the sandbox credentials and names its region and service', async () => {
    await expect(verifySignedRequest(await signedRequest(), credentials, signedAt)).resolves.toEqual({
      region: 'us-east-1',
      service: 'ecr',
    });
  });

  it('rejects a request whose body was changed after signing', async () => {
    const request = {
      ...(await signedRequest()),
      body: Buffer.from(JSON.stringify({ repositoryNames: ['x'] })),
    };
    await expect(verifySignedRequest(request, credentials, signedAt)).rejects.toMatchObject({
      code: 'InvalidSignatureException',
      status: 403,
    });
  });

  it('rejects a request signed with another secret key', async () => {
    await expect(
      verifySignedRequest(await signedRequest('another-secret-key'), credentials, signedAt),
    ).rejects.toMatchObject({ code: 'InvalidSignatureException' });
  });

  it('rejects a request signed more than 5 minutes before the server clock', async () => {
    const later = new Date(signedAt.getTime() + 6 * 60_000);
    await expect(verifySignedRequest(await signedRequest(), credentials, later)).rejects.toMatchObject({
      code: 'InvalidSignatureException',
      message: expect.stringMatching(/^Signature expired: 20260501T120000Z is now earlier than/),
    });
  });

  it("accepts AWS's published get-vanilla example and rejects it with one signature digit changed", async () => {
    // The SigV4 test suite's get-vanilla case: GET / on example.amazonaws.com, no body, signed
    // with AWS's example key. The expected signature is AWS's, not computed by any library here.
    const example = {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    };
    const signature = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
    const request = (sig: string): ReceivedRequest => ({
      method: 'GET',
      url: '/',
      headers: {
        host: 'example.amazonaws.com',
        'x-amz-date': '20150830T123600Z',
        authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}`,
      },
      body: Buffer.alloc(0),
    });
    const at = new Date('2015-08-30T12:36:00Z');
    await expect(verifySignedRequest(request(signature), example, at)).resolves.toEqual({
      region: 'us-east-1',
      service: 'service',
    });
    await expect(
      verifySignedRequest(request(`${signature.slice(0, -1)}0`), example, at),
    ).rejects.toMatchObject({ code: 'InvalidSignatureException' });
  });

  it('rejects an unsigned request with MissingAuthenticationTokenException', async () => {
    const request = { method: 'POST', url: '/', headers: {}, body: Buffer.from(body) };
    await expect(verifySignedRequest(request, credentials, signedAt)).rejects.toMatchObject({
      code: 'MissingAuthenticationTokenException',
    });
  });
});
