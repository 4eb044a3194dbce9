import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPayable, settlesAt } from '../../domain/payout-eligibility';
import type { ReturnPolicy } from '../../domain/return-window';

const day = 86_400_000;
const policy: ReturnPolicy = { defaultDays: 14, daysByCategory: { food: 0, electronics: 30 } };
const delivered = new Date('2026-03-01T12:00:00Z');
const at = (days: number) => new Date(delivered.getTime() + days * day);

test('an undelivered sub-order is never payable', () => {
  const subOrder = { categories: ['books'], hasOpenReturn: false };
  assert.equal(settlesAt(subOrder, policy), undefined);
  assert.equal(isPayable(subOrder, policy, at(365)), false);
});

test('payable exactly when the return window closes, not a moment before', () => {
  const subOrder = { deliveredAt: delivered, categories: ['books'], hasOpenReturn: false };
  assert.equal(isPayable(subOrder, policy, new Date(at(14).getTime() - 1)), false);
  assert.equal(isPayable(subOrder, policy, at(14)), true);
});

test('the longest window of the sub-order decides; a non-returnable category settles on delivery', () => {
  const mixed = { deliveredAt: delivered, categories: ['food', 'electronics'], hasOpenReturn: false };
  assert.deepEqual(settlesAt(mixed, policy), at(30));
  assert.equal(isPayable(mixed, policy, at(20)), false);
  const food = { deliveredAt: delivered, categories: ['food'], hasOpenReturn: false };
  assert.equal(isPayable(food, policy, delivered), true);
});

test('an open return holds the money even after the window closed', () => {
  const subOrder = { deliveredAt: delivered, categories: ['books'], hasOpenReturn: true };
  assert.equal(isPayable(subOrder, policy, at(60)), false);
});
