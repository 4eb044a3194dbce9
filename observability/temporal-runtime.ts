import { Runtime } from '@temporalio/worker';
import type { Env } from '../config/env';
import type { Logger } from './logger';
import { PinoTemporalLogger } from './temporal-logger';

/**
 * The worker process's Temporal runtime, installed once before any connection: SDK, activity and workflow
 * log lines go to our pino logger.
 */
export function installTemporalRuntime(env: Env, logger: Logger): void {
  const verbose = env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace';
  Runtime.install({
    logger: new PinoTemporalLogger(logger),
    telemetryOptions: {
      // Core's own lines are forwarded into the same pino stream instead of its separate console output.
      logging: { filter: { core: verbose ? 'INFO' : 'WARN', other: 'ERROR' }, forward: {} },
    },
  });
}
