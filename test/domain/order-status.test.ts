import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkedMove, inCheckout, orderStatuses } from '../../domain/order-status';
import {
  advances,
  cancellable,
  deriveOrderStatus,
  isSellerStep,
  labelBought,
  type SubOrderStatus,
  subOrderStatuses,
} from '../../domain/sub-order-status';

/** Every list of `n` part statuses. */
function partLists(n: number): SubOrderStatus[][] {
  if (n === 0) return [[]];
  return partLists(n - 1).flatMap((rest) => subOrderStatuses.map((status) => [status, ...rest]));
}

test('whatever its parts do, the status an order derives from them is a move the order rules allow', () => {
  // The order workflow moves its status through checkedMove to what deriveOrderStatus says; a part only
  // moves forward (advances), several may move between two looks, and the two rules must never disagree.
  let checked = 0;
  for (let n = 1; n <= 3; n++) {
    const lists = partLists(n);
    for (const before of lists) {
      for (const after of lists) {
        if (!after.every((status, i) => status === before[i] || advances(before[i] ?? status, status)))
          continue;
        const from = deriveOrderStatus(before);
        const to = deriveOrderStatus(after);
        assert.equal(checkedMove(from, to), to, `${before.join(',')} -> ${after.join(',')}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 1000, `checked ${checked} moves`);
  assert.equal(
    deriveOrderStatus(['awaiting_acceptance', 'cancelled']),
    'confirmed',
    'the part being worked was declined: the order waits for its other seller again',
  );
  assert.equal(checkedMove('fulfilling', 'confirmed'), 'confirmed');
});

test('a move the order rules refuse is thrown, naming both statuses', () => {
  assert.throws(() => checkedMove('delivered', 'shipped'), /cannot move from delivered to shipped/);
  assert.throws(() => checkedMove('cancelled', 'confirmed'), /cannot move from cancelled to confirmed/);
  assert.throws(() => checkedMove('received', 'confirmed'), /cannot move from received to confirmed/);
  assert.equal(checkedMove('awaiting_payment', 'awaiting_payment'), 'awaiting_payment');
});

test('an order is in checkout until it is paid and split', () => {
  const checkout = orderStatuses.filter(inCheckout);
  assert.deepEqual(checkout, ['received', 'fraud_review', 'reserving_stock', 'awaiting_payment']);
  for (const status of checkout) {
    assert.ok(checkedMove(status, 'cancelled'), `${status} can be cancelled`);
    assert.ok(checkedMove(status, 'failed'), `${status} can fail`);
  }
});

test("a seller's steps are taken one after another, from the status right before each", () => {
  const order: SubOrderStatus[] = ['awaiting_acceptance', 'accepted', 'picked', 'packed', 'label_purchased'];
  for (const from of subOrderStatuses) {
    for (const to of subOrderStatuses) {
      const next = order.indexOf(to) > 0 && order.indexOf(from) === order.indexOf(to) - 1;
      assert.equal(isSellerStep(from, to), next, `${from} -> ${to}`);
      if (next) assert.ok(advances(from, to));
    }
  }
});

test('a part can be cancelled until its label is bought; a cancel never reaches it after that', () => {
  assert.deepEqual(subOrderStatuses.filter(cancellable), [
    'awaiting_acceptance',
    'accepted',
    'picked',
    'packed',
  ]);
  assert.deepEqual(subOrderStatuses.filter(labelBought), ['label_purchased', 'shipped', 'delivered']);
  for (const status of subOrderStatuses.filter(cancellable)) assert.ok(advances(status, 'cancelled'));
});
