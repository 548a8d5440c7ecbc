/** Label selectors (`app=web,tier in (a,b),!canary`) and field selectors (`metadata.name=web`). */
import type { KubeObject } from '../kube/contract.js';

type Requirement = (labels: Record<string, string>) => boolean;

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function requirement(term: string): Requirement {
  const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set) {
    const [, key, op, list] = set;
    const values = list.split(',').map((v) => v.trim());
    return op === 'in'
      ? (l) => l[key] !== undefined && values.includes(l[key])
      : (l) => l[key] === undefined || !values.includes(l[key]);
  }
  const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*(|[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/.exec(term);
  if (cmp) {
    const [, key, op, value] = cmp;
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  if (/^![^\s!=]+$/.test(term)) return (l) => l[term.slice(1)] === undefined;
  if (/^[^\s!=(),]+$/.test(term)) return (l) => l[term] !== undefined;
  throw new Error(
    `unable to parse requirement: "${term}"; expected key=value, key!=value, key in (a,b), key or !key`,
  );
}

/** A predicate for a label selector string; throws a sentence for a malformed one. */
export function labelSelector(text: string | null): (object: KubeObject) => boolean {
  if (!text) return () => true;
  const requirements = splitTopLevel(text).map(requirement);
  return (object) => requirements.every((r) => r(object.metadata.labels ?? {}));
}

function fieldValue(object: KubeObject, path: string): string {
  let node: unknown = object;
  for (const part of path.split('.')) {
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  }
  if (node === undefined || node === null) return '';
  return String(node);
}

/** A predicate for a field selector (`a.b=c,d!=e`); any field path of the object may be named. */
export function fieldSelector(text: string | null): (object: KubeObject) => boolean {
  if (!text) return () => true;
  const terms = splitTopLevel(text).map((term) => {
    const match = /^([A-Za-z0-9_.-]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) throw new Error(`invalid field selector "${term}": expected field=value or field!=value`);
    const [, path, op, value] = match;
    return op === '!='
      ? (o: KubeObject) => fieldValue(o, path) !== value
      : (o: KubeObject) => fieldValue(o, path) === value;
  });
  return (object) => terms.every((t) => t(object));
}
