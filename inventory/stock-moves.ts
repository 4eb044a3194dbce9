import type { Collections } from '../integrations/collections';
import type { StockCounters } from '../integrations/stock-counters';

/** How a stock move reports a side effect that failed without failing the move (see activity-log.ts). */
export type StockWarning = (message: string, meta: Record<string, unknown>) => void;

/** Outside a worker there is no activity logger: one JSON line on stderr, as the rest of the logs. */
const warnOnStderr: StockWarning = (message, meta) => {
  process.stderr.write(`${JSON.stringify({ level: 'warn', msg: message, ...meta })}\n`);
};

/** What every move of stock needs: the Redis counters, the ledger, a clock, and who to tell. */
export interface StockMoveDeps {
  counters: StockCounters;
  collections: Collections;
  now: () => Date;
  /** Tells search that these SKUs' availability moved (the search indexer re-indexes their products). */
  onStockChanged?: (skus: string[]) => Promise<void>;
  warn?: StockWarning;
}

export function warningOf(deps: StockMoveDeps): StockWarning {
  return deps.warn ?? warnOnStderr;
}

/** Search is a projection: a failed notice must not fail a stock move; the indexer's reconcile repairs it. */
export async function noteStockChanged(deps: StockMoveDeps, skus: string[]): Promise<void> {
  if (!deps.onStockChanged || skus.length === 0) return;
  await deps.onStockChanged(skus).catch((error: unknown) => {
    warningOf(deps)('stock change not published to search', {
      skus,
      error: error instanceof Error ? error.message : String(error),
    });
  });
}
