import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { disputeDeadlines } from '../../domain/dispute-deadlines';
import { emptyEvidence, mergeEvidence, stripeEvidence } from '../../domain/dispute-evidence';
import { disputeExposure, disputeHold } from '../../domain/dispute-postings';
import {
  canMoveDispute,
  disputeTakesEvidence,
  followStripeEvent,
  outcomeOfStripeStatus,
} from '../../domain/dispute-status';
import { money } from '../../domain/money';
import { type SellerLedgerEntry, heldForDisputes, sellerBalances } from '../../domain/seller-ledger';

const usd = (amount: number) => money(amount, 'USD');
const hour = 3_600_000;
const posted = { sale: usd(4000), commission: usd(-400), shipping: usd(599) };

describe('dispute rules', () => {
  test('a dispute moves forward only, takes evidence only while it waits for it, and settled stays settled', () => {
    assert.ok(canMoveDispute('opening', 'awaiting_evidence'));
    assert.ok(canMoveDispute('opening', 'unmatched'));
    assert.ok(canMoveDispute('awaiting_evidence', 'lost'), 'Stripe may rule before anyone submits');
    assert.ok(canMoveDispute('accepted', 'accepted'), 'settling an accepted loss keeps it accepted');
    assert.equal(canMoveDispute('submitted', 'awaiting_evidence'), false);
    assert.equal(canMoveDispute('opening', 'won'), false, 'no outcome before the hold is in place');
    assert.equal(canMoveDispute('won', 'lost'), false);
    assert.equal(canMoveDispute('unmatched', 'awaiting_evidence'), false);
    assert.ok(disputeTakesEvidence('awaiting_evidence'));
    assert.equal(disputeTakesEvidence('submitted'), false);
  });

  test('a final Stripe status decides whenever it arrives; an open one never moves back', () => {
    let view = followStripeEvent(
      { stripeStatus: 'needs_response' },
      { created: 10, stripeStatus: 'under_review' },
    );
    assert.equal(view.stripeStatus, 'under_review');
    view = followStripeEvent(view, { created: 5, stripeStatus: 'needs_response' });
    assert.equal(view.stripeStatus, 'under_review', 'an older event is ignored');
    view = followStripeEvent(view, { created: 3, stripeStatus: 'lost' });
    assert.equal(view.outcome, 'lost', 'final, even when it arrives late');
    assert.deepEqual(
      followStripeEvent(view, { created: 99, stripeStatus: 'won' }),
      view,
      'final stays final',
    );
    assert.equal(outcomeOfStripeStatus('warning_closed'), 'won');
    assert.equal(outcomeOfStripeStatus('warning_needs_response'), undefined);
  });

  test('reminders come before the automatic submission, which comes before due_by', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const dueBy = now + 7 * 24 * hour;
    const plan = disputeDeadlines({
      now,
      dueBy,
      reminderLeadSeconds: [86_400, 259_200],
      submitLeadSeconds: 21_600,
    });
    assert.deepEqual(plan.reminders, [dueBy - 72 * hour, dueBy - 24 * hour]);
    assert.equal(plan.submitAt, dueBy - 6 * hour);
    const late = disputeDeadlines({
      now,
      dueBy: now + 2 * hour,
      reminderLeadSeconds: [86_400],
      submitLeadSeconds: 21_600,
    });
    assert.deepEqual(late, { reminders: [], submitAt: now }, 'too late for reminders: submit at once');
    assert.deepEqual(disputeDeadlines({ now, reminderLeadSeconds: [1], submitLeadSeconds: 1 }), {
      reminders: [],
    });
  });

  test('the hold is what losing would cost the seller: credited less commission, less what returns refunded', () => {
    const none = { refundedBefore: usd(0), commissionRefundedBefore: usd(0) };
    const whole = disputeExposure({ posted, ...none, disputed: usd(4999 + 330) });
    assert.deepEqual(whole, { chargeback: usd(-4599), commissionRefund: usd(400) });
    assert.deepEqual(disputeHold(whole), usd(-4199));
    // A return already refunded 2000 of goods and 200 commission: the dispute can only take the rest.
    const after = disputeExposure({
      posted,
      refundedBefore: usd(2000),
      commissionRefundedBefore: usd(200),
      disputed: usd(5329),
    });
    assert.deepEqual(after, { chargeback: usd(-2599), commissionRefund: usd(200) });
    const refundedAll = disputeExposure({
      posted,
      refundedBefore: usd(4599),
      commissionRefundedBefore: usd(400),
      disputed: usd(5329),
    });
    assert.deepEqual(disputeHold(refundedAll), usd(0), 'nothing left to take twice');
    const partial = disputeExposure({ posted, ...none, disputed: usd(1000) });
    assert.deepEqual(partial, { chargeback: usd(-1000), commissionRefund: usd(100) });
  });

  test('payouts never count a held amount as available, and a release gives it back', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const entry = (id: string, kind: SellerLedgerEntry['kind'], amount: number): SellerLedgerEntry => ({
      _id: id,
      sellerId: 's1',
      kind,
      amount: usd(amount),
      subOrderId: 'o1:s1',
      note: id,
      createdAt: at,
    });
    const sale = [entry('sale', 'sale', 4000), entry('commission', 'commission', -400)];
    const held = [...sale, entry('hold', 'dispute_hold', -3600)];
    assert.deepEqual(sellerBalances(held, () => true).available, usd(0));
    assert.deepEqual(sellerBalances(held, () => false).pending, usd(0));
    assert.deepEqual(heldForDisputes(held, 'USD'), usd(3600));
    const released = [...held, entry('release', 'dispute_release', 3600)];
    assert.deepEqual(sellerBalances(released, () => true).available, usd(3600));
    assert.deepEqual(heldForDisputes(released, 'USD'), usd(0));
  });

  test('evidence: later words win field by field, our shipment facts cannot be overwritten', () => {
    const seller = mergeEvidence(emptyEvidence(), {
      text: { product_description: 'A kettle', uncategorized_text: 'Buyer confirmed by chat' },
      documentUrls: ['https://files.test/chat.pdf'],
    });
    const withOps = mergeEvidence(seller, {
      text: { product_description: 'A 1.7 l steel kettle' },
      documentUrls: ['https://files.test/chat.pdf', 'https://files.test/pod.jpg'],
    });
    const evidence = stripeEvidence(withOps, {
      carrier: 'sandbox',
      trackingNumber: 'SBX123',
      shippedAt: '2026-01-02T10:00:00.000Z',
      deliveredAt: '2026-01-04T12:00:00.000Z',
      shippingAddress: 'Ada, 1 Main St, Austin, TX, 78701, US',
      customerName: 'Ada',
      productDescription: '1 x Kettle',
    });
    assert.equal(evidence.product_description, 'A 1.7 l steel kettle');
    assert.equal(evidence.shipping_tracking_number, 'SBX123');
    assert.equal(evidence.shipping_date, '2026-01-02');
    assert.equal(evidence.customer_name, 'Ada');
    assert.equal(
      evidence.uncategorized_text,
      "Buyer confirmed by chat\nDelivered 2026-01-04T12:00:00.000Z according to the carrier's tracking.\nDocuments: https://files.test/chat.pdf https://files.test/pod.jpg",
    );
  });
});
