import { Runtime, type RuntimeOptions } from '@temporalio/worker';
import type { Env } from '../config/env';
import type { Logger } from './logger';
import { PinoTemporalLogger } from './temporal-logger';

/**
 * The worker process's Temporal runtime, installed once before any connection: SDK, activity and workflow
 * log lines go to our pino logger, and the SDK's own metrics (task slots, poll and schedule-to-start
 * latency, workflow and activity failures) are served for Prometheus on TEMPORAL_SDK_METRICS_PORT.
 * Answers whether that endpoint is up: a second worker on the same host finds the port taken, and then
 * runs without SDK metrics (with a warning) rather than not at all.
 */
export function installTemporalRuntime(env: Env, logger: Logger): boolean {
  const verbose = env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace';
  const options: RuntimeOptions = {
    logger: new PinoTemporalLogger(logger),
    telemetryOptions: {
      // Core's own lines are forwarded into the same pino stream instead of its separate console output.
      logging: { filter: { core: verbose ? 'INFO' : 'WARN', other: 'ERROR' }, forward: {} },
    },
  };
  if (env.TEMPORAL_SDK_METRICS_PORT === 0) {
    Runtime.install(options);
    return false;
  }
  const bindAddress = `0.0.0.0:${env.TEMPORAL_SDK_METRICS_PORT}`;
  try {
    Runtime.install({
      ...options,
      telemetryOptions: { ...options.telemetryOptions, metrics: { prometheus: { bindAddress } } },
    });
    return true;
  } catch (error) {
    logger.warn(
      { err: error, bindAddress },
      'Temporal SDK metrics not served; set TEMPORAL_SDK_METRICS_PORT',
    );
    Runtime.install(options);
    return false;
  }
}

/** Where the worker's SDK metrics are, for the worker's own /metrics to append. */
export function temporalSdkMetricsUrl(env: Env): string {
  return `http://127.0.0.1:${env.TEMPORAL_SDK_METRICS_PORT}/metrics`;
}
