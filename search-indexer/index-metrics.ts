import { indexLagSeconds, searchOutboxBacklog } from '../observability/business-metrics';
import type { CatalogIndexer } from './catalog-indexer';

/**
 * Samples the indexer's lag and its change-notice backlog every few seconds. With nothing waiting the index
 * is current and the lag is 0; otherwise it is the write-to-index time of the newest batch.
 */
export function sampleIndexMetrics(indexer: CatalogIndexer, everyMs = 5_000): () => void {
  const sample = async () => {
    const backlog = await indexer.backlog();
    searchOutboxBacklog.set({ stream: 'catalog' }, backlog.catalog);
    searchOutboxBacklog.set({ stream: 'stock' }, backlog.stock);
    indexLagSeconds.set(backlog.catalog + backlog.stock === 0 ? 0 : indexer.lastLagMs / 1000);
  };
  const timer = setInterval(() => void sample().catch(() => undefined), everyMs);
  timer.unref();
  void sample().catch(() => undefined);
  return () => clearInterval(timer);
}
