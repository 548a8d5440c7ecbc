/**
 * Field paths and field sets in the shape structured-merge-diff uses: `f:` for fields, `k:` for
 * items of associative lists (by their merge keys), `v:` for items of set lists; serialised as
 * FieldsV1. Which lists are associative comes from a table of the Kubernetes schemas we serve.
 */

export type PathElement = { f: string } | { k: Record<string, unknown> } | { v: unknown };
export type Path = PathElement[];
/** Serialised path → path. */
export type FieldSet = Map<string, Path>;

type ListKind = { keys: string[] } | 'set' | 'atomic';

/** Merge keys of the associative lists used by the kinds we serve; every other list is atomic. */
export function listKind(path: Path): ListKind {
  const last = path[path.length - 1];
  if (!last || !('f' in last)) return 'atomic';
  const parent = path[path.length - 2];
  const insideContainer =
    parent !== undefined &&
    'k' in parent &&
    /^(initContainers|containers|ephemeralContainers)$/.test(fieldBefore(path, 2));
  switch (last.f) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return { keys: ['name'] };
    case 'volumeMounts':
      return { keys: ['mountPath'] };
    case 'volumeDevices':
      return { keys: ['devicePath'] };
    case 'conditions':
      return { keys: ['type'] };
    case 'ownerReferences':
      return { keys: ['uid'] };
    case 'hostAliases':
      return { keys: ['ip'] };
    case 'topologySpreadConstraints':
      return { keys: ['topologyKey', 'whenUnsatisfiable'] };
    case 'finalizers':
      return 'set';
    case 'ports':
      if (insideContainer) return { keys: ['containerPort', 'protocol'] };
      if (path.length === 2 && 'f' in path[0] && path[0].f === 'spec') return { keys: ['port', 'protocol'] };
      return 'atomic';
    default:
      return 'atomic';
  }
}

function fieldBefore(path: Path, back: number): string {
  const element = path[path.length - 1 - back];
  return element && 'f' in element ? element.f : '';
}

/** Key fields left out by the client take their schema defaults (a port's protocol is TCP). */
export function keyOf(item: unknown, keys: string[]): Record<string, unknown> {
  const record = isMap(item) ? item : {};
  const key: Record<string, unknown> = {};
  for (const name of keys) {
    const value = record[name] ?? (name === 'protocol' ? 'TCP' : undefined);
    if (value !== undefined) key[name] = value;
  }
  return key;
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function pathKey(path: Path): string {
  return JSON.stringify(path);
}

/**
 * LabelSelectors (`matchLabels`/`matchExpressions`) are atomic maps in the Kubernetes schemas
 * (`x-kubernetes-map-type: atomic`): owned, compared and replaced as one value.
 */
export function isAtomicMap(path: Path, value: unknown): boolean {
  const last = path[path.length - 1];
  return (
    isMap(value) &&
    last !== undefined &&
    'f' in last &&
    /^(selector|labelSelector|namespaceSelector)$/.test(last.f) &&
    ('matchLabels' in value || 'matchExpressions' in value)
  );
}

/** Every owned position in a value: leaves, empty maps, atomic lists, and list items as nodes. */
export function fieldsOf(value: Record<string, unknown>): FieldSet {
  const out: FieldSet = new Map();
  const walk = (node: unknown, path: Path): void => {
    if (isAtomicMap(path, node)) {
      out.set(pathKey(path), path);
      return;
    }
    if (isMap(node)) {
      const entries = Object.entries(node).filter(([, v]) => v !== undefined);
      if (entries.length === 0 && path.length > 0) out.set(pathKey(path), path);
      for (const [name, child] of entries) walk(child, [...path, { f: name }]);
      return;
    }
    if (Array.isArray(node)) {
      const kind = listKind(path);
      if (kind === 'atomic') {
        out.set(pathKey(path), path);
      } else if (kind === 'set') {
        for (const item of node) out.set(pathKey([...path, { v: item }]), [...path, { v: item }]);
      } else {
        for (const item of node) {
          const itemPath: Path = [...path, { k: keyOf(item, kind.keys) }];
          out.set(pathKey(itemPath), itemPath);
          if (isMap(item))
            for (const [name, child] of Object.entries(item)) walk(child, [...itemPath, { f: name }]);
        }
      }
      return;
    }
    out.set(pathKey(path), path);
  };
  walk(value, []);
  return out;
}

function matches(item: unknown, element: PathElement, listPath: Path): boolean {
  if ('v' in element) return JSON.stringify(item) === JSON.stringify(element.v);
  if ('k' in element) {
    const kind = listKind(listPath);
    const keys = kind !== 'atomic' && kind !== 'set' ? kind.keys : Object.keys(element.k);
    return JSON.stringify(keyOf(item, keys)) === JSON.stringify(element.k);
  }
  return false;
}

/** The value at a path, or undefined. */
export function getAt(root: unknown, path: Path): unknown {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const element = path[i];
    if ('f' in element) {
      if (!isMap(node)) return undefined;
      node = node[element.f];
    } else {
      if (!Array.isArray(node)) return undefined;
      node = node.find((item) => matches(item, element, path.slice(0, i)));
    }
    if (node === undefined) return undefined;
  }
  return node;
}

/** Removes the field or list item at a path (in place); empty maps it leaves behind go too. */
export function removeAt(root: Record<string, unknown>, path: Path): void {
  if (path.length === 0) return;
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if ('f' in last && isMap(parent)) delete parent[last.f];
  else if (Array.isArray(parent)) {
    const i = parent.findIndex((item) => matches(item, last, path.slice(0, -1)));
    if (i >= 0) parent.splice(i, 1);
  }
  if (path.length > 2 && isMap(parent) && Object.keys(parent).length === 0) removeAt(root, path.slice(0, -1));
}

function elementKey(element: PathElement): string {
  if ('f' in element) return `f:${element.f}`;
  if ('k' in element) return `k:${JSON.stringify(element.k)}`;
  return `v:${JSON.stringify(element.v)}`;
}

/** FieldsV1: nested `f:`/`k:`/`v:` keys, `.` marking a node that is itself owned. */
export function toFieldsV1(set: FieldSet): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const path of set.values()) {
    let node = root;
    for (const element of path) {
      const key = elementKey(element);
      if (!isMap(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
  }
  // A node owned itself and also holding owned children carries `.`.
  const mark = (node: Record<string, unknown>, owned: (n: Record<string, unknown>) => boolean): void => {
    for (const child of Object.values(node) as Record<string, unknown>[]) {
      if (Object.keys(child).length > 0 && owned(child) && !('.' in child)) child['.'] = {};
      mark(child, owned);
    }
  };
  const ownedNodes = new Set<Record<string, unknown>>();
  for (const path of set.values()) {
    let node: Record<string, unknown> = root;
    for (const element of path) node = node[elementKey(element)] as Record<string, unknown>;
    ownedNodes.add(node);
  }
  mark(root, (n) => ownedNodes.has(n));
  return root;
}

export function fromFieldsV1(tree: unknown): FieldSet {
  const out: FieldSet = new Map();
  const walk = (node: unknown, path: Path): void => {
    if (!isMap(node)) return;
    const children = Object.keys(node).filter((k) => k !== '.');
    if (path.length > 0 && (children.length === 0 || '.' in node)) out.set(pathKey(path), path);
    for (const key of children) {
      const rest = key.slice(2);
      let element: PathElement;
      if (key.startsWith('f:')) element = { f: rest };
      else if (key.startsWith('k:')) element = { k: JSON.parse(rest) as Record<string, unknown> };
      else if (key.startsWith('v:')) element = { v: JSON.parse(rest) };
      else continue;
      walk(node[key], [...path, element]);
    }
  };
  walk(tree, []);
  return out;
}

/** The path as structured-merge-diff prints it: `.spec.template.spec.containers[name="app"].image`. */
export function pathString(path: Path): string {
  return path
    .map((element) => {
      if ('f' in element) return `.${element.f}`;
      if ('k' in element) {
        const parts = Object.entries(element.k).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
        return `[${parts.join(',')}]`;
      }
      return `[=${JSON.stringify(element.v)}]`;
    })
    .join('');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isMap(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => value[k] !== undefined)
        .sort()
        .map((k) => [k, canonical(value[k])]),
    );
  }
  return value;
}

/** Deep equality of JSON values (key order ignored); independent of prototypes and realms. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
