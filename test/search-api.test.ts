import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createActivities } from '../activities';
import { ProductCache } from '../catalog/product-cache';
import { createProduct, updateProduct } from '../catalog/products';
import type { ProductDoc } from '../catalog/documents';
import type { OrderDoc } from '../orders/documents';
import type { Services } from '../integrations/services';
import { CatalogIndexer } from '../search-indexer/catalog-indexer';
import { aliasedIndices, deleteProductIndices, productAlias } from '../search/product-index';
import { newProductId } from '../api/product-ids';
import {
  call,
  connectTestServices,
  eventually,
  register,
  startApi,
  uniqueId,
  type RunningApi,
} from './support/stack';
import { categorySearch } from './support/product-search';

interface Item {
  productId: string;
  title: string;
  inStock: boolean;
  price: { amount: number };
}
interface Facet {
  value: string;
  count: number;
}
interface SearchPage {
  items: Item[];
  total: number;
  nextOffset: number | null;
  facets: Record<string, Facet[]> & { attributes: Record<string, Facet[]> };
}

describe('product search through the API, kept in step by the search-indexer', () => {
  const prefix = `search-test-${randomBytes(4).toString('hex')}`;
  // Every product of this run shares one category, so other runs' products never change the counts.
  const category = `cat-${randomBytes(4).toString('hex')}`;
  let services: Services;
  let api: RunningApi;
  let indexer: CatalogIndexer;
  let stopIndexer: () => Promise<void>;
  let cache: ProductCache;

  function startIndexer() {
    indexer = new CatalogIndexer({ ...services, prefix, lateWriteWindowMs: 30_000 });
    const controller = new AbortController();
    const running = indexer.run(controller.signal, () => undefined);
    stopIndexer = async () => {
      controller.abort();
      await running;
    };
  }

  before(async () => {
    services = await connectTestServices({ OPENSEARCH_INDEX_PREFIX: prefix });
    cache = new ProductCache(services.redis);
    startIndexer();
    api = await startApi(services);
  });

  after(async () => {
    await stopIndexer();
    await api.stop();
    await deleteProductIndices(services.search, prefix);
    await services.redis.xgroup('DESTROY', 'search:stock-changes', `search-indexer:${prefix}`).catch(() => 0);
    await services.redis.del(`search-indexer:${prefix}:cursor`);
    await services.close();
  });

  async function product(
    fields: Partial<ProductDoc> & { title: string },
    stock = 5,
  ): Promise<{ product: ProductDoc; sku: string }> {
    const sku = uniqueId('SKU').toUpperCase();
    const doc = await createProduct(services.collections, {
      _id: newProductId(),
      sellerId: fields.sellerId ?? 'sel_search_a',
      title: fields.title,
      description: fields.description ?? 'For the kitchen',
      category,
      brand: fields.brand ?? 'Acme',
      attributes: fields.attributes ?? {},
      mediaUrls: [],
      price: fields.price ?? { amount: 2000, currency: 'USD' },
      skus: [{ sku, attributes: {} }],
      status: 'active',
      sellerPaused: false,
      ...(fields.ratingAverage !== undefined ? { ratingAverage: fields.ratingAverage } : {}),
    });
    if (stock > 0) {
      await createActivities(services).adjustStock({
        sku,
        warehouseId: 'wh-1',
        delta: stock,
        adjustmentKey: `initial-${sku}`,
      });
    }
    return { product: doc, sku };
  }

  const { search, searchable } = categorySearch<SearchPage>(() => api.baseUrl, category);

  test('full text with stemming and typos, facets, filters, sorts and pages', async () => {
    const kettle = await product({
      title: 'Steel kettle',
      brand: 'Acme',
      price: { amount: 3000, currency: 'USD' },
      attributes: { colour: 'red' },
      ratingAverage: 4.5,
    });
    const kettle2 = await product({
      title: 'Electric kettle with timer',
      brand: 'Boilco',
      sellerId: 'sel_search_b',
      price: { amount: 6000, currency: 'USD' },
      attributes: { colour: 'black' },
    });
    const toaster = await product({
      title: 'Toaster',
      brand: 'Acme',
      description: 'Two slots, no kettle included',
      price: { amount: 1500, currency: 'USD' },
      attributes: { colour: 'red' },
    });
    const all = [kettle, kettle2, toaster].map((p) => p.product._id);
    await searchable({ q: 'kettles' }, all);

    const typo = await search({ q: 'ketle timer' });
    assert.deepEqual(
      typo.body.items.map((i) => i.productId),
      [kettle2.product._id],
    );
    const byBrandText = await search({ q: 'boilco' });
    assert.deepEqual(
      byBrandText.body.items.map((i) => i.productId),
      [kettle2.product._id],
    );

    const everything = await search({ facets: 'true' });
    assert.equal(everything.body.total, 3);
    const count = (facet: Facet[] | undefined, value: string) => facet?.find((f) => f.value === value)?.count;
    assert.equal(count(everything.body.facets.brand, 'Acme'), 2);
    assert.equal(count(everything.body.facets.brand, 'Boilco'), 1);
    assert.equal(count(everything.body.facets.seller, 'sel_search_b'), 1);
    assert.equal(count(everything.body.facets.category, category), 3);
    assert.equal(count(everything.body.facets.price, 'under-1000'), 0);
    assert.equal(count(everything.body.facets.price, '1000-2500'), 1);
    assert.equal(count(everything.body.facets.price, '2500-5000'), 1);
    assert.equal(count(everything.body.facets.price, '5000-10000'), 1);
    assert.equal(count(everything.body.facets.rating, '4-and-up'), 1);
    assert.equal(count(everything.body.facets.attributes.colour, 'red'), 2);
    assert.equal(count(everything.body.facets.attributes.colour, 'black'), 1);

    const red = await search({ facets: 'true', 'attr.colour': 'red', brand: 'Acme', maxPrice: '2000' });
    assert.deepEqual(
      red.body.items.map((i) => i.productId),
      [toaster.product._id],
    );
    const rated = await search({ minRating: '4' });
    assert.deepEqual(
      rated.body.items.map((i) => i.productId),
      [kettle.product._id],
    );

    const cheapest = await search({ sort: 'price_asc' });
    assert.deepEqual(
      cheapest.body.items.map((i) => i.price.amount),
      [1500, 3000, 6000],
    );
    const dearest = await search({ sort: 'price_desc', limit: '2' });
    assert.deepEqual(
      dearest.body.items.map((i) => i.price.amount),
      [6000, 3000],
    );
    assert.equal(dearest.body.nextOffset, 2);
    const page2 = await search({ sort: 'price_desc', limit: '2', offset: '2' });
    assert.deepEqual(
      page2.body.items.map((i) => i.price.amount),
      [1500],
    );
    assert.equal(page2.body.nextOffset, null);
    const newest = await search({ sort: 'newest' });
    assert.equal(newest.body.items[0]?.productId, toaster.product._id);

    const unknown = await search({ q: 'kettle', colour: 'red' });
    assert.equal(unknown.status, 400);
  });

  test('a sold-out product is shown out of stock at once, before the index catches up', async () => {
    const { product: doc, sku } = await product({ title: 'Copper saucepan' }, 3);
    await searchable({ q: 'saucepan', inStock: 'true' }, [doc._id]);
    await createActivities(services).setAvailableStock({
      sku,
      warehouseId: 'wh-1',
      available: 0,
      adjustmentKey: uniqueId('sellout'),
    });
    const now = await search({ q: 'saucepan' });
    assert.equal(now.body.items.find((i) => i.productId === doc._id)?.inStock, false);
    // And the stock move reaches the index through the stock-change stream.
    await searchable({ q: 'saucepan', inStock: 'true' }, []);
    await searchable({ q: 'saucepan', inStock: 'false' }, [doc._id]);
  });

  test('an archived product disappears from search', async () => {
    const { product: doc } = await product({ title: 'Cast iron skillet' });
    await searchable({ q: 'skillet' }, [doc._id]);
    await updateProduct(services.collections, cache, doc._id, doc.version, { status: 'archived' });
    await searchable({ q: 'skillet' }, []);
  });

  test('an older copy of a product never overwrites a newer one in the index', async () => {
    const { product: v1 } = await product({ title: 'Ceramic teapot' });
    const v2 = await updateProduct(services.collections, cache, v1._id, 1, { title: 'Ceramic teapot two' });
    const v3 = await updateProduct(services.collections, cache, v1._id, 2, { title: 'Ceramic teapot three' });
    await searchable({ q: 'teapot three' }, [v3._id]);
    await indexer.index([v2]);
    await services.search.indices.refresh({ index: productAlias(prefix) });
    const stored = await services.search.get({ index: productAlias(prefix), id: v1._id });
    assert.equal(stored.body._version, 3);
    assert.equal((stored.body._source as { title: string }).title, 'Ceramic teapot three');
  });

  test('a rebuild swaps the alias while every query keeps answering', async () => {
    const { product: doc } = await product({ title: 'Bamboo chopping board' });
    await searchable({ q: 'chopping' }, [doc._id]);
    const before = await aliasedIndices(services.search, prefix);
    let querying = true;
    const statuses: number[] = [];
    const misses: number[] = [];
    const load = (async () => {
      while (querying) {
        const res = await search({ q: 'chopping board' });
        statuses.push(res.status);
        if (!res.body.items?.some((i) => i.productId === doc._id)) misses.push(res.status);
      }
    })();
    const rebuilt = await indexer.rebuild();
    const during = await product({ title: 'Bamboo chopping block' });
    await searchable({ q: 'bamboo chopping' }, [doc._id, during.product._id]);
    querying = false;
    await load;
    assert.deepEqual(await aliasedIndices(services.search, prefix), [rebuilt]);
    assert.notDeepEqual(before, [rebuilt]);
    assert.ok(statuses.length > 0);
    assert.deepEqual(
      statuses.filter((s) => s !== 200),
      [],
    );
    assert.deepEqual(misses, []);
  });

  test('a restarted indexer catches up from its checkpoint', async () => {
    await stopIndexer();
    const { product: doc } = await product({ title: 'Enamel roasting tin' });
    const cursor = await indexer.cursor();
    assert.ok(cursor.at < doc.updatedAt.getTime() || cursor.id !== doc._id);
    startIndexer();
    await searchable({ q: 'roasting' }, [doc._id]);
  });

  test('suggest completes prefixes of titles', async () => {
    const word = `zq${randomBytes(3).toString('hex')}`;
    const { product: doc } = await product({ title: `Whistling ${word}maker` });
    await searchable({ q: `${word}maker` }, [doc._id]);
    const res = await call<{ suggestions: Array<{ text: string; productId: string }> }>(
      api.baseUrl,
      'GET',
      `/search/suggest?q=${encodeURIComponent(`whistl ${word.slice(0, 4)}`)}`,
    );
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.suggestions, [{ text: `Whistling ${word}maker`, productId: doc._id }]);
    const bad = await call(api.baseUrl, 'GET', '/search/suggest');
    assert.equal(bad.status, 400);
  });

  test('bought-together recommendations come from confirmed orders only', async () => {
    const [a, b, c, d] = await Promise.all(
      ['Mug', 'Coaster', 'Tray', 'Spoon'].map((title) => product({ title })),
    );
    if (!a || !b || !c || !d) throw new Error('products not created');
    const order = (status: OrderDoc['status'], ids: string[]) =>
      ({
        _id: uniqueId('ord'),
        customerId: 'usr_reco',
        status,
        lines: ids.map((productId) => ({ productId, sku: 'x', quantity: 1 })),
        subtotal: { amount: 0, currency: 'USD' },
        total: { amount: 0, currency: 'USD' },
        createdAt: new Date(),
        updatedAt: new Date(),
      }) as unknown as OrderDoc;
    await services.collections.orders.insertMany([
      order('confirmed', [a.product._id, b.product._id]),
      order('delivered', [a.product._id, b.product._id, c.product._id]),
      order('failed', [a.product._id, d.product._id]),
    ]);
    const report = await createActivities(services).computeBoughtTogether();
    assert.ok(report.ordersRead >= 2);
    const res = await call<{ boughtTogether: Item[] }>(
      api.baseUrl,
      'GET',
      `/products/${a.product._id}/recommendations`,
    );
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.boughtTogether.map((i) => i.productId),
      [b.product._id, c.product._id],
    );
    const missing = await call(api.baseUrl, 'GET', `/products/${newProductId()}/recommendations`);
    assert.equal(missing.status, 404);
  });

  test('recently viewed lists a buyer’s product views, newest first', async () => {
    const buyer = await register(api.baseUrl, 'buyer');
    const [a, b] = await Promise.all([product({ title: 'Whisk' }), product({ title: 'Ladle' })]);
    if (!a || !b) throw new Error('products not created');
    for (const id of [a.product._id, b.product._id, a.product._id]) {
      const res = await call(api.baseUrl, 'GET', `/products/${id}`, { headers: buyer.auth });
      assert.equal(res.status, 200);
    }
    const seen = await eventually(async () => {
      const res = await call<{ items: Item[] }>(api.baseUrl, 'GET', '/me/recently-viewed', {
        headers: buyer.auth,
      });
      return res.body.items.length === 2 ? res.body.items : undefined;
    });
    assert.deepEqual(
      seen.map((i) => i.productId),
      [a.product._id, b.product._id],
    );
    const anonymous = await call(api.baseUrl, 'GET', '/me/recently-viewed');
    assert.equal(anonymous.status, 401);
  });
});

describe('search while OpenSearch is unreachable', () => {
  test('answers 503 search-unavailable, which a storefront can handle', async () => {
    const services = await connectTestServices({ OPENSEARCH_URL: 'http://127.0.0.1:9' });
    const api = await startApi(services);
    try {
      const res = await call<{ type: string }>(api.baseUrl, 'GET', '/products?q=kettle');
      assert.equal(res.status, 503);
      assert.equal(res.body.type, 'https://marketplace.dev/problems/search-unavailable');
      const suggest = await call<{ type: string }>(api.baseUrl, 'GET', '/search/suggest?q=ket');
      assert.equal(suggest.status, 503);
    } finally {
      await api.stop();
      await services.close();
    }
  });
});
