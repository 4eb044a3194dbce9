import type Stripe from 'stripe';
import { createPaymentAuthorizationActivities } from './payment-authorization';
import { createPaymentCaptureActivities } from './payment-capture';
import { createOrderPartsAuthorizationActivities } from './order-parts-authorization';

export type { AuthorizationOutcome, AuthorizePaymentInput } from './payment-authorization';
export type { AuthorizeOrderPartsInput, PartAuthorization } from './order-parts-authorization';

/** A buyer's card payments: authorize (hold), check a hold after 3-D Secure, capture, void. */
export function createPaymentActivities(deps: { stripe: Stripe }) {
  const authorization = createPaymentAuthorizationActivities(deps);
  return {
    ...authorization,
    ...createOrderPartsAuthorizationActivities(authorization),
    ...createPaymentCaptureActivities(deps),
  };
}
