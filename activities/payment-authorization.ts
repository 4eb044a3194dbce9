import { ApplicationFailure } from '@temporalio/activity';
import type Stripe from 'stripe';
import type { Money } from '../domain/money';
import { asPaymentFailure, paymentFailures } from './payment-failures';

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

/** Holding the buyer's money on the card (manual capture), and where such a hold stands. */
export function createPaymentAuthorizationActivities({ stripe }: { stripe: Stripe }) {
  /** Authorizes (manual capture) the order's total: the money is held on the card, not taken yet. */
  async function authorizePayment(input: AuthorizePaymentInput): Promise<AuthorizationOutcome> {
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
      const failure = asPaymentFailure(error);
      if (failure instanceof ApplicationFailure && failure.type === paymentFailures.declined) {
        return { kind: 'declined', reason: failure.message };
      }
      throw failure;
    }
  }

  return {
    /** One seller's part (orders of the first two shapes schedule one activity per part). */
    authorizePayment,

    /** After the buyer completed 3-D Secure in the storefront: where does the authorization stand now? */
    async paymentStatus(input: { paymentIntentId: string }): Promise<AuthorizationOutcome> {
      const intent = await stripe.paymentIntents.retrieve(input.paymentIntentId).catch((error: unknown) => {
        throw asPaymentFailure(error);
      });
      if (intent.status === 'requires_capture' || intent.status === 'succeeded') {
        return { kind: 'authorized', paymentIntentId: intent.id };
      }
      if (intent.status === 'requires_action') {
        return { kind: 'requires_action', paymentIntentId: intent.id, clientSecret: intent.client_secret };
      }
      return { kind: 'declined', paymentIntentId: intent.id, reason: `payment is ${intent.status}` };
    },
  };
}
