/**
 * Edits block-style YAML in place, line by line, so everything we do not touch stays byte for
 * byte as written. It is the fast path of rendering (the yaml library's Document API costs
 * ~1 ms per document; see bench/render): it understands block mappings and sequences, quoted
 * and plain one-line scalars, one-line flow collections and block scalars, and gives up
 * (returns undefined) on anything else, so the caller falls back to the Document API.
 */

export type EditPath = readonly (string | number)[];

/** An edit recorded while rendering; applied by text (here) or through the Document API. */
export type Edit = { op: 'set'; path: EditPath; value: string } | { op: 'delete'; path: EditPath };

interface Entry {
  /** indexKey of the entry's path. */
  key: string;
  depth: number;
  /** Column of the key, or of the "-" of a sequence item. */
  col: number;
  line: number;
  /** The last line that belongs to this entry (its value and everything nested in it). */
  lastLine: number;
  isItem: boolean;
  /** Inline value: a one-line scalar (editable), or an opaque flow collection / block scalar. */
  value?: { start: number; end: number; quote: '"' | "'" | '' } | 'opaque';
  /** Column of the first nested key, when the value is a nested block mapping. */
  childCol?: number;
  childItems: number;
}

const PLAIN_KEY = /^([A-Za-z0-9_][^:#'"]*?|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')[ \t]*:(?=[ \t]|$)/;

/** Applies the edits to one YAML document's text; undefined when any edit needs the slow path. */
export function applyTextEdits(text: string, edits: readonly Edit[]): string | undefined {
  const lines = text.split('\n');
  const index = scan(lines);
  if (index === undefined) return undefined;
  const plan: Plan = { replaced: new Map(), deleted: new Set(), created: new Map() };
  for (const edit of edits) {
    const ok =
      edit.op === 'set'
        ? planSet(plan, lines, index, edit.path, edit.value)
        : planDelete(plan, lines, index, edit.path);
    if (!ok) return undefined;
  }
  const inserted = new Map<number, string[]>();
  // Where blocks end on the same line, the deeper one's new keys must come first.
  const groups = [...plan.created.values()].sort((a, b) => b.parent.depth - a.parent.depth);
  for (const { parent, keys } of groups) {
    const col = parent.childCol ?? parent.col + 2;
    const step =
      parent.childCol !== undefined && parent.col >= 0 ? Math.max(parent.childCol - parent.col, 2) : 2;
    const at = parent.lastLine;
    inserted.set(at, [...(inserted.get(at) ?? []), ...renderKeys(keys, col, step)]);
  }
  const output: string[] = [];
  lines.forEach((line, i) => {
    if (!plan.deleted.has(i)) output.push(plan.replaced.get(i) ?? line);
    output.push(...(inserted.get(i) ?? []));
  });
  return output.join('\n');
}

interface NewKeys extends Map<string, string | NewKeys> {}

interface Plan {
  replaced: Map<number, string>;
  deleted: Set<number>;
  /** New keys under an existing block mapping, by that mapping's index key. */
  created: Map<string, { parent: Entry; keys: NewKeys }>;
}

function renderKeys(keys: NewKeys, col: number, step: number): string[] {
  const lines: string[] = [];
  for (const [key, value] of keys) {
    const name = formatScalar(key, '');
    if (typeof value === 'string') lines.push(`${' '.repeat(col)}${name}: ${formatScalar(value, '')}`);
    else lines.push(`${' '.repeat(col)}${name}:`, ...renderKeys(value, col + step, step));
  }
  return lines;
}

function indexKey(path: EditPath): string {
  return path.map((key) => `\u0001${typeof key === 'number' ? `#${key}` : key}`).join('');
}

function scan(lines: readonly string[]): Map<string, Entry> | undefined {
  const index = new Map<string, Entry>();
  const root: Entry = { key: '', depth: 0, col: -1, line: -1, lastLine: -1, isItem: false, childItems: 0 };
  const stack: Entry[] = [root];
  let lastContent = -1;
  // An entry's block ends at the last content line before the line that closes it.
  const pop = () => {
    (stack.pop() as Entry).lastLine = lastContent;
  };
  const push = (entry: Entry) => {
    index.set(entry.key, entry);
    stack.push(entry);
  };
  let blockScalarCol: number | undefined;
  let keepTrailing = false;
  // The empty string after the final line break is not a line: nothing may go after it.
  const end = lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  for (let i = 0; i < end; i++) {
    const line = lines[i] as string;
    const body = line.trimStart();
    const indent = line.length - body.length;
    const blank = body === '' || body.startsWith('#');
    if (blockScalarCol !== undefined) {
      // Inside a block scalar "#" is text; a keep (`|+`, `>+`) scalar's trailing empty lines
      // are text too, so keys added after it must go below them.
      if (body === '' ? keepTrailing : indent > blockScalarCol) {
        lastContent = i;
        continue;
      }
      if (body === '') continue;
      blockScalarCol = undefined;
    }
    if (blank) continue;
    if (line.slice(0, indent).includes('\t')) return undefined;
    const last = top(stack);
    if (last.value !== undefined && last.line !== i && indent > last.col) {
      // A plain scalar folded over several lines (kustomize writes long strings so).
      if (last.value !== 'opaque' && last.value.quote !== '') return undefined;
      last.value = 'opaque';
      lastContent = i;
      continue;
    }
    let col = indent;
    let rest = body;
    while (rest === '-' || rest.startsWith('- ')) {
      while (stack.length > 1 && (top(stack).col > col || (top(stack).col === col && top(stack).isItem)))
        pop();
      const parent = top(stack);
      if (parent.value !== undefined) return undefined; // a continuation of a multi-line scalar
      const item = parent.childItems++;
      push({
        key: `${parent.key}\u0001#${item}`,
        depth: parent.depth + 1,
        col,
        line: i,
        lastLine: i,
        isItem: true,
        childItems: 0,
      });
      const after = rest.slice(1);
      rest = after.trimStart();
      col += 1 + after.length - rest.length;
      if (rest === '') break;
    }
    if (rest === '' || rest.startsWith('#')) {
      lastContent = i;
      continue;
    }
    const key = PLAIN_KEY.exec(rest);
    let entry: Entry;
    let valueStart: number;
    if (key) {
      while (stack.length > 1 && top(stack).col >= col) pop();
      const parent = top(stack);
      if (parent.value !== undefined) return undefined; // a continuation of a multi-line scalar
      if (parent.childCol === undefined) parent.childCol = col;
      const name = unquote(key[1] as string);
      entry = {
        depth: parent.depth + 1,
        key: `${parent.key}\u0001${name}`,
        col,
        line: i,
        lastLine: i,
        isItem: false,
        childItems: 0,
      };
      push(entry);
      valueStart = col + key[0].length;
    } else {
      // A scalar item ("- value"): the item itself holds the value.
      if (top(stack).line !== i) return undefined; // a continuation line: multi-line scalar
      entry = top(stack);
      valueStart = col;
    }
    lastContent = i;
    const value = inlineValue(line, valueStart);
    if (value === undefined) return undefined;
    if (value === 'block') {
      entry.value = 'opaque';
      blockScalarCol = entry.isItem ? entry.col : col;
      keepTrailing = /^[|>][1-9]?\+/.test(line.slice(valueStart).trimStart());
    } else if (value !== 'none') {
      entry.value = value;
    }
  }
  while (stack.length > 1) pop();
  index.set('', root);
  return index;
}

function top(stack: Entry[]): Entry {
  return stack[stack.length - 1] as Entry;
}

function unquote(key: string): string {
  if (key.startsWith('"')) return JSON.parse(key) as string;
  if (key.startsWith("'")) return key.slice(1, -1).replace(/''/g, "'");
  return key.trimEnd();
}

/** The value that starts at `from` on a line (after "key:" or "- "). */
function inlineValue(line: string, from: number): Entry['value'] | 'block' | 'none' | undefined {
  let start = from;
  while (line[start] === ' ' || line[start] === '\t') start++;
  const first = line[start];
  if (first === undefined || first === '#') return 'none';
  if (first === '|' || first === '>') return 'block';
  if (first === '&' || first === '*' || first === '!' || first === '?' || first === '%' || first === '@') {
    return undefined;
  }
  if (first === '"' || first === "'") {
    const end = closingQuote(line, start);
    if (end === undefined || !/^[ \t]*(#.*)?$/.test(line.slice(end))) return undefined;
    return { start, end, quote: first };
  }
  if (first === '[' || first === '{') return balancedOnLine(line, start) ? 'opaque' : undefined;
  const comment = line.slice(start).search(/[ \t]#/);
  const end = comment === -1 ? line.trimEnd().length : start + comment;
  return { start, end: start + line.slice(start, end).trimEnd().length, quote: '' };
}

function closingQuote(line: string, start: number): number | undefined {
  const quote = line[start];
  for (let i = start + 1; i < line.length; i++) {
    if (quote === '"' && line[i] === '\\') i++;
    else if (line[i] === quote) {
      if (quote === "'" && line[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return undefined;
}

function balancedOnLine(line: string, start: number): boolean {
  let depth = 0;
  for (let i = start; i < line.length; i++) {
    const char = line[i];
    if (char === '"' || char === "'") {
      const end = closingQuote(line, i);
      if (end === undefined) return false;
      i = end - 1;
    } else if (char === '[' || char === '{') depth++;
    else if (char === ']' || char === '}') {
      depth--;
      if (depth === 0) return /^[ \t]*(#.*)?$/.test(line.slice(i + 1));
    } else if (char === '#' && depth === 0) return false;
  }
  return false;
}

const RESERVED_PLAIN =
  /^(true|false|yes|no|on|off|null|~|y|n|[-+]?(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(inf|nan))$/i;

/** A scalar in the given style; plain only when it reads back as the same string. */
function formatScalar(value: string, quote: '"' | "'" | ''): string {
  if (quote === "'") return `'${value.replace(/'/g, "''")}'`;
  if (
    quote === '' &&
    /^[A-Za-z0-9_./][^\s#,[\]{}]*$/.test(value) &&
    !/:(\s|$)/.test(value) &&
    !RESERVED_PLAIN.test(value)
  ) {
    return value;
  }
  return JSON.stringify(value);
}

function planSet(
  plan: Plan,
  lines: string[],
  index: Map<string, Entry>,
  path: EditPath,
  value: string,
): boolean {
  const existing = index.get(indexKey(path));
  if (existing !== undefined) {
    const span = existing.value;
    if (span === undefined || span === 'opaque' || existing.childCol !== undefined) return false;
    if (plan.replaced.has(existing.line) || plan.deleted.has(existing.line)) return false;
    const line = lines[existing.line] as string;
    plan.replaced.set(
      existing.line,
      line.slice(0, span.start) + formatScalar(value, span.quote) + line.slice(span.end),
    );
    return true;
  }
  // Create the missing keys under the deepest existing block mapping.
  for (let depth = path.length - 1; depth >= 1; depth--) {
    const parentKey = indexKey(path.slice(0, depth));
    const parent = index.get(parentKey);
    if (parent === undefined) continue;
    const missing = path.slice(depth);
    if (
      parent.value !== undefined ||
      parent.childItems > 0 ||
      missing.some((key) => typeof key !== 'string')
    ) {
      return false;
    }
    const group = plan.created.get(parentKey) ?? { parent, keys: new Map() };
    plan.created.set(parentKey, group);
    let keys: NewKeys = group.keys;
    for (const key of missing.slice(0, -1) as string[]) {
      const child = keys.get(key);
      if (typeof child === 'string') return false;
      const next: NewKeys = child ?? new Map();
      keys.set(key, next);
      keys = next;
    }
    keys.set(missing[missing.length - 1] as string, value);
    return true;
  }
  return false;
}

function planDelete(plan: Plan, lines: string[], index: Map<string, Entry>, path: EditPath): boolean {
  const entry = index.get(indexKey(path));
  if (entry === undefined) return true;
  const line = lines[entry.line] as string;
  const ownLine = line.length - line.trimStart().length === entry.col;
  if (entry.isItem || !ownLine || entry.lastLine !== entry.line || entry.value === undefined) return false;
  if (plan.replaced.has(entry.line)) return false;
  plan.deleted.add(entry.line);
  return true;
}
