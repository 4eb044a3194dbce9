import type { Request } from 'express';

/**
 * The route template (`/orders/:id`), never the path itself, so ids become neither metric series nor span
 * names; anything no route matched is one value.
 */
export function routeOf(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? `${req.baseUrl}${route.path}` : 'unmatched';
}
