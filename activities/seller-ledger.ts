import type { Money } from '../domain/money';
import type { Collections } from '../integrations/collections';
import { type PostReturnRefundInput, postReturnRefund } from '../payouts/refund-posting';
import { postSale } from '../payouts/sale-posting';
import { subOrderId } from './sub-orders';

/** The seller ledger's postings as activities; the rules of each posting live in payouts/. */
export function createSellerLedgerActivities(deps: { collections: Collections; now: () => Date }) {
  return {
    /** Right after capture: the sale, the marketplace's commission and the buyer's shipping, once each. */
    postSaleToLedger(input: { orderId: string; sellerId: string }): Promise<void> {
      return postSale(deps, { ...input, subOrderId: subOrderId(input.orderId, input.sellerId) });
    },

    /** A refunded return: the refund and the commission given back, netted at the next payout. */
    postReturnRefund(input: PostReturnRefundInput): Promise<{ refund: Money; commissionRefund: Money }> {
      return postReturnRefund(deps, { ...input, subOrderId: subOrderId(input.orderId, input.sellerId) });
    },
  };
}
