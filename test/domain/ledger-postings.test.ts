import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommissionRule } from '../../domain/commission';
import { refundPostings, salePostings } from '../../domain/ledger-postings';
import { money } from '../../domain/money';
import type { PricedLine } from '../../domain/order-lines';

const usd = (amount: number) => money(amount, 'USD');
const line = (sku: string, category: string, unit: number, quantity: number): PricedLine => ({
  sku,
  quantity,
  productId: `p-${sku}`,
  sellerId: 'sel_1',
  title: sku,
  category,
  unitPrice: usd(unit),
});

test('commission follows the most specific rule per line: seller+category over seller over category', () => {
  const rules: CommissionRule[] = [
    { category: 'books', kind: 'percent', value: 500 },
    { sellerId: 'sel_1', kind: 'percent', value: 800 },
    { sellerId: 'sel_1', category: 'toys', kind: 'fixed', value: 150 },
  ];
  const posted = salePostings({
    sellerId: 'sel_1',
    lines: [line('b', 'books', 2000, 1), line('t', 'toys', 1000, 2), line('k', 'kitchen', 5000, 1)],
    discount: usd(0),
    shipping: usd(599),
    rules,
  });
  assert.deepEqual(posted.sale, usd(9000));
  // books: seller rule 8% (more specific than category) = 160; toys: fixed 150 x 2 = 300; kitchen 8% = 400.
  assert.deepEqual(posted.commission, usd(-860));
  assert.deepEqual(posted.shipping, usd(599));
});

test('the default commission is 10%, and the seller bears the discount checkout allocated', () => {
  const posted = salePostings({
    sellerId: 'sel_2',
    lines: [line('a', 'misc', 3333, 3)],
    discount: usd(1000),
    shipping: usd(0),
    rules: [],
  });
  assert.deepEqual(posted.sale, usd(8999));
  assert.deepEqual(posted.commission, usd(-1000));
});

test('a partial refund returns the same share of the commission', () => {
  const posted = { sale: usd(10_000), commission: usd(-1000), shipping: usd(500) };
  const first = refundPostings({
    posted,
    refundedBefore: usd(0),
    commissionRefundedBefore: usd(0),
    refund: usd(2500),
  });
  assert.deepEqual(first, { refund: usd(-2500), commissionRefund: usd(250) });
});

test('refunds never take back more than was credited, and the last one returns all the commission', () => {
  const posted = { sale: usd(999), commission: usd(-100), shipping: usd(300) };
  const first = refundPostings({
    posted,
    refundedBefore: usd(0),
    commissionRefundedBefore: usd(0),
    refund: usd(333),
  });
  assert.deepEqual(first, { refund: usd(-333), commissionRefund: usd(33) });
  const rest = refundPostings({
    posted,
    refundedBefore: usd(333),
    commissionRefundedBefore: usd(33),
    refund: usd(5000),
  });
  assert.deepEqual(rest, { refund: usd(-966), commissionRefund: usd(67) });
  const more = refundPostings({
    posted,
    refundedBefore: usd(1299),
    commissionRefundedBefore: usd(100),
    refund: usd(1),
  });
  assert.deepEqual(more, { refund: usd(0), commissionRefund: usd(0) });
});

test('many small refunds return exactly the commission taken, to the cent', () => {
  const posted = { sale: usd(1001), commission: usd(-133), shipping: usd(0) };
  let refunded = 0;
  let returned = 0;
  for (let i = 0; i < 11; i += 1) {
    const step = refundPostings({
      posted,
      refundedBefore: usd(refunded),
      commissionRefundedBefore: usd(returned),
      refund: usd(91),
    });
    refunded -= step.refund.amount;
    returned += step.commissionRefund.amount;
    assert.ok(returned <= 133);
  }
  assert.equal(refunded, 1001);
  assert.equal(returned, 133);
});
