import type Stripe from 'stripe';
import { createPaymentAuthorizationActivities } from './payment-authorization';
import { createPaymentCaptureActivities } from './payment-capture';

export type { AuthorizationOutcome, AuthorizePaymentInput } from './payment-authorization';

/** A buyer's card payments: authorize (hold), check a hold after 3-D Secure, capture, void. */
export function createPaymentActivities(deps: { stripe: Stripe }) {
  return {
    ...createPaymentAuthorizationActivities(deps),
    ...createPaymentCaptureActivities(deps),
  };
}
