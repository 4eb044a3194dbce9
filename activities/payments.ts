import { ApplicationFailure } from '@temporalio/activity';
import Stripe from 'stripe';
import type { Money } from '../domain/money';
import { stripeFailure } from '../integrations/stripe-errors';

export type AuthorizationOutcome =
  | { kind: 'authorized'; paymentIntentId: string }
  | { kind: 'requires_action'; paymentIntentId: string; clientSecret: string | null }
  | { kind: 'declined'; paymentIntentId?: string; reason: string };

export interface AuthorizePaymentInput {
  orderId: string;
  /** One authorization per seller's sub-order. */
  sellerId?: string;
  customerId: string;
  amount: Money;
  paymentMethodId: string;
  /** Minted by the workflow from the order id, so a retried or replayed call never charges twice. */
  idempotencyKey: string;
}

const paymentFailures = { declined: 'PaymentDeclined', refused: 'PaymentRejected' };
const asFailure = (error: unknown) => stripeFailure(error, paymentFailures);

export function createPaymentActivities({ stripe }: { stripe: Stripe }) {
  return {
    /** Authorizes (manual capture) the order's total: the money is held on the card, not taken yet. */
    async authorizePayment(input: AuthorizePaymentInput): Promise<AuthorizationOutcome> {
      try {
        const intent = await stripe.paymentIntents.create(
          {
            amount: input.amount.amount,
            currency: input.amount.currency.toLowerCase(),
            capture_method: 'manual',
            confirm: true,
            payment_method: input.paymentMethodId,
            automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
            metadata: {
              orderId: input.orderId,
              customerId: input.customerId,
              ...(input.sellerId ? { sellerId: input.sellerId } : {}),
            },
            transfer_group: `order-${input.orderId}`,
          },
          { idempotencyKey: input.idempotencyKey },
        );
        switch (intent.status) {
          case 'requires_capture':
          case 'succeeded':
            return { kind: 'authorized', paymentIntentId: intent.id };
          case 'requires_action':
            return {
              kind: 'requires_action',
              paymentIntentId: intent.id,
              clientSecret: intent.client_secret,
            };
          default:
            return {
              kind: 'declined',
              paymentIntentId: intent.id,
              reason: intent.last_payment_error?.message ?? `payment is ${intent.status}`,
            };
        }
      } catch (error) {
        const failure = asFailure(error);
        if (failure instanceof ApplicationFailure && failure.type === paymentFailures.declined) {
          return { kind: 'declined', reason: failure.message };
        }
        throw failure;
      }
    },

    /** After the buyer completed 3-D Secure in the storefront: where does the authorization stand now? */
    async paymentStatus(input: { paymentIntentId: string }): Promise<AuthorizationOutcome> {
      const intent = await stripe.paymentIntents.retrieve(input.paymentIntentId).catch((error: unknown) => {
        throw asFailure(error);
      });
      if (intent.status === 'requires_capture' || intent.status === 'succeeded') {
        return { kind: 'authorized', paymentIntentId: intent.id };
      }
      if (intent.status === 'requires_action') {
        return { kind: 'requires_action', paymentIntentId: intent.id, clientSecret: intent.client_secret };
      }
      return { kind: 'declined', paymentIntentId: intent.id, reason: `payment is ${intent.status}` };
    },

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
        throw asFailure(error);
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
        throw asFailure(error);
      }
    },
  };
}
