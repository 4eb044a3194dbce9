import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CurrencyMismatchError, add, basisPoints, money, subtract, sum, times } from '../../domain/money';

test('money is integer minor units with an ISO currency', () => {
  assert.deepEqual(money(1999, 'USD'), { amount: 1999, currency: 'USD' });
  assert.throws(() => money(19.99, 'USD'), RangeError);
  assert.throws(() => money(100, 'usd'), RangeError);
  assert.throws(() => money(Number.MAX_SAFE_INTEGER + 1, 'USD'), RangeError);
});

test('arithmetic refuses to mix currencies', () => {
  assert.deepEqual(add(money(100, 'EUR'), money(250, 'EUR')), money(350, 'EUR'));
  assert.deepEqual(subtract(money(100, 'EUR'), money(250, 'EUR')), money(-150, 'EUR'));
  assert.throws(() => add(money(1, 'EUR'), money(1, 'USD')), CurrencyMismatchError);
  assert.deepEqual(times(money(333, 'USD'), 3), money(999, 'USD'));
  assert.deepEqual(sum([], 'JPY'), money(0, 'JPY'));
});

test('basis points round half away from zero, never producing fractions of a cent', () => {
  const cases: Array<[number, number, number]> = [
    [1000, 1000, 100],
    [1005, 1000, 101], // 100.5 rounds up
    [1004, 1000, 100],
    [-1005, 1000, -101],
    [1, 1250, 0],
    [4, 1250, 1], // 0.5 rounds up
    [99_999, 1, 10],
  ];
  for (const [amount, bps, expected] of cases) {
    assert.equal(basisPoints(money(amount, 'USD'), bps).amount, expected, `${amount} x ${bps}bps`);
  }
});
