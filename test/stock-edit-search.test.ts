import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../integrations/services';
import { CatalogIndexer } from '../search-indexer/catalog-indexer';
import { deleteProductIndices } from '../search/product-index';
import { catalogChangeStream, stockChangeStream } from '../search/stock-change-feed';
import { registerApprovedSeller, type Account } from './support/accounts';
import { call } from './support/http';
import { categorySearch } from './support/product-search';
import { connectTestServices, startApi, uniqueId, type RunningApi } from './support/services';

interface Page {
  items: Array<{ productId: string; inStock: boolean }>;
}

// A seller's stock edit must reach search's in-stock filter through the stock-change feed, not through
// the indexer's periodic reconcile. This indexer never reconciles (not at start, not for a day), and its
// catalog scan sees only product writes, which a stock edit is not: only the feed can bring the edit.
describe('a stock edit through the API reaches search by the stock-change feed', () => {
  const prefix = `stock-edit-${randomBytes(4).toString('hex')}`;
  const category = `cat-${randomBytes(4).toString('hex')}`;
  let services: Services;
  let api: RunningApi;
  let seller: Account;
  let stopIndexer: () => Promise<void>;

  before(async () => {
    services = await connectTestServices({ OPENSEARCH_INDEX_PREFIX: prefix });
    const indexer = new CatalogIndexer({
      ...services,
      prefix,
      reconcileOnStart: false,
      reconcileEveryMs: 24 * 3600_000,
    });
    await indexer.start();
    const controller = new AbortController();
    const running = indexer.run(controller.signal, () => undefined);
    stopIndexer = async () => {
      controller.abort();
      await running;
    };
    api = await startApi(services);
    seller = await registerApprovedSeller(api.baseUrl, services);
  });

  after(async () => {
    await stopIndexer();
    await api.stop();
    await deleteProductIndices(services.search, prefix);
    for (const stream of [stockChangeStream, catalogChangeStream]) {
      await services.redis.xgroup('DESTROY', stream, `search-indexer:${prefix}`).catch(() => 0);
    }
    await services.redis.del(`search-indexer:${prefix}:cursor`);
    await services.close();
  });

  const { searchable } = categorySearch<Page>(() => api.baseUrl, category);

  const setStock = (productId: string, sku: string, available: number) =>
    call(api.baseUrl, 'PUT', `/products/${productId}/stock`, {
      body: { sku, warehouseId: 'wh-main', available },
      headers: { ...seller.auth, 'idempotency-key': uniqueId('stock-edit') },
    });

  test('set in stock, then sold out, the search filter follows each edit', async () => {
    const sku = uniqueId('SKU').toUpperCase();
    const created = await call<{ productId: string }>(api.baseUrl, 'POST', '/products', {
      body: {
        title: 'Stoneware pitcher',
        category,
        price: { amount: 3100, currency: 'USD' },
        skus: [{ sku }],
        status: 'active',
      },
      headers: seller.auth,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.productId;
    // The listing reached the index by the catalog-change feed, with no stock yet.
    await searchable({ inStock: 'false' }, [id]);
    await searchable({ inStock: 'true' }, []);

    const stocked = await setStock(id, sku, 5);
    assert.equal(stocked.status, 200, JSON.stringify(stocked.body));
    await searchable({ inStock: 'true' }, [id]);

    const soldOut = await setStock(id, sku, 0);
    assert.equal(soldOut.status, 200, JSON.stringify(soldOut.body));
    await searchable({ inStock: 'true' }, []);
    await searchable({ inStock: 'false' }, [id]);
  });
});
