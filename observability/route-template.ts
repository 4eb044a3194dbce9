import { trace } from '@opentelemetry/api';
import type { Request, RequestHandler } from 'express';

/**
 * The route template (`/orders/:id`), never the path itself, so ids become neither metric series nor span
 * names; anything no route matched is one value.
 */
export function routeOf(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? `${req.baseUrl}${route.path}` : 'unmatched';
}

/** Names the request's server span `POST /orders` and sets `http.route` once the router has matched. */
export function routeSpans(): RequestHandler {
  return (req, res, next) => {
    const span = trace.getActiveSpan();
    if (span) {
      res.once('finish', () => {
        const route = routeOf(req);
        span.setAttribute('http.route', route);
        span.updateName(`${req.method} ${route}`);
      });
    }
    next();
  };
}
