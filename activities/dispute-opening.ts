import type { ShipmentFacts } from '../domain/dispute-evidence';
import { disputeHold } from '../domain/dispute-postings';
import { type Money, money } from '../domain/money';
import { ledgerEntryKeys } from '../domain/seller-ledger';
import { disputeExposureOf } from '../disputes/dispute-exposure';
import { shipmentFactsOf } from '../disputes/shipment-facts';
import type { Collections } from '../integrations/collections';
import type { SubOrderDoc } from '../orders/documents';
import { postLedgerEntry } from '../payouts/ledger-entries';
import { createSellerLedgerActivities } from './seller-ledger';

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

/** Keeps back what losing would cost the seller (once: the entry's key is the dispute id); what is held. */
async function holdForDispute(
  collections: Collections,
  postSale: () => Promise<unknown>,
  input: OpenDisputeInput,
  sub: SubOrderDoc,
  at: Date,
): Promise<Money> {
  const { exposure, alreadyPaid } = await disputeExposureOf(
    collections,
    {
      disputeId: input.disputeId,
      sellerId: sub.sellerId,
      subOrderId: sub._id,
      orderId: sub.orderId,
      amount: input.amount,
    },
    postSale,
  );
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
        ...(alreadyPaid ? ['the sub-order was already paid out, so this is kept from the next payout'] : []),
      ].join('; '),
      createdAt: at,
    });
  }
  const stored = await collections.sellerLedger.findOne({
    _id: ledgerEntryKeys.disputeHold(input.disputeId),
  });
  return stored?.amount ?? money(0, input.amount.currency);
}

/** Opening a dispute: matching the charge to its sub-order, the seller's hold, and the dispute's record. */
export function createDisputeOpeningActivities({
  collections,
  now,
}: {
  collections: Collections;
  now: () => Date;
}) {
  const ledger = createSellerLedgerActivities({ collections, now });

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
      const postSale = () => ledger.postSaleToLedger({ orderId: sub.orderId, sellerId: sub.sellerId });
      const held = await holdForDispute(collections, postSale, input, sub, at);
      const matched = { orderId: sub.orderId, sellerId: sub.sellerId, subOrderId: sub._id };
      await collections.disputes.updateOne(
        { _id: input.disputeId },
        { $setOnInsert: { ...base, ...matched, hold: held, status: 'awaiting_evidence' } },
        { upsert: true },
      );
      const order = await collections.orders.findOne({ _id: sub.orderId });
      return { matched: true, ...matched, hold: held, facts: shipmentFactsOf(sub, order) };
    },
  };
}
