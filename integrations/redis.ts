import { Redis, Cluster } from 'ioredis';
import type { Env } from '../config/env';
import type { Logger } from '../observability/logger';

export type RedisClient = Redis | Cluster;

// Keys that one atomic script touches share a {hash tag}, so the same scripts run on Redis Cluster.
export function connectRedis(env: Env, logger?: Pick<Logger, 'warn'>): RedisClient {
  const client = createClient(env);
  // ioredis reconnects by itself; without a listener each failed attempt would be an unhandled 'error'.
  let lastReported = 0;
  client.on('error', (error: Error) => {
    if (Date.now() - lastReported > 10_000) {
      lastReported = Date.now();
      logger?.warn({ err: error }, `redis: ${error.message} (reconnecting)`);
    }
  });
  return client;
}

function createClient(env: Env): RedisClient {
  if (env.REDIS_CLUSTER_NODES) {
    const nodes = env.REDIS_CLUSTER_NODES.split(',').map((node) => {
      const [host = '127.0.0.1', port = '6379'] = node.trim().split(':');
      return { host, port: Number(port) };
    });
    return new Cluster(nodes, { scaleReads: 'master' });
  }
  return new Redis(env.REDIS_URL, { maxRetriesPerRequest: 3, enableAutoPipelining: true });
}
