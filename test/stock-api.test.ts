import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createActivities } from '../activities';
import type { Services } from '../integrations/services';
import {
  call,
  connectTestServices,
  startApi,
  uniqueId,
  type Account,
  type RunningApi,
} from './support/stack';

interface Stock {
  productId: string;
  skus: { sku: string; warehouses: Record<string, number>; ledger: Record<string, number> }[];
  type?: string;
  errors?: { field: string }[];
}
interface Product {
  productId: string;
  inStock: boolean;
  skus: { sku: string; available: number }[];
}

describe('stock through the API: per warehouse, idempotent, visible on the product', () => {
  let services: Services;
  let api: RunningApi;
  let seller: Account;
  let buyer: Account;

  async function account(role: 'buyer' | 'seller'): Promise<Account> {
    const email = `${uniqueId(role)}@example.test`;
    const password = 'correct horse battery';
    const res = await call<{ token: string; userId: string; sellerId?: string }>(
      api.baseUrl,
      'POST',
      '/auth/register',
      {
        body: { email, password, role, name: `Stock ${role}` },
        headers: { 'x-forwarded-for': `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}` },
      },
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    if (res.body.sellerId) {
      await services.collections.sellers.insertOne({
        _id: res.body.sellerId,
        name: 'Stock seller',
        email,
        status: 'active',
        approval: 'approved',
        createdAt: new Date(),
      });
    }
    return { ...res.body, email, password, auth: { authorization: `Bearer ${res.body.token}` } };
  }

  async function product(skuCount = 1): Promise<{ id: string; skus: string[] }> {
    const skus = Array.from({ length: skuCount }, () => uniqueId('SKU').toUpperCase());
    const res = await call<Product>(api.baseUrl, 'POST', '/products', {
      body: {
        title: 'Stocked kettle',
        category: 'kitchen',
        price: { amount: 2500, currency: 'USD' },
        skus: skus.map((sku) => ({ sku })),
        status: 'active',
      },
      headers: seller.auth,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { id: res.body.productId, skus };
  }

  const putStock = (id: string, body: unknown, key: string | undefined, as: Account = seller) =>
    call<Stock>(api.baseUrl, 'PUT', `/products/${id}/stock`, {
      body,
      headers: { ...as.auth, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    });
  const getStock = (id: string) =>
    call<Stock>(api.baseUrl, 'GET', `/products/${id}/stock`, { headers: seller.auth });
  const adjustments = (sku: string) =>
    services.collections.stockLedger.find({ sku, kind: 'adjust' }).toArray();

  before(async () => {
    services = await connectTestServices();
    api = await startApi(services);
    [seller, buyer] = await Promise.all([account('seller'), account('buyer')]);
  });

  after(async () => {
    await api.stop();
    await services.close();
  });

  test('available units are set per warehouse and recorded in the ledger', async () => {
    const { id, skus } = await product(2);
    const [sku = '', other = ''] = skus;
    const east = await putStock(id, { sku, warehouseId: 'wh-east', available: 7 }, uniqueId('key'));
    assert.equal(east.status, 200, JSON.stringify(east.body));
    // The whole product's stock, the untouched SKU included, as GET answers it.
    assert.deepEqual(east.body.skus, [
      { sku, warehouses: { 'wh-east': 7 }, ledger: { 'wh-east': 7 } },
      { sku: other, warehouses: {}, ledger: {} },
    ]);

    await putStock(id, { sku, warehouseId: 'wh-west', available: 3 }, uniqueId('key'));
    await putStock(id, { sku: other, warehouseId: 'wh-west', available: 1 }, uniqueId('key'));
    // A second set is absolute, not additive; the ledger records the difference.
    const lowered = await putStock(id, { sku, warehouseId: 'wh-east', available: 4 }, uniqueId('key'));
    assert.deepEqual(lowered.body.skus[0]?.warehouses, { 'wh-east': 4, 'wh-west': 3 });
    assert.deepEqual((await adjustments(sku)).map((e) => [e.warehouseId, e.delta]).sort(), [
      ['wh-east', -3],
      ['wh-east', 7],
      ['wh-west', 3],
    ]);

    const all = await getStock(id);
    assert.equal(all.status, 200);
    assert.deepEqual(all.body, {
      productId: id,
      skus: [
        { sku, warehouses: { 'wh-east': 4, 'wh-west': 3 }, ledger: { 'wh-east': 4, 'wh-west': 3 } },
        { sku: other, warehouses: { 'wh-west': 1 }, ledger: { 'wh-west': 1 } },
      ],
    });
  });

  test('the same Idempotency-Key is applied once, even after stock moved and when sent twice at once', async () => {
    const { id, skus } = await product();
    const [sku = ''] = skus;
    const key = uniqueId('key');
    const body = { sku, warehouseId: 'wh-main', available: 10 };
    const [a, b] = await Promise.all([putStock(id, body, key), putStock(id, body, key)]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.equal((await adjustments(sku)).length, 1);

    // Two units go to a hold; a retry of the old request must not put them back on the shelf.
    const holdId = uniqueId('hold');
    await createActivities(services).reserveStock({ holdId, lines: [{ sku, quantity: 2 }] });
    const replay = await putStock(id, body, key);
    assert.equal(replay.status, 200);
    assert.deepEqual(replay.body.skus[0]?.warehouses, { 'wh-main': 8 });
    assert.deepEqual(replay.body.skus[0]?.ledger, { 'wh-main': 8 });
    assert.equal((await adjustments(sku)).length, 1, 'the replay wrote no second adjustment');

    const reused = await putStock(id, { ...body, available: 99 }, key);
    assert.equal(reused.status, 422);
    assert.equal(reused.body.type, 'https://marketplace.dev/problems/idempotency-key-reused');
    const missingKey = await putStock(id, body, undefined);
    assert.equal(missingKey.status, 400);
    assert.equal(missingKey.body.type, 'https://marketplace.dev/problems/idempotency-key-required');
    assert.deepEqual((await getStock(id)).body.skus[0]?.warehouses, { 'wh-main': 8 });
    await createActivities(services).releaseStock({ holdId, skus: [sku] });
  });

  test('availability shows in GET /products/:id, summed over warehouses', async () => {
    const { id, skus } = await product();
    const [sku = ''] = skus;
    const read = () => call<Product>(api.baseUrl, 'GET', `/products/${id}`, { headers: buyer.auth });
    assert.deepEqual(
      (await read()).body.skus.map((s) => [s.sku, s.available]),
      [[sku, 0]],
    );
    assert.equal((await read()).body.inStock, false);

    await putStock(id, { sku, warehouseId: 'wh-a', available: 5 }, uniqueId('key'));
    await putStock(id, { sku, warehouseId: 'wh-b', available: 2 }, uniqueId('key'));
    const stocked = await read();
    assert.equal(stocked.body.skus[0]?.available, 7);
    assert.equal(stocked.body.inStock, true);

    await putStock(id, { sku, warehouseId: 'wh-a', available: 0 }, uniqueId('key'));
    await putStock(id, { sku, warehouseId: 'wh-b', available: 0 }, uniqueId('key'));
    const soldOut = await read();
    assert.equal(soldOut.body.skus[0]?.available, 0);
    assert.equal(soldOut.body.inStock, false);
  });

  test('bad stock requests are 4xx problems naming the field', async () => {
    const { id, skus } = await product();
    const [sku = ''] = skus;
    const cases: { body: Record<string, unknown>; field: string }[] = [
      { body: { sku: 'NOT-THIS-PRODUCTS', warehouseId: 'wh-a', available: 1 }, field: 'sku' },
      { body: { sku, warehouseId: 'wh-a', available: -1 }, field: 'available' },
      { body: { sku, warehouseId: 'wh-a', available: 1.5 }, field: 'available' },
      { body: { sku, warehouseId: 'Main Warehouse', available: 1 }, field: 'warehouseId' },
    ];
    for (const { body, field } of cases) {
      const res = await putStock(id, body, uniqueId('key'));
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.ok(
        res.body.errors?.some((e) => e.field === field),
        JSON.stringify(res.body),
      );
    }
    const smuggled = await putStock(
      id,
      { sku, warehouseId: 'wh-a', available: 1, delta: 5 },
      uniqueId('key'),
    );
    assert.equal(smuggled.status, 422);
    assert.equal((await putStock(id, { sku, warehouseId: 'wh-a', available: 1 }, 'short')).status, 400);
    const asBuyer = await putStock(id, { sku, warehouseId: 'wh-a', available: 1 }, uniqueId('key'), buyer);
    assert.equal(asBuyer.status, 403);
    const anonymous = await call(api.baseUrl, 'GET', `/products/${id}/stock`);
    assert.equal(anonymous.status, 401);
    assert.deepEqual((await getStock(id)).body.skus[0]?.warehouses, {}, 'no bad request changed stock');
  });
});
