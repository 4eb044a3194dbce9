import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { buyerCartId } from '../cart/cart-ids';
import { clearCart } from '../cart/checkout-cart';
import type { Money } from '../domain/money';
import type { Services } from '../integrations/services';
import {
  call,
  connectTestServices,
  eventually,
  opsAuth,
  register,
  startApi,
  startWorker,
  stockedProduct,
  testEnv,
  testShipTo as shipTo,
  uniqueId,
  type Account,
  type RunningApi,
  type RunningWorker,
} from './support/stack';
import { type PlaceOrder, cartFor, checkout, orderOf, storefront } from './support/storefront';
import { startStripeRecorder, type StripeRecorder } from './support/stripe-recorder';

interface SellerPart {
  sellerId: string;
  subtotal: Money;
  discount: Money;
  shipping: Money;
  tax: Money;
  total: Money;
}
interface Cart {
  lines: { sku: string }[];
  subtotal: Money | null;
  shipping: Money | null;
  tax: Money | null;
  bySeller: SellerPart[];
  total: Money | null;
  destination: { country: string; region?: string } | null;
}

const usd = (amount: number): Money => ({ amount, currency: 'USD' });
const problem = (type: string) => `https://marketplace.dev/problems/${type}`;

// A storefront shows the cart's total for the buyer's address, then checks out: what the card is asked to
// hold must be that total, and a checkout retried after a timeout must answer the order it already made.
describe('from cart to checkout, as a storefront does it', () => {
  let stripe: StripeRecorder;
  let services: Services;
  let api: RunningApi;
  let worker: RunningWorker;
  let buyer: Account;

  before(async () => {
    stripe = await startStripeRecorder(testEnv().STRIPE_API_BASE);
    services = await connectTestServices({ STRIPE_API_BASE: stripe.baseUrl });
    worker = await startWorker(services);
    api = await startApi(services);
    buyer = await register(api.baseUrl, 'buyer');
  });

  after(async () => {
    await api.stop();
    await worker.stop();
    await services.close();
    await stripe.stop();
  });

  beforeEach(async () => {
    await clearCart(services, buyerCartId(buyer.userId));
  });

  // The storefront's own calls go through the typed client generated from /openapi.json.
  const client = () => storefront(api.baseUrl, buyer);
  const add = async (sku: string, quantity: number) =>
    (await client().POST('/cart/add', { body: { sku, quantity } })).response;
  const cartAt = (destination: { country?: string; region?: string } = {}) => cartFor(client(), destination);
  // Requests the contract does not allow are sent raw: the point is that they are refused.
  const rawCart = (query: string) => call<Cart>(api.baseUrl, 'GET', `/cart${query}`, { headers: buyer.auth });
  const placeOrder = (key: string, body: Partial<PlaceOrder> = {}) =>
    checkout(client(), key, { shipTo, paymentMethodId: 'pm_card_visa', ...body });
  const settled = (orderId: string) =>
    eventually(
      async () => {
        const order = await orderOf(client(), orderId);
        return ['confirmed', 'failed', 'cancelled'].includes(order.status) ? order : undefined;
      },
      { what: `order ${orderId} to settle` },
    );
  /** What the card was asked to hold, per seller: read off the requests the Stripe client really sent. */
  const authorized = (orderId: string) =>
    stripe.calls
      .filter((c) => c.method === 'POST' && c.path === '/v1/payment_intents')
      .filter((c) => c.params.get('metadata[orderId]') === orderId)
      .map((c) => ({ sellerId: c.params.get('metadata[sellerId]'), amount: Number(c.params.get('amount')) }));

  test("the cart's total for a destination is what checkout authorizes, seller by seller", async () => {
    const a = await stockedProduct(services, { price: 1999, sellerId: uniqueId('sel') });
    const b = await stockedProduct(services, { price: 2500, sellerId: uniqueId('sel') });
    const ops = await opsAuth(api.baseUrl, services);
    const code = `T-${uniqueId('C').toUpperCase()}`.slice(0, 32);
    const now = Date.now();
    const promo = await call(api.baseUrl, 'POST', '/ops/promotions', {
      headers: ops,
      body: {
        code,
        kind: 'percent',
        percentBps: 1000,
        minSubtotal: usd(0),
        validFrom: new Date(now - 3_600_000).toISOString(),
        validUntil: new Date(now + 3_600_000).toISOString(),
      },
    });
    assert.equal(promo.status, 201, JSON.stringify(promo.body));
    assert.equal((await add(a.sku, 2)).status, 200);
    assert.equal((await add(b.sku, 1)).status, 200);
    const withPromo = await call(api.baseUrl, 'POST', '/cart/promo', { headers: buyer.auth, body: { code } });
    assert.equal(withPromo.status, 200, JSON.stringify(withPromo.body));

    const plain = await cartAt();
    assert.equal(plain.body.destination, null);
    assert.equal(plain.body.shipping, null, 'no destination, no shipping yet');
    assert.deepEqual(plain.body.total, usd(5848), 'goods 6498 less 10% (650)');

    const cart = await cartAt({ country: shipTo.country, region: shipTo.region });
    assert.equal(cart.status, 200, JSON.stringify(cart.body));
    assert.deepEqual(cart.body.destination, { country: 'US', region: 'TX' });
    assert.deepEqual(cart.body.shipping, usd(998), 'each seller ships its own parcel');
    assert.equal(cart.body.bySeller.length, 2);
    const total = cart.body.total?.amount ?? 0;
    assert.equal(total, 5848 + 998 + (cart.body.tax?.amount ?? 0));
    assert.ok((cart.body.tax?.amount ?? 0) > 0, 'Texas taxes goods and shipping');

    const placed = await placeOrder(uniqueId('key'));
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    const order = await settled(placed.body.orderId);
    assert.equal(order.status, 'confirmed', order.failureReason);
    assert.deepEqual(order.total, cart.body.total);
    const holds = authorized(placed.body.orderId);
    assert.equal(
      holds.reduce((sum, h) => sum + h.amount, 0),
      total,
      'the card holds exactly the total the cart showed',
    );
    assert.deepEqual(
      holds.map((h) => [h.sellerId, h.amount]).sort(),
      cart.body.bySeller.map((s) => [s.sellerId, s.total.amount]).sort(),
    );
  });

  test('abroad, shipping is international and the tax is that country’s', async () => {
    const a = await stockedProduct(services, { price: 1000, sellerId: uniqueId('sel') });
    assert.equal((await add(a.sku, 1)).status, 200);
    const cart = await cartAt({ country: 'DE' });
    assert.deepEqual(cart.body.shipping, usd(1499));
    assert.deepEqual(cart.body.tax, usd(Math.round((1000 + 1499) * 0.19)));
    const bad = await rawCart('?region=TX');
    assert.equal(bad.status, 400, 'a region needs its country');
    assert.equal((await rawCart('?country=germany')).status, 400);
    assert.equal((await rawCart('?country=DE&colour=red')).status, 400);
    await call(api.baseUrl, 'DELETE', `/cart/lines/${a.sku}`, { headers: buyer.auth });
  });

  test('a checkout retried after the cart was emptied answers the same order; another body is refused', async () => {
    const { sku } = await stockedProduct(services, { stock: 5, sellerId: uniqueId('sel') });
    assert.equal((await add(sku, 1)).status, 200);
    const key = uniqueId('key');
    const first = await placeOrder(key);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    assert.equal((await cartAt()).body.lines.length, 0, 'the cart became the order');

    const retry = await placeOrder(key);
    assert.equal(retry.status, first.status);
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.headers.get('location'), first.headers.get('location'));

    const other = await placeOrder(key, { billingCountry: 'GB' });
    assert.equal(other.status, 422);
    assert.equal((other.body as unknown as { type: string }).type, problem('idempotency-key-reused'));

    // The buyer fills the cart again: a late retry still answers the first order and leaves the new cart be.
    assert.equal((await add(sku, 2)).status, 200);
    const late = await placeOrder(key);
    assert.deepEqual(late.body, first.body);
    assert.equal((await cartAt()).body.lines.length, 1);
    const order = await settled(first.body.orderId);
    assert.equal(order.status, 'confirmed', order.failureReason);
    assert.equal(authorized(first.body.orderId).length, 1, 'one authorization for one order');
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 4, 'one unit held, once');
    await call(api.baseUrl, 'DELETE', `/cart/lines/${sku}`, { headers: buyer.auth });
  });
});
