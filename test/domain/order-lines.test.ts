import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MixedCurrencyOrderError, mergeLines, orderTotals, type PricedLine } from '../../domain/order-lines';
import { canTransition, isTerminal } from '../../domain/order-status';

const line = (
  sku: string,
  sellerId: string,
  quantity: number,
  amount: number,
  currency = 'USD',
): PricedLine => ({
  sku,
  sellerId,
  quantity,
  productId: `p-${sku}`,
  title: sku,
  unitPrice: { amount, currency },
});

test('the same SKU twice is merged into one line', () => {
  assert.deepEqual(
    mergeLines([
      { sku: 'A', quantity: 1 },
      { sku: 'B', quantity: 2 },
      { sku: 'A', quantity: 3 },
    ]),
    [
      { sku: 'A', quantity: 4 },
      { sku: 'B', quantity: 2 },
    ],
  );
});

test('totals add up per seller and overall', () => {
  const totals = orderTotals([line('A', 's1', 2, 1000), line('B', 's2', 1, 550), line('C', 's1', 3, 10)]);
  assert.deepEqual(totals.subtotal, { amount: 2580, currency: 'USD' });
  assert.deepEqual(totals.bySeller, {
    s1: { amount: 2030, currency: 'USD' },
    s2: { amount: 550, currency: 'USD' },
  });
});

test('an order is in one currency and has at least one line', () => {
  assert.throws(
    () => orderTotals([line('A', 's1', 1, 100), line('B', 's1', 1, 100, 'EUR')]),
    MixedCurrencyOrderError,
  );
  assert.throws(() => orderTotals([]), RangeError);
});

test('order status moves forward only', () => {
  assert.ok(canTransition('received', 'reserving_stock'));
  assert.ok(canTransition('awaiting_payment', 'confirmed'));
  assert.ok(!canTransition('delivered', 'shipped'));
  assert.ok(!canTransition('cancelled', 'confirmed'));
  assert.ok(canTransition('confirmed', 'confirmed'), 'a repeated event is harmless');
  assert.ok(isTerminal('failed'));
  assert.ok(!isTerminal('shipped'));
});
