import type Stripe from 'stripe';
import type { Money } from '../domain/money';
import { stripeFailure } from '../integrations/stripe-errors';

export function createRefundActivities({ stripe }: { stripe: Stripe }) {
  return {
    /**
     * Refunds part (or all) of a captured payment to the buyer's card. The workflow derives the key from
     * the return id, so a retried or replayed call refunds once.
     */
    async refundPayment(input: {
      paymentIntentId: string;
      amount: Money;
      idempotencyKey: string;
      metadata: Record<string, string>;
    }): Promise<{ refundId: string; amount: Money }> {
      try {
        const refund = await stripe.refunds.create(
          { payment_intent: input.paymentIntentId, amount: input.amount.amount, metadata: input.metadata },
          { idempotencyKey: input.idempotencyKey },
        );
        return { refundId: refund.id, amount: input.amount };
      } catch (error) {
        throw stripeFailure(error, { declined: 'RefundRejected', refused: 'RefundRejected' });
      }
    },
  };
}
