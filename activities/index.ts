import type Stripe from 'stripe';
import type { Collections } from '../integrations/collections';
import type { StockCounters } from '../integrations/stock-counters';
import { createInventoryActivities } from './inventory';
import { createOrderActivities } from './orders';
import { createPaymentActivities } from './payments';
import { createStockReconciliationActivities } from './stock-reconciliation';
import type { RedisClient } from '../integrations/redis';

export interface ActivityDeps {
  collections: Collections;
  counters: StockCounters;
  redis: RedisClient;
  stripe: Stripe;
  now?: () => Date;
}

/** Every activity the workers register, closed over real clients; workflows see only this type. */
export function createActivities(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    ...createInventoryActivities({ counters: deps.counters, collections: deps.collections, now }),
    ...createOrderActivities({ collections: deps.collections, now }),
    ...createPaymentActivities({ stripe: deps.stripe }),
    ...createStockReconciliationActivities({ ...deps, now }),
  };
}

export type MarketplaceActivities = ReturnType<typeof createActivities>;
