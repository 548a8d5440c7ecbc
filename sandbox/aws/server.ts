import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RegistryFaultPlan } from '../registry/faults.js';
import { type AdminState, answerAdmin } from './admin.js';
import { createEcrOperations, type EcrDependencies } from './ecr.js';
import { describeCluster, type SimulatedCluster } from './eks.js';
import { AwsServiceError } from './errors.js';
import { FaultPlan } from './faults.js';
import type { SimulatedSecretsManager } from './secrets-manager.js';
import { type SandboxCredentials, verifySignedRequest } from './sigv4.js';

export interface AwsServiceOptions {
  credentials: SandboxCredentials;
  region: string;
  ecr: EcrDependencies;
  cluster: SimulatedCluster;
  /** More EKS clusters in the same account (`--extra-cluster`): DescribeCluster finds them by name. */
  extraClusters?: SimulatedCluster[];
  /** Secrets the admin routes seed and the simulated External Secrets Operator reads. */
  secrets?: SimulatedSecretsManager;
  /** The registry proxy's faults, set through the admin routes /registry/faults. */
  registryFaults?: RegistryFaultPlan;
  /** The EKS tokens the clusters' authenticators recorded (recordEksTokens), for GET /eks/tokens. */
  eksTokens?: string[];
  port?: number;
}

export interface AwsServiceHandle {
  /** http://127.0.0.1:PORT: the value of AWS_ENDPOINT_URL_ECR and AWS_ENDPOINT_URL_EKS. */
  url: string;
  /** Unsigned admin routes (see admin.ts), e.g. POST {adminUrl}/eks/status {"status":"CREATING"}. */
  adminUrl: string;
  close(): Promise<void>;
}

const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';
const ADMIN_PREFIX = '/_sandbox';
/** The call log is for tests; a long demo must not grow it without bound. */
const MAX_CALLS_KEPT = 10_000;

type Protocol = 'json' | 'rest';

/**
 * One loopback HTTP service for the ECR (JSON 1.1, X-Amz-Target) and EKS (REST) control planes.
 * Every request must be SigV4-signed with the sandbox's credentials for the right service and region.
 */
export async function startAwsService(options: AwsServiceOptions): Promise<AwsServiceHandle> {
  const ecr = createEcrOperations(options.ecr);
  const admin: AdminState = {
    cluster: options.cluster,
    faults: new FaultPlan(),
    calls: [],
    secrets: options.secrets,
    registryFaults: options.registryFaults,
    eksTokens: options.eksTokens,
  };

  /** The operation a request names: the X-Amz-Target suffix for ECR, the REST route for EKS. */
  function operationOf(req: IncomingMessage, protocol: Protocol): string {
    if (protocol === 'json') return String(req.headers['x-amz-target'] ?? '').replace(ECR_TARGET_PREFIX, '');
    return req.method === 'GET' && /^\/clusters\/[^/?]+$/.test((req.url ?? '').split('?')[0] ?? '')
      ? 'DescribeCluster'
      : `${req.method} ${req.url}`;
  }

  async function route(req: IncomingMessage, body: Buffer, protocol: Protocol): Promise<unknown> {
    const url = req.url ?? '/';
    const target = String(req.headers['x-amz-target'] ?? '');
    const service = protocol === 'json' ? 'ecr' : 'eks';
    const signed = await verifySignedRequest(
      { method: req.method ?? 'GET', url, headers: req.headers, body },
      options.credentials,
      options.ecr.now(),
    );
    if (signed.service !== service) {
      throw authError(`Credential should be scoped to correct service: '${service}'.`);
    }
    if (signed.region !== options.region) {
      throw authError(
        `Credential should be scoped to a valid region. This sandbox simulates '${options.region}', not '${signed.region}'.`,
      );
    }
    const delayMs = admin.faults.delayFor(service, operationOf(req, protocol));
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const fault = admin.faults.take(service, operationOf(req, protocol));
    if (fault) throw fault;
    if (protocol === 'json') {
      const operation = target.startsWith(ECR_TARGET_PREFIX)
        ? ecr[target.slice(ECR_TARGET_PREFIX.length)]
        : undefined;
      if (!operation) throw new AwsServiceError('UnknownOperationException', `Unknown operation ${target}`);
      const input = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
      return operation(input);
    }
    const cluster = /^\/clusters\/([^/?]+)$/.exec(url.split('?')[0] ?? '');
    if (req.method === 'GET' && cluster) {
      const name = decodeURIComponent(cluster[1] ?? '');
      const found = options.extraClusters?.find((extra) => extra.name === name) ?? options.cluster;
      return describeCluster(found, name);
    }
    throw new AwsServiceError(
      'ResourceNotFoundException',
      `The sandbox does not simulate ${req.method} ${url}.`,
      404,
    );
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = req.url ?? '';
      if (url.startsWith(`${ADMIN_PREFIX}/`)) {
        const answer = answerAdmin(
          admin,
          req.method ?? 'GET',
          url.slice(ADMIN_PREFIX.length),
          body.toString(),
        );
        sendJson(res, answer.status, answer.body);
        return;
      }
      const protocol: Protocol = req.headers['x-amz-target'] ? 'json' : 'rest';
      const record = (status: number, error?: string) => {
        admin.calls.push({
          time: new Date().toISOString(),
          service: protocol === 'json' ? 'ecr' : 'eks',
          operation: operationOf(req, protocol),
          status,
          ...(error ? { error } : {}),
        });
        if (admin.calls.length > MAX_CALLS_KEPT) admin.calls.splice(0, admin.calls.length - MAX_CALLS_KEPT);
      };
      route(req, body, protocol).then(
        (result) => {
          record(200);
          sendJson(res, 200, result, contentTypes[protocol]);
        },
        (error: unknown) => record(...sendError(res, error, protocol)),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    adminUrl: `${url}${ADMIN_PREFIX}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const contentTypes: Record<Protocol, string> = {
  json: 'application/x-amz-json-1.1',
  rest: 'application/json',
};

function authError(message: string): AwsServiceError {
  return new AwsServiceError('InvalidSignatureException', message, 403);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

/** JSON 1.1 names the error in `__type`; REST JSON in the x-amzn-ErrorType header. Both get the header. */
/** Returns the status and code it answered with. */
function sendError(res: ServerResponse, thrown: unknown, protocol: Protocol): [number, string] {
  const error =
    thrown instanceof AwsServiceError
      ? thrown
      : thrown instanceof SyntaxError
        ? new AwsServiceError('SerializationException', 'The request body is not valid JSON.')
        : new AwsServiceError('ServerException', String(thrown), 500);
  const body =
    protocol === 'json'
      ? { __type: error.code, message: error.message }
      : { message: error.message, ...error.fields };
  res.setHeader('x-amzn-errortype', error.code);
  sendJson(res, error.status, body, contentTypes[protocol]);
  return [error.status, error.code];
}
