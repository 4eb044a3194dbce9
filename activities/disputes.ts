import { ApplicationFailure } from '@temporalio/activity';
import Stripe from 'stripe';
import type { ShipmentFacts, StripeEvidence } from '../domain/dispute-evidence';
import { disputeExposure, disputeHold } from '../domain/dispute-postings';
import type { DisputeFeePayer, DisputeOutcome, DisputeStatus } from '../domain/dispute-status';
import { type Money, money, sum } from '../domain/money';
import { type SellerLedgerEntry, ledgerEntryKeys, paidSubOrders } from '../domain/seller-ledger';
import type { Collections } from '../integrations/collections';
import type { DisputeDoc } from '../disputes/documents';
import type { ShippingAddress } from '../orders/documents';
import { createSellerLedgerActivities, postLedgerEntry } from './seller-ledger';

export interface OpenDisputeInput {
  disputeId: string;
  chargeId: string;
  paymentIntentId?: string;
  amount: Money;
  reason: string;
  stripeStatus: string;
  dueBy?: string;
}

export type OpenedDispute =
  | { matched: false }
  | {
      matched: true;
      orderId: string;
      sellerId: string;
      subOrderId: string;
      /** Negative, or zero when returns already refunded everything the seller was credited. */
      hold: Money;
      facts: ShipmentFacts;
    };

export interface DisputeChanges {
  stripeStatus?: string;
  evidenceSubmittedAt?: string;
  evidenceSubmittedBy?: DisputeDoc['evidenceSubmittedBy'];
}

function addressLine(address: ShippingAddress): string {
  return [
    address.name,
    address.line1,
    address.line2,
    address.city,
    address.region,
    address.postalCode,
    address.country,
  ]
    .filter(Boolean)
    .join(', ');
}

/** Disputes: matching a charge to its sub-order, the ledger's hold and settlement, and Stripe's dispute API. */
export function createDisputeActivities({
  collections,
  stripe,
  now,
}: {
  collections: Collections;
  stripe: Stripe;
  now: () => Date;
}) {
  const ledger = createSellerLedgerActivities({ collections, now });

  /**
   * What losing would take from the seller, given what the sub-order was credited and what returns and
   * other disputes already took back (this dispute's own entries left out, so a retry computes the same).
   */
  async function exposureOf(dispute: {
    disputeId: string;
    sellerId: string;
    subOrderId: string;
    orderId: string;
    amount: Money;
  }) {
    if (!(await collections.sellerLedger.findOne({ _id: ledgerEntryKeys.sale(dispute.subOrderId) }))) {
      // Captured before the ledger existed: post the sale first, as a refund would.
      await ledger.postSaleToLedger({ orderId: dispute.orderId, sellerId: dispute.sellerId });
    }
    const entries = await collections.sellerLedger.find({ sellerId: dispute.sellerId }).toArray();
    const own = entries.filter(
      (e) => e.subOrderId === dispute.subOrderId && e.disputeId !== dispute.disputeId,
    );
    const currency = dispute.amount.currency;
    const total = (...kinds: Array<SellerLedgerEntry['kind']>) =>
      sum(
        own.filter((e) => kinds.includes(e.kind)).map((e) => e.amount),
        currency,
      );
    const sale = own.find((e) => e.kind === 'sale');
    if (!sale) {
      throw ApplicationFailure.nonRetryable(
        `no sale posted for sub-order ${dispute.subOrderId}`,
        'SaleNotPosted',
      );
    }
    const exposure = disputeExposure({
      posted: { sale: sale.amount, commission: total('commission'), shipping: total('shipping') },
      refundedBefore: money(-total('refund', 'chargeback').amount, currency),
      commissionRefundedBefore: total('commission_refund'),
      disputed: dispute.amount,
    });
    return { exposure, alreadyPaid: paidSubOrders(entries).has(dispute.subOrderId) };
  }

  async function setStatus(disputeId: string, status: DisputeStatus, changes: Partial<DisputeDoc> = {}) {
    await collections.disputes.updateOne(
      { _id: disputeId },
      { $set: { status, ...changes, updatedAt: now() } },
    );
  }

  return {
    /**
     * Matches the disputed charge to the sub-order it paid for (one PaymentIntent per sub-order), keeps
     * back what losing would cost the seller, and records the dispute. Safe to repeat: the hold's key is
     * the dispute id, and the record is inserted once.
     */
    async openDispute(input: OpenDisputeInput): Promise<OpenedDispute> {
      const sub = input.paymentIntentId
        ? await collections.subOrders.findOne({ paymentIntentId: input.paymentIntentId })
        : null;
      const at = now();
      const base = {
        chargeId: input.chargeId,
        ...(input.paymentIntentId ? { paymentIntentId: input.paymentIntentId } : {}),
        stripeStatus: input.stripeStatus,
        reason: input.reason,
        amount: input.amount,
        ...(input.dueBy ? { dueBy: new Date(input.dueBy) } : {}),
        createdAt: at,
        updatedAt: at,
      };
      if (!sub) {
        await collections.disputes.updateOne(
          { _id: input.disputeId },
          { $setOnInsert: { ...base, status: 'unmatched' } },
          { upsert: true },
        );
        return { matched: false };
      }
      const { exposure, alreadyPaid } = await exposureOf({
        disputeId: input.disputeId,
        sellerId: sub.sellerId,
        subOrderId: sub._id,
        orderId: sub.orderId,
        amount: input.amount,
      });
      const hold = disputeHold(exposure);
      if (hold.amount < 0) {
        await postLedgerEntry(collections, {
          _id: ledgerEntryKeys.disputeHold(input.disputeId),
          sellerId: sub.sellerId,
          kind: 'dispute_hold',
          amount: hold,
          orderId: sub.orderId,
          subOrderId: sub._id,
          disputeId: input.disputeId,
          note: [
            `Held while the buyer's card dispute ${input.disputeId} on order ${sub.orderId} is open`,
            ...(alreadyPaid
              ? ['the sub-order was already paid out, so this is kept from the next payout']
              : []),
          ].join('; '),
          createdAt: at,
        });
      }
      const stored = await collections.sellerLedger.findOne({
        _id: ledgerEntryKeys.disputeHold(input.disputeId),
      });
      const held = stored?.amount ?? money(0, input.amount.currency);
      await collections.disputes.updateOne(
        { _id: input.disputeId },
        {
          $setOnInsert: {
            ...base,
            orderId: sub.orderId,
            sellerId: sub.sellerId,
            subOrderId: sub._id,
            hold: held,
            status: 'awaiting_evidence',
          },
        },
        { upsert: true },
      );
      const order = await collections.orders.findOne({ _id: sub.orderId });
      const facts: ShipmentFacts = {
        ...(sub.carrier ? { carrier: sub.carrier } : {}),
        ...(sub.trackingNumber ? { trackingNumber: sub.trackingNumber } : {}),
        ...(sub.shippedAt ? { shippedAt: new Date(sub.shippedAt).toISOString() } : {}),
        ...(sub.deliveredAt ? { deliveredAt: new Date(sub.deliveredAt).toISOString() } : {}),
        ...(order?.shipTo
          ? { shippingAddress: addressLine(order.shipTo), customerName: order.shipTo.name }
          : {}),
        productDescription: sub.lines.map((l) => `${l.quantity} x ${l.title}`).join('; '),
      };
      return {
        matched: true,
        orderId: sub.orderId,
        sellerId: sub.sellerId,
        subOrderId: sub._id,
        hold: held,
        facts,
      };
    },

    /** The dispute's projection follows its workflow (the only writer). */
    async setDisputeStatus(input: { disputeId: string; status: DisputeStatus; changes?: DisputeChanges }) {
      const { evidenceSubmittedAt, ...rest } = input.changes ?? {};
      await setStatus(input.disputeId, input.status, {
        ...rest,
        ...(evidenceSubmittedAt ? { evidenceSubmittedAt: new Date(evidenceSubmittedAt) } : {}),
      });
    },

    /** Sends the evidence and submits it (no later changes possible); the key makes a retry a no-op. */
    async submitDisputeEvidence(input: {
      disputeId: string;
      evidence: StripeEvidence;
      idempotencyKey: string;
    }): Promise<{ stripeStatus: string }> {
      try {
        const dispute = await stripe.disputes.update(
          input.disputeId,
          { evidence: input.evidence, submit: true, metadata: { submittedBy: 'marketplace' } },
          { idempotencyKey: input.idempotencyKey },
        );
        return { stripeStatus: dispute.status };
      } catch (error) {
        if (error instanceof Stripe.errors.StripeInvalidRequestError) {
          throw ApplicationFailure.nonRetryable(error.message, 'DisputeEvidenceRejected', {
            param: error.param ?? null,
          });
        }
        throw error;
      }
    },

    /** Accepts the loss on Stripe (`disputes.close`); Stripe's fee on it, when its answer shows one. */
    async closeDispute(input: { disputeId: string; idempotencyKey: string }): Promise<{ fee?: Money }> {
      try {
        const dispute = await stripe.disputes.close(
          input.disputeId,
          {},
          { idempotencyKey: input.idempotencyKey },
        );
        const fees = (dispute.balance_transactions ?? []).map((bt) => bt.fee);
        return fees.length
          ? {
              fee: money(
                fees.reduce((a, b) => a + b, 0),
                dispute.currency.toUpperCase(),
              ),
            }
          : {};
      } catch (error) {
        if (error instanceof Stripe.errors.StripeInvalidRequestError) {
          throw ApplicationFailure.nonRetryable(error.message, 'DisputeCloseRejected', {
            param: error.param ?? null,
          });
        }
        throw error;
      }
    },

    /**
     * Settles the ledger once the outcome is known: the hold goes back either way; a loss then books the
     * chargeback (only what returns did not already refund), the commission returned on it, and Stripe's
     * fee when the seller bears it. Every entry is keyed by the dispute id, so a replayed webhook or retry
     * posts nothing twice.
     */
    async settleDispute(input: {
      disputeId: string;
      outcome: DisputeOutcome;
      fee?: Money;
      feeBorneBy: DisputeFeePayer;
      status: DisputeStatus;
    }): Promise<{ sellerDebit: Money }> {
      const doc = await collections.disputes.findOne({ _id: input.disputeId });
      if (!doc?.sellerId || !doc.subOrderId || !doc.orderId) {
        throw ApplicationFailure.nonRetryable(
          `dispute ${input.disputeId} has no sub-order`,
          'DisputeUnmatched',
        );
      }
      const { sellerId, subOrderId, orderId } = doc;
      const at = now();
      const common = { sellerId, orderId, subOrderId, disputeId: input.disputeId, createdAt: at };
      const hold = await collections.sellerLedger.findOne({
        _id: ledgerEntryKeys.disputeHold(input.disputeId),
      });
      if (hold) {
        await postLedgerEntry(collections, {
          _id: ledgerEntryKeys.disputeRelease(input.disputeId),
          kind: 'dispute_release',
          amount: money(-hold.amount.amount, hold.amount.currency),
          note: `Dispute ${input.disputeId} ${input.outcome === 'won' ? 'won' : 'lost'}: the hold is released`,
          ...common,
        });
      }
      if (input.outcome === 'lost') {
        const { exposure, alreadyPaid } = await exposureOf({
          disputeId: input.disputeId,
          sellerId,
          subOrderId,
          orderId,
          amount: doc.amount,
        });
        const after = alreadyPaid
          ? ['the sub-order was already paid out, so this is taken from the next payout']
          : [];
        if (exposure.chargeback.amount < 0) {
          await postLedgerEntry(collections, {
            _id: ledgerEntryKeys.chargeback(input.disputeId),
            kind: 'chargeback',
            amount: exposure.chargeback,
            note: [
              `Card dispute ${input.disputeId} on order ${orderId} lost: the buyer's bank took the payment back`,
              ...after,
            ].join('; '),
            ...common,
          });
        }
        if (exposure.commissionRefund.amount > 0) {
          await postLedgerEntry(collections, {
            _id: ledgerEntryKeys.chargebackCommissionRefund(input.disputeId),
            kind: 'commission_refund',
            amount: exposure.commissionRefund,
            note: `Commission returned on lost dispute ${input.disputeId}`,
            ...common,
          });
        }
        if (input.feeBorneBy === 'seller' && input.fee && input.fee.amount > 0) {
          await postLedgerEntry(collections, {
            _id: ledgerEntryKeys.chargebackFee(input.disputeId),
            kind: 'chargeback_fee',
            amount: money(-input.fee.amount, input.fee.currency),
            note: `Stripe's dispute fee on lost dispute ${input.disputeId}`,
            ...common,
          });
        }
      }
      const stored = await collections.sellerLedger
        .find({
          sellerId,
          disputeId: input.disputeId,
          kind: { $in: ['chargeback', 'commission_refund', 'chargeback_fee'] },
        })
        .toArray();
      const sellerDebit = sum(
        stored.map((e) => e.amount),
        doc.amount.currency,
      );
      await setStatus(input.disputeId, input.status, { outcome: input.outcome, sellerDebit, settledAt: at });
      return { sellerDebit };
    },
  };
}
