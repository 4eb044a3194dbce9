import assert from 'node:assert/strict';
import { test } from 'node:test';
import { money } from '../../domain/money';
import {
  type LedgerEntryKind,
  type SellerLedgerEntry,
  newlySettledSubOrders,
  sellerBalances,
  withRunningTotal,
} from '../../domain/seller-ledger';

let clock = 0;
function entry(
  kind: LedgerEntryKind,
  amount: number,
  extra: Partial<SellerLedgerEntry> = {},
): SellerLedgerEntry {
  clock += 1;
  return {
    _id: `${kind}:${clock}`,
    sellerId: 'sel_1',
    kind,
    amount: money(amount, 'USD'),
    note: kind,
    createdAt: new Date(clock * 1000),
    ...extra,
  };
}

const sale = (subOrderId: string, amount: number, commission: number) => [
  entry('sale', amount, { subOrderId }),
  entry('commission', -commission, { subOrderId }),
];

test('an empty ledger owes nothing', () => {
  const none = money(0, 'EUR');
  assert.deepEqual(
    sellerBalances([], () => true, 'EUR'),
    { pending: none, available: none, paid: none },
  );
});

test('money on unsettled sub-orders is pending; settled money is available', () => {
  const entries = [...sale('o1:s', 10_000, 1000), ...sale('o2:s', 5000, 500)];
  const balances = sellerBalances(entries, (id) => id === 'o1:s');
  assert.deepEqual(balances.pending, money(4500, 'USD'));
  assert.deepEqual(balances.available, money(9000, 'USD'));
  assert.deepEqual(balances.paid, money(0, 'USD'));
});

test('nothing is available before any sub-order settles, however much was sold', () => {
  const entries = [...sale('o1:s', 10_000, 1000), entry('shipping', 500, { subOrderId: 'o1:s' })];
  const balances = sellerBalances(entries, () => false);
  assert.deepEqual(balances.available, money(0, 'USD'));
  assert.deepEqual(balances.pending, money(9500, 'USD'));
});

test('a refund inside the window nets out before the sub-order settles', () => {
  const entries = [
    ...sale('o1:s', 10_000, 1000),
    entry('refund', -4000, { subOrderId: 'o1:s', returnId: 'r1' }),
    entry('commission_refund', 400, { subOrderId: 'o1:s', returnId: 'r1' }),
  ];
  assert.deepEqual(sellerBalances(entries, () => false).pending, money(5400, 'USD'));
  assert.deepEqual(sellerBalances(entries, () => true).available, money(5400, 'USD'));
});

test('a transfer moves available to paid, and a refund after it is carried as a negative balance', () => {
  const entries = [
    ...sale('o1:s', 10_000, 1000),
    entry('transfer', -9000, { payoutId: 'p1', subOrderIds: ['o1:s'] }),
  ];
  const settled = (id: string) => id === 'o1:s';
  assert.deepEqual(sellerBalances(entries, settled), {
    pending: money(0, 'USD'),
    available: money(0, 'USD'),
    paid: money(9000, 'USD'),
  });
  // A return opens later: the paid sub-order stays settled, so its refund is owed back at once.
  entries.push(entry('refund', -3000, { subOrderId: 'o1:s', returnId: 'r2' }));
  entries.push(entry('commission_refund', 300, { subOrderId: 'o1:s', returnId: 'r2' }));
  const after = sellerBalances(entries, () => false);
  assert.deepEqual(after.available, money(-2700, 'USD'));
  assert.deepEqual(after.pending, money(0, 'USD'));
  assert.deepEqual(after.paid, money(9000, 'USD'));
});

test('adjustments are available at once, in either direction', () => {
  const entries = [entry('adjustment', 1500), entry('adjustment', -200), ...sale('o1:s', 1000, 100)];
  assert.deepEqual(sellerBalances(entries, () => false).available, money(1300, 'USD'));
});

test('a transfer reversal reduces what was paid and gives it back to available', () => {
  const entries = [
    ...sale('o1:s', 10_000, 1000),
    entry('transfer', -9000, { payoutId: 'p1', subOrderIds: ['o1:s'] }),
    entry('refund', -2000, { subOrderId: 'o1:s', returnId: 'r1' }),
    entry('transfer_reversal', 2000, { payoutId: 'p1', returnId: 'r1' }),
  ];
  const balances = sellerBalances(entries, () => true);
  assert.deepEqual(balances.paid, money(7000, 'USD'));
  assert.deepEqual(balances.available, money(0, 'USD'));
});

test('pending + available + paid is always what the seller earned in total', () => {
  const entries = [
    ...sale('a', 7000, 700),
    ...sale('b', 3000, 300),
    ...sale('c', 1234, 123),
    entry('refund', -500, { subOrderId: 'b', returnId: 'r' }),
    entry('transfer', -6300, { payoutId: 'p', subOrderIds: ['a'] }),
    entry('adjustment', 99),
  ];
  const earned = entries.filter((e) => e.kind !== 'transfer').reduce((t, e) => t + e.amount.amount, 0);
  for (const settledIds of [[], ['a'], ['a', 'b'], ['a', 'b', 'c']]) {
    const b = sellerBalances(entries, (id) => settledIds.includes(id));
    assert.equal(b.pending.amount + b.available.amount + b.paid.amount, earned, settledIds.join());
  }
});

test('a payout settles only sub-orders no earlier transfer covered', () => {
  const entries = [
    ...sale('a', 100, 10),
    ...sale('b', 100, 10),
    ...sale('c', 100, 10),
    entry('transfer', -90, { payoutId: 'p', subOrderIds: ['a'] }),
  ];
  assert.deepEqual(
    newlySettledSubOrders(entries, (id) => id !== 'c'),
    ['b'],
  );
});

test('statement lines carry the running total in time order', () => {
  const entries = [...sale('a', 1000, 100), entry('transfer', -900, { subOrderIds: ['a'] })];
  const lines = withRunningTotal([...entries].reverse());
  assert.deepEqual(
    lines.map((l) => [l.kind, l.runningTotal.amount]),
    [
      ['sale', 1000],
      ['commission', 900],
      ['transfer', 0],
    ],
  );
});

test('entries posted at the same instant list the sale before what is taken from it', () => {
  const at = new Date('2026-03-01T10:00:00Z');
  const postedTogether = [
    entry('commission', -120, { _id: 'commission:o1:s', subOrderId: 'o1:s', createdAt: at }),
    entry('shipping', 499, { _id: 'shipping:o1:s', subOrderId: 'o1:s', createdAt: at }),
    entry('sale', 1000, { _id: 'sale:o1:s', subOrderId: 'o1:s', createdAt: at }),
  ];
  const lines = withRunningTotal(postedTogether);
  assert.deepEqual(
    lines.map((l) => [l.kind, l.runningTotal.amount]),
    [
      ['sale', 1000],
      ['shipping', 1499],
      ['commission', 1379],
    ],
  );
  assert.ok(
    lines.every((l) => l.runningTotal.amount >= 0),
    'never negative first',
  );
});
