import type { ErrorRequestHandler, Request, RequestHandler } from 'express';

// Every error leaves as application/problem+json (RFC 9457) with a stable `type` a storefront can branch
// on; nothing internal (stack, driver messages) is ever sent.
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail?: string,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

export const problemTypeBase = 'https://marketplace.dev/problems/';

export function sendProblem(
  res: Parameters<RequestHandler>[1],
  status: number,
  type: string,
  title: string,
  detail?: string,
  extras: Record<string, unknown> = {},
): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: problemTypeBase + type, title, status, ...(detail ? { detail } : {}), ...extras });
}

export const notFound: RequestHandler = (req, res) => {
  sendProblem(res, 404, 'not-found', 'Not found', `No route for ${req.method} ${req.path}`);
};

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

export function problemHandler(log: (error: unknown, req?: Request) => void): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof HttpProblem) {
      sendProblem(res, error.status, error.type, error.title, error.detail, error.extras);
      return;
    }
    const parserError = error as BodyParserError;
    if (parserError.type === 'entity.too.large') {
      sendProblem(res, 413, 'body-too-large', 'Request body too large');
      return;
    }
    if (parserError.type === 'entity.parse.failed') {
      sendProblem(res, 400, 'malformed-json', 'Request body is not valid JSON');
      return;
    }
    if (parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported') {
      sendProblem(res, 415, 'unsupported-encoding', 'Unsupported body encoding');
      return;
    }
    // The router decodes path parameters before any route runs; a broken %-escape is the client's.
    if (error instanceof URIError) {
      sendProblem(res, 400, 'malformed-url', 'The URL has an invalid percent-encoding');
      return;
    }
    if (parserError.expose && parserError.status && parserError.status < 500) {
      sendProblem(res, parserError.status, 'bad-request', 'Bad request');
      return;
    }
    log(error, req);
    sendProblem(
      res,
      500,
      'internal',
      'Internal error',
      'The error was logged; retry with the same Idempotency-Key.',
    );
  };
}
