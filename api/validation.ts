import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { HttpProblem } from './problem';

function fieldErrors(error: z.ZodError) {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
}

/** Parses req.body with the endpoint's schema; unknown fields are refused, so nothing is mass-assigned. */
export function validBody<T extends z.ZodType>(schema: T): RequestHandler {
  return (req, _res, next) => {
    if (!req.is('application/json')) {
      throw new HttpProblem(415, 'unsupported-media-type', 'Send the body as application/json');
    }
    const parsed = schema.safeParse(req.body);
    if (!parsed.success) {
      throw new HttpProblem(422, 'validation', 'The request body is invalid', undefined, {
        errors: fieldErrors(parsed.error),
      });
    }
    req.body = parsed.data;
    next();
  };
}

export function parseParams<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new HttpProblem(400, 'invalid-parameter', 'A path or query parameter is invalid', undefined, {
      errors: fieldErrors(parsed.error),
    });
  }
  return parsed.data;
}
