import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger';

// A caller's id is kept only when it looks like an id, so a header cannot inject into log lines.
const acceptableRequestId = /^[\w.:-]{1,128}$/;

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && acceptableRequestId.test(given) ? given : randomUUID();
}

interface WithPrincipal {
  principal?: { userId: string; role: string };
}

/**
 * One line per request when it finishes: request id (taken from `X-Request-Id` or minted, and echoed back),
 * method, route, status, duration and who asked. No headers and no bodies are logged, so a bearer token,
 * a password or a card never reaches the log by this path.
 */
export function requestLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const id = requestIdOf(req);
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customProps: (req) => {
      const principal = (req as WithPrincipal).principal;
      return principal ? { principalId: principal.userId, role: principal.role } : {};
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      // The path only: a query string may carry what a buyer typed.
      req: (req: { id: string; method: string; url: string; originalUrl?: string }) => ({
        id: req.id,
        method: req.method,
        path: (req.originalUrl ?? req.url).split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    wrapSerializers: false,
  });
}
