import { stripeFailure } from '../integrations/stripe-errors';

// A card Stripe declines is the buyer's to fix (another card), a request Stripe refuses is ours: both are
// business failures the workflow decides on, never retried as they are.
export const paymentFailures = { declined: 'PaymentDeclined', refused: 'PaymentRejected' };

export const asPaymentFailure = (error: unknown) => stripeFailure(error, paymentFailures);
