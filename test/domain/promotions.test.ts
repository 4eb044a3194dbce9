import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cartTotals } from '../../domain/cart-totals';
import { CurrencyMismatchError, money } from '../../domain/money';
import { type Promotion, promotionDiscount } from '../../domain/promotions';

const from = new Date('2030-01-01T00:00:00Z');
const until = new Date('2030-02-01T00:00:00Z');
const during = new Date('2030-01-15T12:00:00Z');

function percent(bps: number, minSubtotal = 0, currency = 'USD'): Promotion {
  return {
    code: 'SAVE',
    kind: 'percent',
    percentBps: bps,
    validFrom: from,
    validUntil: until,
    minSubtotal: money(minSubtotal, currency),
  };
}

function fixed(amount: number, minSubtotal = 0, currency = 'USD'): Promotion {
  return {
    code: 'OFF',
    kind: 'fixed',
    amount: money(amount, currency),
    validFrom: from,
    validUntil: until,
    minSubtotal: money(minSubtotal, currency),
  };
}

test('percent codes take basis points of the subtotal, rounded half away from zero to the cent', () => {
  const cases: Array<[bps: number, subtotal: number, discount: number]> = [
    [1000, 10_000, 1000], // 10 %
    [1000, 1005, 101], // 100.5 rounds up
    [1000, 1004, 100],
    [2500, 333, 83], // 83.25
    [1250, 4, 1], // 0.5 rounds up
    [1, 9999, 1], // 0.9999
    [1, 4999, 0], // 0.4999: a discount too small to be a cent is none
    [10_000, 4321, 4321], // 100 % is the whole subtotal, never more
    [5000, 0, 0],
  ];
  for (const [bps, subtotal, discount] of cases) {
    const outcome = promotionDiscount(percent(bps), money(subtotal, 'USD'), during);
    assert.deepEqual(outcome, { valid: true, discount: money(discount, 'USD') }, `${bps} bps of ${subtotal}`);
  }
});

test('fixed codes take their amount off, but never more than the subtotal', () => {
  const cases: Array<[amount: number, subtotal: number, discount: number]> = [
    [500, 2000, 500],
    [2000, 2000, 2000],
    [2500, 2000, 2000],
    [1, 1, 1],
    [700, 0, 0],
  ];
  for (const [amount, subtotal, discount] of cases) {
    const outcome = promotionDiscount(fixed(amount), money(subtotal, 'USD'), during);
    assert.deepEqual(outcome, { valid: true, discount: money(discount, 'USD') }, `${amount} off ${subtotal}`);
  }
});

test('a code is valid from validFrom (inclusive) until validUntil (exclusive)', () => {
  const cases: Array<[at: Date, reason: string | undefined]> = [
    [new Date(from.getTime() - 1), 'not-yet-valid'],
    [from, undefined],
    [during, undefined],
    [new Date(until.getTime() - 1), undefined],
    [until, 'expired'],
    [new Date('2031-01-01T00:00:00Z'), 'expired'],
  ];
  for (const [at, reason] of cases) {
    const outcome = promotionDiscount(percent(1000), money(1000, 'USD'), at);
    if (reason === undefined) assert.equal(outcome.valid, true, at.toISOString());
    else assert.deepEqual(outcome, { valid: false, reason, discount: money(0, 'USD') }, at.toISOString());
  }
});

test('the minimum order is inclusive and compared before any discount', () => {
  assert.deepEqual(promotionDiscount(fixed(500, 3000), money(2999, 'USD'), during), {
    valid: false,
    reason: 'below-minimum',
    discount: money(0, 'USD'),
  });
  assert.deepEqual(promotionDiscount(fixed(500, 3000), money(3000, 'USD'), during), {
    valid: true,
    discount: money(500, 'USD'),
  });
  assert.equal(promotionDiscount(percent(1000, 5000), money(4999, 'USD'), during).valid, false);
});

test('a code only applies to a cart in its own currency', () => {
  assert.deepEqual(promotionDiscount(fixed(500, 0, 'EUR'), money(10_000, 'USD'), during), {
    valid: false,
    reason: 'currency-mismatch',
    discount: money(0, 'USD'),
  });
  assert.equal(promotionDiscount(percent(1000, 0, 'EUR'), money(10_000, 'USD'), during).valid, false);
  const mixed: Promotion = { ...fixed(500), minSubtotal: money(0, 'EUR') };
  assert.equal(promotionDiscount(mixed, money(10_000, 'EUR'), during).valid, false);
});

test('expiry is reported before the currency or the minimum', () => {
  const outcome = promotionDiscount(fixed(500, 99_999, 'EUR'), money(1, 'USD'), until);
  assert.equal(outcome.valid ? undefined : outcome.reason, 'expired');
});

test('cart totals count current prices of lines still for sale and never go below zero', () => {
  const lines = [
    { unitPrice: money(1999, 'USD'), quantity: 2, counted: true },
    { unitPrice: money(500, 'USD'), quantity: 1, counted: true },
    { unitPrice: money(9999, 'USD'), quantity: 3, counted: false },
  ];
  assert.deepEqual(cartTotals(lines, 'USD'), { subtotal: money(4498, 'USD'), total: money(4498, 'USD') });
  assert.deepEqual(cartTotals(lines, 'USD', money(498, 'USD')), {
    subtotal: money(4498, 'USD'),
    total: money(4000, 'USD'),
  });
  assert.deepEqual(cartTotals(lines, 'USD', money(10_000, 'USD')).total, money(0, 'USD'));
  assert.deepEqual(cartTotals([], 'EUR'), { subtotal: money(0, 'EUR'), total: money(0, 'EUR') });
  assert.throws(
    () => cartTotals([{ unitPrice: money(1, 'EUR'), quantity: 1, counted: true }], 'USD'),
    CurrencyMismatchError,
  );
});
