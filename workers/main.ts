import { loadEnv } from '../config/env';
import { connectServices } from '../integrations/services';
import { createLogger } from '../observability/logger';
import { exitWithStartupError } from '../observability/startup-error';
import { installTemporalRuntime } from '../observability/temporal-runtime';
import { ensureSchedules } from './schedules';
import { createMarketplaceWorker } from './marketplace-worker';

// One worker process serves the marketplace task queue; run more copies of it to scale out.
async function main() {
  const env = loadEnv();
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'worker' });
  // Before any connection: the runtime's logger carries every activity's and workflow's log lines.
  installTemporalRuntime(env, logger);
  const services = await connectServices(env, logger);
  await ensureSchedules(services.temporal, env.TEMPORAL_TASK_QUEUE);
  const { worker, connection } = await createMarketplaceWorker(services);
  logger.info(
    { taskQueue: env.TEMPORAL_TASK_QUEUE, address: env.TEMPORAL_ADDRESS },
    `worker polling task queue ${env.TEMPORAL_TASK_QUEUE} on ${env.TEMPORAL_ADDRESS}`,
  );
  await worker.run();
  await connection.close();
  await services.close();
}

main().catch((error: unknown) => exitWithStartupError('worker', error));
