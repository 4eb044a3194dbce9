import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AccountSnapshot,
  decisionRefusal,
  giveUpAfterMs,
  marketplaceStatusOf,
  nextOnboardingDeadline,
  productsHidden,
  reminderOffsetsMs,
  sellerStatusOf,
} from '../../domain/onboarding';

const account = (overrides: Partial<AccountSnapshot>): AccountSnapshot => ({
  chargesEnabled: false,
  payoutsEnabled: false,
  detailsSubmitted: false,
  disabledReason: 'requirements.past_due',
  ...overrides,
});

describe("a seller's status from Stripe's view of the account", () => {
  const cases: Array<[string, Partial<AccountSnapshot>, string]> = [
    ['a fresh account', {}, 'pending_verification'],
    [
      'submitted, Stripe still checking',
      { detailsSubmitted: true, disabledReason: 'requirements.pending_verification' },
      'pending_verification',
    ],
    [
      'charges and payouts enabled',
      { chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true, disabledReason: null },
      'active',
    ],
    ['charges only', { chargesEnabled: true, detailsSubmitted: true, disabledReason: null }, 'restricted'],
    ['submitted but past due', { detailsSubmitted: true }, 'restricted'],
    ['under review', { detailsSubmitted: true, disabledReason: 'under_review' }, 'restricted'],
    ['rejected for fraud', { detailsSubmitted: true, disabledReason: 'rejected.fraud' }, 'rejected'],
    [
      'rejected even while enabled',
      { chargesEnabled: true, payoutsEnabled: true, disabledReason: 'rejected.other' },
      'rejected',
    ],
  ];
  for (const [name, overrides, expected] of cases) {
    test(name, () => assert.equal(sellerStatusOf(account(overrides)), expected));
  }
});

describe('reminder and give-up deadlines', () => {
  const start = 1_000_000;
  test('reminders follow the schedule, then the give-up deadline', () => {
    for (const [sent, offset] of reminderOffsetsMs.entries()) {
      assert.deepEqual(
        nextOnboardingDeadline({
          startedAtMs: start,
          detailsSubmitted: false,
          remindersSent: sent,
          closed: false,
        }),
        { kind: 'remind', atMs: start + offset },
      );
    }
    assert.deepEqual(
      nextOnboardingDeadline({
        startedAtMs: start,
        detailsSubmitted: false,
        remindersSent: 3,
        closed: false,
      }),
      { kind: 'give_up', atMs: start + giveUpAfterMs },
    );
  });
  test('no deadline once details are submitted or the application is closed', () => {
    assert.equal(
      nextOnboardingDeadline({ startedAtMs: start, detailsSubmitted: true, remindersSent: 1, closed: false }),
      undefined,
    );
    assert.equal(
      nextOnboardingDeadline({ startedAtMs: start, detailsSubmitted: false, remindersSent: 0, closed: true }),
      undefined,
    );
  });
});

describe('ops decisions', () => {
  test('a pending, open seller can be approved or rejected', () => {
    assert.equal(decisionRefusal({ approval: 'pending' }, 'approve'), undefined);
    assert.equal(decisionRefusal({ approval: 'pending' }, 'reject'), undefined);
  });
  test('a second decision is refused either way', () => {
    assert.equal(decisionRefusal({ approval: 'approved' }, 'reject')?.type, 'DecisionAlreadyMade');
    assert.equal(decisionRefusal({ approval: 'rejected' }, 'approve')?.type, 'DecisionAlreadyMade');
  });
  test('a closed application cannot be approved but may still be rejected', () => {
    assert.equal(
      decisionRefusal({ approval: 'pending', closedReason: 'abandoned' }, 'approve')?.type,
      'SellerClosed',
    );
    assert.equal(
      decisionRefusal({ approval: 'pending', closedReason: 'rejected_by_stripe' }, 'approve')?.type,
      'SellerClosed',
    );
    assert.equal(decisionRefusal({ approval: 'pending', closedReason: 'abandoned' }, 'reject'), undefined);
  });
});

describe('visibility and what ops search for', () => {
  test('products show only for an active, approved seller', () => {
    assert.equal(productsHidden({ status: 'active', approval: 'approved' }), false);
    assert.equal(productsHidden({ status: 'restricted', approval: 'approved' }), true);
    assert.equal(productsHidden({ status: 'active', approval: 'pending' }), true);
  });
  test('marketplace status names the queue ops work from', () => {
    assert.equal(marketplaceStatusOf({ status: 'active', approval: 'pending' }), 'awaiting_approval');
    assert.equal(marketplaceStatusOf({ status: 'active', approval: 'approved' }), 'active');
    assert.equal(
      marketplaceStatusOf({ status: 'rejected', approval: 'pending', closedReason: 'abandoned' }),
      'abandoned',
    );
    assert.equal(
      marketplaceStatusOf({ status: 'active', approval: 'rejected', closedReason: 'rejected_by_ops' }),
      'rejected',
    );
  });
});
