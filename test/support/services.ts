import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import {
  bundleWorkflowCode,
  Worker,
  type WorkerOptions,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { createApp, type AppOptions } from '../../api/app';
import { loadEnv, type Env } from '../../config/env';
import { connectServices, type Services } from '../../integrations/services';
import { connectTemporalWorker } from '../../integrations/temporal';
import { workerInterceptors, workerSinks } from '../../observability/worker-interceptors';
import { workflowTracingModules } from '../../observability/temporal-tracing';

// Tests run against the real local stack (scripts/stack/up.sh), isolated from the demo data by their own
// database, Redis db, index prefix and task queue. TEST_REDIS_CLUSTER_NODES (scripts/test-scale.sh sets it
// from scripts/stack/redis-cluster.sh) runs the same tests on a Redis Cluster instead; a cluster has only
// db 0, so there the tests are kept apart by their unique SKUs, carts and ids, not by a db number.
export function testEnv(overrides: Record<string, string> = {}): Env {
  return loadEnv({
    ...process.env,
    NODE_ENV: 'test',
    MONGODB_URI: process.env.TEST_MONGODB_URI ?? 'mongodb://127.0.0.1:27017/marketplace_test',
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1',
    REDIS_CLUSTER_NODES: process.env.TEST_REDIS_CLUSTER_NODES ?? '',
    // Parallel checkouts sharing one local stack each set their own database, Redis db and index prefix.
    OPENSEARCH_INDEX_PREFIX: process.env.TEST_OPENSEARCH_INDEX_PREFIX ?? 'marketplace-test',
    TEMPORAL_TASK_QUEUE: `test-${randomBytes(4).toString('hex')}`,
    PORT: '0',
    // The tests stand in for the load balancer: each names its client in X-Forwarded-For from loopback.
    TRUST_PROXY: 'loopback',
    // Request and activity lines would drown the test report; set LOG_LEVEL to see them.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...overrides,
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundling workflow code takes seconds; every test file in a process shares one bundle. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    workflowInterceptorModules: workflowTracingModules(),
    logger: quietLogger,
  });
  return bundle;
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

export async function startWorker(
  services: Services,
  activityOverrides: Partial<ReturnType<typeof createActivities>> = {},
  deps: Partial<ActivityDeps> = {},
  workerOptions: Pick<WorkerOptions, 'maxCachedWorkflows'> = {},
): Promise<RunningWorker> {
  const connection = await connectTemporalWorker(services.env);
  const worker = await Worker.create({
    connection,
    namespace: services.env.TEMPORAL_NAMESPACE,
    taskQueue: services.env.TEMPORAL_TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: { ...createActivities({ ...services, ...deps }), ...activityOverrides },
    interceptors: workerInterceptors(),
    sinks: workerSinks(),
    ...workerOptions,
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

export interface RunningApi {
  baseUrl: string;
  server: Server;
  stop(): Promise<void>;
}

export async function startApi(services: Services, options: AppOptions = {}): Promise<RunningApi> {
  const app = createApp(services, { log: (error) => console.error('api error:', error), ...options });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    server,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function connectTestServices(overrides: Record<string, string> = {}): Promise<Services> {
  return connectServices(testEnv(overrides));
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Polls until the check returns a value, or fails with the last value seen. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  { timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
