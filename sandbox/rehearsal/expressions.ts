import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';
import { UnsupportedConstruct } from './errors.js';

/** Plain JSON-like values the harness keeps its contexts in. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The contexts an expression may read, as plain values; names absent here are not available. */
export type Contexts = Partial<
  Record<
    'inputs' | 'vars' | 'secrets' | 'github' | 'needs' | 'matrix' | 'steps' | 'env' | 'job' | 'jobs',
    Json
  >
>;

/** Status functions, answered by the caller (job level: from `needs`; step level: from earlier steps). */
export interface StatusFunctions {
  success(): boolean;
  failure(): boolean;
  always(): boolean;
  cancelled(): boolean;
}

/** The `github` context properties the rehearsal provides; reading any other one is an error, not ''. */
export const GITHUB_PROPERTIES = ['sha', 'repository', 'ref', 'event_name', 'run_id', 'server_url', 'token'];

const STATUS_NAMES = ['success', 'failure', 'always', 'cancelled'] as const;

function toData(value: Json): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

export function fromData(value: data.ExpressionData): Json {
  return JSON.parse(JSON.stringify(value, data.replacer)) as Json;
}

/** Evaluates one expression (the text between `${{` and `}}`) with @actions/expressions. */
export function evaluateExpression(
  expression: string,
  contexts: Contexts,
  status?: StatusFunctions,
  where = 'expression',
): data.ExpressionData {
  for (const match of expression.matchAll(/\bgithub\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)/g)) {
    if (!GITHUB_PROPERTIES.includes(match[1] ?? '')) {
      throw new UnsupportedConstruct(
        `${where}: 'github.${match[1]}' is not provided by the rehearsal (only github.${GITHUB_PROPERTIES.join(', github.')}); GitHub would give a value here, so the rehearsal refuses rather than evaluate it to ''.`,
      );
    }
  }
  const names = Object.keys(contexts).filter((name) => contexts[name as keyof Contexts] !== undefined);
  const lexed = new Lexer(expression).lex();
  const functions = status
    ? STATUS_NAMES.map((name) => ({
        name,
        minArgs: 0,
        maxArgs: 0,
        call: () => new data.BooleanData(status[name]()),
      }))
    : [];
  let parsed: ReturnType<Parser['parse']>;
  try {
    parsed = new Parser(lexed.tokens, names, functions).parse();
  } catch (error) {
    throw new UnsupportedConstruct(
      `${where}: cannot evaluate '${expression.trim()}' here (available contexts: ${names.join(', ')}${status ? '; functions success(), failure(), always(), cancelled()' : ''}): ${(error as Error).message}`,
    );
  }
  const dictionary = new data.Dictionary();
  for (const name of names) dictionary.add(name, toData(contexts[name as keyof Contexts] as Json));
  return new Evaluator(parsed, dictionary, new Map(functions.map((fn) => [fn.name, fn]))).evaluate();
}

const TEMPLATE = /\$\{\{([\s\S]*?)\}\}/g;

/** Whether a string is exactly one `${{ }}` (GitHub then keeps the value's type). */
function singleExpression(text: string): string | undefined {
  const match = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/.exec(text);
  return match && !match[1]?.includes('}}') ? match[1] : undefined;
}

/** A string with `${{ }}` parts, coerced to a string as GitHub does; arrays/objects are refused. */
export function evaluateString(text: string, contexts: Contexts, where: string): string {
  return text.replace(TEMPLATE, (_, expression: string) => {
    const value = evaluateExpression(expression, contexts, undefined, where);
    if (value.kind === data.Kind.Array || value.kind === data.Kind.Dictionary) {
      throw new UnsupportedConstruct(
        `${where}: '${expression.trim()}' is an ${value.kind === data.Kind.Array ? 'array' : 'object'}, which GitHub would turn into the text 'Array'/'Object'; use toJSON().`,
      );
    }
    return value.coerceString();
  });
}

/** A value that may be one whole expression (kept typed: matrix, environment) or a structure. */
export function evaluateValue(value: unknown, contexts: Contexts, where: string): Json {
  if (typeof value === 'string') {
    const single = singleExpression(value);
    if (single !== undefined) return fromData(evaluateExpression(single, contexts, undefined, where));
    return evaluateString(value, contexts, where);
  }
  if (Array.isArray(value)) return value.map((item, i) => evaluateValue(item, contexts, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, evaluateValue(item, contexts, `${where}.${key}`)]),
    );
  }
  return (value ?? null) as Json;
}

/** An `if:` condition: GitHub wraps a condition without `${{ }}` itself and adds `success() &&` when it has no status function. */
export function evaluateCondition(
  condition: unknown,
  contexts: Contexts,
  status: StatusFunctions,
  where: string,
): boolean {
  if (condition === undefined || condition === null) return status.success();
  if (typeof condition === 'boolean') return status.success() && condition;
  if (typeof condition !== 'string')
    throw new UnsupportedConstruct(`${where}: if must be a string or boolean.`);
  const single = singleExpression(condition);
  if (single === undefined && condition.includes('${{')) {
    throw new UnsupportedConstruct(
      `${where}: an if with text around \${{ }} is always true on GitHub; write the condition alone.`,
    );
  }
  const expression = single ?? condition;
  const usesStatus = /\b(success|failure|always|cancelled)\s*\(/i.test(expression);
  const full = usesStatus ? expression : `success() && (${expression})`;
  return truthy(evaluateExpression(full, contexts, status, where));
}
