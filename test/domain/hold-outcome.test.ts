import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holdOutcomeOf } from '../../domain/hold-outcome';

test('an order that failed or was cancelled before its split gave its stock back', () => {
  assert.equal(holdOutcomeOf({ status: 'failed' }), 'released');
  assert.equal(holdOutcomeOf({ status: 'cancelled' }), 'released');
});

test('an order still under way keeps its hold', () => {
  for (const status of ['received', 'reserving_stock', 'awaiting_payment', 'confirmed'] as const) {
    assert.equal(holdOutcomeOf({ status }), undefined, status);
  }
});

test("after the split the seller's part decides: shipped sold, cancelled released, else still held", () => {
  assert.equal(holdOutcomeOf({ status: 'shipped', subOrderStatus: 'shipped' }), 'committed');
  assert.equal(holdOutcomeOf({ status: 'delivered', subOrderStatus: 'delivered' }), 'committed');
  assert.equal(holdOutcomeOf({ status: 'partially_shipped', subOrderStatus: 'cancelled' }), 'released');
  assert.equal(holdOutcomeOf({ status: 'cancelled', subOrderStatus: 'cancelled' }), 'released');
  assert.equal(holdOutcomeOf({ status: 'fulfilling', subOrderStatus: 'packed' }), undefined);
  // The order says cancelled but this part shipped first: its units were sold.
  assert.equal(holdOutcomeOf({ status: 'cancelled', subOrderStatus: 'delivered' }), 'committed');
});
