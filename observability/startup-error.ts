import pino from 'pino';

/**
 * A process that cannot start (bad configuration, a service unreachable) says why as one JSON line on
 * stderr and exits 1. It uses a synchronous logger of its own, because the configured one may be what failed.
 */
export function exitWithStartupError(name: string, error: unknown): never {
  const logger = pino({ name }, pino.destination({ dest: 2, sync: true }));
  logger.fatal({ err: error instanceof Error ? error : new Error(String(error)) }, 'could not start');
  process.exit(1);
}
