import { ApplicationFailure } from '@temporalio/common';
import Stripe from 'stripe';

// Stripe's own error classes tell a final answer from a passing one, and every Stripe call is mapped here
// once. A card decline or a request Stripe refuses (bad parameter, wrong state, an account that cannot take
// transfers, a key reused with other parameters, a permission the platform lacks) will be refused again
// however often it is retried: it becomes a non-retryable failure with a named type that the workflow turns
// into a decision. Rate limits, connection trouble and Stripe's own 5xx pass on as they are, so the
// activity's retry policy tries again.

export interface StripeFailureTypes {
  /** The card was declined (StripeCardError). */
  declined: string;
  /** Stripe refused the request itself (invalid request, idempotency, permission). */
  refused: string;
}

export function isPermanentStripeError(error: unknown): error is Stripe.errors.StripeError {
  return (
    error instanceof Stripe.errors.StripeCardError ||
    error instanceof Stripe.errors.StripeInvalidRequestError ||
    error instanceof Stripe.errors.StripeIdempotencyError ||
    error instanceof Stripe.errors.StripePermissionError
  );
}

/** The failure to throw for a Stripe error: named and final when it is permanent, the error itself if not. */
export function stripeFailure(error: unknown, types: StripeFailureTypes): unknown {
  if (!isPermanentStripeError(error)) return error;
  const details = {
    code: error.code ?? null,
    param: error.param ?? null,
    declineCode: error.decline_code ?? null,
    statusCode: error.statusCode ?? null,
  };
  const type = error instanceof Stripe.errors.StripeCardError ? types.declined : types.refused;
  return ApplicationFailure.nonRetryable(error.message, type, details);
}
