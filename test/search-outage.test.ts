import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createActivities } from '../activities';
import { newProductId } from '../api/product-ids';
import { ProductCache } from '../catalog/product-cache';
import { createProduct, updateProduct } from '../catalog/products';
import type { ProductDoc } from '../catalog/documents';
import type { Services } from '../integrations/services';
import { CatalogIndexer } from '../search-indexer/catalog-indexer';
import { deleteProductIndices, productAlias } from '../search/product-index';
import { call, connectTestServices, eventually, startApi, uniqueId, type RunningApi } from './support/stack';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { categorySearch } from './support/product-search';

interface SearchPage {
  items: Array<{ productId: string; title: string }>;
  total: number;
}

// OpenSearch "goes down" for the API and the indexer only: both reach the shared OpenSearch through a TCP
// proxy this test owns and cuts. (A second OpenSearch node would cost ~20-40 s of start-up and 1 GB of heap
// on a 2-core box for the same observable fault: refused and reset connections.)
describe('OpenSearch unreachable for a while', () => {
  const prefix = `fault-search-${randomBytes(4).toString('hex')}`;
  const category = `cat-${randomBytes(4).toString('hex')}`;
  let proxy: TcpProxy;
  let services: Services;
  let api: RunningApi;
  let cache: ProductCache;
  let stopIndexer: () => Promise<void>;
  const indexerErrors: string[] = [];

  before(async () => {
    const target = new URL(process.env.OPENSEARCH_URL ?? 'http://127.0.0.1:9200');
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 9200) });
    services = await connectTestServices({ OPENSEARCH_URL: proxy.url, OPENSEARCH_INDEX_PREFIX: prefix });
    cache = new ProductCache(services.redis);
    const indexer = new CatalogIndexer({ ...services, prefix });
    const controller = new AbortController();
    const running = indexer.run(controller.signal, (message) => indexerErrors.push(message));
    stopIndexer = async () => {
      controller.abort();
      await running;
    };
    api = await startApi(services);
  });

  after(async () => {
    await stopIndexer();
    await api.stop();
    await proxy.restore();
    await deleteProductIndices(services.search, prefix);
    for (const stream of ['search:stock-changes', 'search:catalog-changes']) {
      await services.redis.xgroup('DESTROY', stream, `search-indexer:${prefix}`).catch(() => 0);
    }
    await services.redis.del(`search-indexer:${prefix}:cursor`);
    await services.close();
    await proxy.stop();
  });

  async function product(title: string, stock = 5): Promise<{ doc: ProductDoc; sku: string }> {
    const sku = uniqueId('SKU').toUpperCase();
    const doc = await createProduct(services.collections, {
      _id: newProductId(),
      sellerId: 'sel_outage',
      title,
      description: 'For the kitchen',
      category,
      brand: 'Acme',
      attributes: {},
      mediaUrls: [],
      price: { amount: 2000, currency: 'USD' },
      skus: [{ sku, attributes: {} }],
      status: 'active',
      sellerPaused: false,
    });
    await createActivities(services).adjustStock({
      sku,
      warehouseId: 'wh-1',
      delta: stock,
      adjustmentKey: `initial-${sku}`,
    });
    return { doc, sku };
  }

  // Catching up after the outage waits out the indexer's back-off and its paced scan: generous on a busy box.
  const { search, searchable } = categorySearch<SearchPage>(() => api.baseUrl, category, {
    timeoutMs: 90_000,
  });

  test('search answers 503 while the catalog keeps changing; afterwards the index has every change', async () => {
    const kettle = await product('Steel kettle');
    const pan = await product('Copper pan');
    const pot = await product('Clay pot');
    await searchable({ q: 'kettle' }, [kettle.doc._id]);
    await searchable({ inStock: 'true' }, [kettle.doc._id, pan.doc._id, pot.doc._id]);

    await proxy.cut();
    const down = await search({ q: 'kettle' });
    assert.equal(down.status, 503);
    assert.equal(down.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(
      (down.body as unknown as { type: string }).type,
      'https://marketplace.dev/problems/search-unavailable',
    );
    const suggest = await call<{ type: string }>(api.baseUrl, 'GET', '/search/suggest?q=ket');
    assert.equal(suggest.status, 503);
    // The storefront's fallback, plain browsing, is served from the database meanwhile.
    const browse = await search({});
    assert.equal(browse.status, 200);
    assert.equal(browse.body.total, 3);

    // The catalog moves on while the index cannot be written.
    const whisk = await product('Balloon whisk');
    const renamed = await updateProduct(services.collections, cache, kettle.doc._id, kettle.doc.version, {
      title: 'Steel teakettle',
    });
    await updateProduct(services.collections, cache, pot.doc._id, pot.doc.version, { status: 'archived' });
    await createActivities(services).setAvailableStock({
      sku: pan.sku,
      warehouseId: 'wh-1',
      available: 0,
      adjustmentKey: uniqueId('sellout'),
    });
    await eventually(() => Promise.resolve(indexerErrors.length > 0 ? true : undefined), {
      what: 'the indexer to hit the outage',
    });
    assert.equal((await search({ q: 'whisk' })).status, 503, 'still down');

    await proxy.restore();
    await searchable({ q: 'whisk' }, [whisk.doc._id]);
    await searchable({ q: 'teakettle' }, [kettle.doc._id]);
    await searchable({ q: 'pot' }, []);
    await searchable({ inStock: 'true' }, [kettle.doc._id, whisk.doc._id]);
    await searchable({ inStock: 'false' }, [pan.doc._id]);

    // Nothing lost: every product of this run is in the index at its current version.
    const current = await services.collections.products.find({ category }).toArray();
    await services.search.indices.refresh({ index: productAlias(prefix) });
    const indexed = await services.search.mget({
      index: productAlias(prefix),
      body: { ids: current.map((p) => p._id) },
    });
    const versions = new Map(
      (indexed.body.docs as Array<{ _id: string; _version?: number }>).map((d) => [d._id, d._version]),
    );
    for (const p of current) assert.equal(versions.get(p._id), p.version, `${p.title} at its version`);
    assert.equal(versions.get(kettle.doc._id), renamed.version);
  });
});
