import type { Services } from '../../integrations/services';
import { connectTestServices, startApi, startWorker, type RunningApi, type RunningWorker } from './services';

// One import for what nearly every end-to-end suite uses: the stack below, its ids and polling, the HTTP
// caller, accounts, a stocked product and an address to ship to.
export {
  connectTestServices,
  eventually,
  startApi,
  startWorker,
  testEnv,
  uniqueId,
  workflowBundle,
  type RunningApi,
  type RunningWorker,
} from './services';
export { call } from './http';
export { opsAuth, register, type Account } from './accounts';
export { stockedProduct } from './catalog';
export { testShipTo } from './addresses';

export interface TestStack {
  services: Services;
  worker: RunningWorker;
  api: RunningApi;
  /** Stops the API, then the worker, then closes the connections. */
  stop(): Promise<void>;
}

/**
 * The stack most suites run on: the local services (their own database, Redis db, index prefix and task
 * queue, see testEnv), a worker on that queue and an in-process API.
 */
export async function startTestStack(overrides: Record<string, string> = {}): Promise<TestStack> {
  const services = await connectTestServices(overrides);
  const worker = await startWorker(services);
  const api = await startApi(services);
  return {
    services,
    worker,
    api,
    async stop() {
      await api.stop();
      await worker.stop();
      await services.close();
    },
  };
}
