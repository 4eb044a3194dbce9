import type { Collections } from '../integrations/collections';
import type { RedisClient } from '../integrations/redis';
import type { StockCounters } from '../integrations/stock-counters';
import { pacedLedgerBalances } from './stock-ledger-scan';

export interface StockDrift {
  sku: string;
  redis: Record<string, number>;
  ledger: Record<string, number>;
  repaired: boolean;
  reason: 'missing' | 'persistent' | 'transient';
}

export interface ReconciliationReport {
  skusChecked: number;
  drifts: StockDrift[];
  at: string;
}

function same(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

/**
 * Compares Redis counters with the stock ledger. A counter Redis lost is rebuilt at once. Any other
 * difference is only repaired when it is seen unchanged on two runs in a row, because a reservation in
 * flight (Redis already counted it, the ledger not yet) looks like drift for a moment and must not be
 * "repaired" into an oversell.
 */
export function createStockReconciliationActivities(deps: {
  collections: Collections;
  counters: StockCounters;
  redis: RedisClient;
  now: () => Date;
}) {
  return {
    async reconcileStock(): Promise<ReconciliationReport> {
      const balances = await pacedLedgerBalances(deps.collections);
      const drifts: StockDrift[] = [];
      for (const [sku, ledger] of balances) {
        const redis = await deps.counters.available(sku);
        const suspectKey = `reconcile:suspect:{${sku}}`;
        if (same(redis, ledger)) {
          await deps.redis.del(suspectKey);
          continue;
        }
        const observed = JSON.stringify({ redis, ledger });
        let reason: StockDrift['reason'] = 'transient';
        if (Object.keys(redis).length === 0) reason = 'missing';
        else if ((await deps.redis.get(suspectKey)) === observed) reason = 'persistent';
        const repaired =
          reason !== 'transient' && (await deps.counters.replaceIfUnchanged(sku, redis, ledger));
        if (repaired) await deps.redis.del(suspectKey);
        else await deps.redis.set(suspectKey, observed, 'EX', 24 * 3600);
        drifts.push({ sku, redis, ledger, repaired, reason });
      }
      const report = { skusChecked: balances.size, drifts, at: deps.now().toISOString() };
      await deps.collections.stockReconciliations.insertOne({ ...report, _id: report.at });
      return report;
    },
  };
}
