// First: tracing must patch http, express, mongodb and ioredis before anything loads them.
import '../observability/tracing-bootstrap';
import { loadEnv } from '../config/env';
import { connectServices } from '../integrations/services';
import { createMarketplaceWorker } from '../workers/marketplace-worker';

// The marketplace worker exactly as workers/main.ts builds it, minus creating the recurring schedules: those
// are shared by the whole Temporal namespace, and a bench must not point them at its own task queue.
async function main() {
  const env = loadEnv();
  const services = await connectServices(env);
  const { worker, connection } = await createMarketplaceWorker(services);
  await worker.run();
  await connection.close();
  await services.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
