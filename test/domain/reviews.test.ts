import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PricedLine } from '../../domain/order-lines';
import { ratingFromStars } from '../../domain/product-rating';
import { reviewEligibility, type ReviewableSubOrder } from '../../domain/review-eligibility';
import { reviewerName } from '../../domain/reviewer-name';

const line = (productId: string, sellerId = 'sel_a'): PricedLine => ({
  sku: `SKU-${productId}`,
  quantity: 1,
  productId,
  sellerId,
  title: productId,
  unitPrice: { amount: 1000, currency: 'USD' },
});
const part = (
  status: ReviewableSubOrder['status'],
  productIds: string[],
  customerId = 'usr_buyer',
): ReviewableSubOrder => ({ customerId, status, lines: productIds.map((id) => line(id)) });

test('only a delivered part of the buyer’s own order makes an item reviewable', () => {
  const delivered = reviewEligibility([part('delivered', ['prd_a', 'prd_b'])], 'usr_buyer', 'prd_b');
  assert.equal(delivered.eligible, true);
  assert.equal(delivered.eligible && delivered.line.sku, 'SKU-prd_b');

  for (const status of ['awaiting_acceptance', 'accepted', 'packed', 'shipped', 'cancelled'] as const) {
    assert.deepEqual(reviewEligibility([part(status, ['prd_a'])], 'usr_buyer', 'prd_a'), {
      eligible: false,
      reason: 'not-delivered',
    });
  }
  assert.deepEqual(reviewEligibility([part('delivered', ['prd_a'])], 'usr_other', 'prd_a'), {
    eligible: false,
    reason: 'not-purchased',
  });
  assert.deepEqual(reviewEligibility([part('delivered', ['prd_a'])], 'usr_buyer', 'prd_z'), {
    eligible: false,
    reason: 'not-purchased',
  });
  assert.deepEqual(reviewEligibility([], 'usr_buyer', 'prd_a'), { eligible: false, reason: 'not-purchased' });
  // Two sellers' parts: the product's own part decides, not its neighbour's.
  const mixed = [part('shipped', ['prd_a']), part('delivered', ['prd_b'])];
  assert.equal(reviewEligibility(mixed, 'usr_buyer', 'prd_a').eligible, false);
  assert.equal(reviewEligibility(mixed, 'usr_buyer', 'prd_b').eligible, true);
});

test('the rating is the mean of the stars, to two decimals, and 0 with no reviews', () => {
  assert.deepEqual(ratingFromStars(new Map()), { average: 0, count: 0 });
  assert.deepEqual(ratingFromStars(new Map([[4, 1]])), { average: 4, count: 1 });
  assert.deepEqual(
    ratingFromStars(
      new Map([
        [5, 2],
        [4, 1],
      ]),
    ),
    { average: 4.67, count: 3 },
  );
  assert.deepEqual(
    ratingFromStars(
      new Map([
        [1, 1],
        [2, 1],
      ]),
    ),
    { average: 1.5, count: 2 },
  );
});

test('reviewers are shown by first name and initial', () => {
  assert.equal(reviewerName('Ada Lovelace'), 'Ada L.');
  assert.equal(reviewerName('  Grace   Brewster  hopper '), 'Grace H.');
  assert.equal(reviewerName('Cher'), 'Cher');
  assert.equal(reviewerName('   '), 'A buyer');
});
