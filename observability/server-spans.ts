import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { routeOf } from './route-template';

// Never traced: they would be most of the traces and tell nothing.
const untraced = new Set(['/metrics', '/healthz', '/readyz']);
// Catalog and search reads are most requests and all alike, so only a share of them is traced; everything
// that changes something is. Spans below a request follow its decision (the provider's default sampler is
// parent-based).
const reads = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The API's server span, one per traced request, named by its route (`POST /orders`) once the router has
 * matched, and the parent of everything the request does: MongoDB and Redis commands, Stripe calls, the
 * workflow start (whose Temporal interceptor carries the trace into the workflow and its activities).
 *
 * Written here instead of taking the HTTP instrumentation's server side: that one binds the request's and
 * the response's event emitters to a context on every request, sampled or not, which on a cached product
 * read cost a quarter of the API's throughput (bench/observability-overhead.ts). Here a read that is not
 * sampled costs one random number, and the client-side HTTP instrumentation still traces outgoing calls.
 */
export function serverSpans(readRatio: number): RequestHandler {
  const tracer = trace.getTracer('marketplace-api');
  return (req, res, next) => {
    if (untraced.has(req.path) || (reads.has(req.method) && Math.random() >= readRatio)) return next();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      req.method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.method': req.method, 'http.target': req.originalUrl.split('?')[0] },
      },
      parent,
    );
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = routeOf(req);
      span.setAttributes({ 'http.route': route, 'http.status_code': res.statusCode });
      span.updateName(`${req.method} ${route}`);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    context.with(trace.setSpan(parent, span), next);
  };
}
