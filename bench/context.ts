import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createApp } from '../api/app';
import { loadEnv } from '../config/env';
import { connectServices, type Services } from '../integrations/services';

/** What every measurement gets: live services, the real API in this process, and a place to register cleanup. */
export interface BenchContext {
  services: Services;
  /** The marketplace API (createApp) against the real stack, listening on a free port. */
  apiUrl: string;
  /** A unique tag for everything this run creates, so runs never collide and cleanup finds its own. */
  runId: string;
  /** Starts another HTTP server in this process (a bare baseline); it is closed with the context. */
  listen(app: Express): Promise<string>;
  onCleanup(step: () => Promise<unknown>): void;
  close(): Promise<void>;
}

// These measurements keep to a database and a Redis db of their own (the search bench has others), and
// delete only what they made.
export function benchEnv() {
  return loadEnv({
    ...process.env,
    MONGODB_URI: process.env.BENCH_MONGODB_URI ?? 'mongodb://127.0.0.1:27017/marketplace_bench_catalog',
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/5',
    OPENSEARCH_INDEX_PREFIX: 'marketplace-bench',
    TEMPORAL_TASK_QUEUE: 'bench',
    PORT: '0',
    // The bench's buyers name their own addresses, as if behind a load balancer on loopback.
    TRUST_PROXY: 'loopback',
    // The in-process API's request lines would interleave with the table; the overhead row measures logs.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  });
}

export async function openBenchContext(): Promise<BenchContext> {
  const services = await connectServices(benchEnv());
  const servers: Server[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  const listen = async (app: Express) => {
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const apiUrl = await listen(createApp(services, { log: (error) => console.error('api error:', error) }));
  return {
    services,
    apiUrl,
    runId: `bench${Date.now().toString(36)}`,
    listen,
    onCleanup: (step) => cleanups.push(step),
    async close() {
      for (const step of cleanups.reverse()) {
        await step().catch((error: unknown) => console.error('bench cleanup:', error));
      }
      await Promise.all(
        servers.map((s) => {
          s.closeAllConnections();
          return new Promise((resolve) => s.close(resolve));
        }),
      );
      await services.close();
    },
  };
}
