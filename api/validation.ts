import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { HttpProblem } from './problem';

function fieldErrors(error: z.ZodError) {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
}

// JSON may carry a lone UTF-16 surrogate (\ud800), which no UTF-8 store keeps as sent: it would be saved
// altered (as U+FFFD) or refused deep inside a driver. A NUL character (\u0000) is refused by PostgreSQL's
// jsonb, under FerretDB and under any Postgres-backed store, as a server error. Both are refused here
// instead, naming the field.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this must find
const loneSurrogate = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function malformedTextAt(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return loneSurrogate.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = malformedTextAt(item, `${path}.${i}`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (loneSurrogate.test(key)) return at;
      const found = malformedTextAt(item, at);
      if (found) return found;
    }
  }
  return undefined;
}

/** Parses req.body with the endpoint's schema; unknown fields are refused, so nothing is mass-assigned. */
export function validBody<T extends z.ZodType>(schema: T): RequestHandler {
  return (req, _res, next) => {
    if (!req.is('application/json')) {
      throw new HttpProblem(415, 'unsupported-media-type', 'Send the body as application/json');
    }
    const malformed = malformedTextAt(req.body, '');
    if (malformed !== undefined) {
      throw new HttpProblem(400, 'malformed-text', 'Text must be valid Unicode', undefined, {
        errors: [
          { field: malformed || '(body)', message: 'contains a NUL character or a lone UTF-16 surrogate' },
        ],
      });
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
  const malformed = malformedTextAt(value, '');
  if (malformed !== undefined) {
    throw new HttpProblem(400, 'malformed-text', 'Text must be valid Unicode', undefined, {
      errors: [
        { field: malformed || '(parameter)', message: 'contains a NUL character or a lone UTF-16 surrogate' },
      ],
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new HttpProblem(400, 'invalid-parameter', 'A path or query parameter is invalid', undefined, {
      errors: fieldErrors(parsed.error),
    });
  }
  return parsed.data;
}
