import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  awaitedReturnStep,
  closedReturnStatuses,
  mayMoveReturn,
  parcelAdvance,
  returnMove,
  returnStatuses,
} from '../../domain/return-status';
import { trackingStatuses } from '../../domain/parcel-tracking';

test('a return moves along its process: request, decision, label, parcel, inspection, refund', () => {
  const happyPath = [
    'requested',
    'approved',
    'label_created',
    'in_transit',
    'received',
    'refund_pending',
    'refunded',
  ] as const;
  for (let i = 1; i < happyPath.length; i += 1) {
    const from = happyPath[i - 1] ?? 'requested';
    const to = happyPath[i] ?? 'requested';
    assert.equal(returnMove(from, to), to, `${from} → ${to}`);
  }
  // Escalation hands the decision or the inspection to ops, who settle it as the seller would have.
  for (const to of ['approved', 'rejected', 'refund_pending', 'closed'] as const) {
    assert.ok(mayMoveReturn('escalated', to), `escalated → ${to}`);
  }
  assert.ok(mayMoveReturn('requested', 'escalated'));
  assert.ok(mayMoveReturn('received', 'escalated'));
  assert.ok(mayMoveReturn('label_created', 'closed'), 'not sent back in time');
  assert.ok(mayMoveReturn('label_created', 'received'), 'delivered with no transit event');
});

test('no move skips the decision or the refund, goes backwards, or leaves a settled return', () => {
  assert.throws(
    () => returnMove('requested', 'label_created'),
    /cannot move from requested to label_created/,
  );
  assert.equal(mayMoveReturn('requested', 'refunded'), false);
  assert.equal(mayMoveReturn('received', 'refunded'), false, 'a refund is pending first');
  assert.equal(mayMoveReturn('in_transit', 'label_created'), false);
  assert.equal(mayMoveReturn('approved', 'requested'), false);
  for (const from of closedReturnStatuses) {
    for (const to of returnStatuses) assert.equal(mayMoveReturn(from, to), false, `${from} → ${to}`);
  }
});

test('every parcel advance is a move the rules allow', () => {
  for (const from of returnStatuses) {
    for (const event of trackingStatuses) {
      const to = parcelAdvance(from, event);
      if (to) assert.ok(mayMoveReturn(from, to), `${from} + ${event} → ${to}`);
    }
  }
});

test('the step a return awaits: the seller decides, ops takes over, the seller inspects', () => {
  assert.equal(awaitedReturnStep('requested'), 'seller-decision');
  assert.equal(awaitedReturnStep('escalated', 'decision'), 'ops-decision');
  assert.equal(awaitedReturnStep('escalated', 'inspection'), 'inspection');
  assert.equal(awaitedReturnStep('received'), 'inspection');
  for (const status of ['approved', 'label_created', 'in_transit', 'refund_pending', 'refunded'] as const) {
    assert.equal(awaitedReturnStep(status), undefined, status);
  }
});
