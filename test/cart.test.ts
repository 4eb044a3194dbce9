import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createActivities } from '../activities';
import { buyerCartId } from '../cart/cart-ids';
import { CartStore, cartKey } from '../cart/cart-store';
import { cartForCheckout, clearCart } from '../cart/checkout-cart';
import { ProductCache } from '../catalog/product-cache';
import { createProduct, updateProduct } from '../catalog/products';
import type { Money } from '../domain/money';
import type { Services } from '../integrations/services';
import { clientAddress, opsAuth, register, type Account } from './support/accounts';
import { connectTestServices, startApi, stockedProduct, uniqueId, type RunningApi } from './support/stack';
import { call, type JsonResponse } from './support/http';

interface CartLine {
  sku: string;
  productId: string;
  title: string;
  quantity: number;
  priceAtAdd: Money;
  currentPrice: Money;
  priceChanged: boolean;
  available: number;
  outOfStock: boolean;
  insufficientStock: boolean;
  forSale: boolean;
}

interface Cart {
  cartId: string | null;
  lines: CartLine[];
  subtotal: Money | null;
  promo: { code: string; discount: Money | null; valid: boolean; reason?: string } | null;
  total: Money | null;
  currency: string | null;
  expiresAt: string | null;
}

interface Problem {
  type: string;
  status: number;
  reason?: string;
  errors?: { field: string }[];
}

const problem = (type: string) => `https://marketplace.dev/problems/${type}`;
const usd = (amount: number): Money => ({ amount, currency: 'USD' });
const day = 24 * 3600 * 1000;
const guestIdPattern = /^guest:[0-9a-f]{32}$/;

describe('the cart, through the API on the real stack', () => {
  let services: Services;
  let api: RunningApi;
  let buyer: Account;
  let ops: Record<string, string>;
  const cache = () => new ProductCache(services.redis);

  before(async () => {
    services = await connectTestServices();
    api = await startApi(services);
    buyer = await register(api.baseUrl, 'buyer');
    ops = await opsAuth(api.baseUrl, services);
  });

  after(async () => {
    await api.stop();
    await services.close();
  });

  // Each test starts from the buyer's empty cart, through the same function checkout uses.
  beforeEach(async () => {
    await clearCart(services, buyerCartId(buyer.userId));
  });

  const cartCall = (
    method: string,
    path: string,
    { body, headers = buyer.auth }: { body?: unknown; headers?: Record<string, string> } = {},
  ) => call<Cart>(api.baseUrl, method, path, { body, headers });
  const add = (sku: string, quantity: number, headers?: Record<string, string>) =>
    cartCall('POST', '/cart/add', { body: { sku, quantity }, headers });
  const getCart = (headers?: Record<string, string>) => cartCall('GET', '/cart', { headers });
  const asProblem = (res: JsonResponse<Cart>) => res.body as unknown as Problem;

  async function createPromo(body: Record<string, unknown>) {
    const code = `T-${uniqueId('P').toUpperCase()}`.slice(0, 32);
    const res = await call<{ code: string }>(api.baseUrl, 'POST', '/ops/promotions', {
      body: { code, ...body },
      headers: ops,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return code;
  }
  const now = Date.now();
  const open = {
    validFrom: new Date(now - day).toISOString(),
    validUntil: new Date(now + day).toISOString(),
  };

  test('a buyer adds, reads, changes and removes lines; prices are snapshots at add time', async () => {
    const { product, sku } = await stockedProduct(services, { stock: 10, price: 2500 });
    const first = await add(sku, 2);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.cartId, buyerCartId(buyer.userId));
    assert.equal(first.headers.get('cache-control'), 'no-store');
    assert.equal(first.headers.get('set-cookie'), null, 'a buyer gets no guest cookie');
    assert.deepEqual(
      first.body.lines.map((l) => [l.sku, l.productId, l.quantity]),
      [[sku, product._id, 2]],
    );
    assert.deepEqual(first.body.lines[0]?.priceAtAdd, usd(2500));
    assert.deepEqual(first.body.subtotal, usd(5000));
    assert.deepEqual(first.body.total, usd(5000));
    assert.equal(first.body.currency, 'USD');
    assert.equal(first.body.promo, null);

    const more = await add(sku, 1);
    assert.equal(more.body.lines[0]?.quantity, 3, 'adding a SKU again adds to its line');

    const patched = await cartCall('PATCH', `/cart/lines/${sku}`, { body: { quantity: 5 } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.lines[0]?.quantity, 5);
    assert.deepEqual(patched.body.subtotal, usd(12_500));

    const read = await getCart();
    assert.deepEqual({ ...read.body, expiresAt: null }, { ...patched.body, expiresAt: null });

    const removed = await cartCall('DELETE', `/cart/lines/${sku}`);
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body.lines, []);
    assert.deepEqual(removed.body.subtotal, usd(0));
    const again = await cartCall('DELETE', `/cart/lines/${sku}`);
    assert.equal(again.status, 404);
    assert.equal(asProblem(again).type, problem('cart-line-not-found'));
    const patchMissing = await cartCall('PATCH', `/cart/lines/${sku}`, { body: { quantity: 1 } });
    assert.equal(patchMissing.status, 404);
  });

  test('a retried add with the same Idempotency-Key adds once; another body under it is refused', async () => {
    const { sku } = await stockedProduct(services, { stock: 10 });
    const key = uniqueId('cart-add');
    const headers = { ...buyer.auth, 'Idempotency-Key': key };
    const [a, b] = await Promise.all([add(sku, 2, headers), add(sku, 2, headers)]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.equal((await getCart()).body.lines[0]?.quantity, 2);
    const other = await add(sku, 3, headers);
    assert.equal(other.status, 422);
    assert.equal(asProblem(other).type, problem('idempotency-key-reused'));
  });

  test('a price change since the line was added shows, and the subtotal uses the current price', async () => {
    const { product, sku } = await stockedProduct(services, { stock: 10, price: 2500 });
    await add(sku, 2);
    assert.equal((await getCart()).body.lines[0]?.priceChanged, false);
    await updateProduct(services.collections, cache(), product._id, product.version, { price: usd(2700) });
    const cart = (await getCart()).body;
    const line = cart.lines[0];
    assert.equal(line?.priceChanged, true);
    assert.deepEqual(line?.priceAtAdd, usd(2500));
    assert.deepEqual(line?.currentPrice, usd(2700));
    assert.deepEqual(cart.subtotal, usd(5400));
  });

  test('stock running low or out since the line was added shows', async () => {
    const { sku } = await stockedProduct(services, { stock: 3 });
    await add(sku, 2);
    let line = (await getCart()).body.lines[0];
    assert.deepEqual([line?.available, line?.outOfStock, line?.insufficientStock], [3, false, false]);
    const inventory = createActivities(services);
    await inventory.adjustStock({ sku, warehouseId: 'wh-test', delta: -2, adjustmentKey: uniqueId('adj') });
    line = (await getCart()).body.lines[0];
    assert.deepEqual([line?.available, line?.outOfStock, line?.insufficientStock], [1, false, true]);
    await inventory.adjustStock({ sku, warehouseId: 'wh-test', delta: -1, adjustmentKey: uniqueId('adj') });
    line = (await getCart()).body.lines[0];
    assert.deepEqual([line?.available, line?.outOfStock, line?.insufficientStock], [0, true, true]);
  });

  test('an archived product stays in the cart but no longer counts', async () => {
    const { product, sku } = await stockedProduct(services, { price: 1000 });
    const { sku: other } = await stockedProduct(services, { price: 300 });
    await add(sku, 1);
    await add(other, 1);
    await updateProduct(services.collections, cache(), product._id, product.version, { status: 'archived' });
    const cart = (await getCart()).body;
    assert.deepEqual(
      cart.lines.map((l) => [l.sku, l.forSale]),
      [
        [sku, false],
        [other, true],
      ],
    );
    assert.deepEqual(cart.subtotal, usd(300));
  });

  test('a guest cart is created on first add and named by header or cookie', async () => {
    const { sku } = await stockedProduct(services, { price: 1500 });
    const { sku: second } = await stockedProduct(services, { price: 400 });
    const created = await add(sku, 1, {});
    assert.equal(created.status, 200);
    const cartId = created.body.cartId ?? '';
    assert.match(cartId, guestIdPattern);
    assert.equal(created.headers.get('x-cart-id'), cartId);
    assert.equal(
      created.headers.get('set-cookie'),
      `cart_id=${cartId}; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000`,
    );

    const viaHeader = await add(second, 2, { 'X-Cart-Id': cartId });
    assert.equal(viaHeader.body.cartId, cartId);
    assert.deepEqual(viaHeader.body.subtotal, usd(2300));
    const viaCookie = await getCart({ cookie: `theme=dark; cart_id=${cartId}; other=1` });
    assert.equal(viaCookie.body.cartId, cartId);
    assert.deepEqual(
      viaCookie.body.lines.map((l) => [l.sku, l.quantity]),
      [
        [sku, 1],
        [second, 2],
      ],
    );
    const patched = await cartCall('PATCH', `/cart/lines/${second}`, {
      body: { quantity: 1 },
      headers: { cookie: `cart_id=${cartId}` },
    });
    assert.deepEqual(patched.body.subtotal, usd(1900));

    const fresh = await add(sku, 1, {});
    assert.notEqual(fresh.body.cartId, cartId, 'every guest gets its own cart');
  });

  test('a guest id the server did not mint is never used: the add gets a fresh cart', async () => {
    const { sku } = await stockedProduct(services);
    const invented = `guest:${'ab'.repeat(16)}`;
    const read = await getCart({ 'X-Cart-Id': invented });
    assert.equal(read.status, 200);
    assert.deepEqual([read.body.cartId, read.body.lines], [null, []]);
    const added = await add(sku, 1, { 'X-Cart-Id': invented });
    assert.equal(added.status, 200);
    assert.match(added.body.cartId ?? '', guestIdPattern);
    assert.notEqual(added.body.cartId, invented);
    assert.equal(await services.redis.exists(cartKey(invented)), 0);
  });

  test('a guest cart named by X-Cart-Id merges into the buyer cart at sign-in, once', async () => {
    const shopper = await register(api.baseUrl, 'buyer');
    const { product, sku: both } = await stockedProduct(services, { price: 2500 });
    const { sku: guestOnly } = await stockedProduct(services, { price: 800 });
    await add(both, 1, shopper.auth);
    await updateProduct(services.collections, cache(), product._id, product.version, { price: usd(2700) });
    const guestCart = await add(both, 2, {});
    const guestId = guestCart.body.cartId ?? '';
    await add(guestOnly, 3, { 'X-Cart-Id': guestId });

    const login = () =>
      call(api.baseUrl, 'POST', '/auth/login', {
        body: { email: shopper.email, password: shopper.password },
        headers: { 'X-Cart-Id': guestId, 'x-forwarded-for': clientAddress() },
      });
    assert.equal((await login()).status, 200);
    const merged = (await getCart(shopper.auth)).body;
    assert.equal(merged.cartId, buyerCartId(shopper.userId));
    const lines = new Map(merged.lines.map((l) => [l.sku, l]));
    assert.equal(lines.get(both)?.quantity, 3, 'quantities add up');
    assert.deepEqual(lines.get(both)?.priceAtAdd, usd(2500), "the buyer's own snapshot wins");
    assert.equal(lines.get(both)?.priceChanged, true);
    assert.equal(lines.get(guestOnly)?.quantity, 3);
    assert.deepEqual(lines.get(guestOnly)?.priceAtAdd, usd(800));
    assert.equal(await services.redis.exists(cartKey(guestId)), 0, 'the guest cart is gone');
    assert.deepEqual((await getCart({ 'X-Cart-Id': guestId })).body.lines, []);

    assert.equal((await login()).status, 200);
    const afterRetry = (await getCart(shopper.auth)).body;
    assert.deepEqual(
      afterRetry.lines.map((l) => [l.sku, l.quantity]),
      merged.lines.map((l) => [l.sku, l.quantity]),
      'signing in again merges nothing twice',
    );
  });

  test('a sign-in that died after merging but before deleting the guest cart merges nothing twice', async () => {
    const shopper = await register(api.baseUrl, 'buyer');
    const { sku } = await stockedProduct(services);
    const guestId = (await add(sku, 2, {})).body.cartId ?? '';
    const store = new CartStore(services.redis);
    const guest = await store.read(guestId, { touch: false });
    assert.ok(guest);
    // The first attempt got as far as the merge, then the process died before deleting the guest cart.
    assert.equal((await store.merge(guest, buyerCartId(shopper.userId))).kind, 'merged');
    const login = await call(api.baseUrl, 'POST', '/auth/login', {
      body: { email: shopper.email, password: shopper.password },
      headers: { 'X-Cart-Id': guestId, 'x-forwarded-for': clientAddress() },
    });
    assert.equal(login.status, 200);
    assert.deepEqual(
      (await getCart(shopper.auth)).body.lines.map((l) => [l.sku, l.quantity]),
      [[sku, 2]],
    );
    assert.equal(await services.redis.exists(cartKey(guestId)), 0);
  });

  test('a guest cart in the cart_id cookie merges at sign-in too, with its promo code', async () => {
    const shopper = await register(api.baseUrl, 'buyer');
    const { sku } = await stockedProduct(services, { price: 5000 });
    const code = await createPromo({ kind: 'percent', percentBps: 1000, ...open, minSubtotal: usd(0) });
    const guestId = (await add(sku, 1, {})).body.cartId ?? '';
    const applied = await cartCall('POST', '/cart/promo', {
      body: { code },
      headers: { 'X-Cart-Id': guestId, 'x-forwarded-for': clientAddress() },
    });
    assert.equal(applied.status, 200, JSON.stringify(applied.body));

    const login = await call(api.baseUrl, 'POST', '/auth/login', {
      body: { email: shopper.email, password: shopper.password },
      headers: { cookie: `cart_id=${guestId}`, 'x-forwarded-for': clientAddress() },
    });
    assert.equal(login.status, 200);
    const cart = (await getCart(shopper.auth)).body;
    assert.deepEqual(
      cart.lines.map((l) => [l.sku, l.quantity]),
      [[sku, 1]],
    );
    assert.equal(cart.promo?.code, code);
    assert.deepEqual(cart.total, usd(4500));
  });

  test("no buyer can read or change another buyer's cart", async () => {
    const other = await register(api.baseUrl, 'buyer');
    const { sku } = await stockedProduct(services);
    await add(sku, 2);
    const mine = buyerCartId(buyer.userId);

    const peek = await getCart({ ...other.auth, 'X-Cart-Id': mine });
    assert.equal(peek.status, 200);
    assert.equal(peek.body.cartId, buyerCartId(other.userId), 'a signed-in buyer always gets their own cart');
    assert.deepEqual(peek.body.lines, []);
    const change = await cartCall('PATCH', `/cart/lines/${sku}`, {
      body: { quantity: 1 },
      headers: { ...other.auth, 'X-Cart-Id': mine, cookie: `cart_id=${mine}` },
    });
    assert.equal(change.status, 404);
    const remove = await cartCall('DELETE', `/cart/lines/${sku}`, {
      headers: { ...other.auth, 'X-Cart-Id': mine },
    });
    assert.equal(remove.status, 404);

    const asGuest = await getCart({ 'X-Cart-Id': mine });
    assert.equal(asGuest.status, 400, "a buyer's cart id is not a guest cart id");
    assert.equal(asProblem(asGuest).type, problem('invalid-cart-id'));
    const byCookie = await getCart({ cookie: `cart_id=${mine}` });
    assert.deepEqual([byCookie.body.cartId, byCookie.body.lines], [null, []]);

    // Signing in with someone else's buyer cart id merges nothing: only guest carts merge.
    await call(api.baseUrl, 'POST', '/auth/login', {
      body: { email: other.email, password: other.password },
      headers: { 'X-Cart-Id': mine, 'x-forwarded-for': clientAddress() },
    });
    assert.deepEqual((await getCart(other.auth)).body.lines, []);
    assert.equal((await getCart()).body.lines[0]?.quantity, 2, "the first buyer's cart is untouched");

    const staff = await getCart(ops);
    assert.equal(staff.status, 403);
  });

  test('promo codes: percent, fixed, expired, not yet valid, minimum order and unknown', async () => {
    const { sku } = await stockedProduct(services, { price: 2500 });
    await add(sku, 2);
    const percent = await createPromo({ kind: 'percent', percentBps: 1000, ...open, minSubtotal: usd(0) });
    const fixed = await createPromo({ kind: 'fixed', amount: usd(700), ...open, minSubtotal: usd(4000) });
    const expired = await createPromo({
      kind: 'percent',
      percentBps: 5000,
      validFrom: new Date(now - 10 * day).toISOString(),
      validUntil: new Date(now - day).toISOString(),
      minSubtotal: usd(0),
    });
    const future = await createPromo({
      kind: 'fixed',
      amount: usd(100),
      validFrom: new Date(now + day).toISOString(),
      validUntil: new Date(now + 10 * day).toISOString(),
      minSubtotal: usd(0),
    });
    const big = await createPromo({ kind: 'fixed', amount: usd(100), ...open, minSubtotal: usd(100_000) });
    const euro = await createPromo({
      kind: 'fixed',
      amount: { amount: 100, currency: 'EUR' },
      ...open,
      minSubtotal: { amount: 0, currency: 'EUR' },
    });
    const apply = (code: string) => cartCall('POST', '/cart/promo', { body: { code } });

    const pct = await apply(percent.toLowerCase());
    assert.equal(pct.status, 200, JSON.stringify(pct.body));
    assert.deepEqual(pct.body.promo, { code: percent, discount: usd(500), valid: true });
    assert.deepEqual([pct.body.subtotal, pct.body.total], [usd(5000), usd(4500)]);

    const fix = await apply(fixed);
    assert.deepEqual(fix.body.promo, { code: fixed, discount: usd(700), valid: true });
    assert.deepEqual(fix.body.total, usd(4300));

    for (const [code, reason] of [
      [expired, 'expired'],
      [future, 'not-yet-valid'],
      [big, 'below-minimum'],
      [euro, 'currency-mismatch'],
    ] as const) {
      const res = await apply(code);
      assert.equal(res.status, 422, code);
      assert.equal(asProblem(res).type, problem('promo-not-applicable'));
      assert.equal(asProblem(res).reason, reason);
    }
    const unknown = await apply('NO-SUCH-CODE-EVER');
    assert.equal(unknown.status, 404);
    assert.equal(asProblem(unknown).type, problem('promo-not-found'));
    assert.equal((await getCart()).body.promo?.code, fixed, 'a refused code leaves the applied one');

    // The minimum is judged again whenever the cart is shown.
    const shrunk = await cartCall('PATCH', `/cart/lines/${sku}`, { body: { quantity: 1 } });
    assert.deepEqual(shrunk.body.promo, {
      code: fixed,
      discount: usd(0),
      valid: false,
      reason: 'below-minimum',
    });
    assert.deepEqual(shrunk.body.total, usd(2500));

    const removed = await cartCall('DELETE', '/cart/promo');
    assert.equal(removed.status, 200);
    assert.equal(removed.body.promo, null);
    assert.deepEqual(await cartForCheckout(services, buyerCartId(buyer.userId)), {
      lines: [{ sku, quantity: 1 }],
    });
    await apply(percent);
    assert.deepEqual(await cartForCheckout(services, buyerCartId(buyer.userId)), {
      lines: [{ sku, quantity: 1 }],
      promoCode: percent,
    });
    await clearCart(services, buyerCartId(buyer.userId));
    assert.equal(await cartForCheckout(services, buyerCartId(buyer.userId)), undefined);

    const empty = await apply(percent);
    assert.equal(empty.status, 422);
    assert.equal(asProblem(empty).reason, 'cart-empty');
  });

  test('only ops create and list promo codes; bodies are validated; the code is its own idempotency key', async () => {
    const body = { kind: 'percent', percentBps: 1500, ...open, minSubtotal: usd(1000) };
    const asBuyer = await call(api.baseUrl, 'POST', '/ops/promotions', {
      body: { code: 'BUYER-MADE', ...body },
      headers: buyer.auth,
    });
    assert.equal(asBuyer.status, 403);
    assert.equal((await call(api.baseUrl, 'GET', '/ops/promotions', { headers: buyer.auth })).status, 403);

    const code = await createPromo(body);
    const again = await call(api.baseUrl, 'POST', '/ops/promotions', {
      body: { code, ...body },
      headers: ops,
    });
    assert.equal(again.status, 200);
    const clash = await call(api.baseUrl, 'POST', '/ops/promotions', {
      body: { code, ...body, percentBps: 2000 },
      headers: ops,
    });
    assert.equal(clash.status, 409);

    const bad: Array<Record<string, unknown>> = [
      { ...body, percentBps: 0 },
      { ...body, percentBps: 10_001 },
      { ...body, amount: usd(100) },
      { ...body, kind: 'fixed' },
      { ...body, kind: 'bogo' },
      { ...body, validUntil: body.validFrom },
      { ...body, validFrom: 'yesterday' },
      { ...body, minSubtotal: { amount: -1, currency: 'USD' } },
      { kind: 'fixed', amount: { amount: 100, currency: 'EUR' }, ...open, minSubtotal: usd(0) },
      { ...body, surprise: true },
    ];
    for (const [i, candidate] of bad.entries()) {
      const res = await call<Problem>(api.baseUrl, 'POST', '/ops/promotions', {
        body: { code: `BAD-${i}`, ...candidate },
        headers: ops,
      });
      assert.equal(res.status, 422, `case ${i}: ${JSON.stringify(res.body)}`);
      assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    }
    const badCode = await call(api.baseUrl, 'POST', '/ops/promotions', {
      body: { code: 'no spaces!', ...body },
      headers: ops,
    });
    assert.equal(badCode.status, 422);

    let found: { code: string; percentBps?: number } | undefined;
    for (let offset: number | null = 0; offset !== null && !found;) {
      const page: JsonResponse<{
        items: { code: string; percentBps?: number }[];
        nextOffset: number | null;
      }> = await call(api.baseUrl, 'GET', `/ops/promotions?limit=100&offset=${offset}`, { headers: ops });
      assert.equal(page.status, 200);
      found = page.body.items.find((item) => item.code === code);
      offset = page.body.nextOffset;
    }
    assert.equal(found?.percentBps, 1500);
  });

  test('a cart expires after 30 days without activity; every touch starts the 30 days again', async () => {
    const { sku } = await stockedProduct(services);
    const added = await add(sku, 1);
    const key = cartKey(buyerCartId(buyer.userId));
    const ttl = await services.redis.pttl(key);
    assert.ok(ttl > 30 * day - 60_000 && ttl <= 30 * day, `PTTL ${ttl}`);
    const expiresIn = Date.parse(added.body.expiresAt ?? '') - Date.now();
    assert.ok(
      expiresIn > 30 * day - 60_000 && expiresIn <= 30 * day + 1000,
      `expiresAt ${added.body.expiresAt}`,
    );

    await services.redis.pexpire(key, 60_000);
    await getCart();
    assert.ok((await services.redis.pttl(key)) > 30 * day - 60_000, 'reading the cart refreshed its expiry');
    await services.redis.pexpire(key, 60_000);
    await cartCall('PATCH', `/cart/lines/${sku}`, { body: { quantity: 2 } });
    assert.ok((await services.redis.pttl(key)) > 30 * day - 60_000, 'changing a line refreshed its expiry');

    const guest = await add(sku, 1, {});
    const guestTtl = await services.redis.pttl(cartKey(guest.body.cartId ?? ''));
    assert.ok(guestTtl > 30 * day - 60_000, `guest PTTL ${guestTtl}`);
  });

  test('bad input is a 4xx problem, never a 500', async () => {
    const { sku } = await stockedProduct(services);
    const cases: Array<[unknown, number]> = [
      [{ sku, quantity: 0 }, 422],
      [{ sku, quantity: 1001 }, 422],
      [{ sku, quantity: 1.5 }, 422],
      [{ sku, quantity: '2' }, 422],
      [{ sku }, 422],
      [{ quantity: 1 }, 422],
      [{ sku: 'no spaces allowed', quantity: 1 }, 422],
      [{ sku, quantity: 1, price: usd(1) }, 422],
      [[], 422],
      ['{"sku": ', 400],
    ];
    for (const [body, status] of cases) {
      const res = await cartCall('POST', '/cart/add', { body });
      assert.equal(res.status, status, JSON.stringify(body));
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    }
    const plain = await fetch(`${api.baseUrl}/cart/add`, {
      method: 'POST',
      headers: { ...buyer.auth, 'content-type': 'text/plain' },
      body: 'sku=x',
    });
    assert.equal(plain.status, 415);

    const unknown = await add(uniqueId('NOSKU'), 1);
    assert.equal(unknown.status, 422);
    assert.equal(asProblem(unknown).type, problem('sku-not-for-sale'));

    const { product: draft, sku: draftSku } = await stockedProduct(services);
    await updateProduct(services.collections, cache(), draft._id, draft.version, { status: 'draft' });
    assert.equal(asProblem(await add(draftSku, 1)).type, problem('sku-not-for-sale'));

    await add(sku, 1000);
    const tooMany = await add(sku, 1);
    assert.equal(tooMany.status, 422);
    assert.equal(asProblem(tooMany).type, problem('quantity-limit'));

    const { product: euro, sku: euroSku } = await stockedProduct(services);
    await updateProduct(services.collections, cache(), euro._id, euro.version, {
      price: { amount: 900, currency: 'EUR' },
    });
    const mixed = await add(euroSku, 1);
    assert.equal(mixed.status, 422);
    assert.equal(asProblem(mixed).type, problem('mixed-currency'));

    const badParam = await cartCall('PATCH', '/cart/lines/%20bad%20', { body: { quantity: 1 } });
    assert.equal(badParam.status, 400);
    const badPatch = await cartCall('PATCH', `/cart/lines/${sku}`, { body: { quantity: 2, sku } });
    assert.equal(badPatch.status, 422);
    const badPromo = await cartCall('POST', '/cart/promo', { body: { code: 'x' } });
    assert.equal(badPromo.status, 422);
    const badGuest = await getCart({ 'X-Cart-Id': 'guest:short' });
    assert.equal(badGuest.status, 400);
    const badToken = await getCart({ authorization: 'Bearer not.a.token' });
    assert.equal(badToken.status, 401);
  });

  test('a cart holds at most 100 lines', async () => {
    const skus = Array.from({ length: 101 }, (_, i) => `${uniqueId('LINE').toUpperCase()}-${i}`);
    await createProduct(services.collections, {
      _id: uniqueId('prd'),
      sellerId: 'sel_test',
      title: 'Many variants',
      description: 'A product made by a test',
      category: 'kitchen',
      attributes: {},
      mediaUrls: [],
      price: usd(100),
      skus: skus.map((sku) => ({ sku, attributes: {} })),
      status: 'active',
      sellerPaused: false,
    });
    for (const sku of skus.slice(0, 100)) assert.equal((await add(sku, 1)).status, 200);
    const last = await add(skus[100] ?? '', 1);
    assert.equal(last.status, 422);
    assert.equal(asProblem(last).type, problem('line-limit'));
    assert.equal((await getCart()).body.lines.length, 100);
  });

  test('every cart path is in the OpenAPI document', async () => {
    const doc = await call<{ paths: Record<string, Record<string, unknown>> }>(
      api.baseUrl,
      'GET',
      '/openapi.json',
    );
    const paths = doc.body.paths;
    assert.ok(paths['/cart/add']?.post);
    assert.ok(paths['/cart']?.get);
    assert.ok(paths['/cart/lines/{sku}']?.patch);
    assert.ok(paths['/cart/lines/{sku}']?.delete);
    assert.ok(paths['/cart/promo']?.post);
    assert.ok(paths['/cart/promo']?.delete);
    assert.ok(paths['/ops/promotions']?.post);
    assert.ok(paths['/ops/promotions']?.get);
  });
});
