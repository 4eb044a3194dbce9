import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refuseReturn, unitsAlreadyReturned } from '../../domain/return-request';
import { type SubOrderPricing, returnRefund } from '../../domain/return-refund';
import { isOpenReturn, parcelAdvance, returnStatuses } from '../../domain/return-status';
import { defaultReturnPolicy } from '../../domain/return-window';

const usd = (amount: number) => ({ amount, currency: 'USD' });

// 3 × 20.00 and 1 × 9.99, 5.00 off, 4.99 shipping, tax 6.25% on goods and shipping (Texas).
const pricing: SubOrderPricing = {
  lines: [
    { sku: 'A', quantity: 3, unitPrice: usd(2000) },
    { sku: 'B', quantity: 1, unitPrice: usd(999) },
  ],
  subtotal: usd(6999),
  discount: usd(500),
  shipping: usd(499),
  tax: usd(437),
  taxShipping: true,
};

test('a refund is the units’ share of goods after discount, plus the tax on them, never shipping', () => {
  // Goods net 6499; their tax 437 × 6499 / 6998 = 405.9 → 406; pool 6905; one A is 2000/6999 of it.
  assert.deepEqual(returnRefund(pricing, { A: 1 }), usd(Math.floor((6905 * 2000) / 6999)));
  assert.deepEqual(returnRefund(pricing, { A: 3, B: 1 }), usd(6905));
  assert.deepEqual(returnRefund(pricing, {}), usd(0));
});

test('refunds over several returns add up to the whole pool to the cent', () => {
  const first = returnRefund(pricing, { A: 1 });
  const second = returnRefund(pricing, { A: 1, B: 1 }, { A: 1 });
  const third = returnRefund(pricing, { A: 1 }, { A: 2, B: 1 });
  assert.equal(first.amount + second.amount + third.amount, 6905);
});

test('without tax on shipping all the tax belongs to the goods; more units than bought count as bought', () => {
  const untaxedShipping = { ...pricing, taxShipping: false, tax: usd(406) };
  assert.deepEqual(returnRefund(untaxedShipping, { A: 3, B: 1 }), usd(6905));
  assert.deepEqual(returnRefund(untaxedShipping, { A: 9, B: 1 }), usd(6905));
});

const delivered = {
  status: 'delivered',
  deliveredAt: new Date('2026-01-01T00:00:00Z'),
  lines: [
    { sku: 'A', quantity: 3, category: 'kitchen' },
    { sku: 'F', quantity: 1, category: 'food' },
  ],
};
const policy = { ...defaultReturnPolicy, daysByCategory: { food: 0, kitchen: 14 } };
const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));

test('a return is refused before delivery, after the window, for other items and for too many units', () => {
  assert.equal(refuseReturn(delivered, [{ sku: 'A', quantity: 1 }], [], policy, day(13)), undefined);
  assert.equal(
    refuseReturn(delivered, [{ sku: 'A', quantity: 1 }], [], policy, day(14))?.kind,
    'window-closed',
  );
  assert.equal(
    refuseReturn(delivered, [{ sku: 'F', quantity: 1 }], [], policy, day(0))?.kind,
    'window-closed',
  );
  assert.equal(
    refuseReturn({ ...delivered, status: 'shipped' }, [{ sku: 'A', quantity: 1 }], [], policy, day(1))?.kind,
    'not-delivered',
  );
  assert.equal(
    refuseReturn(delivered, [{ sku: 'Z', quantity: 1 }], [], policy, day(1))?.kind,
    'not-in-order',
  );
  assert.equal(
    refuseReturn(delivered, [{ sku: 'A', quantity: 4 }], [], policy, day(1))?.kind,
    'too-many-units',
  );
  const earlier = [{ status: 'in_transit' as const, lines: [{ sku: 'A', quantity: 2 }] }];
  assert.equal(
    refuseReturn(delivered, [{ sku: 'A', quantity: 2 }], earlier, policy, day(1))?.kind,
    'too-many-units',
  );
  assert.equal(refuseReturn(delivered, [{ sku: 'A', quantity: 1 }], earlier, policy, day(1)), undefined);
});

test('units already returned: open returns hold what they asked for, settled ones what was accepted', () => {
  assert.deepEqual(
    unitsAlreadyReturned([
      { status: 'requested', lines: [{ sku: 'A', quantity: 1 }] },
      { status: 'refunded', lines: [{ sku: 'A', quantity: 2, acceptedQuantity: 1 }] },
      { status: 'rejected', lines: [{ sku: 'A', quantity: 3 }] },
      { status: 'closed', lines: [{ sku: 'B', quantity: 1 }] },
    ]),
    { A: 2, B: 0 },
  );
});

test('open returns are everything but the four settled statuses', () => {
  assert.deepEqual(
    returnStatuses.filter((s) => !isOpenReturn(s)),
    ['rejected', 'refunded', 'closed', 'cancelled'],
  );
});

test('carrier events only move a return parcel forward', () => {
  assert.equal(parcelAdvance('label_created', 'in_transit'), 'in_transit');
  assert.equal(parcelAdvance('label_created', 'delivered'), 'received');
  assert.equal(parcelAdvance('in_transit', 'out_for_delivery'), undefined);
  assert.equal(parcelAdvance('received', 'in_transit'), undefined);
  assert.equal(parcelAdvance('requested', 'delivered'), undefined);
  assert.equal(parcelAdvance('label_created', 'exception'), undefined);
});
