import { loadEnv } from '../config/env';
import { connectServices } from '../integrations/services';
import { ensureSchedules } from './schedules';
import { createMarketplaceWorker } from './marketplace-worker';

// One worker process serves the marketplace task queue; run more copies of it to scale out.
async function main() {
  const env = loadEnv();
  const services = await connectServices(env);
  await ensureSchedules(services.temporal, env.TEMPORAL_TASK_QUEUE);
  const { worker, connection } = await createMarketplaceWorker(services);
  console.log(`worker polling task queue ${env.TEMPORAL_TASK_QUEUE} on ${env.TEMPORAL_ADDRESS}`);
  await worker.run();
  await connection.close();
  await services.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
