import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { loadEnv } from '../config/env';
import { connectServices } from '../integrations/services';
import { connectTemporalWorker } from '../integrations/temporal';

// The marketplace worker exactly as workers/main.ts builds it, minus creating the recurring schedules: those
// are shared by the whole Temporal namespace, and a bench must not point them at its own task queue.
async function main() {
  const env = loadEnv();
  const services = await connectServices(env);
  const connection = await connectTemporalWorker(env);
  const worker = await Worker.create({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities(services),
  });
  await worker.run();
  await connection.close();
  await services.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
