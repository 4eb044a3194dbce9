import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ProductCache } from '../catalog/product-cache';
import { ProductBusyError } from '../catalog/product-write-lock';
import type { Services } from '../integrations/services';
import { refreshProductRating } from '../reviews/product-rating';
import { catalogChangeStream, stockChangeStream } from '../search/stock-change-feed';
import { CatalogIndexer } from '../search-indexer/catalog-indexer';
import { deleteProductIndices } from '../search/product-index';
import {
  call,
  connectTestServices,
  eventually,
  opsAuth,
  register,
  startApi,
  startWorker,
  uniqueId,
  type Account,
  type RunningApi,
  type RunningWorker,
} from './support/stack';
import { confirmedOrder, deliverSubOrder, listedProduct, type OrderDriver } from './support/delivered-order';

interface Review {
  reviewId: string;
  productId: string;
  rating: number;
  title?: string;
  text: string;
  authorName: string;
  hidden?: boolean;
}
interface ReviewPage {
  items: Review[];
  total: number;
  nextOffset: number | null;
  rating: number;
  ratingCount: number;
}
interface Problem {
  type: string;
  status: number;
}
interface ProductView {
  rating: number;
  ratingCount: number;
  version: number;
}

describe('reviews: only what a buyer received, one per item, rating recomputed from visible reviews', () => {
  let services: Services;
  let api: RunningApi;
  let worker: RunningWorker;
  let driver: OrderDriver;
  let seller: Account;
  let buyerA: Account;
  let buyerB: Account;
  let ops: Record<string, string>;
  let productId: string;
  let sku: string;
  let otherProductId: string;
  let orderA: string;
  let orderB: string;
  let undelivered: string;
  // The search index of this run only, kept in step by an indexer of its own.
  const prefix = `reviews-test-${randomBytes(4).toString('hex')}`;
  const category = `cat-${randomBytes(4).toString('hex')}`;
  let stopIndexer: () => Promise<void>;

  before(async () => {
    services = await connectTestServices({ OPENSEARCH_INDEX_PREFIX: prefix });
    const indexer = new CatalogIndexer({ ...services, prefix, lateWriteWindowMs: 30_000 });
    const controller = new AbortController();
    const indexing = indexer.run(controller.signal, () => undefined);
    stopIndexer = async () => {
      controller.abort();
      await indexing;
    };
    worker = await startWorker(services);
    api = await startApi(services);
    driver = { services, baseUrl: api.baseUrl };
    [seller, buyerA, buyerB] = await Promise.all([
      register(api.baseUrl, 'seller'),
      register(api.baseUrl, 'buyer'),
      register(api.baseUrl, 'buyer'),
    ]);
    ops = await opsAuth(api.baseUrl, services);
    const sellerId = seller.sellerId ?? '';
    const [listed, other] = await Promise.all([
      listedProduct(services, { sellerId, category }),
      listedProduct(services, { sellerId }),
    ]);
    productId = listed.product._id;
    sku = listed.sku;
    otherProductId = other.product._id;
    [orderA, orderB, undelivered] = await Promise.all([
      confirmedOrder(driver, buyerA, [{ sku, quantity: 1 }]),
      confirmedOrder(driver, buyerB, [{ sku, quantity: 2 }]),
      confirmedOrder(driver, buyerA, [{ sku: other.sku, quantity: 1 }]),
    ]);
    await Promise.all([deliverSubOrder(driver, seller, orderA), deliverSubOrder(driver, seller, orderB)]);
  });
  after(async () => {
    await stopIndexer();
    await deleteProductIndices(services.search, prefix);
    for (const stream of [stockChangeStream, catalogChangeStream]) {
      await services.redis.xgroup('DESTROY', stream, `search-indexer:${prefix}`).catch(() => 0);
    }
    await services.redis.del(`search-indexer:${prefix}:cursor`);
    await api.stop();
    await worker.stop();
    await services.close();
  });

  const review = (buyer: Account, body: Record<string, unknown>, key = uniqueId('review')) =>
    call<Review & Problem & { reviewId: string }>(api.baseUrl, 'POST', '/reviews', {
      body,
      headers: { ...buyer.auth, 'Idempotency-Key': key },
    });
  /** Waits until search, filtered to at least `minRating` stars, answers with exactly these products. */
  const searchFinds = (minRating: number, ids: string[]) =>
    eventually(
      async () => {
        const query = new URLSearchParams({ category, minRating: String(minRating) }).toString();
        const res = await call<{ items: Array<{ productId: string; rating: number }> }>(
          api.baseUrl,
          'GET',
          `/products?${query}`,
        );
        if (res.status !== 200) throw new Error(`search answered ${res.status}`);
        const found = res.body.items.map((i) => i.productId);
        return JSON.stringify(found) === JSON.stringify(ids) ? res.body.items : undefined;
      },
      { what: `search for ${minRating}+ stars to find ${ids.length} products`, timeoutMs: 30_000 },
    );
  const product = () => call<ProductView>(api.baseUrl, 'GET', `/products/${productId}`).then((r) => r.body);
  const reviews = (query = '', headers: Record<string, string> = {}) =>
    call<ReviewPage & Problem>(api.baseUrl, 'GET', `/products/${productId}/reviews${query}`, { headers });
  const visibility = (reviewId: string, body: unknown, headers = ops) =>
    call<Review & Problem & { productRating: number; productRatingCount: number }>(
      api.baseUrl,
      'POST',
      `/ops/reviews/${reviewId}/visibility`,
      { body, headers },
    );

  test('a delivered item can be reviewed once; the product shows its rating and moves to a new version', async () => {
    const before = await product();
    assert.equal(before.rating, 0);
    assert.equal(before.ratingCount, 0);

    const key = uniqueId('review');
    const body = { orderId: orderA, productId, rating: 4, title: 'Solid', text: 'Boils fast.' };
    const created = await review(buyerA, body, key);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.rating, 4);
    assert.equal(created.body.authorName, 'Test B.');
    assert.equal((created.body as unknown as Record<string, unknown>).orderId, undefined);

    const after = await product();
    assert.equal(after.rating, 4);
    assert.equal(after.ratingCount, 1);
    assert.ok(after.version > before.version, 'the rating change is a new product version');

    // The indexer is told by the catalog change feed, so search facets and sort follow.
    const feed = (await services.redis.xrevrange(catalogChangeStream, '+', '-', 'COUNT', 200)) as Array<
      [string, string[]]
    >;
    assert.ok(feed.some(([, fields]) => (fields[1] ?? '').split(' ').includes(productId)));
    const found = await searchFinds(4, [productId]);
    assert.equal(found[0]?.rating, 4);

    // The same request again (a retry) answers the same review; a second review of the item is a 409.
    const replay = await review(buyerA, body, key);
    assert.equal(replay.status, 201);
    assert.equal(replay.body.reviewId, created.body.reviewId);
    const second = await review(buyerA, { ...body, rating: 1 });
    assert.equal(second.status, 409, JSON.stringify(second.body));
    assert.match(second.body.type, /review-exists$/);
    assert.equal((await product()).ratingCount, 1);
  });

  test('what was not received cannot be reviewed, with a reason a storefront can branch on', async () => {
    const stranger = await review(buyerB, { orderId: orderA, productId, rating: 5 });
    assert.equal(stranger.status, 403);
    assert.match(stranger.body.type, /review-not-purchased$/);

    const notInOrder = await review(buyerA, { orderId: orderA, productId: otherProductId, rating: 5 });
    assert.equal(notInOrder.status, 403);
    assert.match(notInOrder.body.type, /review-not-purchased$/);

    const notYet = await review(buyerA, { orderId: undelivered, productId: otherProductId, rating: 5 });
    assert.equal(notYet.status, 409, JSON.stringify(notYet.body));
    assert.match(notYet.body.type, /review-not-delivered$/);

    const asSeller = await review(seller, { orderId: orderA, productId, rating: 5 });
    assert.equal(asSeller.status, 403);

    for (const bad of [
      { orderId: orderB, productId, rating: 6 },
      { orderId: orderB, productId, rating: 0 },
      { orderId: orderB, productId, rating: 4.5 },
      { orderId: orderB, productId, rating: 4, text: 'x'.repeat(4001) },
      { orderId: orderB, productId, rating: 4, hidden: true },
      { orderId: 'nope', productId, rating: 4 },
    ]) {
      const res = await review(buyerB, bad);
      assert.equal(res.status, 422, JSON.stringify(bad));
    }
    const noKey = await call<Problem>(api.baseUrl, 'POST', '/reviews', {
      body: { orderId: orderB, productId, rating: 4 },
      headers: buyerB.auth,
    });
    assert.equal(noKey.status, 400);
    const anonymous = await call(api.baseUrl, 'POST', '/reviews', {
      body: { orderId: orderB, productId, rating: 4 },
    });
    assert.equal(anonymous.status, 401);
  });

  test('hiding a review takes it out of the list and the rating; showing it again puts it back', async () => {
    const created = await review(buyerB, { orderId: orderB, productId, rating: 1, text: 'Spam spam' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    let page = await reviews();
    assert.equal(page.status, 200);
    assert.equal(page.body.total, 2);
    assert.equal(page.body.items[0]?.reviewId, created.body.reviewId, 'newest first');
    assert.equal(page.body.rating, 2.5);
    assert.equal(page.body.ratingCount, 2);

    const firstPage = await reviews('?limit=1');
    assert.equal(firstPage.body.items.length, 1);
    assert.equal(firstPage.body.nextOffset, 1);
    const secondPage = await reviews('?limit=1&offset=1');
    assert.equal(secondPage.body.items[0]?.rating, 4);
    assert.equal(secondPage.body.nextOffset, null);

    assert.equal((await visibility(created.body.reviewId, { hidden: true }, buyerB.auth)).status, 403);
    assert.equal((await visibility('rev_AAAAAAAAAAAAAAAAAAAAAA', { hidden: true })).status, 404);
    assert.equal((await visibility(created.body.reviewId, { hidden: 'yes' })).status, 422);

    const hidden = await visibility(created.body.reviewId, { hidden: true, reason: 'spam' });
    assert.equal(hidden.status, 200, JSON.stringify(hidden.body));
    assert.equal(hidden.body.hidden, true);
    assert.equal(hidden.body.productRating, 4);
    page = await reviews();
    assert.deepEqual(
      page.body.items.map((r) => r.rating),
      [4],
    );
    assert.equal(page.body.ratingCount, 1);
    const shown = await product();
    assert.equal(shown.rating, 4);
    assert.equal(shown.ratingCount, 1);

    // Ops find the hidden one to undo their decision; nobody else may ask for hidden reviews.
    assert.equal((await reviews('?includeHidden=true', buyerA.auth)).status, 403);
    const withHidden = await reviews('?includeHidden=true', ops);
    assert.equal(withHidden.body.total, 2);
    assert.equal(withHidden.body.items.find((r) => r.hidden)?.reviewId, created.body.reviewId);

    await searchFinds(4, [productId]);

    const unhidden = await visibility(created.body.reviewId, { hidden: false });
    assert.equal(unhidden.status, 200);
    assert.equal(unhidden.body.productRatingCount, 2);
    const back = await product();
    assert.equal(back.rating, 2.5);
    assert.equal(back.ratingCount, 2);
    await searchFinds(3, []);

    // Recomputed, not counted: hiding twice does not take two reviews away.
    await visibility(created.body.reviewId, { hidden: true });
    await visibility(created.body.reviewId, { hidden: true });
    assert.equal((await product()).ratingCount, 1);
    await visibility(created.body.reviewId, { hidden: false });
    assert.equal((await product()).ratingCount, 2);
  });

  test('reviews landing at the same moment all count: the last rating written saw every review', async () => {
    const { product: target } = await listedProduct(services, { sellerId: seller.sellerId ?? '' });
    const cache = new ProductCache(services.redis);
    const deps = { collections: services.collections, cache, redis: services.redis };
    const stars = [5, 4, 3, 5, 1, 2, 5, 4, 3, 5, 5, 4, 3, 5, 1, 2, 5, 4, 3, 5];
    await Promise.all(
      stars.map(async (rating, i) => {
        const now = new Date();
        await services.collections.reviews.insertOne({
          _id: uniqueId('rev'),
          productId: target._id,
          sellerId: target.sellerId,
          orderId: `ord_race${i}`,
          customerId: `usr_race${i}`,
          sku: target.skus[0]?.sku ?? '',
          rating,
          text: '',
          authorName: 'Racer',
          hidden: false,
          createdAt: now,
          updatedAt: now,
        });
        // As the activity's retry would: a refresh that waited too long for the product's lock runs again.
        for (;;) {
          try {
            return await refreshProductRating(deps, target._id);
          } catch (error) {
            if (!(error instanceof ProductBusyError)) throw error;
          }
        }
      }),
    );
    const stored = await services.collections.products.findOne({ _id: target._id });
    assert.equal(stored?.ratingCount, stars.length);
    assert.equal(stored?.ratingAverage, 3.7);
    assert.ok((stored?.version ?? 0) > target.version);
    const cached = await cache.get(target._id);
    assert.equal(cached?.version, stored?.version, 'the cache holds the last version written');
    assert.equal(cached?.ratingCount, stars.length, 'and that version has every review');
  });

  test('reviews of an unknown product are a 404, and bad paging a 400', async () => {
    assert.equal((await call(api.baseUrl, 'GET', '/products/prd_nosuchproduct/reviews')).status, 404);
    assert.equal((await reviews('?limit=500')).status, 400);
    assert.equal((await reviews('?sort=best')).status, 400);
  });
});
