import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

// Keys whose values are secrets, credentials or card data wherever they appear in a log line's object, up
// to three levels deep (a request's headers, an activity's input, an error's cause). The request serializer
// below logs no headers or bodies at all; this list is the second wall, for whatever a caller logs by hand.
const secretKeys = [
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
];

export const redactedPaths = secretKeys.flatMap((key) => {
  const field = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const join = (prefix: string) => (field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`);
  return [field.startsWith('[') ? field : key, join('*'), join('*.*'), join('*.*.*')];
});

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
    redact: { paths: redactedPaths, censor: '[redacted]' },
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
