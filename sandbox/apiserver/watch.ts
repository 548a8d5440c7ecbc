/**
 * Watch streams: newline-delimited JSON `{type, object}` events. Without a resourceVersion (or
 * with "0") the stream starts with ADDED for every current object, as a real server does; with
 * one it replays the changes after it, so `list` then `watch` misses nothing.
 */
import type { ServerResponse } from 'node:http';
import type { KubeObject, StoreEvent } from '../kube/contract.js';
import { statusObject } from './http.js';
import { type MemoryStore, StoreError } from './store.js';
import { toTable } from './table.js';
import type { TypeInfo } from './types.js';

export interface WatchRequest {
  type: TypeInfo;
  namespace: string | undefined;
  matches: (object: KubeObject) => boolean;
  resourceVersion: string | null;
  timeoutSeconds: number;
  /** Close the stream after this many events (fault injection). */
  closeAfterEvents?: number;
  /** Send each object as a one-row Table (what `kubectl get --watch` asks for). */
  asTable?: boolean;
}

const DEFAULT_TIMEOUT_SECONDS = 1800;

export function serveWatch(store: MemoryStore, request: WatchRequest, res: ServerResponse): void {
  const { type, namespace, matches } = request;
  const inScope = (event: StoreEvent) =>
    event.resource.group === type.group &&
    event.resource.resource === type.resource &&
    (namespace === undefined || event.object.metadata.namespace === namespace);
  // Objects this stream has shown; one that stops matching the selectors is sent as DELETED,
  // one that starts matching as ADDED, as a real server does for filtered watches.
  const visible = new Set<string>();
  const keyOf = (object: KubeObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
  const deliver = (event: StoreEvent): void => {
    if (!inScope(event)) return;
    const key = keyOf(event.object);
    const shown = visible.has(key);
    const matching = event.type !== 'DELETED' && matches(event.object);
    if (matching) {
      visible.add(key);
      send({ ...event, type: shown ? event.type : 'ADDED' });
    } else if (shown || (event.type === 'DELETED' && matches(event.object))) {
      visible.delete(key);
      send({ ...event, type: 'DELETED' });
    }
  };
  const apiVersion = type.group === '' ? type.version : `${type.group}/${type.version}`;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  // Clients wait for the headers before they consider the watch open.
  res.flushHeaders();
  let sent = 0;
  let done = false;
  const write = (kind: string, object: unknown): void => {
    if (done) return;
    res.write(`${JSON.stringify({ type: kind, object })}\n`);
    sent++;
    if (request.closeAfterEvents !== undefined && sent >= request.closeAfterEvents) finish();
  };
  const send = (event: StoreEvent) => {
    const object = { ...event.object, apiVersion, kind: type.kind };
    write(
      event.type,
      request.asTable ? toTable(type, [object], String(object.metadata.resourceVersion)) : object,
    );
  };

  let initial: StoreEvent[];
  try {
    initial =
      request.resourceVersion && request.resourceVersion !== '0'
        ? store.changesSince(Number(request.resourceVersion))
        : store.list(type, namespace).map((object) => ({ type: 'ADDED' as const, resource: type, object }));
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    write('ERROR', statusObject(410, 'Expired', error.message));
    res.end();
    return;
  }
  const replaying = Boolean(request.resourceVersion && request.resourceVersion !== '0');
  if (replaying) {
    // The client's list showed the objects that matched then; those unchanged since still match.
    const since = Number(request.resourceVersion);
    for (const object of store.list(type, namespace)) {
      if (Number(object.metadata.resourceVersion) <= since && matches(object)) visible.add(keyOf(object));
    }
  }
  const unsubscribe = store.subscribe(deliver);
  const timer = setTimeout(finish, (request.timeoutSeconds || DEFAULT_TIMEOUT_SECONDS) * 1000);
  function finish(): void {
    if (done) return;
    done = true;
    unsubscribe();
    clearTimeout(timer);
    res.end();
  }
  res.on('close', finish);
  for (const event of initial) deliver(event);
}
