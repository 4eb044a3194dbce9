import assert from 'node:assert/strict';
import { test } from 'node:test';
import { money } from '../../domain/money';
import { type Promotion, promotionDiscount, promotionOfTerms, promotionTerms } from '../../domain/promotions';

const percent: Promotion = {
  code: 'SAVE10',
  kind: 'percent',
  percentBps: 1000,
  validFrom: new Date('2030-01-01T00:00:00.000Z'),
  validUntil: new Date('2030-02-01T00:00:00.000Z'),
  minSubtotal: money(5000, 'USD'),
};

test('a promotion travels through a workflow input as JSON and is judged the same on arrival', () => {
  const terms = promotionTerms(percent);
  assert.equal(terms.validFrom, '2030-01-01T00:00:00.000Z');
  assert.equal(terms.validUntil, '2030-02-01T00:00:00.000Z');
  const arrived = promotionOfTerms(JSON.parse(JSON.stringify(terms)) as typeof terms);
  assert.deepEqual(arrived, percent);
  for (const [at, subtotal] of [
    ['2029-12-31T23:59:59.999Z', 10_000],
    ['2030-01-15T00:00:00.000Z', 10_000],
    ['2030-01-15T00:00:00.000Z', 4_999],
    ['2030-02-01T00:00:00.000Z', 10_000],
  ] as const) {
    const when = new Date(at);
    assert.deepEqual(
      promotionDiscount(arrived, money(subtotal, 'USD'), when),
      promotionDiscount(percent, money(subtotal, 'USD'), when),
    );
  }
  assert.deepEqual(promotionDiscount(arrived, money(10_000, 'USD'), new Date('2030-01-15T00:00:00Z')), {
    valid: true,
    discount: money(1000, 'USD'),
  });
});

test('a fixed code keeps its amount and no percentage appears on the way', () => {
  const fixed: Promotion = { ...percent, code: 'OFF5', kind: 'fixed', amount: money(500, 'USD') };
  delete fixed.percentBps;
  const arrived = promotionOfTerms(JSON.parse(JSON.stringify(promotionTerms(fixed))) as never);
  assert.deepEqual(arrived, fixed);
  assert.equal('percentBps' in arrived, false);
});
