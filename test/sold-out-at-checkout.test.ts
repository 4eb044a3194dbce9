import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createActivities } from '../activities';
import { buyerCartId } from '../cart/cart-ids';
import { clearCart } from '../cart/checkout-cart';
import type { Services } from '../integrations/services';
import {
  eventually,
  register,
  startTestStack,
  stockedProduct,
  testShipTo as shipTo,
  uniqueId,
  type Account,
  type TestStack,
} from './support/stack';
import { cartFor, checkout, orderOf, storefront } from './support/storefront';

const problem = (type: string) => `https://marketplace.dev/problems/${type}`;

// Sold out at the door: an ordinary checkout asking for more than Redis counts available is refused before
// any order exists (409 out-of-stock), as a storefront sees it through the typed client: nothing recorded,
// held, charged or written to the stock ledger, the cart kept, and the Idempotency-Key still usable.
describe('sold out at the door, through the API', () => {
  let stack: TestStack;
  let services: Services;
  let buyer: Account;

  before(async () => {
    stack = await startTestStack();
    ({ services } = stack);
    buyer = await register(stack.api.baseUrl, 'buyer');
  });

  after(() => stack.stop());

  beforeEach(async () => {
    await clearCart(services, buyerCartId(buyer.userId));
  });

  const client = () => storefront(stack.api.baseUrl, buyer);
  const add = async (sku: string, quantity: number) => {
    const { response } = await client().POST('/cart/add', { body: { sku, quantity } });
    assert.equal(response.status, 200);
  };
  const cartLines = async () =>
    (await cartFor(client())).body.lines.map(({ sku, quantity }) => ({ sku, quantity }));
  const ledgerOf = (sku: string) => services.collections.stockLedger.find({ sku }).toArray();
  const ordersOfBuyer = () => services.collections.orders.countDocuments({ customerId: buyer.userId });
  const settled = (orderId: string) =>
    eventually(
      async () => {
        const order = await orderOf(client(), orderId);
        return ['confirmed', 'failed', 'cancelled'].includes(order.status) ? order : undefined;
      },
      { what: `order ${orderId} to settle` },
    );

  test('a cart asking for more than is left: 409, no order, cart kept, the key works once stock returns', async () => {
    const short = await stockedProduct(services, { stock: 1, price: 1500 });
    const plenty = await stockedProduct(services, { stock: 5, price: 700 });
    await add(short.sku, 2);
    await add(plenty.sku, 1);
    const cartBefore = await cartLines();
    const ordersBefore = await ordersOfBuyer();
    const ledgerBefore = [...(await ledgerOf(short.sku)), ...(await ledgerOf(plenty.sku))];
    const key = uniqueId('key');

    const refused = await checkout(client(), key, { shipTo, paymentMethodId: 'pm_card_visa' });
    assert.equal(refused.status, 409);
    assert.equal(refused.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(refused.body.type, problem('out-of-stock'));
    const { error } = await client().POST('/orders', {
      params: { header: { 'idempotency-key': uniqueId('key') } },
      body: { shipTo, paymentMethodId: 'pm_card_visa' },
    });
    // The typed client reads the SKUs short off the documented 409.
    assert.deepEqual(error && 'skus' in error ? error.skus : undefined, [
      { sku: short.sku, requested: 2, available: 1 },
    ]);

    assert.equal(await ordersOfBuyer(), ordersBefore, 'no order was recorded');
    assert.deepEqual(await cartLines(), cartBefore, 'the cart is kept');
    assert.deepEqual(
      [...(await ledgerOf(short.sku)), ...(await ledgerOf(plenty.sku))],
      ledgerBefore,
      'nothing was written to the stock ledger',
    );
    const available = await services.counters.totalAvailable([short.sku, plenty.sku]);
    assert.equal(available.get(short.sku), 1, 'nothing was held');
    assert.equal(available.get(plenty.sku), 5, 'nothing was held');
    assert.equal(
      await services.collections.idempotencyKeys.findOne({ _id: `orders:${buyer.userId}:${key}` }),
      null,
      'the key was not claimed',
    );

    // The seller receives a unit; the same checkout under the same key now becomes the order.
    await createActivities(services).adjustStock({
      sku: short.sku,
      warehouseId: 'wh-test',
      delta: 1,
      adjustmentKey: uniqueId('restock'),
    });
    const placed = await checkout(client(), key, { shipTo, paymentMethodId: 'pm_card_visa' });
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    assert.equal((await settled(placed.body.orderId)).status, 'confirmed');
    assert.deepEqual(await cartLines(), [], 'the cart became the order');
    // A retry after the order took the last units answers that order, not "out of stock".
    const retried = await checkout(client(), key, { shipTo, paymentMethodId: 'pm_card_visa' });
    assert.equal(retried.status, 202);
    assert.equal(retried.body.orderId, placed.body.orderId);
    assert.equal(await ordersOfBuyer(), ordersBefore + 1);
  });

  test('units asked for in several lines of one SKU are counted together', async () => {
    const { sku } = await stockedProduct(services, { stock: 2 });
    const refused = await checkout(client(), uniqueId('key'), {
      shipTo,
      paymentMethodId: 'pm_card_visa',
      lines: [
        { sku, quantity: 2 },
        { sku, quantity: 1 },
      ],
    });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.type, problem('out-of-stock'));
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 2);
  });

  test('a checkout another check refuses leaves nothing counted at the door', async () => {
    const { sku } = await stockedProduct(services, { stock: 11 });
    // Unpaid, 11 units are past what one unpaid order may hold (10): refused, though the door had room.
    const unpaid = await checkout(client(), uniqueId('key'), { shipTo, lines: [{ sku, quantity: 11 }] });
    assert.equal(unpaid.status, 422);
    assert.equal(unpaid.body.type, problem('unpaid-quantity-limit'));
    const paid = await checkout(client(), uniqueId('key'), {
      shipTo,
      paymentMethodId: 'pm_card_visa',
      lines: [{ sku, quantity: 11 }],
    });
    assert.equal(paid.status, 202, JSON.stringify(paid.body));
    assert.equal((await settled(paid.body.orderId)).status, 'confirmed');
  });

  test('a SKU that does not exist is named as not for sale, not as sold out', async () => {
    const { sku: soldOut } = await stockedProduct(services, { stock: 0 });
    const unknown = uniqueId('NOSUCH').toUpperCase();
    const refused = await checkout(client(), uniqueId('key'), {
      shipTo,
      paymentMethodId: 'pm_card_visa',
      lines: [
        { sku: soldOut, quantity: 1 },
        { sku: unknown, quantity: 1 },
      ],
    });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.type, problem('sku-not-for-sale'));
    assert.deepEqual((refused.body as unknown as { skus: string[] }).skus, [unknown]);
  });

  test('a used key with another body is refused as reused, even when that body is sold out', async () => {
    const { sku } = await stockedProduct(services, { stock: 1 });
    const key = uniqueId('key');
    const placed = await checkout(client(), key, {
      shipTo,
      paymentMethodId: 'pm_card_visa',
      lines: [{ sku, quantity: 1 }],
    });
    assert.equal(placed.status, 202);
    const other = await checkout(client(), key, {
      shipTo,
      paymentMethodId: 'pm_card_visa',
      lines: [{ sku, quantity: 5 }],
    });
    assert.equal(other.status, 422);
    assert.equal(other.body.type, problem('idempotency-key-reused'));
    await settled(placed.body.orderId);
  });
});
