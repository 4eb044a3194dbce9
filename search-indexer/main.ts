// First: tracing must patch http, express, mongodb and ioredis before anything loads them.
import '../observability/tracing-bootstrap';
import { loadEnv } from '../config/env';
import { connectServices } from '../integrations/services';
import { createLogger } from '../observability/logger';
import { collectProcessMetrics } from '../observability/metrics-registry';
import { serveMetrics } from '../observability/metrics-server';
import { exitWithStartupError } from '../observability/startup-error';
import { sampleIndexMetrics } from './index-metrics';
import { CatalogIndexer } from './catalog-indexer';
import type { ensureProductIndex } from '../search/product-index';
import { aliasHasCurrentMapping, aliasedIndices } from '../search/product-index';

// One indexer process per index prefix. `--rebuild` builds a fresh index and swaps the alias, with no
// downtime; an index built with an older mapping is rebuilt the same way on start.
async function main() {
  const env = loadEnv();
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'search-indexer' });
  const services = await connectServices(env, logger);
  const prefix = env.OPENSEARCH_INDEX_PREFIX;
  const indexer = new CatalogIndexer({ ...services, prefix, replicas: env.OPENSEARCH_INDEX_REPLICAS });
  const controller = new AbortController();
  process.once('SIGTERM', () => controller.abort());
  process.once('SIGINT', () => controller.abort());
  const metrics = await serveMetrics(env.INDEXER_METRICS_PORT, logger);
  if (metrics) collectProcessMetrics('search-indexer');
  logger.info(
    { opensearch: env.OPENSEARCH_URL, prefix, metricsPort: metrics?.port },
    `search-indexer keeping ${env.OPENSEARCH_URL} (${prefix}) in step with the catalog`,
  );

  const stopSampling = sampleIndexMetrics(indexer);
  const running = indexer.run(controller.signal, (message) => logger.warn(message));
  // A rebuild cut short by a stop (or a failed mapping check) is logged; the next start checks again.
  void needsRebuild(services.search, prefix)
    .then(async (rebuild) => {
      if (!rebuild) return;
      const index = await indexer.rebuild();
      logger.info({ index }, `search-indexer: rebuilt into ${index} and swapped the alias`);
    })
    .catch((error: unknown) =>
      logger.error({ err: error }, 'search-indexer: mapping check or rebuild failed'),
    );
  await running;
  stopSampling();
  await metrics?.close();
  await services.close();
}

async function needsRebuild(search: Parameters<typeof ensureProductIndex>[0], prefix: string) {
  if (process.argv.includes('--rebuild')) return true;
  if ((await aliasedIndices(search, prefix)).length === 0) return false;
  return !(await aliasHasCurrentMapping(search, prefix));
}

main().catch((error: unknown) => exitWithStartupError('search-indexer', error));
