import { isRecord } from '../../records.js';
import type { Json } from './types.js';

/** Reading API objects without trusting their shape: a missing or mistyped field is undefined. */

export function field(object: unknown, ...path: string[]): unknown {
  let value: unknown = object;
  for (const key of path) {
    if (!isRecord(value)) return undefined;
    value = value[key];
  }
  return value;
}

export function str(object: unknown, ...path: string[]): string | undefined {
  const value = field(object, ...path);
  return typeof value === 'string' ? value : undefined;
}

export function num(object: unknown, ...path: string[]): number | undefined {
  const value = field(object, ...path);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function records(object: unknown, ...path: string[]): Json[] {
  const value = field(object, ...path);
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

export function nameOf(object: unknown): string {
  return str(object, 'metadata', 'name') ?? '';
}

export function labelOf(object: unknown, label: string): string | undefined {
  return str(object, 'metadata', 'labels', label);
}

/** The condition of that type in status.conditions, if any. */
export function condition(object: unknown, type: string): Json | undefined {
  return records(object, 'status', 'conditions').find((c) => c.type === type);
}

export function conditionIs(object: unknown, type: string, status: 'True' | 'False'): boolean {
  return condition(object, type)?.status === status;
}

/** Milliseconds since the epoch of an RFC 3339 timestamp, or undefined. */
export function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** When an Event last happened: lastTimestamp, the series' last observation, eventTime, creation. */
export function eventTime(event: Json): number | undefined {
  return (
    timeOf(field(event, 'lastTimestamp')) ??
    timeOf(field(event, 'series', 'lastObservedTime')) ??
    timeOf(field(event, 'eventTime')) ??
    timeOf(field(event, 'metadata', 'creationTimestamp'))
  );
}
