/**
 * Container image references, parsed by the grammar of github.com/distribution/reference
 * (the one docker, containerd and the kubelet use):
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ domain "/" ] path-component ( "/" path-component )*
 *
 * The first component is a registry domain only when it contains "." or ":", is "localhost",
 * or has an upper-case letter; so `host:5000/app:tag` is registry `host:5000`, path `app`.
 */
export interface ImageReference {
  /** Registry host with optional port, e.g. `123.dkr.ecr.eu-west-1.amazonaws.com`, `localhost:5000`. */
  registry: string | undefined;
  /** Repository path without the registry, e.g. `team/api`. */
  path: string;
  tag: string | undefined;
  digest: string | undefined;
}

const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const REPOSITORY_PATH = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_ONLY = new RegExp(`^${DOMAIN}$`);
const TAG_ONLY = new RegExp(`^${TAG}$`);
const DIGEST_ONLY = new RegExp(`^${DIGEST}$`);
/** Hex lengths of the digest algorithms the OCI image spec registers. */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };
const NAME_MAX_LENGTH = 255;

/** Parses an image reference; undefined when it is not well-formed. */
export function parseImageReference(text: string): ImageReference | undefined {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isValidDigest(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG_ONLY.test(tag)) return undefined;
  }
  if (rest === '' || rest.length > NAME_MAX_LENGTH) return undefined;

  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  const isDomain =
    slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  const registry = isDomain ? first : undefined;
  const path = isDomain ? rest.slice(slash + 1) : rest;
  if (registry !== undefined && !DOMAIN_ONLY.test(registry)) return undefined;
  if (!REPOSITORY_PATH.test(path)) return undefined;
  return { registry, path, tag, digest };
}

function isValidDigest(digest: string): boolean {
  if (!DIGEST_ONLY.test(digest)) return false;
  const [algorithm, hex] = digest.split(':') as [string, string];
  const expected = DIGEST_HEX_LENGTH[algorithm];
  return expected === undefined || (hex.length === expected && /^[0-9a-f]+$/.test(hex));
}

/** True when `name` is a repository path such as `api` or `team/api` (no registry, tag or digest). */
export function isRepositoryPath(name: string): boolean {
  return name.length <= NAME_MAX_LENGTH && REPOSITORY_PATH.test(name);
}

export function formatImageReference(reference: ImageReference): string {
  return (
    (reference.registry ? `${reference.registry}/` : '') +
    reference.path +
    (reference.tag ? `:${reference.tag}` : '') +
    (reference.digest ? `@${reference.digest}` : '')
  );
}
