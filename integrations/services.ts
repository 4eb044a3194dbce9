import type { Client } from '@temporalio/client';
import type Stripe from 'stripe';
import type { Env } from '../config/env';
import { createLogger, type Logger } from '../observability/logger';
import { createCarrier } from './carriers';
import type { CarrierAdapter } from './carriers/carrier';
import { collections, ensureIndexes, type Collections } from './collections';
import { connectDatabase, type Database } from './mongo';
import { connectSearch, type SearchClient } from './opensearch';
import { connectRedis, type RedisClient } from './redis';
import { StockCounters } from './stock-counters';
import { createStripe } from './stripe';
import { connectTemporalClient } from './temporal';

/** The live clients a process holds; each entry point connects once and closes on shutdown. */
export interface Services {
  env: Env;
  database: Database;
  collections: Collections;
  redis: RedisClient;
  counters: StockCounters;
  search: SearchClient;
  stripe: Stripe;
  carrier: CarrierAdapter;
  temporal: Client;
  close(): Promise<void>;
}

export async function connectServices(
  env: Env,
  logger: Logger = createLogger({ level: env.LOG_LEVEL, name: 'marketplace' }),
): Promise<Services> {
  const database = await connectDatabase(env);
  await ensureIndexes(database.db);
  const redis = connectRedis(env, logger);
  const search = connectSearch(env);
  const temporal = await connectTemporalClient(env);
  return {
    env,
    database,
    collections: collections(database.db),
    redis,
    counters: new StockCounters(redis, env.REDIS_WAIT_REPLICAS),
    search,
    stripe: createStripe(env),
    carrier: createCarrier(env),
    temporal,
    async close() {
      await Promise.allSettled([
        database.client.close(),
        redis.quit(),
        search.close(),
        temporal.connection.close(),
      ]);
    },
  };
}
