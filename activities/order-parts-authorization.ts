import { ApplicationFailure } from '@temporalio/activity';
import type { Money } from '../domain/money';
import type { AuthorizationOutcome, AuthorizePaymentInput } from './payment-authorization';
import { paymentFailures } from './payment-failures';

export interface AuthorizeOrderPartsInput {
  orderId: string;
  customerId: string;
  paymentMethodId: string;
  /** Each seller's part with its own key, minted by the workflow per payment attempt. */
  parts: Array<{ sellerId: string; amount: Money; idempotencyKey: string }>;
}

/**
 * One part's answer. `refused`: Stripe refused the request itself (a final failure of ours, not the card's),
 * answered rather than thrown so the workflow still learns which of the other parts were authorized.
 */
export type PartAuthorization = { sellerId: string } & (
  AuthorizationOutcome | { kind: 'refused'; failureType: string; reason: string }
);

export function createOrderPartsAuthorizationActivities(deps: {
  authorizePayment: (input: AuthorizePaymentInput) => Promise<AuthorizationOutcome>;
}) {
  const { authorizePayment } = deps;
  return {
    /**
     * Every part of an order at once, in one activity: each part is its own authorization under its own key,
     * asked concurrently, so the slowest part sets the pace and the order's history holds one step, not one
     * per seller. Every call ends before the activity answers or fails, so a retry never overlaps one still in
     * flight; a retry asks Stripe again under the same keys and gets the stored answers, so no part is
     * authorized twice. Declines and refusals are answers, part by part.
     */
    async authorizeOrderParts(input: AuthorizeOrderPartsInput): Promise<PartAuthorization[]> {
      const settled = await Promise.allSettled(
        input.parts.map((part) =>
          authorizePayment({
            orderId: input.orderId,
            sellerId: part.sellerId,
            customerId: input.customerId,
            amount: part.amount,
            paymentMethodId: input.paymentMethodId,
            idempotencyKey: part.idempotencyKey,
          }),
        ),
      );
      // A passing failure (network, Stripe's 5xx, a rate limit) retries the whole step.
      const passing = settled.find(
        (s): s is PromiseRejectedResult =>
          s.status === 'rejected' && !(s.reason instanceof ApplicationFailure && s.reason.nonRetryable),
      );
      if (passing) throw passing.reason;
      return settled.map((s, i): PartAuthorization => {
        const sellerId = input.parts[i]?.sellerId ?? '';
        if (s.status === 'fulfilled') return { sellerId, ...s.value };
        const failure = s.reason as ApplicationFailure;
        return {
          sellerId,
          kind: 'refused',
          failureType: failure.type ?? paymentFailures.refused,
          reason: failure.message,
        };
      });
    },
  };
}
