import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changesOrder, deriveOrderStatus, type SubOrderStatus } from '../../domain/sub-order-status';

test('a part tells its order only what can change the order', () => {
  const told: Array<[SubOrderStatus, SubOrderStatus, boolean]> = [
    ['awaiting_acceptance', 'accepted', true],
    ['accepted', 'picked', false],
    ['picked', 'packed', false],
    ['packed', 'label_purchased', true],
    ['label_purchased', 'shipped', true],
    ['shipped', 'delivered', true],
    ['awaiting_acceptance', 'cancelled', true],
    ['packed', 'cancelled', true],
  ];
  for (const [from, to, expected] of told) assert.equal(changesOrder(from, to), expected, `${from} → ${to}`);
});

test('the warehouse steps a part keeps to itself never change the derived order status', () => {
  const others: SubOrderStatus[][] = [[], ['awaiting_acceptance'], ['shipped'], ['delivered'], ['cancelled']];
  for (const rest of others) {
    for (const [from, to] of [
      ['accepted', 'picked'],
      ['picked', 'packed'],
    ] as const) {
      if (changesOrder(from, to)) continue;
      assert.equal(deriveOrderStatus([from, ...rest]), deriveOrderStatus([to, ...rest]));
    }
  }
});
