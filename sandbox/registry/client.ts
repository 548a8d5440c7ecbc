import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Every manifest type a registry may store; asking for all keeps the registry from converting. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
] as const;

export interface StoredManifest {
  digest: string;
  mediaType: string;
  /** The manifest exactly as stored (its sha256 is the digest). */
  body: string;
  /** Sum of the layer sizes (what ECR reports as imageSizeInBytes); the manifest's size for an index. */
  sizeInBytes: number;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Reads the real registry through its HTTP API with basic auth: in the sandbox process over plain
 * HTTP on loopback, from tests over TLS. The ECR control plane, the push proxy and the kubelet's
 * image pulls all see the same contents.
 */
export class RegistryClient {
  private readonly authorization: string;

  constructor(
    private readonly baseUrl: string,
    user: string,
    password: string,
    /** PEM CA to trust when baseUrl is https (the sandbox registry's public face). */
    private readonly ca?: string,
  ) {
    this.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  /** The tags of a repository, or undefined when the registry has never seen the repository. */
  async tags(repository: string): Promise<string[] | undefined> {
    const response = await this.get(`/v2/${repository}/tags/list`, 'GET');
    if (response.status === 404) return undefined;
    this.expectOk(response, `list the tags of ${repository}`);
    const parsed = JSON.parse(response.body) as { tags?: string[] | null };
    return parsed.tags ?? [];
  }

  /** Repository names the registry holds. */
  async repositories(): Promise<string[]> {
    const pageSize = 1000; // the registry's maximum page
    const names: string[] = [];
    for (;;) {
      const after = names.length > 0 ? `&last=${encodeURIComponent(names[names.length - 1] ?? '')}` : '';
      const response = await this.get(`/v2/_catalog?n=${pageSize}${after}`, 'GET');
      this.expectOk(response, 'list repositories');
      const page = (JSON.parse(response.body) as { repositories?: string[] }).repositories ?? [];
      names.push(...page);
      if (page.length < pageSize) return names;
    }
  }

  /** The digest a tag (or digest) currently resolves to, without downloading the manifest. */
  async digestOf(repository: string, reference: string): Promise<string | undefined> {
    const response = await this.get(`/v2/${repository}/manifests/${reference}`, 'HEAD');
    if (response.status === 404) return undefined;
    this.expectOk(response, `resolve ${repository}:${reference}`);
    return header(response, 'docker-content-digest');
  }

  async manifest(repository: string, reference: string): Promise<StoredManifest | undefined> {
    const response = await this.get(`/v2/${repository}/manifests/${reference}`, 'GET');
    if (response.status === 404) return undefined;
    this.expectOk(response, `read the manifest ${repository}:${reference}`);
    const mediaType = header(response, 'content-type') ?? MANIFEST_MEDIA_TYPES[0];
    const parsed = JSON.parse(response.body) as { layers?: { size?: number }[] };
    const layerBytes = parsed.layers?.reduce((sum, layer) => sum + (layer.size ?? 0), 0);
    return {
      digest: header(response, 'docker-content-digest') ?? '',
      mediaType,
      body: response.body,
      sizeInBytes: layerBytes ?? Buffer.byteLength(response.body),
    };
  }

  /** A blob as text (an image config is JSON), or undefined when the repository does not hold it. */
  async blob(repository: string, digest: string): Promise<string | undefined> {
    const response = await this.get(`/v2/${repository}/blobs/${digest}`, 'GET');
    if (response.status === 404) return undefined;
    this.expectOk(response, `read the blob ${repository}@${digest}`);
    return response.body;
  }

  private expectOk(response: RawResponse, what: string): void {
    if (response.status >= 200 && response.status < 300) return;
    throw new Error(`The registry could not ${what}: HTTP ${response.status} ${response.body.slice(0, 200)}`);
  }

  private get(path: string, method: 'GET' | 'HEAD'): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const request = this.baseUrl.startsWith('https:') ? httpsRequest : httpRequest;
      const req = request(
        `${this.baseUrl}${path}`,
        {
          method,
          ca: this.ca,
          headers: { authorization: this.authorization, accept: MANIFEST_MEDIA_TYPES.join(', ') },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
}

function header(response: RawResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
