import { setTimeout as sleep } from 'node:timers/promises';
import { loadEnv } from '../config/env';
import { connectServices } from '../integrations/services';
import { CatalogIndexer } from './catalog-indexer';
import { ensureProductIndex } from './product-index';

async function main() {
  const env = loadEnv();
  const services = await connectServices(env);
  const indexer = new CatalogIndexer({ ...services, prefix: env.OPENSEARCH_INDEX_PREFIX });
  let running = true;
  const stop = () => {
    running = false;
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  console.log(`search-indexer keeping ${env.OPENSEARCH_URL} in step with the catalog`);
  let ready = false;
  while (running) {
    try {
      if (!ready) {
        await ensureProductIndex(services.search, env.OPENSEARCH_INDEX_PREFIX);
        ready = true;
      }
      const read = await indexer.runOnce();
      // A full batch means more is waiting: go again at once instead of sleeping.
      if (read < 500) await sleep(250);
    } catch (error) {
      // OpenSearch or the database being down is survivable: the checkpoint did not move, so nothing is lost.
      console.error('search-indexer:', error instanceof Error ? error.message : error);
      await sleep(2_000);
    }
  }
  await services.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
