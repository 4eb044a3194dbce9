import { type NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Services } from '../integrations/services';
import { connectTemporalWorker } from '../integrations/temporal';
import { workerInterceptors, workerSinks } from '../observability/worker-interceptors';

export interface MarketplaceWorker {
  worker: Worker;
  connection: NativeConnection;
}

/** The marketplace's workflows and activities on the configured task queue, closed over real clients. */
export async function createMarketplaceWorker(services: Services): Promise<MarketplaceWorker> {
  const { env } = services;
  const connection = await connectTemporalWorker(env);
  const worker = await Worker.create({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities(services),
    interceptors: workerInterceptors(),
    sinks: workerSinks(),
  });
  return { worker, connection };
}
