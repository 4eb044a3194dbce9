import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../integrations/services';
import {
  eventually,
  opsAuth,
  startTestStack,
  stockedProduct,
  testShipTo,
  uniqueId,
  type Account,
  type RunningApi,
  type TestStack,
} from './support/stack';
import { call, type JsonResponse } from './support/http';

// Staff-only endpoints (POST /ops/stock/reconcile) are covered in stock-reconciliation.test.ts, on its own
// Redis db: a reconciliation here would touch every other test's counters in the shared one.
type Actor = 'sellerA' | 'sellerB' | 'buyer1' | 'buyer2' | 'ops' | 'anonymous';

/**
 * One resource someone owns: the request that reaches it, who owns it (and gets `ownerStatus`), and who
 * must be refused with one of `refused`. Add a row here for every new owned resource.
 */
interface Guarded {
  name: string;
  method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';
  path: () => string;
  body?: () => unknown;
  headers?: () => Record<string, string>;
  owner: Actor;
  ownerStatus: number;
  intruders: Actor[];
  refused: number[];
}

const clientIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe("nobody reaches another party's resources", () => {
  let stack: TestStack;
  let services: Services;
  let api: RunningApi;
  const actors = new Map<Actor, Record<string, string>>();
  const sellerIds = new Map<Actor, string>();
  let activeB = '';
  let draftB = '';
  let skuB = '';
  let orderOf1 = '';

  async function signUp(actor: Actor, role: 'buyer' | 'seller'): Promise<Account> {
    const email = `${uniqueId(role)}@example.test`;
    const password = 'correct horse battery';
    const res = await call<{ token: string; userId: string; sellerId?: string }>(
      api.baseUrl,
      'POST',
      '/auth/register',
      { body: { email, password, role, name: actor }, headers: { 'x-forwarded-for': clientIp() } },
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    if (res.body.sellerId) {
      sellerIds.set(actor, res.body.sellerId);
      await services.collections.sellers.insertOne({
        _id: res.body.sellerId,
        name: actor,
        email,
        status: 'active',
        approval: 'approved',
        createdAt: new Date(),
      });
    }
    actors.set(actor, { authorization: `Bearer ${res.body.token}` });
    return { ...res.body, email, password, auth: { authorization: `Bearer ${res.body.token}` } };
  }

  const as = (actor: Actor) => (actor === 'anonymous' ? {} : (actors.get(actor) ?? {}));
  const createAs = async (actor: Actor, status: 'draft' | 'active', sku: string) => {
    const res = await call<{ productId: string }>(api.baseUrl, 'POST', '/products', {
      body: {
        title: `${actor}'s ${status} product`,
        category: 'kitchen',
        price: { amount: 1200, currency: 'USD' },
        skus: [{ sku }],
        status,
      },
      headers: as(actor),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.productId;
  };

  const sellerB = () => sellerIds.get('sellerB') ?? '';
  const everyoneBut = (...owners: Actor[]): Actor[] =>
    (['sellerA', 'sellerB', 'buyer1', 'buyer2', 'anonymous'] as Actor[]).filter((a) => !owners.includes(a));

  const matrix: Guarded[] = [
    {
      name: "PATCH seller B's active product",
      method: 'PATCH',
      path: () => `/products/${activeB}`,
      body: () => ({ title: 'Defaced' }),
      headers: () => ({ 'if-match': '"1"' }),
      owner: 'sellerB',
      ownerStatus: 200,
      intruders: everyoneBut('sellerB'),
      refused: [401, 403, 404],
    },
    {
      name: "GET seller B's draft product",
      method: 'GET',
      path: () => `/products/${draftB}`,
      owner: 'sellerB',
      ownerStatus: 200,
      intruders: everyoneBut('sellerB'),
      refused: [404],
    },
    {
      name: "PUT stock of seller B's product",
      method: 'PUT',
      path: () => `/products/${activeB}/stock`,
      body: () => ({ sku: skuB, warehouseId: 'wh-intruder', available: 999 }),
      headers: () => ({ 'idempotency-key': uniqueId('key') }),
      owner: 'sellerB',
      ownerStatus: 200,
      intruders: everyoneBut('sellerB'),
      refused: [401, 403, 404],
    },
    {
      name: "GET stock of seller B's product",
      method: 'GET',
      path: () => `/products/${activeB}/stock`,
      owner: 'sellerB',
      ownerStatus: 200,
      intruders: everyoneBut('sellerB'),
      refused: [401, 403, 404],
    },
    {
      name: "list seller B's drafts",
      method: 'GET',
      path: () => `/products?sellerId=${sellerB()}&status=draft`,
      owner: 'sellerB',
      ownerStatus: 200,
      intruders: everyoneBut('sellerB'),
      refused: [403],
    },
    {
      name: "list seller B's archived products",
      method: 'GET',
      path: () => `/products?sellerId=${sellerB()}&status=archived`,
      owner: 'sellerB',
      ownerStatus: 200,
      intruders: everyoneBut('sellerB'),
      refused: [403],
    },
    {
      name: "GET buyer 1's order",
      method: 'GET',
      path: () => `/orders/${orderOf1}`,
      owner: 'buyer1',
      ownerStatus: 200,
      intruders: everyoneBut('buyer1'),
      refused: [401, 404],
    },
  ];

  before(async () => {
    stack = await startTestStack();
    ({ services, api } = stack);
    await Promise.all([
      signUp('sellerA', 'seller'),
      signUp('sellerB', 'seller'),
      signUp('buyer1', 'buyer'),
      signUp('buyer2', 'buyer'),
    ]);
    actors.set('ops', await opsAuth(api.baseUrl, services));

    skuB = uniqueId('SKU').toUpperCase();
    activeB = await createAs('sellerB', 'active', skuB);
    draftB = await createAs('sellerB', 'draft', uniqueId('SKU').toUpperCase());

    // Buyer 1 places a real order, as a storefront would, and can read it back.
    const { sku } = await stockedProduct(services, { stock: 3 });
    const placed = await call<{ orderId: string }>(api.baseUrl, 'POST', '/orders', {
      body: {
        lines: [{ sku, quantity: 1 }],
        shipTo: testShipTo,
      },
      headers: { ...as('buyer1'), 'idempotency-key': uniqueId('key') },
    });
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    orderOf1 = placed.body.orderId;
    await eventually(
      async () => {
        const res = await call(api.baseUrl, 'GET', `/orders/${orderOf1}`, { headers: as('buyer1') });
        return res.status === 200 ? res : undefined;
      },
      { what: "buyer 1's order to be readable" },
    );
  });

  after(() => stack.stop());

  const send = (row: Guarded, actor: Actor): Promise<JsonResponse> =>
    call(api.baseUrl, row.method, row.path(), {
      body: row.body?.(),
      headers: { ...as(actor), ...(row.headers?.() ?? {}) },
    });

  test('every intruder is refused on every row, and nothing they sent changed anything', async () => {
    const failures: string[] = [];
    for (const row of matrix) {
      for (const intruder of row.intruders) {
        const res = await send(row, intruder);
        if (!row.refused.includes(res.status)) {
          failures.push(`${intruder} → ${row.name}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        }
      }
    }
    assert.deepEqual(failures, []);

    const product = await services.collections.products.findOne({ _id: activeB });
    assert.equal(product?.title, "sellerB's active product");
    assert.equal(product?.version, 1);
    assert.deepEqual(await services.counters.available(skuB), {});
    assert.equal(await services.collections.stockLedger.countDocuments({ sku: skuB }), 0);
  });

  test("someone else's object answers exactly like a missing one", async () => {
    const missing = await call(api.baseUrl, 'GET', '/products/prd_00000000000000000000/stock', {
      headers: as('sellerA'),
    });
    const foreign = await call(api.baseUrl, 'GET', `/products/${activeB}/stock`, { headers: as('sellerA') });
    assert.equal(foreign.status, 404);
    assert.deepEqual(foreign.body, missing.body);
  });

  test('each owner (and ops) gets through on the same requests, so the refusals above are real', async () => {
    for (const row of matrix) {
      const res = await send(row, row.owner);
      assert.equal(res.status, row.ownerStatus, `${row.owner} → ${row.name}: ${JSON.stringify(res.body)}`);
    }
    const drafts = await call<{ items: { productId: string }[] }>(
      api.baseUrl,
      'GET',
      `/products?sellerId=${sellerB()}&status=draft`,
      { headers: as('ops') },
    );
    assert.deepEqual(
      drafts.body.items.map((p) => p.productId),
      [draftB],
    );
    const stock = await call(api.baseUrl, 'GET', `/products/${activeB}/stock`, { headers: as('ops') });
    assert.equal(stock.status, 200);
  });
});
