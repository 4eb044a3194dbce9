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

export interface DisputeEventInput {
  type:
    | 'charge.dispute.created'
    | 'charge.dispute.updated'
    | 'charge.dispute.closed'
    | 'charge.dispute.funds_withdrawn'
    | 'charge.dispute.funds_reinstated';
  disputeId: string;
  paymentIntentId: string;
  amount: number;
  status: string;
  /** Unix seconds. */
  dueBy: number;
  /** Stripe's fee on the dispute's withdrawal, listed as its balance transaction. */
  fee?: number;
  id?: string;
  created?: number;
}

/** The body of a Stripe `charge.dispute.*` event, as Stripe sends it (a dispute object inside). */
export function disputeEvent(input: DisputeEventInput): string {
  const created = input.created ?? Math.floor(Date.now() / 1000);
  return JSON.stringify({
    id: input.id ?? uniqueId('evt'),
    object: 'event',
    type: input.type,
    created,
    livemode: false,
    data: {
      object: {
        id: input.disputeId,
        object: 'dispute',
        amount: input.amount,
        currency: 'usd',
        charge: `ch_${input.disputeId.slice(3)}`,
        payment_intent: input.paymentIntentId,
        reason: 'product_not_received',
        status: input.status,
        created,
        is_charge_refundable: false,
        livemode: false,
        metadata: {},
        evidence_details: {
          due_by: input.dueBy,
          has_evidence: false,
          past_due: false,
          submission_count: 0,
        },
        balance_transactions:
          input.fee === undefined
            ? []
            : [
                {
                  id: `txn_${input.disputeId.slice(3)}`,
                  object: 'balance_transaction',
                  amount: -input.amount,
                  fee: input.fee,
                  net: -input.amount - input.fee,
                  currency: 'usd',
                  type: 'adjustment',
                },
              ],
      },
    },
  });
}

/** A fresh Stripe-shaped dispute id. */
export function newDisputeId(): string {
  return `dp_${uniqueId('t').replace(/-/g, '')}`;
}
