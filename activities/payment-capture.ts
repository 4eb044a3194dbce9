import Stripe from 'stripe';
import type { Money } from '../domain/money';
import { asPaymentFailure } from './payment-failures';

/** Taking held money for what shipped, or letting a hold go that will not be taken. */
export function createPaymentCaptureActivities({ stripe }: { stripe: Stripe }) {
  return {
    /** Takes the money for what shipped: at most the authorized amount, once per idempotency key. */
    async capturePayment(input: {
      paymentIntentId: string;
      amount: Money;
      idempotencyKey: string;
    }): Promise<Money> {
      try {
        const intent = await stripe.paymentIntents.capture(
          input.paymentIntentId,
          { amount_to_capture: input.amount.amount },
          { idempotencyKey: input.idempotencyKey },
        );
        return { amount: intent.amount_received || input.amount.amount, currency: input.amount.currency };
      } catch (error) {
        throw asPaymentFailure(error);
      }
    },

    /** Voids an authorization that will not be captured; cancelling twice is harmless. */
    async cancelPaymentAuthorization(input: {
      paymentIntentId: string;
      idempotencyKey: string;
    }): Promise<void> {
      try {
        await stripe.paymentIntents.cancel(
          input.paymentIntentId,
          {},
          { idempotencyKey: input.idempotencyKey },
        );
      } catch (error) {
        if (
          error instanceof Stripe.errors.StripeInvalidRequestError &&
          error.code === 'payment_intent_unexpected_state'
        ) {
          return;
        }
        throw asPaymentFailure(error);
      }
    },
  };
}
