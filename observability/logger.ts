import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

// Keys whose values are secrets, credentials or card data, wherever they appear in a log line's object (a
// request's headers, an activity's input, an error's details). The request line logs no headers or bodies
// at all; this is the second wall, for whatever a caller logs by hand.
const secretKeys = new Set(
  [
    'password',
    'newPassword',
    'passwordHash',
    'token',
    'accessToken',
    'refreshToken',
    'taskToken',
    'authorization',
    'cookie',
    'set-cookie',
    'secret',
    'apiKey',
    'clientSecret',
    'client_secret',
    'paymentMethodId',
    'payment_method',
    'card',
    'cardNumber',
    'cvc',
  ].map((key) => key.toLowerCase()),
);

const censored = '[redacted]';
const maxDepth = 6;

/**
 * The object with every secret key's value replaced, copied only where something changed. One pass with a
 * set lookup per key: pino's path-based `redact` with deep wildcards cost a quarter of the API's throughput
 * on a cached read (bench/observability-overhead.ts); this costs next to nothing. Errors, dates and
 * buffers are left to their serializers.
 */
export function censorSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > maxDepth) return value;
  if (Array.isArray(value)) {
    const items = value as unknown[];
    let copy: unknown[] | undefined;
    items.forEach((item, index) => {
      const clean = censorSecrets(item, depth + 1);
      if (clean !== item) (copy ??= [...items])[index] = clean;
    });
    return copy ?? items;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const item = record[key];
    const clean = secretKeys.has(key.toLowerCase()) ? censored : censorSecrets(item, depth + 1);
    if (clean !== item) (copy ??= { ...record })[key] = clean;
  }
  return copy ?? value;
}

export interface LoggerSettings {
  level: LogLevel;
  /** Which process this is: `api`, `worker`, `search-indexer`. */
  name: string;
  /** Where lines go; tests pass a stream to read them back. Defaults to stdout. */
  destination?: DestinationStream;
}

/**
 * One JSON line per event on stdout, for any log shipper. Pretty only when a person watches a terminal:
 * pino-pretty then runs in a transport thread, so the JSON path stays the fast one.
 */
export function createLogger({ level, name, destination }: LoggerSettings): Logger {
  const options: LoggerOptions = {
    name,
    level,
    formatters: { log: (object) => censorSecrets(object) as Record<string, unknown> },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  if (destination) return pino(options, destination);
  if (process.stdout.isTTY) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return pino(options, pino.destination({ dest: 1, sync: false }));
}
