import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../integrations/services';
import { stockChangeStream } from '../search/stock-change-feed';
import { clientAddress, opsAuth, register, registerApprovedSeller, type Account } from './support/accounts';
import {
  call,
  connectTestServices,
  startApi,
  stockedProduct,
  uniqueId,
  type RunningApi,
} from './support/stack';

interface Problem {
  type: string;
  status: number;
  errors?: { field: string; message: string }[];
}
const problem = (type: string) => `https://marketplace.dev/problems/${type}`;

// The small things a storefront, a seller portal or a browser notices.
describe('storefront details', () => {
  let services: Services;
  let api: RunningApi;
  let buyer: Account;
  let seller: Account;

  before(async () => {
    services = await connectTestServices();
    api = await startApi(services);
    buyer = await register(api.baseUrl, 'buyer');
    seller = await registerApprovedSeller(api.baseUrl, services);
  });

  after(async () => {
    await api.stop();
    await services.close();
  });

  test('personal and money answers tell every cache not to keep them', async () => {
    const ops = await opsAuth(api.baseUrl, services);
    const login = await call(api.baseUrl, 'POST', '/auth/login', {
      body: { email: buyer.email, password: buyer.password },
      headers: { 'x-forwarded-for': clientAddress() },
    });
    const answers = {
      login,
      orders: await call(api.baseUrl, 'GET', '/orders', { headers: buyer.auth }),
      cart: await call(api.baseUrl, 'GET', '/cart', { headers: buyer.auth }),
      ledger: await call(api.baseUrl, 'GET', `/sellers/${seller.sellerId}/ledger`, { headers: seller.auth }),
      payouts: await call(api.baseUrl, 'GET', `/sellers/${seller.sellerId}/payouts`, { headers: ops }),
      subOrders: await call(api.baseUrl, 'GET', '/seller/orders', { headers: seller.auth }),
    };
    for (const [name, res] of Object.entries(answers)) {
      assert.equal(res.status < 300, true, `${name}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.headers.get('cache-control'), 'no-store', name);
    }
  });

  test('a lone UTF-16 surrogate in any text field is refused, not stored altered', async () => {
    const title = await call<Problem>(api.baseUrl, 'POST', '/products', {
      headers: seller.auth,
      body: `{"title":"Kettle \\ud800","category":"kitchen","brand":"Testware","price":{"amount":2500,"currency":"USD"},"skus":[{"sku":"${uniqueId('S').toUpperCase()}"}]}`,
    });
    assert.equal(title.status, 400, JSON.stringify(title.body));
    assert.equal(title.body.type, problem('malformed-text'));
    assert.deepEqual(
      title.body.errors?.map((e) => e.field),
      ['title'],
    );
    const name = await call<Problem>(api.baseUrl, 'POST', '/auth/register', {
      headers: { 'x-forwarded-for': clientAddress() },
      body: `{"email":"${uniqueId('u')}@example.test","password":"correct horse battery","role":"buyer","name":"\\udc00Ada"}`,
    });
    assert.equal(name.status, 400);
    // A proper pair is text like any other.
    const pair = await call(api.baseUrl, 'POST', '/auth/register', {
      headers: { 'x-forwarded-for': clientAddress() },
      body: `{"email":"${uniqueId('u')}@example.test","password":"correct horse battery","role":"buyer","name":"Ada \\ud83d\\ude00"}`,
    });
    assert.equal(pair.status, 201, JSON.stringify(pair.body));
  });

  test('a search past the 10,000th result is a 400 naming the limit', async () => {
    const deep = await call<Problem>(api.baseUrl, 'GET', '/products?q=kettle&offset=9990&limit=20');
    assert.equal(deep.status, 400, JSON.stringify(deep.body));
    assert.match(deep.body.errors?.[0]?.message ?? '', /offset \+ limit must be at most 10000/);
    const lastPage = await call(api.baseUrl, 'GET', '/products?q=kettle&offset=9980&limit=20');
    assert.notEqual(lastPage.status, 400, 'the 10,000th result itself may be asked for');
  });

  test('a guest cart joins the account at sign-up, as it does at sign-in', async () => {
    const { sku } = await stockedProduct(services, { stock: 3 });
    const added = await call<{ cartId: string }>(api.baseUrl, 'POST', '/cart/add', {
      body: { sku, quantity: 2 },
      headers: { 'x-forwarded-for': clientAddress() },
    });
    assert.equal(added.status, 200);
    const registered = await call<{ token: string }>(api.baseUrl, 'POST', '/auth/register', {
      headers: { 'x-forwarded-for': clientAddress(), 'x-cart-id': added.body.cartId },
      body: {
        email: `${uniqueId('guest')}@example.test`,
        password: 'correct horse battery',
        role: 'buyer',
        name: 'G',
      },
    });
    assert.equal(registered.status, 201);
    const cart = await call<{ lines: { sku: string; quantity: number }[] }>(api.baseUrl, 'GET', '/cart', {
      headers: { authorization: `Bearer ${registered.body.token}` },
    });
    assert.deepEqual(
      cart.body.lines.map((l) => [l.sku, l.quantity]),
      [[sku, 2]],
    );
    const guestAgain = await call<{ lines: unknown[] }>(api.baseUrl, 'GET', '/cart', {
      headers: { 'x-cart-id': added.body.cartId },
    });
    assert.equal(guestAgain.body.lines.length, 0, 'the guest cart is gone');
  });

  test("a stock edit answers the whole product's stock and tells the search index at once", async () => {
    const skus = [uniqueId('A').toUpperCase(), uniqueId('B').toUpperCase()];
    const createdProduct = await call<{ productId: string }>(api.baseUrl, 'POST', '/products', {
      headers: seller.auth,
      body: {
        title: 'Two-colour kettle',
        category: 'kitchen',
        brand: 'Testware',
        price: { amount: 2500, currency: 'USD' },
        skus: skus.map((sku) => ({ sku })),
        status: 'active',
      },
    });
    assert.equal(createdProduct.status, 201, JSON.stringify(createdProduct.body));
    const before = await services.redis.xrevrange(stockChangeStream, '+', '-', 'COUNT', 1);
    const put = await call<{ productId: string; skus: { sku: string }[] }>(
      api.baseUrl,
      'PUT',
      `/products/${createdProduct.body.productId}/stock`,
      {
        headers: { ...seller.auth, 'idempotency-key': uniqueId('stock') },
        body: { sku: skus[0], warehouseId: 'wh-east', available: 7 },
      },
    );
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body.skus.map((s) => s.sku).sort(), [...skus].sort());
    const published = await services.redis.xrange(
      stockChangeStream,
      before[0]?.[0] ? `(${before[0][0]}` : '-',
      '+',
    );
    assert.ok(
      published.some(([, fields]) => (fields[1] ?? '').split(' ').includes(skus[0] ?? '')),
      'the edit is on the stock change feed',
    );
  });
});
