import { ApplicationFailure } from '@temporalio/activity';
import type { DisputeFeePayer, DisputeOutcome, DisputeStatus } from '../domain/dispute-status';
import { type Money, money, sum } from '../domain/money';
import { ledgerEntryKeys } from '../domain/seller-ledger';
import { disputeExposureOf, type DisputedSubOrder } from '../disputes/dispute-exposure';
import type { Collections } from '../integrations/collections';
import { postLedgerEntry } from '../payouts/ledger-entries';
import { createSellerLedgerActivities } from './seller-ledger';

export interface SettleDisputeInput {
  disputeId: string;
  outcome: DisputeOutcome;
  fee?: Money;
  feeBorneBy: DisputeFeePayer;
  status: DisputeStatus;
}

/**
 * A lost dispute's entries: the chargeback (only what returns did not already refund), the commission
 * returned on it, and Stripe's fee when the seller bears it. Each is keyed by the dispute id.
 */
async function postLoss(
  collections: Collections,
  postSale: () => Promise<unknown>,
  input: SettleDisputeInput,
  dispute: DisputedSubOrder,
  at: Date,
): Promise<void> {
  const { disputeId, sellerId, subOrderId, orderId } = dispute;
  const common = { sellerId, orderId, subOrderId, disputeId, createdAt: at };
  const { exposure, alreadyPaid } = await disputeExposureOf(collections, dispute, postSale);
  const after = alreadyPaid
    ? ['the sub-order was already paid out, so this is taken from the next payout']
    : [];
  if (exposure.chargeback.amount < 0) {
    await postLedgerEntry(collections, {
      _id: ledgerEntryKeys.chargeback(disputeId),
      kind: 'chargeback',
      amount: exposure.chargeback,
      note: [
        `Card dispute ${disputeId} on order ${orderId} lost: the buyer's bank took the payment back`,
        ...after,
      ].join('; '),
      ...common,
    });
  }
  if (exposure.commissionRefund.amount > 0) {
    await postLedgerEntry(collections, {
      _id: ledgerEntryKeys.chargebackCommissionRefund(disputeId),
      kind: 'commission_refund',
      amount: exposure.commissionRefund,
      note: `Commission returned on lost dispute ${disputeId}`,
      ...common,
    });
  }
  if (input.feeBorneBy === 'seller' && input.fee && input.fee.amount > 0) {
    await postLedgerEntry(collections, {
      _id: ledgerEntryKeys.chargebackFee(disputeId),
      kind: 'chargeback_fee',
      amount: money(-input.fee.amount, input.fee.currency),
      note: `Stripe's dispute fee on lost dispute ${disputeId}`,
      ...common,
    });
  }
}

/** Settling a dispute on Stripe's outcome: the hold comes back, a loss is booked once. */
export function createDisputeSettlementActivities({
  collections,
  now,
}: {
  collections: Collections;
  now: () => Date;
}) {
  const ledger = createSellerLedgerActivities({ collections, now });

  return {
    /**
     * Settles the ledger once the outcome is known: the hold goes back either way; a loss then books what
     * the seller loses (see postLoss). Every entry is keyed by the dispute id, so a replayed webhook or
     * retry posts nothing twice.
     */
    async settleDispute(input: SettleDisputeInput): Promise<{ sellerDebit: Money }> {
      const doc = await collections.disputes.findOne({ _id: input.disputeId });
      if (!doc?.sellerId || !doc.subOrderId || !doc.orderId) {
        throw ApplicationFailure.nonRetryable(
          `dispute ${input.disputeId} has no sub-order`,
          'DisputeUnmatched',
        );
      }
      const { sellerId, subOrderId, orderId } = doc;
      const at = now();
      const hold = await collections.sellerLedger.findOne({
        _id: ledgerEntryKeys.disputeHold(input.disputeId),
      });
      if (hold) {
        await postLedgerEntry(collections, {
          _id: ledgerEntryKeys.disputeRelease(input.disputeId),
          kind: 'dispute_release',
          amount: money(-hold.amount.amount, hold.amount.currency),
          note: `Dispute ${input.disputeId} ${input.outcome === 'won' ? 'won' : 'lost'}: the hold is released`,
          sellerId,
          orderId,
          subOrderId,
          disputeId: input.disputeId,
          createdAt: at,
        });
      }
      if (input.outcome === 'lost') {
        const postSale = () => ledger.postSaleToLedger({ orderId, sellerId });
        const dispute = { disputeId: input.disputeId, sellerId, subOrderId, orderId, amount: doc.amount };
        await postLoss(collections, postSale, input, dispute, at);
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
      await collections.disputes.updateOne(
        { _id: input.disputeId },
        {
          $set: {
            status: input.status,
            outcome: input.outcome,
            sellerDebit,
            settledAt: at,
            updatedAt: now(),
          },
        },
      );
      return { sellerDebit };
    },
  };
}
