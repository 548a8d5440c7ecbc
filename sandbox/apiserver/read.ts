/** GET: one object, a list (label and field selectors), a watch, the scale subresource, pod logs. */
import type { KubeObject } from '../kube/contract.js';
import { type Outcome, type RequestContext, requireObject, served } from './context.js';
import { ApiError, badRequest } from './http.js';
import { serveLogs } from './logs.js';
import { scaleOf } from './scale.js';
import { fieldSelector, labelSelector } from './selectors.js';
import { toTable, wantsTable } from './table.js';
import { apiVersionOf } from './types.js';
import { serveWatch } from './watch.js';

function selectors(ctx: RequestContext): (object: KubeObject) => boolean {
  try {
    const byLabel = labelSelector(ctx.query.get('labelSelector'));
    const byField = fieldSelector(ctx.query.get('fieldSelector'));
    return (object) => byLabel(object) && byField(object);
  } catch (error) {
    throw badRequest((error as Error).message);
  }
}

export function read(ctx: RequestContext): Outcome {
  const { type, query } = ctx;
  if (ctx.name === undefined) {
    const matches = selectors(ctx);
    const watching = query.get('watch') === 'true' || query.get('watch') === '1';
    if (watching) {
      serveWatch(
        ctx.store,
        {
          type,
          namespace: ctx.namespace,
          matches,
          resourceVersion: query.get('resourceVersion'),
          timeoutSeconds: Number(query.get('timeoutSeconds') ?? 0),
          closeAfterEvents: ctx.closeWatchAfterEvents,
          asTable: wantsTable(ctx.accept),
        },
        ctx.res,
      );
      return 'streamed';
    }
    const resourceVersion = String(ctx.store.resourceVersion);
    const items = ctx.store
      .list(type, ctx.namespace)
      .filter(matches)
      .map((o) => served(ctx, o));
    if (wantsTable(ctx.accept)) return { code: 200, body: toTable(type, items, resourceVersion) };
    return {
      code: 200,
      body: { kind: type.listKind, apiVersion: apiVersionOf(type), metadata: { resourceVersion }, items },
    };
  }
  const object = requireObject(ctx);
  switch (ctx.subresource) {
    case undefined:
      if (wantsTable(ctx.accept))
        return { code: 200, body: toTable(type, [object], String(object.metadata.resourceVersion)) };
      return { code: 200, body: served(ctx, object) };
    case 'status':
      return { code: 200, body: served(ctx, object) };
    case 'scale':
      if (!type.subresources.scale) break;
      return { code: 200, body: scaleOf(type, object) };
    case 'log': {
      if (type.resource !== 'pods') break;
      const tail = query.get('tailLines');
      serveLogs(
        ctx.podLogs,
        {
          pod: object,
          container: query.get('container'),
          follow: query.get('follow') === 'true',
          previous: query.get('previous') === 'true',
          tailLines: tail === null ? undefined : Number(tail),
        },
        ctx.res,
      );
      return 'streamed';
    }
  }
  throw new ApiError(404, 'NotFound', `the server could not find the requested resource`);
}
