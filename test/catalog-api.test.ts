import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { SellerDoc } from '../sellers/documents';
import type { Services } from '../integrations/services';
import { connectTestServices, startApi, uniqueId, type Account, type RunningApi } from './support/stack';
import { call, type JsonResponse } from './support/http';

interface Product {
  productId: string;
  sellerId: string;
  title: string;
  status: string;
  version: number;
  price: { amount: number; currency: string };
  attributes: Record<string, string>;
  skus: { sku: string; available: number }[];
}
interface ProductPage {
  items: Product[];
  total: number;
  nextOffset: number | null;
}
interface Problem {
  type: string;
  errors?: { field: string; message: string }[];
  skus?: string[];
  currentVersion?: number;
}

const problem = (type: string) => `https://marketplace.dev/problems/${type}`;

describe('the catalog API: listing, publishing, editing and browsing products', () => {
  let services: Services;
  let api: RunningApi;
  let approved: Account;
  let unapproved: Account;
  let buyer: Account;

  // Each account registers from its own client address, so this file never spends the loopback's
  // registration budget that other test files share.
  async function account(role: 'buyer' | 'seller', approval?: SellerDoc['approval']): Promise<Account> {
    const email = `${uniqueId(role)}@example.test`;
    const password = 'correct horse battery';
    const res = await call<{ token: string; userId: string; sellerId?: string }>(
      api.baseUrl,
      'POST',
      '/auth/register',
      {
        body: { email, password, role, name: `Catalog ${role}` },
        headers: { 'x-forwarded-for': `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}` },
      },
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    if (approval && res.body.sellerId) {
      // The onboarding workflow normally writes this document; the catalog only reads it.
      await services.collections.sellers.insertOne({
        _id: res.body.sellerId,
        name: 'Catalog seller',
        email,
        status: approval === 'approved' ? 'active' : 'pending_verification',
        approval,
        createdAt: new Date(),
      });
    }
    return { ...res.body, email, password, auth: { authorization: `Bearer ${res.body.token}` } };
  }

  const newSku = () => uniqueId('SKU').toUpperCase();
  const productBody = (overrides: Record<string, unknown> = {}) => ({
    title: 'Enamel kettle',
    category: 'kitchen',
    brand: 'Testware',
    price: { amount: 2500, currency: 'USD' },
    skus: [{ sku: newSku() }],
    ...overrides,
  });
  const create = (as: Account, body: unknown) =>
    call<Product & Problem>(api.baseUrl, 'POST', '/products', { body, headers: as.auth });
  const get = (id: string, as?: Account) =>
    call<Product & Problem>(api.baseUrl, 'GET', `/products/${id}`, { headers: as?.auth ?? {} });
  const patch = (id: string, body: unknown, as: Account, ifMatch?: string) =>
    call<Product & Problem>(api.baseUrl, 'PATCH', `/products/${id}`, {
      body,
      headers: { ...as.auth, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) },
    });
  const list = (query: Record<string, string | number>, as?: Account) =>
    call<ProductPage & Problem>(
      api.baseUrl,
      'GET',
      `/products?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`,
      { headers: as?.auth ?? {} },
    );
  const created = (res: JsonResponse<Product & Problem>): Product => {
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };

  before(async () => {
    services = await connectTestServices();
    api = await startApi(services);
    [approved, unapproved, buyer] = await Promise.all([
      account('seller', 'approved'),
      account('seller', 'pending'),
      account('buyer'),
    ]);
  });

  after(async () => {
    await api.stop();
    await services.close();
  });

  test('a seller saves a draft; only an active, approved seller may publish', async () => {
    const draftRes = await create(unapproved, productBody());
    const draft = created(draftRes);
    assert.equal(draft.status, 'draft');
    assert.equal(draft.version, 1);
    assert.equal(draft.sellerId, unapproved.sellerId);
    assert.equal(draftRes.headers.get('etag'), '"1"');
    assert.equal(draftRes.headers.get('location'), `/products/${draft.productId}`);

    const refused = await create(unapproved, productBody({ status: 'active' }));
    assert.equal(refused.status, 403);
    assert.equal(refused.body.type, problem('seller-not-approved'));
    const publishByPatch = await patch(draft.productId, { status: 'active' }, unapproved, '"1"');
    assert.equal(publishByPatch.status, 403);
    assert.equal(publishByPatch.body.type, problem('seller-not-approved'));
    assert.equal((await services.collections.products.findOne({ _id: draft.productId }))?.status, 'draft');

    const published = created(await create(approved, productBody({ status: 'active' })));
    assert.equal(published.status, 'active');
    assert.equal((await get(published.productId, buyer)).status, 200);

    const notOnboarded = await account('seller');
    const noSellerDoc = await create(notOnboarded, productBody());
    assert.equal(noSellerDoc.status, 403);
    assert.equal(noSellerDoc.body.type, problem('seller-not-onboarded'));
    const asBuyer = await create(buyer, productBody());
    assert.equal(asBuyer.status, 403);
  });

  test('invalid input is a 422 that names the field, and nothing is written', async () => {
    const cases: { body: Record<string, unknown>; field: string }[] = [
      { body: productBody({ price: { amount: 12.5, currency: 'USD' } }), field: 'price.amount' },
      { body: productBody({ price: { amount: 100, currency: 'usd' } }), field: 'price.currency' },
      { body: productBody({ category: 'Not A Slug' }), field: 'category' },
      { body: productBody({ title: '   ' }), field: 'title' },
      { body: productBody({ skus: [] }), field: 'skus' },
      { body: productBody({ skus: [{ sku: 'has space' }] }), field: 'skus.0.sku' },
      { body: productBody({ mediaUrls: ['http://insecure.example/a.png'] }), field: 'mediaUrls.0' },
      { body: productBody({ attributes: { Color: 'red' } }), field: 'attributes.Color' },
      { body: productBody({ status: 'archived' }), field: 'status' },
    ];
    for (const { body, field } of cases) {
      const res = await create(approved, body);
      assert.equal(res.status, 422, `${field}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.type, problem('validation'));
      assert.ok(
        res.body.errors?.some((e) => e.field === field),
        `expected an error naming ${field}, got ${JSON.stringify(res.body.errors)}`,
      );
    }
    // Unknown fields are refused rather than stored (no mass assignment of sellerId or version).
    const sku = newSku();
    const smuggled = await create(approved, { ...productBody({ skus: [{ sku }] }), sellerId: 'sel_other' });
    assert.equal(smuggled.status, 422);
    assert.match(JSON.stringify(smuggled.body.errors), /sellerId/);
    assert.equal(await services.collections.skus.findOne({ _id: sku }), null, 'no SKU was claimed');

    const wrongType = await call(api.baseUrl, 'POST', '/products', {
      body: 'title=x',
      headers: { ...approved.auth, 'content-type': 'text/plain' },
    });
    assert.equal(wrongType.status, 415);
    const notAnId = await get('not-a-product');
    assert.equal(notAnId.status, 400);
  });

  test('PATCH needs If-Match: without it 428, current version 200, a stale version 412', async () => {
    const product = created(await create(approved, productBody({ status: 'active' })));

    const noHeader = await patch(product.productId, { title: 'Steel kettle' }, approved);
    assert.equal(noHeader.status, 428);
    assert.equal(noHeader.body.type, problem('precondition-required'));

    const first = await patch(product.productId, { title: 'Steel kettle' }, approved, '"1"');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.title, 'Steel kettle');
    assert.equal(first.body.version, 2);
    assert.equal(first.headers.get('etag'), '"2"');

    const stale = await patch(product.productId, { title: 'Copper kettle' }, approved, '"1"');
    assert.equal(stale.status, 412);
    assert.equal(stale.body.type, problem('version-conflict'));
    assert.equal(stale.body.currentVersion, 2);
    const stored = await services.collections.products.findOne({ _id: product.productId });
    assert.equal(stored?.title, 'Steel kettle', 'the stale write changed nothing');
    assert.equal(stored?.version, 2);

    const empty = await patch(product.productId, {}, approved, '"2"');
    assert.equal(empty.status, 422);
    const unknown = await patch(product.productId, { version: 99 }, approved, '"2"');
    assert.equal(unknown.status, 422);
    const skusAreNotPatchable = await patch(product.productId, { skus: [] }, approved, '"2"');
    assert.equal(skusAreNotPatchable.status, 422);
  });

  test('GET serves the cached copy, and a PATCH refreshes the cache at once', async () => {
    const product = created(
      await create(approved, productBody({ status: 'active', title: 'Cached kettle' })),
    );
    assert.equal((await get(product.productId, buyer)).body.title, 'Cached kettle');
    const cacheKey = `product:{${product.productId}}`;
    assert.equal(await services.redis.hget(cacheKey, 'v'), '1');

    // A write behind the API's back (no version bump) is not seen: reads come from the cache.
    await services.collections.products.updateOne(
      { _id: product.productId },
      { $set: { title: 'Written behind the cache' } },
    );
    assert.equal((await get(product.productId, buyer)).body.title, 'Cached kettle');

    const edited = await patch(product.productId, { title: 'Edited kettle' }, approved, '"1"');
    assert.equal(edited.status, 200);
    const read = await get(product.productId, buyer);
    assert.equal(read.body.title, 'Edited kettle');
    assert.equal(read.body.version, 2);
    assert.equal(read.headers.get('etag'), '"2"');
    assert.equal(await services.redis.hget(cacheKey, 'v'), '2');

    // A cache miss loads from the database and fills the cache again.
    await services.redis.del(cacheKey);
    assert.equal((await get(product.productId, buyer)).body.title, 'Edited kettle');
    assert.equal(await services.redis.hget(cacheKey, 'v'), '2');
  });

  test('drafts are invisible to buyers and strangers, visible to their seller', async () => {
    const draft = created(await create(approved, productBody()));
    assert.equal((await get(draft.productId, approved)).status, 200);
    const asBuyer = await get(draft.productId, buyer);
    assert.equal(asBuyer.status, 404);
    assert.equal(asBuyer.body.type, problem('product-not-found'));
    assert.equal((await get(draft.productId)).status, 404);
    assert.equal((await get(draft.productId, unapproved)).status, 404);

    const archived = created(await create(approved, productBody({ status: 'active' })));
    assert.equal((await patch(archived.productId, { status: 'archived' }, approved, '"1"')).status, 200);
    assert.equal((await get(archived.productId, buyer)).status, 404, 'archived products leave the shop');
  });

  test('list filters: category, seller, brand, price range, attributes, pagination', async () => {
    const category = uniqueId('cat').toLowerCase();
    const make = async (title: string, amount: number, brand: string, color: string, status = 'active') =>
      created(
        await create(
          approved,
          productBody({
            title,
            category,
            brand,
            price: { amount, currency: 'USD' },
            attributes: { color },
            status,
          }),
        ),
      ).productId;
    const cheapRed = await make('cheap red', 1000, 'Acme', 'red');
    const midBlue = await make('mid blue', 2000, 'Zenith', 'blue');
    const dearRed = await make('dear red', 3000, 'Acme', 'red');
    const draftRed = await make('draft red', 1500, 'Acme', 'red', 'draft');
    const idsOf = (res: JsonResponse<ProductPage & Problem>) => {
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.items.map((p) => p.productId).sort();
    };
    const sorted = (...ids: string[]) => [...ids].sort();

    assert.deepEqual(idsOf(await list({ category }, buyer)), sorted(cheapRed, midBlue, dearRed));
    assert.deepEqual(
      idsOf(await list({ category, sellerId: approved.sellerId ?? '' }, buyer)),
      sorted(cheapRed, midBlue, dearRed),
    );
    assert.deepEqual(idsOf(await list({ category, sellerId: unapproved.sellerId ?? '' }, buyer)), []);
    assert.deepEqual(idsOf(await list({ category, brand: 'Acme' })), sorted(cheapRed, dearRed));
    assert.deepEqual(idsOf(await list({ category, minPrice: 1500 })), sorted(midBlue, dearRed));
    assert.deepEqual(idsOf(await list({ category, maxPrice: 2500 })), sorted(cheapRed, midBlue));
    assert.deepEqual(idsOf(await list({ category, minPrice: 2000, maxPrice: 2000 })), [midBlue]);
    assert.deepEqual(idsOf(await list({ category, 'attr.color': 'red' })), sorted(cheapRed, dearRed));
    assert.deepEqual(idsOf(await list({ category, 'attr.color': 'red', maxPrice: 1000 })), [cheapRed]);
    assert.deepEqual(idsOf(await list({ category, 'attr.color': 'green' })), []);

    // The seller's own catalog (and only that) includes drafts.
    const own = { category, sellerId: approved.sellerId ?? '' };
    assert.deepEqual(idsOf(await list(own, approved)), sorted(cheapRed, midBlue, dearRed, draftRed));
    assert.deepEqual(idsOf(await list({ ...own, status: 'draft' }, approved)), [draftRed]);

    const first = await list({ category, limit: 2 });
    assert.equal(first.body.items.length, 2);
    assert.equal(first.body.total, 3);
    assert.equal(first.body.nextOffset, 2);
    const second = await list({ category, limit: 2, offset: 2 });
    assert.equal(second.body.items.length, 1);
    assert.equal(second.body.nextOffset, null);
    assert.deepEqual(
      sorted(...idsOf(first), ...idsOf(second)),
      sorted(cheapRed, midBlue, dearRed),
      'pages neither repeat nor skip a product',
    );

    const badQueries: Record<string, string | number>[] = [
      { colour: 'red' },
      { limit: 0 },
      { limit: 101 },
      { minPrice: -1 },
      { 'attr.Bad': 'x' },
    ];
    for (const bad of badQueries) {
      const res = await list({ category, ...bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(res.body.type, problem('invalid-parameter'));
    }
  });

  test("a SKU another product owns is a 409 naming it; the rest of the listing's SKUs stay free", async () => {
    const taken = newSku();
    created(await create(approved, productBody({ skus: [{ sku: taken }] })));
    const fresh = newSku();
    const clash = await create(unapproved, productBody({ skus: [{ sku: fresh }, { sku: taken }] }));
    assert.equal(clash.status, 409);
    assert.equal(clash.body.type, problem('sku-taken'));
    assert.deepEqual(clash.body.skus, [taken]);
    assert.equal((await services.collections.skus.findOne({ _id: taken }))?.sellerId, approved.sellerId);

    // The seller drops the clashing SKU and resubmits: the SKU of the refused attempt is not a ghost.
    const retried = created(await create(unapproved, productBody({ skus: [{ sku: fresh }] })));
    assert.equal((await services.collections.skus.findOne({ _id: fresh }))?.productId, retried.productId);

    const sameSkuTwice = await create(
      approved,
      productBody({ skus: [{ sku: fresh.toLowerCase() }, { sku: fresh.toLowerCase() }] }),
    );
    assert.equal(sameSkuTwice.status, 422);
  });
});
