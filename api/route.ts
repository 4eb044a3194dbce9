import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import type { Role } from '../accounts/principal';
import { requireRole } from './auth/principal';
import { parseParams, validBody } from './validation';

/** A router and the OpenAPI registry its routes are declared in; each route goes into both at once. */
export interface RouteTable {
  router: Router;
  registry: OpenAPIRegistry;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Parsed<T> = T extends z.ZodType ? z.infer<T> : undefined;

/** What a handler receives: the path parameters, query and body, already parsed by the route's schemas. */
export interface RouteInput<P, Q, B> {
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
}

export interface RouteSpec<P, Q, B> extends Omit<RouteConfig, 'method' | 'path' | 'request'> {
  method: Method;
  /** The path as OpenAPI writes it (`/orders/{id}`); Express's `:id` form is derived from it. */
  path: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Request headers the operation reads (documented only; the handler reads them). */
  headers?: z.ZodObject;
  /**
   * The request as documented, for a route that reads its own raw body (a signed webhook: the signature
   * covers the exact bytes, so nothing may parse them first). Used instead of params/query/body/headers.
   */
  rawRequest?: RouteConfig['request'];
  /** A signed-in account of one of these roles (401 without a token, 403 for another role). */
  roles?: Role[];
  /** Middleware run after the role check and before the body is parsed (limits, caching headers). */
  before?: RequestHandler[];
  handle: (input: RouteInput<P, Q, B>, req: Request, res: Response) => Promise<void> | void;
}

/**
 * Declares one route: its OpenAPI entry and its Express handler from the same spec, so the document and
 * the behaviour cannot drift. Path parameters and the query are parsed (400 `invalid-parameter`), the body
 * by `validBody` (415, 400 `malformed-text`, 422 `validation`), before the handler runs.
 */
export function declareRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(table: RouteTable, spec: RouteSpec<P, Q, B>): void {
  const {
    method,
    path,
    params,
    query,
    body,
    headers,
    rawRequest,
    roles,
    before = [],
    handle,
    ...openApi
  } = spec;
  table.registry.registerPath({
    ...openApi,
    method,
    path,
    ...(params || query || body || headers
      ? {
          request: {
            ...(params ? { params: params as unknown as z.ZodObject } : {}),
            ...(query ? { query: query as unknown as z.ZodObject } : {}),
            ...(headers ? { headers } : {}),
            ...(body ? { body: { content: { 'application/json': { schema: body } } } } : {}),
          },
        }
      : rawRequest
        ? { request: rawRequest }
        : {}),
  });
  const chain: RequestHandler[] = [
    ...(roles ? [requireRole(...roles)] : []),
    ...before,
    ...(body ? [validBody(body)] : []),
  ];
  table.router[method](path.replace(/\{(\w+)\}/g, ':$1'), ...chain, async (req, res) => {
    const input = {
      params: params ? parseParams(params, req.params) : undefined,
      query: query ? parseParams(query, req.query) : undefined,
      body: body ? (req.body as unknown) : undefined,
    } as RouteInput<P, Q, B>;
    await handle(input, req, res);
  });
}
