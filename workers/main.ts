// First: tracing must patch http, express, mongodb and ioredis before anything loads them.
import '../observability/tracing-bootstrap';
import { loadEnv } from '../config/env';
import { connectServices } from '../integrations/services';
import { createLogger } from '../observability/logger';
import { exitWithStartupError } from '../observability/startup-error';
import { collectProcessMetrics } from '../observability/metrics-registry';
import { serveMetrics } from '../observability/metrics-server';
import { installTemporalRuntime, temporalSdkMetricsUrl } from '../observability/temporal-runtime';
import { ensureSchedules } from './schedules';
import { createMarketplaceWorker } from './marketplace-worker';

// One worker process serves the marketplace task queue; run more copies of it to scale out.
async function main() {
  const env = loadEnv();
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'worker' });
  // Before any connection: the runtime's logger carries every activity's and workflow's log lines.
  const sdkMetrics = installTemporalRuntime(env, logger);
  const services = await connectServices(env, logger);
  await ensureSchedules(services.temporal, env.TEMPORAL_TASK_QUEUE);
  const { worker, connection } = await createMarketplaceWorker(services);
  const metrics = await serveMetrics(env.WORKER_METRICS_PORT, logger, {
    appendFrom: sdkMetrics ? temporalSdkMetricsUrl(env) : undefined,
  });
  if (metrics) collectProcessMetrics('worker');
  logger.info(
    { taskQueue: env.TEMPORAL_TASK_QUEUE, address: env.TEMPORAL_ADDRESS, metricsPort: metrics?.port },
    `worker polling task queue ${env.TEMPORAL_TASK_QUEUE} on ${env.TEMPORAL_ADDRESS}`,
  );
  await worker.run();
  await metrics?.close();
  await connection.close();
  await services.close();
}

main().catch((error: unknown) => exitWithStartupError('worker', error));
