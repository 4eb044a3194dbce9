import type { Services } from '../../integrations/services';
import { call } from './http';
import { uniqueId } from './services';

export interface AccountState {
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  disabled_reason: string | null;
}

export const liveAccount: AccountState = {
  charges_enabled: true,
  payouts_enabled: true,
  details_submitted: true,
  disabled_reason: null,
};

export const restrictedAccount: AccountState = {
  charges_enabled: false,
  payouts_enabled: false,
  details_submitted: true,
  disabled_reason: 'requirements.past_due',
};

/** The body of a Stripe `account.updated` event, as Stripe sends it. */
export function accountUpdatedEvent(
  sellerId: string,
  accountId: string,
  state: AccountState,
  { id = uniqueId('evt'), created = Math.floor(Date.now() / 1000) } = {},
): string {
  const { disabled_reason, ...flags } = state;
  return JSON.stringify({
    id,
    object: 'event',
    type: 'account.updated',
    created,
    livemode: false,
    data: {
      object: {
        id: accountId,
        object: 'account',
        type: 'express',
        ...flags,
        requirements: { disabled_reason },
        metadata: { sellerId },
      },
    },
  });
}

/** Posts an event to /webhooks/stripe signed with the webhook secret, as Stripe delivers it. */
export function postStripeEvent(services: Services, baseUrl: string, payload: string) {
  return call<{ received?: boolean; duplicate?: boolean }>(baseUrl, 'POST', '/webhooks/stripe', {
    body: payload,
    headers: {
      'stripe-signature': services.stripe.webhooks.generateTestHeaderString({
        payload,
        secret: services.env.STRIPE_WEBHOOK_SECRET,
      }),
    },
  });
}
